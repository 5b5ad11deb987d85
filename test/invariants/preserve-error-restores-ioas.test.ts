import { expect, test } from 'vitest';
import { find, inv, modelFor, stepCheck, walk } from './helpers.js';

const P = (x: string) => `iommufd_preserve ${x}`;
const TO_ERR = [P('P0'), P('P1'), P('P2'), P('P3a'), P('P3c_imm'), P('P3c_check'), P('P3c_domain'), P('P3e'), P('P3a'), P('P3c_imm'), P('P3c_domain!')];

test('holds: h2 fails on the IOAS h1 keeps immutable (flag and refcount)', () => {
  for (const set of [{}, { immutability: 'flag' }] as Record<string, string>[]) {
    const m = modelFor('shared-ioas', set);
    const s = walk(m, TO_ERR);
    const a = find(m, s, P('P3c_err'));
    expect(stepCheck(inv('preserve-error-restores-ioas', set), s, a, m.nextState(s, a))).toBeNull();
  }
});

test('violated: an err path that leaves the count with its own share', () => {
  const m = modelFor('shared-ioas');
  const s = walk(m, TO_ERR);
  const a = find(m, s, P('P3c_err'));
  const n = m.nextState(s, a);
  const broken = { ...n, ioas: [{ ...n.ioas[0]!, immutable: 2 }] };
  expect(stepCheck(inv('preserve-error-restores-ioas'), s, a, broken)).toMatch(/left ioas1 immutable = 2 with 1 other/);
});
