/**
 * Plain-text wrapping for mail: words are wrapped at a column with a prefix
 * on the first line and an indent on the others; a word longer than a line is
 * split, so no line ever exceeds the width. Commands wrap with shell
 * continuations, so a wrapped command still pastes into a terminal.
 */

export const MAIL_WIDTH = 72;

/** Wraps `text` to `width` columns: `first` starts line one, `rest` starts the others. */
export function wrap(text: string, width: number, first = '', rest = first.replace(/./g, ' ')): string[] {
  const lines: string[] = [];
  let line = first;
  let empty = true;
  const room = (prefix: string) => Math.max(1, width - prefix.length);
  for (const word of text.split(/\s+/).filter((w) => w.length > 0)) {
    const sep = empty ? '' : ' ';
    if (line.length + sep.length + word.length <= width) {
      line += sep + word;
      empty = false;
      continue;
    }
    if (!empty) {
      lines.push(line);
      line = rest;
      empty = true;
    }
    let left = word;
    while (line.length + left.length > width) {
      const n = room(line);
      lines.push(line + left.slice(0, n));
      left = left.slice(n);
      line = rest;
    }
    line += left;
    empty = false;
  }
  lines.push(line);
  return lines.map((l) => l.trimEnd());
}

/**
 * Wraps a shell command at spaces with backslash continuations, indented by
 * `indent`. A word too long for a line is split with a bare backslash and
 * continues at column 0, which the shell joins back into one word.
 */
export function wrapCommand(cmd: string, width: number, indent: string): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of cmd.split(' ').filter((w) => w.length > 0)) {
    if (line !== '' && line.length + 1 + word.length + 2 <= width) {
      line += ` ${word}`;
      continue;
    }
    if (line !== '') lines.push(`${line} \\`);
    let rest = word;
    line = line === '' ? indent : `${indent}  `;
    while (line.length + rest.length + 2 > width) {
      const n = Math.max(1, width - line.length - 1);
      lines.push(`${line}${rest.slice(0, n)}\\`);
      rest = rest.slice(n);
      line = '';
    }
    line += rest;
  }
  lines.push(line);
  return lines;
}
