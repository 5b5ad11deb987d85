/**
 * How many steps of each iommufd known-bug case `--format kselftest` performs
 * by code, read from the C it prints, for this build and (optionally) for
 * another build of luocheck, side by side:
 *
 *   npm run build && node dist/bench/kselftest-steps.js [OTHER/dist/explorer/luocheck.js]
 *
 * A step is one numbered step comment of the trace (`N. process: action`,
 * or `LUOCHECK-MANUAL: N. ...`); it is done by code when a `{` block follows
 * its comment, or when the comment says it is "performed by code" (a second
 * thread, an armed fault). The same reading applies to outputs from before
 * the step plan existed, so older builds can be compared. Each build runs
 * the cases of this build's model with the same flags; a case the other
 * build does not know (exit 2) shows as "-".
 */
import { spawnSync } from 'node:child_process';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { IOMMUFD_CASES } from '../model/iommufd/scopes/cases.js';

export interface StepCount {
  steps: number;
  code: number;
}

/** Reads the step comments of a kselftest C file: how many steps, how many done by code. */
export function countCodeSteps(c: string): StepCount {
  const lines = c.split('\n');
  const code = new Map<number, boolean>();
  for (let i = 0; i < lines.length; i++) {
    if (!/^\t+\/\*$/.test(lines[i]!)) continue;
    const m = /^\t+ \* (?:LUOCHECK-MANUAL: )?(\d+)\. /.exec(lines[i + 1] ?? '');
    let end = i + 1;
    while (end < lines.length && !/^\t+ \*\/$/.test(lines[end]!)) end++;
    if (m) {
      const text = lines.slice(i + 1, end).map((l) => l.replace(/^\t+ \* ?/, '')).join(' ');
      const done = /^\t+\{$/.test(lines[end + 1] ?? '') || text.includes('(performed by code');
      const n = Number(m[1]);
      code.set(n, (code.get(n) ?? false) || done);
    }
    i = end;
  }
  return { steps: code.size, code: [...code.values()].filter(Boolean).length };
}

/** The --format kselftest output of a case from the luocheck at `cli`, or undefined if it does not know the case. */
function render(cli: string, k: (typeof IOMMUFD_CASES)[number]): string | undefined {
  const set = Object.entries(k.set).flatMap(([n, v]) => ['--set', `${n}=${v}`]);
  const r = spawnSync(process.execPath, [cli, 'check', '--model', 'iommufd', '--scope', k.scope, '--variant', 'fixed', ...set, '--format', 'kselftest'], { encoding: 'utf8', maxBuffer: 64 * 2 ** 20 });
  return r.status === 1 ? r.stdout : undefined;
}

function main(): void {
  const here = dirname(fileURLToPath(import.meta.url));
  const self = resolve(here, '../explorer/cli/luocheck.js');
  const other = process.argv[2];
  const cell = (s: StepCount | undefined) => (s ? `${s.code} of ${s.steps}` : '-');
  const head = ['case', ...(other ? ['code steps, other build'] : []), 'code steps, this build'];
  console.log(`| ${head.join(' | ')} |`);
  console.log(`|${head.map(() => '---').join('|')}|`);
  for (const k of IOMMUFD_CASES.filter((x) => x.expect === 'violation')) {
    const now = render(self, k);
    const then = other ? render(resolve(other), k) : undefined;
    const count = (c: string | undefined) => (c === undefined ? undefined : countCodeSteps(c));
    const cells = [k.id, ...(other ? [cell(count(then))] : []), cell(count(now))];
    console.log(`| ${cells.join(' | ')} |`);
  }
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) main();
