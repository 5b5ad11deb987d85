/**
 * Report files are written atomically: to a temporary file beside the target,
 * then renamed over it, so an interrupted run never leaves a truncated report.
 */
import { renameSync, writeFileSync, unlinkSync } from 'node:fs';
import { UsageError } from './errors.js';

export function writeAtomic(path: string, text: string): void {
  const tmp = `${path}.${process.pid}.tmp`;
  try {
    writeFileSync(tmp, text);
    renameSync(tmp, path);
  } catch (e) {
    try { unlinkSync(tmp); } catch { /* nothing to clean */ }
    throw new UsageError(`--out ${JSON.stringify(path)}: cannot write: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
}
