import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { main, type Io } from '../../explorer/cli/cli.js';

function run(...argv: string[]): { code: number; out: string; err: string } {
  let out = '';
  let err = '';
  const io: Io = { out: (s) => (out += s), err: (s) => (err += s), isTTY: false };
  const code = main(argv, io);
  return { code, out, err };
}

const tmp = mkdtempSync(join(tmpdir(), 'luocheck-'));

describe('luocheck check', () => {
  it('bench small: exact counts in the JSON contract, exit 0', () => {
    const r = run('check', '--model', 'bench', '--scope', 'small', '--format', 'json');
    expect(r.code).toBe(0);
    const j = JSON.parse(r.out);
    expect(j.result).toBe('ok');
    expect(j.stats.distinctStates).toBe(116369);
    expect(j.stats.transitions).toBe(315985);
    expect(j).toMatchObject({ model: 'bench', scope: 'small', mode: 'exhaustive', violations: [] });
  });

  it('twophase: 288 distinct states', () => {
    const j = JSON.parse(run('check', '--model', 'twophase', '--format', 'json').out);
    expect(j.stats.distinctStates).toBe(288);
  });

  it('a state bound that stops the run exits 3 with a partial report', () => {
    const r = run('check', '--model', 'bench', '--scope', 'small', '--max-states', '1000');
    expect(r.code).toBe(3);
    expect(r.out).toContain('[incomplete]');
    expect(r.out).toContain('stopped by max-states');
  });

  it('a time limit that stops the run exits 3', () => {
    expect(run('check', '--model', 'bench', '--scope', 'large', '--time-limit', '0.05').code).toBe(3);
  });

  it('scope files give any P,K,M', () => {
    const f = join(tmp, 'p3.json');
    writeFileSync(f, JSON.stringify({ P: 3, K: 3, M: 2 }));
    const j = JSON.parse(run('check', '--model', 'bench', '--scope', f, '--format', 'json').out);
    expect(j.stats.distinctStates).toBe(1612);
    expect(j.stats.transitions).toBe(3345);
    expect(j.scopeBounds).toEqual({ P: 3, K: 3, M: 2 });
  });

  it('finds the toy bug in all three modes (exit 1) and passes it fixed', () => {
    for (const mode of ['exhaustive', 'random', 'pbt']) {
      const r = run('check', '--model', 'lostupdate', '--mode', mode, '--format', 'json');
      expect(r.code).toBe(1);
      expect(JSON.parse(r.out).violations[0].invariant).toBe('no-lost-update');
    }
    expect(run('check', '--model', 'lostupdate', '--variant', 'fixed').code).toBe(0);
    expect(run('check', '--model', 'lostupdate', '--set', 'lock=on', '--mode', 'random', '--runs', '50').code).toBe(0);
  });

  it('the pbt report prints the seed and path, and --path replays it', () => {
    const r = run('check', '--model', 'lostupdate', '--mode', 'pbt', '--seed', '5');
    expect(r.out).toMatch(/fast-check seed 5 path [\d:]+/);
    const cmd = /reproduce: luocheck (.*)$/m.exec(r.out)![1]!.split(' ');
    const again = run(...cmd);
    expect(again.code).toBe(1);
    const traceOf = (out: string) => out.slice(out.indexOf('#0 init'), out.indexOf('\n\n'));
    expect(traceOf(again.out)).toBe(traceOf(r.out));
    expect(traceOf(r.out)).toContain('#4 ');
  });

  it('text, junit and --out', () => {
    const t = run('check', '--model', 'lostupdate');
    expect(t.out).toContain('[violation] no-lost-update (state)');
    expect(t.out).toContain('#4 T');
    const j = run('check', '--model', 'lostupdate', '--format', 'junit');
    expect(j.out).toContain('<testsuites');
    expect(j.out).toContain('<failure message="every thread stored, but x = 1 instead of 2"');
    const inc = run('check', '--model', 'bench', '--max-states', '10', '--format', 'junit');
    expect(inc.out).toContain('type="incomplete"');
    const out = join(tmp, 'r.json');
    const w = run('check', '--model', 'twophase', '--format', 'json', '--out', out);
    expect(w.code).toBe(0);
    expect(w.out).toContain(`report written to ${out}`);
    expect(JSON.parse(readFileSync(out, 'utf8')).stats.distinctStates).toBe(288);
    expect(run('check', '--model', 'twophase', '--out', join(tmp, 'no/such/dir/r.txt')).code).toBe(2);
  });

  it('--continue, --invariant, --depth and --swarm', () => {
    const c = run('check', '--model', 'bench', '--invariant', 'lock-exclusive', '--format', 'json');
    expect(JSON.parse(c.out).checked).toEqual(['lock-exclusive']);
    const d = run('check', '--model', 'bench', '--depth', '3');
    expect(d.code).toBe(0);
    expect(d.out).toContain('depth bound 3 reached');
    expect(run('check', '--model', 'lostupdate', '--continue').code).toBe(1);
    expect(run('check', '--model', 'lostupdate', '--mode', 'random', '--swarm', '--shard', '1/2').code).toBe(1);
  });
});

describe('bad input: exit 2, one line naming the bad value and the accepted ones', () => {
  const cases: [string[], RegExp][] = [
    [['check', '--model', 'bench', '--scope', 'nosuch'], /unknown scope "nosuch".*small, medium, large/],
    [['check', '--model', 'nosuch'], /unknown model "nosuch".*bench/],
    [['check', '--model', 'lostupdate', '--variant', 'v9'], /unknown variant "v9".*fixed/],
    [['check', '--model', 'lostupdate', '--set', 'lock=maybe'], /lock=maybe.*off or on/],
    [['check', '--model', 'lostupdate', '--set', 'nolock=on'], /unknown switch "nolock".*lock/],
    [['check', '--model', 'bench', '--set', 'x=1'], /no switches/],
    [['check', '--model', 'bench', '--set', 'x'], /SWITCH=VALUE/],
    [['check', '--model', 'bench', '--invariant', 'nope'], /unknown invariant "nope".*lock-exclusive/],
    [['check', '--bogus'], /unknown flag "--bogus".*--model/],
    [['check', '--max-states', '1e3'], /--max-states "1e3".*non-negative integer/],
    [['check', '--depth', '-1'], /--depth "-1"/],
    [['check', '--time-limit', 'soon'], /--time-limit "soon"/],
    [['check', '--seed', 'abc'], /--seed "abc"/],
    [['check', '--mode', 'dfs'], /--mode "dfs".*exhaustive, random or pbt/],
    [['check', '--format', 'pdf'], /--format "pdf"/],
    [['check', '--shard', '3/2'], /--shard "3\/2"/],
    [['check', '--model'], /--model needs a value/],
    [['check', '--model', 'bench', '--model', 'bench'], /given twice/],
    [['check', '--continue=yes'], /takes no value/],
    [['check', '--path', '1:2'], /needs --mode pbt/],
    [['check', '--mode', 'pbt', '--path', 'x'], /--path "x"/],
    [['check', 'extra'], /point "extra" does not exist/],
    [['check', 'a.mjs', 'b.mjs'], /unexpected argument "b.mjs"/],
    [['frobnicate'], /command "frobnicate".*list, check, replay, explain or explore/],
    [[], /no command given/],
    [['replay'], /replay needs a trace file/],
    [['replay', '/no/such/file.json'], /does not exist/],
    [['explain'], /explain needs an invariant id/],
    [['explain', 'nope'], /unknown invariant "nope"/],
    [['check', '--model', 'bench', '--scope', '/no/such.json'], /scope file "\/no\/such.json" does not exist/],
  ];
  for (const [argv, re] of cases) {
    it(argv.join(' ') || '(no arguments)', () => {
      const r = run(...argv);
      expect(r.code).toBe(2);
      expect(r.err).toMatch(re);
      expect(r.err.trim().split('\n')).toHaveLength(1);
      expect(r.out).toBe('');
    });
  }

  it('malformed scope files', () => {
    const bad: [unknown, RegExp][] = [
      [[1, 2], /expected a JSON object/],
      [{ P: 3, K: 3 }, /"M" = missing/],
      [{ P: 3, K: 3, M: 4 }, /"M" = 4; expected an integer from 1 to 3/],
      [{ P: 'x', K: 3, M: 1 }, /"P" = "x"/],
      [{ P: 3, K: 3, M: 1, Q: 1 }, /unknown field "Q"/],
    ];
    for (const [json, re] of bad) {
      const f = join(tmp, 'bad.json');
      writeFileSync(f, JSON.stringify(json));
      const r = run('check', '--model', 'bench', '--scope', f);
      expect(r.code).toBe(2);
      expect(r.err).toMatch(re);
    }
    const f = join(tmp, 'broken.json');
    writeFileSync(f, '{"P": 3,');
    expect(run('check', '--model', 'bench', '--scope', f).err).toMatch(/is not valid JSON/);
  });
});

describe('luocheck list, explain and replay', () => {
  it('list shows models, scopes, switches and invariants with sources', () => {
    const r = run('list');
    expect(r.code).toBe(0);
    expect(r.out).toContain('model bench');
    expect(r.out).toContain('lock-exclusive [state]');
    expect(r.out).toContain('source: the objtable benchmark specification, section 6');
    expect(r.out).toContain('--set lock=off|on');
    expect(r.out).toContain('known-bug cases:');
    expect(r.out).toContain('    lost-update [race]: load/store race loses an increment');
    expect(r.out).toContain('    5.2-count-race [race]: ');
    expect(r.out).toContain('    5.12-alloc-failure [fault]: ');
    expect(r.out).toContain('    sanitize-none [design check]: ');
    const j = JSON.parse(run('list', '--format', 'json').out);
    const iommufd = j.find((m: { model: string }) => m.model === 'iommufd');
    expect(iommufd.cases.find((c: { id: string }) => c.id === '5.7-map-in-flight').found).toBe('race');
    expect(j.map((m: { model: string }) => m.model)).toContain('twophase');
  });

  it('explain prints statement, source, witness and cases', () => {
    const r = run('explain', 'no-lost-update');
    expect(r.code).toBe(0);
    expect(r.out).toContain('source: luocheck toy model');
    expect(r.out).toContain('witness (must be reachable): every thread has stored');
    expect(r.out).toContain('lost-update [race]: luocheck check --model lostupdate --scope two --variant fixed --set lock=off');
    expect(r.out).toContain('found by: race = two threads interleave inside an op; fault = an injected failure; design check');
  });

  it('replays a saved JSON trace, and names the step where an edited one stops', () => {
    const f = join(tmp, 'lost.json');
    expect(run('check', '--model', 'lostupdate', '--format', 'json', '--out', f).code).toBe(1);
    const ok = run('replay', f);
    expect(ok.code).toBe(0);
    expect(ok.out).toContain('reproduced: no-lost-update');
    const j = JSON.parse(readFileSync(f, 'utf8'));
    j.violations[0].trace.splice(2, 1); // skip step 2
    const g = join(tmp, 'lost-edited.json');
    writeFileSync(g, JSON.stringify(j));
    const bad = run('replay', g);
    expect(bad.code).toBe(1);
    expect(bad.out).toMatch(/does not replay: step 2: /);
    const short = JSON.parse(readFileSync(f, 'utf8'));
    short.violations[0].trace = short.violations[0].trace.slice(0, 3).map((s: { state?: unknown }) => ({ ...s, state: undefined }));
    writeFileSync(g, JSON.stringify(short));
    expect(run('replay', g).out).toMatch(/holds at the end/);
    writeFileSync(g, JSON.stringify({ model: 'lostupdate' }));
    expect(run('replay', g).code).toBe(2);
    writeFileSync(g, JSON.stringify({ model: 'lostupdate', scope: 'two', variant: {}, violations: [] }));
    expect(run('replay', g).err).toMatch(/nothing to replay/);
  });
});

describe('the built command', () => {
  const cli = join(process.cwd(), 'dist/explorer/cli/luocheck.js');
  it.skipIf(!existsSync(cli))('exits 2 with one line and no stack trace on bad input', () => {
    const r = spawnSync(process.execPath, [cli, 'check', '--model', 'bench', '--scope', 'nosuch'], { encoding: 'utf8' });
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/^luocheck: unknown scope "nosuch".*\n$/);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });
  // npx runs a project's own bin through a link in its cache (~/.npm/_npx),
  // keyed by the checkout's path and never refreshed: a checkout that ran
  // npx before the bin moved finds the old link ("luocheck: not found").
  // A cache of the test's own shows what a fresh machine sees, offline.
  it.skipIf(!existsSync(cli))('runs bench small through npx', () => {
    const env = { ...process.env, npm_config_cache: mkdtempSync(join(tmpdir(), 'luocheck-npx-')), npm_config_offline: 'true' };
    const out = execFileSync('npx', ['--no-install', 'luocheck', 'check', '--model', 'bench', '--scope', 'small', '--format', 'json'], { encoding: 'utf8', env });
    expect(JSON.parse(out).stats.distinctStates).toBe(116369);
  });
});
