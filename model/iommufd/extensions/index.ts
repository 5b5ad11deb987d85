/**
 * Extensions folded into the tree: a --load module (fields, actions,
 * switches, scopes, invariants; docs/adding-an-action.md) that reviewers
 * want in every run becomes a TypeScript file in this folder and one line
 * in the list below, and the shipped model is built with it exactly as
 * `--load` would build it. None is folded in today; test/e2e/fold-in.test.ts
 * folds the worked example of docs/adding-an-action.md into a copy of the
 * tree and checks that it finds the same violation. A change that deserves
 * more than an extension (a field every entry point keeps, a step inside
 * an existing entry point) goes into the model itself: an entry point in
 * model/iommufd/entry/ and the declared state.
 */

/** A module as --load reads it: its named exports and its default export. */
export type ExtensionModule = Readonly<Record<string, unknown>>;

/** The folded-in extensions, each with the path it is named by in errors. */
export const TREE_EXTENSIONS: readonly { readonly file: string; readonly module: ExtensionModule }[] = [];
