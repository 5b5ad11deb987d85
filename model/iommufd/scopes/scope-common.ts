/** Names and constants the scope files share (kept apart so that scopes.ts and scopes-kexec.ts do not import each other). */
import type { FileRef } from '../state/types.js';

export type SealName = 'SEAL' | 'SHRINK' | 'GROW' | 'WRITE';

export const SEALED: readonly SealName[] = ['SEAL', 'GROW', 'SHRINK'];
export const NO_FAIL = { domainPreserve: false, khoAlloc: false, lockObj: false, freeze: false };
export const IOMMUFD: FileRef = { kind: 'iommufd' };
export const MEMFD0: FileRef = { kind: 'memfd', memfd: 0 };
export const cdev = (dev: number): FileRef => ({ kind: 'cdev', dev });

/** Page indices a memfd can have (its page cache is packed into one word of the state encoding). */
export const MAX_PAGES = 7;
