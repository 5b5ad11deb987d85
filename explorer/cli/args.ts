/**
 * Command-line parsing (README, "Command line"). Every flag is checked
 * here, before any exploration: a bad one is a UsageError naming the bad value
 * and the accepted ones.
 */
import { UsageError, oneOf } from '../errors.js';
import { parseSize } from '../search/limits.js';

export const COMMANDS = ['list', 'check', 'replay', 'explain', 'explore'] as const;
export type Command = (typeof COMMANDS)[number];
export const MODES = ['exhaustive', 'random', 'pbt'] as const;
export type Mode = (typeof MODES)[number];
export const FORMATS = ['text', 'json', 'itf', 'junit', 'email', 'kselftest', 'mermaid', 'html', 'dot'] as const;
export type Format = (typeof FORMATS)[number];

/** The longest --walk-length of --mode pbt. */
export const MAX_PBT_WALK = 100_000;

export interface CheckArgs {
  model?: string;
  scope?: string;
  variant?: string;
  sets: [string, string][];
  mode: Mode;
  invariants?: string[];
  depth?: number;
  maxStates?: number;
  timeLimit?: number;
  continue: boolean;
  seed: number;
  runs?: number;
  walkLength?: number;
  path?: string;
  swarm: boolean;
  shard?: { index: number; count: number };
  /** Symmetry reduction (BuildOptions.symmetry). */
  symmetry?: boolean;
  /** Partial-order reduction over independent actions (Model.independent). */
  por?: boolean;
  /** Memory cap in bytes (--max-memory); default: explorer/search/limits.ts defaultMaxMemory(). */
  maxMemory?: number;
  /** Worker threads of the exhaustive search (default: explorer/search/parallel.ts defaultWorkers, when the model packs its states). */
  workers?: number;
  /** The first of `formats` (the one format of a run without several --out). */
  format: Format;
  /** --format F[,F...]: one per --out, in order. */
  formats: Format[];
  /** The first of `outs`. */
  out?: string;
  /** --out FILE, repeatable: the i-th file gets the i-th format. */
  outs: string[];
  /** No progress lines on stderr (--quiet). */
  quiet?: boolean;
  /** Modules of extra invariants (--load, repeatable; explorer/cli/load.ts). */
  loads?: string[];
  /** Per-action coverage after the run (explorer/search/coverage.ts). */
  coverage?: boolean;
  /** explore: the port to serve on (default: a free one). */
  port?: number;
  /** check POINT-FILE: a point file (explorer/cli/point.ts) as the user named it. */
  point?: string;
  /** --format was given (a point file's default format is email). */
  formatGiven?: boolean;
}

export interface ParsedArgs {
  command: Command;
  /** --help (of the whole program, or of `command`) or --version: print it and exit 0. */
  info?: { kind: 'help'; command?: Command } | { kind: 'version' };
  positional: string[];
  check: CheckArgs;
}

type FlagKind = 'string' | 'int' | 'bool' | 'number';
interface FlagSpec {
  readonly kind: FlagKind;
  readonly commands: readonly Command[];
}

const FLAGS: Readonly<Record<string, FlagSpec>> = {
  '--model': { kind: 'string', commands: ['check', 'explore'] },
  '--scope': { kind: 'string', commands: ['check', 'explore'] },
  '--variant': { kind: 'string', commands: ['check', 'explore'] },
  '--set': { kind: 'string', commands: ['check', 'explore'] },
  '--mode': { kind: 'string', commands: ['check'] },
  '--invariant': { kind: 'string', commands: ['check', 'replay', 'explore'] },
  '--depth': { kind: 'int', commands: ['check'] },
  '--max-states': { kind: 'int', commands: ['check', 'explain'] },
  '--time-limit': { kind: 'number', commands: ['check'] },
  '--continue': { kind: 'bool', commands: ['check'] },
  '--seed': { kind: 'string', commands: ['check'] },
  '--runs': { kind: 'int', commands: ['check'] },
  '--walk-length': { kind: 'int', commands: ['check'] },
  '--path': { kind: 'string', commands: ['check'] },
  '--swarm': { kind: 'bool', commands: ['check'] },
  '--shard': { kind: 'string', commands: ['check'] },
  '--workers': { kind: 'int', commands: ['check'] },
  '--max-memory': { kind: 'string', commands: ['check'] },
  '--symmetry': { kind: 'bool', commands: ['check'] },
  '--coverage': { kind: 'bool', commands: ['check'] },
  '--port': { kind: 'int', commands: ['explore'] },
  '--por': { kind: 'bool', commands: ['check'] },
  '--format': { kind: 'string', commands: ['check', 'list'] },
  '--load': { kind: 'string', commands: ['check', 'list', 'explain', 'replay', 'explore'] },
  '--out': { kind: 'string', commands: ['check'] },
  '--quiet': { kind: 'bool', commands: ['check'] },
};

const USAGE = `usage: luocheck list|check|replay TRACE.json|explain INVARIANT-ID|explore [TRACE.json] [flags]; luocheck --help`;

/** The commands that accept each flag (for --help). */
export const FLAG_COMMANDS: Readonly<Record<string, readonly Command[]>> = Object.fromEntries(Object.entries(FLAGS).map(([f, spec]) => [f, spec.commands]));

function parseNonNegInt(flag: string, v: string): number {
  if (!/^\d+$/.test(v)) throw new UsageError(`${flag} ${JSON.stringify(v)}: expected a non-negative integer`);
  const n = Number(v);
  if (!Number.isSafeInteger(n)) throw new UsageError(`${flag} ${v}: too large`);
  return n;
}

/** A seed: a decimal or 0x-hex integer from 0 to 2^32-1. */
export function parseSeed(v: string): number {
  const n = /^\d+$/.test(v) ? Number(v) : /^0x[0-9a-f]+$/i.test(v) ? parseInt(v, 16) : NaN;
  if (!Number.isSafeInteger(n) || n > 0xffffffff) {
    throw new UsageError(`--seed ${JSON.stringify(v)}: expected an integer from 0 to 4294967295 (decimal or 0x hex)`);
  }
  return n;
}

function parseShard(v: string): { index: number; count: number } {
  const m = /^(\d+)\/(\d+)$/.exec(v);
  const index = m ? Number(m[1]) : NaN;
  const count = m ? Number(m[2]) : NaN;
  if (!m || count < 1 || index < 1 || index > count || count > 1_000_000) {
    throw new UsageError(`--shard ${JSON.stringify(v)}: expected K/N with 1 <= K <= N, e.g. 2/4`);
  }
  return { index: index - 1, count };
}

function pick<T extends string>(flag: string, v: string, values: readonly T[]): T {
  if (!(values as readonly string[]).includes(v)) throw new UsageError(`${flag} ${JSON.stringify(v)}: accepted: ${oneOf(values)}`);
  return v as T;
}

export function parseArgs(argv: readonly string[]): ParsedArgs {
  const [cmd, ...rest] = argv;
  if (cmd === undefined) throw new UsageError(`no command given; accepted: ${oneOf(COMMANDS)} (${USAGE})`);
  const empty = (): CheckArgs => ({ sets: [], mode: 'exhaustive', continue: false, seed: 0, swarm: false, format: 'text', formats: ['text'], outs: [] });
  if (cmd === '--help' || cmd === '-h' || cmd === 'help') {
    const about = rest[0] !== undefined && (COMMANDS as readonly string[]).includes(rest[0]) ? (rest[0] as Command) : undefined;
    return { command: about ?? 'list', positional: [], check: empty(), info: { kind: 'help', ...(about ? { command: about } : {}) } };
  }
  if (cmd === '--version' || cmd === '-V') return { command: 'list', positional: [], check: empty(), info: { kind: 'version' } };
  const command = pick('command', cmd, COMMANDS);
  if (rest.includes('--help') || rest.includes('-h')) return { command, positional: [], check: empty(), info: { kind: 'help', command } };
  const check: CheckArgs = { sets: [], mode: 'exhaustive', continue: false, seed: 0, swarm: false, format: 'text', formats: ['text'], outs: [] };
  const positional: string[] = [];
  const seen = new Set<string>();
  for (let i = 0; i < rest.length; i++) {
    const arg = rest[i]!;
    if (!arg.startsWith('--')) {
      positional.push(arg);
      continue;
    }
    const eq = arg.indexOf('=');
    const flag = eq > 0 ? arg.slice(0, eq) : arg;
    const spec = FLAGS[flag];
    const forCmd = Object.keys(FLAGS).filter((f) => FLAGS[f]!.commands.includes(command));
    if (!spec || !spec.commands.includes(command)) {
      throw new UsageError(`unknown flag ${JSON.stringify(flag)} for "${command}"; accepted: ${oneOf(forCmd)}`);
    }
    if (flag !== '--set' && flag !== '--load' && flag !== '--out' && seen.has(flag)) throw new UsageError(`${flag} given twice`);
    seen.add(flag);
    let value: string | undefined;
    if (spec.kind === 'bool') {
      if (eq > 0) throw new UsageError(`${flag} takes no value`);
    } else if (eq > 0) {
      value = arg.slice(eq + 1);
    } else {
      value = rest[++i];
      if (value === undefined) throw new UsageError(`${flag} needs a value`);
    }
    applyFlag(check, flag, value);
  }
  const maxPositional = command === 'replay' || command === 'explain' || command === 'explore' || command === 'check' ? 1 : 0;
  if (positional.length > maxPositional) throw new UsageError(`unexpected argument ${JSON.stringify(positional[maxPositional])}`);
  if (command === 'check' && positional[0] !== undefined) {
    check.point = positional[0];
    if (check.scope !== undefined) throw new UsageError(`--scope ${check.scope} with a point file: the point file ${JSON.stringify(positional[0])} gives the scope`);
  }
  check.formatGiven = seen.has('--format');
  if (maxPositional === 1 && positional.length === 0 && command !== 'explore' && command !== 'check') {
    throw new UsageError(command === 'replay' ? 'replay needs a trace file: luocheck replay TRACE.json' : 'explain needs an invariant id: luocheck explain INVARIANT-ID');
  }
  if (check.mode === 'pbt' && check.walkLength !== undefined && check.walkLength > MAX_PBT_WALK) {
    throw new UsageError(`--walk-length ${check.walkLength} with --mode pbt: at most ${MAX_PBT_WALK} (fast-check builds each sequence in memory before it runs; --mode random walks any length)`);
  }
  if (check.path !== undefined && check.mode !== 'pbt') throw new UsageError('--path replays a fast-check failure and needs --mode pbt');
  if (check.coverage && check.mode === 'pbt') throw new UsageError('--coverage counts exhaustive and random runs: use --mode exhaustive or random, not pbt');
  if (check.outs.length > 1 || check.formats.length > 1) {
    if (check.formats.length !== check.outs.length) {
      throw new UsageError(`--format ${check.formats.join(',')} names ${check.formats.length} format${check.formats.length === 1 ? '' : 's'} for ${check.outs.length} --out file${check.outs.length === 1 ? '' : 's'}; give one format per --out, in the same order (e.g. --format json,itf --out r.json --out t.itf.json)`);
    }
    const twice = check.outs.find((o, i) => check.outs.indexOf(o) !== i);
    if (twice !== undefined) throw new UsageError(`--out ${JSON.stringify(twice)} given twice`);
  }
  if (command === 'list' && (check.formats.length > 1 || (check.format !== 'text' && check.format !== 'json'))) throw new UsageError(`--format ${JSON.stringify(check.formats.join(','))} for list: accepted: text or json`);
  return { command, positional, check };
}

function applyFlag(c: CheckArgs, flag: string, v: string | undefined): void {
  const val = v ?? '';
  if (v !== undefined && v.length === 0) throw new UsageError(`${flag} needs a non-empty value`);
  switch (flag) {
    case '--model': c.model = val; break;
    case '--scope': c.scope = val; break;
    case '--variant': c.variant = val; break;
    case '--set': {
      const m = /^([A-Za-z][\w-]*)=(.+)$/.exec(val);
      if (!m) throw new UsageError(`--set ${JSON.stringify(val)}: expected SWITCH=VALUE`);
      c.sets.push([m[1]!, m[2]!]);
      break;
    }
    case '--mode': c.mode = pick(flag, val, MODES); break;
    case '--invariant': c.invariants = val.split(',').map((s) => s.trim()); break;
    case '--depth': c.depth = parseNonNegInt(flag, val); break;
    case '--max-states': c.maxStates = parseNonNegInt(flag, val); break;
    case '--time-limit': {
      const n = Number(val);
      if (!/^\d+(\.\d+)?$/.test(val) || !(n > 0)) throw new UsageError(`--time-limit ${JSON.stringify(val)}: expected a positive number of seconds`);
      c.timeLimit = n;
      break;
    }
    case '--continue': c.continue = true; break;
    case '--seed': c.seed = parseSeed(val); break;
    case '--runs': c.runs = parseNonNegInt(flag, val); break;
    case '--walk-length': c.walkLength = parseNonNegInt(flag, val); break;
    case '--path': {
      if (!/^\d+(:\d+)*$/.test(val)) throw new UsageError(`--path ${JSON.stringify(val)}: expected fast-check's path, e.g. 3:0:1`);
      c.path = val;
      break;
    }
    case '--swarm': c.swarm = true; break;
    case '--shard': c.shard = parseShard(val); break;
    case '--workers': {
      c.workers = parseNonNegInt(flag, val);
      if (c.workers < 1 || c.workers > 64) throw new UsageError(`--workers ${val}: expected 1 to 64`);
      break;
    }
    case '--max-memory': c.maxMemory = parseSize(flag, val); break;
    case '--symmetry': c.symmetry = true; break;
    case '--coverage': c.coverage = true; break;
    case '--port': {
      c.port = parseNonNegInt(flag, val);
      if (c.port > 65535) throw new UsageError(`--port ${val}: expected 0 to 65535 (0: a free port)`);
      break;
    }
    case '--por': c.por = true; break;
    case '--quiet': c.quiet = true; break;
    case '--format':
      c.formats = val.split(',').map((f) => pick(flag, f.trim(), FORMATS));
      c.format = c.formats[0]!;
      break;
    case '--out': c.outs.push(val); c.out ??= val; break;
    case '--load': (c.loads ??= []).push(val); break;
  }
}
