/**
 * Where loaded code stands in an error's stack: "file:line:col" of the
 * first frame in the loaded file, with the file as the user named it, or
 * undefined when the stack does not pass through it.
 */
export function locateIn(e: unknown, file: string, path: string): string | undefined {
  const stack = e instanceof Error ? (e.stack ?? '') : '';
  for (const line of stack.split('\n')) {
    for (const p of [`file://${path}`, path]) {
      const i = line.indexOf(`${p}:`);
      if (i < 0) continue;
      const m = /^:(\d+):(\d+)/.exec(line.slice(i + p.length));
      if (m) return `${file}:${m[1]}:${m[2]}`;
    }
  }
  return undefined;
}
