/**
 * `luocheck --help`, `luocheck COMMAND --help` and `luocheck --version`:
 * the usage of each command, listing the flags args.ts accepts for it (so a
 * new flag shows up here), and the package version.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { COMMANDS, FLAG_COMMANDS, type Command } from './args.js';

const SYNOPSIS: Readonly<Record<Command, string>> = {
  list: 'luocheck list [flags]: the models, scopes, switches, invariants and known-bug cases',
  check: 'luocheck check [POINT-FILE] [flags]: search a model for violations of its invariants, or answer a point file (docs/adding-an-action.md)',
  replay: 'luocheck replay TRACE.json|TRACE.itf.json [flags]: re-execute a saved counterexample',
  explain: 'luocheck explain INVARIANT-ID [flags]: one invariant, where its witness is reached, the cases that violate it',
  explore: 'luocheck explore [TRACE.json] [flags]: a local web page (127.0.0.1) to walk the state space step by step',
};

/** What each flag takes and does; a flag missing here is listed by name. */
const FLAG_HELP: Readonly<Record<string, string>> = {
  '--model': 'NAME      model (default iommufd; see luocheck list)',
  '--scope': 'NAME|FILE.json  scope: a named one or a scope file',
  '--variant': 'NAME    preset of switches (default fixed)',
  '--set': 'SWITCH=VALUE  one switch on top of the variant (repeatable)',
  '--mode': 'exhaustive|random|pbt  search mode (default exhaustive)',
  '--invariant': 'ID[,ID...]  check only these invariants',
  '--depth': 'N           do not expand states at depth N (exit 0 at the bound)',
  '--max-states': 'N      stop after N distinct states (exit 3); explain: the bound per scope (default 100000)',
  '--time-limit': 'SECONDS  stop after this long (exit 3, partial report)',
  '--max-memory': 'SIZE   memory cap, e.g. 2GB (default: 3/4 of the machine)',
  '--continue': '         go on after a violation; report each violated invariant',
  '--seed': 'S             random and pbt seed (decimal or 0x hex)',
  '--runs': 'N             random or fast-check runs',
  '--walk-length': 'N      steps per run (pbt: at most 100000)',
  '--path': 'P             with --mode pbt: replay fast-check\'s counterexample path',
  '--swarm': '            random: per-run action weights',
  '--shard': 'K/N         random: run only the K-th of N shares of the runs',
  '--workers': 'N         exhaustive worker threads (default: the cores the 1-minute load average leaves idle, at least 1)',
  '--symmetry': '         symmetry reduction',
  '--por': '              partial-order reduction over independent actions',
  '--format': 'F[,F...]   output format(s): text, json, itf, junit, email, kselftest, mermaid, html, dot; one per --out',
  '--coverage': '         per action and program counter: how often it fired, how many new states; never-fired ops',
  '--port': 'N             explore: the port to serve on (default: a free one)',
  '--out': 'FILE          write the report to FILE (repeatable, with a --format list)',
  '--quiet': '            no progress lines on stderr',
  '--load': 'FILE         load a JavaScript module: invariants, and fields, actions, switches, scopes (repeatable)',
};

const EXITS = 'exit codes: 0 ok, 1 violation (replay: does not replay), 2 bad input, 3 a bound stopped the run, 4 internal error';

export function helpText(command?: Command): string {
  if (command === undefined) {
    return [
      'usage: luocheck COMMAND [flags]',
      '',
      ...COMMANDS.map((c) => `  ${SYNOPSIS[c]}`),
      '',
      'luocheck COMMAND --help lists the flags of a command; luocheck --version prints the version.',
      EXITS,
      '',
    ].join('\n');
  }
  const flags = Object.keys(FLAG_COMMANDS).filter((f) => FLAG_COMMANDS[f]!.includes(command));
  return [
    `usage: ${SYNOPSIS[command]}`,
    '',
    ...flags.map((f) => {
      const [arg = '', desc = ''] = (FLAG_HELP[f] ?? '').trim().includes('  ') ? (FLAG_HELP[f] ?? '').trim().split(/\s{2,}/) : ['', (FLAG_HELP[f] ?? '').trim()];
      return `  ${`${f} ${arg}`.trimEnd().padEnd(30)} ${desc}`.trimEnd();
    }),
    '',
    EXITS,
    '',
  ].join('\n');
}

/** The version in luocheck's package.json (found above this file, from the source or the build). */
export function versionText(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 4; i++) {
    const p = join(dir, 'package.json');
    if (existsSync(p)) {
      const j = JSON.parse(readFileSync(p, 'utf8')) as { name?: string; version?: string };
      if (j.name === 'luocheck' && typeof j.version === 'string') return `luocheck ${j.version}\n`;
    }
    dir = dirname(dir);
  }
  return 'luocheck (version unknown)\n';
}
