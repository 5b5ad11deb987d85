/** Reading the C a `--format kselftest` run writes, for the tests that check it. */

/** The C without its comments: what the test would run. */
export const code = (c: string): string => c.replace(/\/\*[\s\S]*?\*\//g, '');
/** The comments' lines joined back into sentences (at any indent). */
export const flat = (c: string): string => c.replace(/\n\t* \* /g, ' ');
/** How many times `sub` occurs in `s`. */
export const count = (s: string, sub: string): number => s.split(sub).length - 1;
/** Whether every one of `parts` occurs in `s`, each after the one before. */
export const inOrder = (s: string, parts: readonly string[]): boolean => {
  const at = parts.map((p) => s.indexOf(p));
  return at.every((x) => x >= 0) && at.every((x, i) => i === 0 || x > at[i - 1]!);
};
