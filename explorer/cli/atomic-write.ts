/**
 * Report files (`--out`). A regular file is written atomically: to a new
 * temporary file beside it (created exclusively, with the old file's mode),
 * then renamed over it, so an interrupted run never leaves a truncated
 * report. Nothing else is ever replaced:
 * - a symbolic link is written through: its target is what gets written,
 *   and the link stays;
 * - a character device (/dev/null, /dev/stdout) is written through, never
 *   replaced by a file;
 * - a FIFO, socket, block device or directory is refused;
 * - a file we may not write, or that nobody may write (no write bit set,
 *   even for root), is refused, as a shell redirection would refuse it;
 * - a missing directory or one we may not write in is refused.
 * `checkOut` applies these rules before the search starts, so a bad `--out`
 * costs nothing; `writeOut` applies them again when writing.
 */
import { accessSync, closeSync, constants, fchmodSync, fsyncSync, lstatSync, openSync, realpathSync, renameSync, statSync, unlinkSync, writeSync, type Stats } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { basename, dirname, join } from 'node:path';
import { UsageError } from '../errors.js';

type Target = { kind: 'file'; path: string; mode?: number } | { kind: 'device'; path: string };

function fail(path: string, why: string): UsageError {
  return new UsageError(`--out ${JSON.stringify(path)}: ${why}`);
}

function stat(p: string, follow: boolean): Stats | undefined {
  try {
    return follow ? statSync(p) : lstatSync(p);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw e;
  }
}

function writable(p: string): boolean {
  try {
    accessSync(p, constants.W_OK);
    return true;
  } catch {
    return false;
  }
}

/** Where and how `path` is written, or a UsageError saying why it may not be. */
export function checkOut(path: string): Target {
  try {
    let real = path;
    const l = stat(path, false);
    if (l?.isSymbolicLink()) {
      const t = stat(path, true);
      // A dangling link: write the file it names, in a directory that must exist.
      real = t ? realpathSync(path) : join(realpathSync(dirname(path)), basename(path));
      if (!t && stat(real, false)?.isSymbolicLink()) throw fail(path, 'is a symbolic link to a symbolic link that leads nowhere');
    }
    const s = l?.isSymbolicLink() ? stat(real, true) : l;
    if (s === undefined) {
      const dir = dirname(real);
      const d = stat(dir, true);
      if (d === undefined) throw fail(path, `directory ${JSON.stringify(dir)} does not exist`);
      if (!d.isDirectory()) throw fail(path, `${JSON.stringify(dir)} is not a directory`);
      if (!writable(dir)) throw fail(path, `directory ${JSON.stringify(dir)} is not writable`);
      return { kind: 'file', path: real };
    }
    if (s.isDirectory()) throw fail(path, 'is a directory');
    if (s.isCharacterDevice()) {
      if (!writable(real)) throw fail(path, 'is a device that is not writable');
      return { kind: 'device', path: real };
    }
    if (s.isFIFO()) throw fail(path, 'is a FIFO; luocheck writes reports to regular files or character devices');
    if (s.isSocket()) throw fail(path, 'is a socket; luocheck writes reports to regular files or character devices');
    if (s.isBlockDevice()) throw fail(path, 'is a block device; luocheck never writes to one');
    if (!s.isFile()) throw fail(path, 'is not a regular file');
    if ((s.mode & 0o222) === 0 || !writable(real)) throw fail(path, 'is read-only; luocheck does not replace it');
    const dir = dirname(real);
    if (!writable(dir)) throw fail(path, `directory ${JSON.stringify(dir)} is not writable, so the file cannot be replaced atomically`);
    return { kind: 'file', path: real, mode: s.mode & 0o7777 };
  } catch (e) {
    if (e instanceof UsageError) throw e;
    throw fail(path, `cannot write: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
}

function writeAll(fd: number, text: string): void {
  const buf = Buffer.from(text, 'utf8');
  for (let off = 0; off < buf.length; ) off += writeSync(fd, buf, off, buf.length - off);
}

export function writeOut(path: string, text: string): void {
  const t = checkOut(path);
  if (t.kind === 'device') {
    let fd: number | undefined;
    try {
      fd = openSync(t.path, constants.O_WRONLY | constants.O_APPEND);
      writeAll(fd, text);
    } catch (e) {
      throw fail(path, `cannot write: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
    } finally {
      if (fd !== undefined) closeSync(fd);
    }
    return;
  }
  const tmp = join(dirname(t.path), `.${basename(t.path)}.${randomBytes(6).toString('hex')}.tmp`);
  let fd: number | undefined;
  try {
    fd = openSync(tmp, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL, t.mode ?? 0o666);
    if (t.mode !== undefined) fchmodSync(fd, t.mode);
    writeAll(fd, text);
    fsyncSync(fd);
    closeSync(fd);
    fd = undefined;
    renameSync(tmp, t.path);
  } catch (e) {
    if (fd !== undefined) closeSync(fd);
    try { unlinkSync(tmp); } catch { /* nothing to clean */ }
    throw fail(path, `cannot write: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
}

/** Kept for callers that write one file: the same as writeOut. */
export const writeAtomic = writeOut;
