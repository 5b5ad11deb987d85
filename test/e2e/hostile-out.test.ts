/**
 * Hostile --out targets: luocheck writes a regular file atomically, writes
 * through a symbolic link or a character device without replacing it,
 * refuses a FIFO, a directory, a read-only file and a missing directory
 * (before the search starts, with a one-line exit 2), and writes several
 * formats from one search.
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, lstatSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, readlinkSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { main, type Io } from '../../explorer/cli/cli.js';
import type { AnyModelSpec } from '../../explorer/spec.js';
import { MODELS } from '../../model/registry.js';

const tmp = mkdtempSync(join(tmpdir(), 'luocheck-out-'));

/** Runs the CLI in-process and counts how often a model's invariants were resolved (once per search; renderers never ask). */
function run(...argv: string[]): { code: number; out: string; err: string; builds: number } {
  let out = '';
  let err = '';
  let builds = 0;
  const models = MODELS.map((m) => ({ ...m, invariants: (...a: Parameters<AnyModelSpec['invariants']>) => (builds++, m.invariants(...a)) }) as AnyModelSpec);
  const io: Io = { out: (s) => (out += s), err: (s) => (err += s), isTTY: false };
  const code = main(argv, io, models);
  return { code, out, err, builds };
}

function refused(r: ReturnType<typeof run>, pattern: RegExp): void {
  expect(r.code).toBe(2);
  expect(r.err.trim().split('\n')).toHaveLength(1);
  expect(r.err).toMatch(pattern);
  expect(r.builds, 'refused before the search').toBe(0);
  expect(r.out).toBe('');
}

const LOST = ['check', '--model', 'lostupdate', '--format', 'json'];

describe('--out never destroys what is not a report', () => {
  it('writes through /dev/null and leaves it a character device', () => {
    const r = run(...LOST, '--out', '/dev/null');
    expect(r.code).toBe(1);
    expect(statSync('/dev/null').isCharacterDevice()).toBe(true);
  });

  it('writes through a character device node in a directory, never replacing it (when mknod is permitted)', () => {
    const dev = join(tmp, 'null-dev');
    const made = spawnSync('mknod', [dev, 'c', '1', '3']).status === 0;
    if (!made) return; // mknod needs CAP_MKNOD; /dev/null above covers the same path.
    const r = run(...LOST, '--out', dev);
    expect(r.code, r.err).toBe(1);
    expect(lstatSync(dev).isCharacterDevice()).toBe(true);
  });

  it('writes through a symbolic link: the target gets the report, the link stays a link', () => {
    const target = join(tmp, 'target.json');
    writeFileSync(target, 'old');
    const link = join(tmp, 'link.json');
    symlinkSync(target, link);
    const r = run(...LOST, '--out', link);
    expect(r.code).toBe(1);
    expect(lstatSync(link).isSymbolicLink()).toBe(true);
    expect(readlinkSync(link)).toBe(target);
    expect(JSON.parse(readFileSync(target, 'utf8')).result).toBe('violation');
  });

  it('refuses a read-only file (even as root) and leaves it as it was', () => {
    const f = join(tmp, 'ro.json');
    writeFileSync(f, 'keep me');
    chmodSync(f, 0o444);
    refused(run(...LOST, '--out', f), /--out ".*ro\.json": is read-only/);
    expect(readFileSync(f, 'utf8')).toBe('keep me');
    expect(statSync(f).mode & 0o777).toBe(0o444);
  });

  it('refuses a FIFO, a directory and a missing directory before searching', () => {
    const fifo = join(tmp, 'fifo');
    expect(spawnSync('mkfifo', [fifo]).status).toBe(0);
    refused(run(...LOST, '--out', fifo), /is a FIFO/);
    const d = join(tmp, 'adir');
    mkdirSync(d);
    refused(run(...LOST, '--out', d), /is a directory/);
    refused(run(...LOST, '--out', join(tmp, 'no', 'such', 'r.json')), /directory ".*no\/such" does not exist/);
  });

  it('keeps the mode of a file it replaces and leaves no temporary file', () => {
    const d = join(tmp, 'mode');
    mkdirSync(d);
    const f = join(d, 'r.json');
    writeFileSync(f, 'old');
    chmodSync(f, 0o640);
    expect(run(...LOST, '--out', f).code).toBe(1);
    expect(statSync(f).mode & 0o777).toBe(0o640);
    expect(readdirSync(d)).toEqual(['r.json']);
  });
});

describe('several formats from one search', () => {
  it('--format json,itf,email with three --out writes three files from one search', () => {
    const [a, b, c] = ['r.json', 't.itf.json', 'mail.txt'].map((n) => join(tmp, n));
    const r = run('check', '--model', 'lostupdate', '--format', 'json,itf,email', '--out', a!, '--out', b!, '--out', c!);
    expect(r.code).toBe(1);
    expect(r.builds).toBe(1);
    expect(JSON.parse(readFileSync(a!, 'utf8')).result).toBe('violation');
    expect(JSON.parse(readFileSync(b!, 'utf8'))['#meta'].format).toBe('ITF');
    expect(readFileSync(c!, 'utf8')).toMatch(/no-lost-update/);
    expect(r.out).toContain(`itf report written to ${b}`);
    expect(run('replay', b!).code).toBe(0);
  });

  it('a format count that does not match the --out count, or one file twice, is a usage error', () => {
    refused(run('check', '--model', 'lostupdate', '--format', 'json,itf', '--out', join(tmp, 'x.json')), /names 2 formats for 1 --out file/);
    refused(run('check', '--model', 'lostupdate', '--out', join(tmp, 'x.json'), '--out', join(tmp, 'y.json')), /names 1 format for 2 --out files/);
    refused(run('check', '--model', 'lostupdate', '--format', 'json,itf', '--out', join(tmp, 'x.json'), '--out', join(tmp, 'x.json')), /given twice/);
  });
});
