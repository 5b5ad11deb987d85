/**
 * What every transition reads besides the state: the decoded variant and the
 * scope (menus of the VMM threads, injected failures).
 */
import type { IommufdScope } from './scopes.js';
import type { Switches } from './variants.js';

export interface Ctx {
  readonly sw: Switches;
  readonly scope: IommufdScope;
}
