/**
 * Plain-text wrapping for mail: words are wrapped at a column with a prefix
 * on the first line and an indent on the others; a word longer than a line
 * (a JSON value in a diff) breaks after a comma outside its strings, and a
 * piece still too long is split, so no line ever exceeds the width. Commands wrap with shell
 * continuations, so a wrapped command still pastes into a terminal.
 */

export const MAIL_WIDTH = 72;

/**
 * The pieces a word longer than a line may be broken into: it breaks after
 * each comma outside a double-quoted string, so a JSON value wraps between
 * its members and never inside a key or a string.
 */
export function breakPieces(word: string): string[] {
  const out: string[] = [];
  let start = 0;
  let inString = false;
  for (let i = 0; i < word.length; i++) {
    const c = word[i];
    if (inString) {
      if (c === '\\') i++;
      else if (c === '"') inString = false;
    } else if (c === '"') inString = true;
    else if (c === ',') {
      out.push(word.slice(start, i + 1));
      start = i + 1;
    }
  }
  if (start < word.length) out.push(word.slice(start));
  return out;
}

/** The number of double quotes in `w` that are not escaped. */
function quotes(w: string): number {
  let n = 0;
  for (let i = 0; i < w.length; i++) {
    if (w[i] === '\\') i++;
    else if (w[i] === '"') n++;
  }
  return n;
}

/**
 * The words of `text`: split at whitespace, except inside a double-quoted
 * string (a JSON string such as "hwpt1 tables"), which stays one word with
 * its spaces as they were. A quote left open at the end is prose, not JSON:
 * its words split as usual.
 */
export function words(text: string): string[] {
  const plain = [...text.matchAll(/\S+/g)].map((m) => ({ at: m.index, end: m.index + m[0].length, w: m[0] }));
  const out: string[] = [];
  for (let i = 0; i < plain.length; i++) {
    let j = i;
    let open = quotes(plain[i]!.w) % 2 === 1;
    while (open && j + 1 < plain.length) {
      j++;
      if (quotes(plain[j]!.w) % 2 === 1) open = false;
    }
    if (open) {
      out.push(plain[i]!.w);
      continue;
    }
    out.push(text.slice(plain[i]!.at, plain[j]!.end));
    i = j;
  }
  return out;
}

/**
 * Where to split a piece too long for a line with `room` columns: at the
 * last JSON structure boundary that fits (after `{`, `[` or `:`, before `}`
 * or `]`, outside strings), else at `room` (only an overlong string or
 * number is cut where the line ends).
 */
function softBreak(piece: string, room: number): number {
  let best = 0;
  let inString = false;
  for (let i = 0; i < piece.length && i < room; i++) {
    const c = piece[i];
    if (inString) {
      if (c === '\\') i++;
      else if (c === '"') inString = false;
      continue;
    }
    if (c === '"') inString = true;
    else if ((c === '{' || c === '[' || c === ':') && i + 1 <= room) best = i + 1;
    else if ((c === '}' || c === ']') && i > 0) best = i;
  }
  return best > 0 ? best : room;
}

/**
 * Wraps `text` to `width` columns at spaces outside double-quoted strings
 * (words): `first` starts line one, `rest` starts the others. A word longer than a line breaks after its commas
 * outside strings (breakPieces); a piece longer than a line breaks at a
 * JSON boundary (softBreak), and only failing that where the line ends.
 */
export function wrap(text: string, width: number, first = '', rest = first.replace(/./g, ' ')): string[] {
  const lines: string[] = [];
  let line = first;
  let empty = true;
  const room = (prefix: string) => Math.max(1, width - prefix.length);
  const newLine = () => {
    lines.push(line);
    line = rest;
    empty = true;
  };
  for (const word of words(text)) {
    const sep = empty ? '' : ' ';
    if (line.length + sep.length + word.length <= width) {
      line += sep + word;
      empty = false;
      continue;
    }
    if (!empty && rest.length + word.length <= width) {
      newLine();
      line += word;
      empty = false;
      continue;
    }
    breakPieces(word).forEach((piece, i) => {
      const join = i === 0 && !empty ? ' ' : '';
      if (line.length + join.length + piece.length <= width) {
        line += join + piece;
        empty = false;
        return;
      }
      if (!empty) newLine();
      let left = piece;
      while (line.length + left.length > width) {
        const n = softBreak(left, room(line));
        lines.push(line + left.slice(0, n));
        left = left.slice(n);
        line = rest;
      }
      line += left;
      empty = false;
    });
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
