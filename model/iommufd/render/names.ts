/**
 * How the model's objects read in labels and the JSON view: 1-based names
 * (hwpt1, ioas1, memfd1, dev1), seal masks and LUO files. Shared by view.ts
 * and the entry points' labels (entry/).
 */
import { SEAL_NAMES, FILE_CDEV, FILE_IOMMUFD, type FileRef } from '../state/types.js';

export const hw = (i: number) => `hwpt${i + 1}`;
export const io = (i: number) => `ioas${i + 1}`;
export const mf = (i: number) => `memfd${i + 1}`;
export const dv = (i: number) => `dev${i + 1}`;

export function sealsText(mask: number): string {
  const names = SEAL_NAMES.filter(([, v]) => mask & v).map(([n]) => n);
  return names.length ? names.join('|') : 'none';
}

export function fileRefText(f: FileRef): string {
  return f.kind === 'memfd' ? mf(f.memfd) : f.kind === 'iommufd' ? 'iommufd' : `cdev(${dv(f.dev)})`;
}

export function fileText(file: number): string {
  return file === FILE_IOMMUFD ? 'iommufd' : file >= FILE_CDEV ? `cdev(${dv(file - FILE_CDEV)})` : mf(file);
}
