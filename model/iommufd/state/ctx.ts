/**
 * What every transition reads besides the state: the decoded variant and the
 * scope (menus of the VMM threads, injected failures), and what --load
 * extensions added (their entry points and fields).
 */
import type { Variant } from '../../../explorer/spec.js';
import type { Ext } from '../extension.js';
import type { IommufdScope } from '../scopes/scopes.js';
import type { Switches } from '../scopes/variants.js';

export interface Ctx {
  readonly sw: Switches;
  readonly scope: IommufdScope;
  /** The extensions the model was built with (undefined: none). */
  readonly ext?: Ext;
  /** Every switch's value as given, the extensions' included. */
  readonly variant?: Variant;
}
