/**
 * One measured run, in its own process: runs `luocheck check ARGS... --format
 * json` in-process and prints one JSON line with the report's figures and the
 * process's peak resident set size. bench/run.ts spawns it once per sample.
 */
import { main } from '../explorer/cli/cli.js';

let out = '';
const code = main(process.argv.slice(2).concat(['--format', 'json']), {
  out: (s) => (out += s),
  err: (s) => process.stderr.write(s),
  isTTY: false,
});
const report = JSON.parse(out) as { result: string; stats: Record<string, number> };
process.stdout.write(
  JSON.stringify({ code, result: report.result, ...report.stats, maxRssBytes: process.resourceUsage().maxRSS * 1024 }) + '\n',
);
