/**
 * The invariants I1–I4 of bench/MODEL.md section 6, which SPIN
 * asserts after every step.
 */
import type { Invariant } from '../explorer/invariant.js';
import { HOLD, LOCKA, LOCKR, LOCKU, RESV, type ObjState, type ObjtableScope } from './objtable.js';

const SOURCE = 'the objtable benchmark specification, section 6 (invariants I1-I4), as transcribed in bench/objtable.ts';

export function objtableInvariants({ P, K, M }: ObjtableScope): Invariant<ObjState, number>[] {
  const rc0 = 2, ph0 = 2 + K;
  return [
    {
      id: 'live-within-quota',
      title: 'I1: the live-object counter never exceeds the quota',
      kind: 'state',
      source: SOURCE,
      check: (s) => (s[1]! <= M ? null : `live = ${s[1]} exceeds the quota M = ${M}`),
      witness: { title: 'the quota is fully used', reached: (_p, _a, s) => s[1] === M },
    },
    {
      id: 'live-counts-objects',
      title: 'I2: live = live slots + pending reservations',
      kind: 'state',
      source: SOURCE,
      check: (s) => {
        let n = 0;
        for (let k = 0; k < K; k++) if (s[rc0 + k]! > 0) n++;
        for (let i = 0; i < P; i++) if (s[ph0 + i] === RESV || s[ph0 + i] === LOCKA) n++;
        return s[1] === n ? null : `live = ${s[1]} but ${n} slots are live or reserved`;
      },
    },
    {
      id: 'refcounts-match-holders',
      title: 'I3: the refcounts add up to the threads holding a reference',
      kind: 'state',
      source: SOURCE,
      check: (s) => {
        let sum = 0, holders = 0;
        for (let k = 0; k < K; k++) sum += s[rc0 + k]!;
        for (let i = 0; i < P; i++) if (s[ph0 + i] === HOLD || s[ph0 + i] === LOCKU) holders++;
        return sum === holders ? null : `refcounts sum to ${sum} but ${holders} threads hold a reference`;
      },
      witness: {
        title: 'a slot is shared by two threads',
        reached: (_p, _a, s) => {
          for (let k = 0; k < K; k++) if (s[rc0 + k]! >= 2) return true;
          return false;
        },
      },
    },
    {
      id: 'lock-exclusive',
      title: 'I4: at most one thread is inside the lock, and lock = 0 exactly when none is',
      kind: 'state',
      source: SOURCE,
      check: (s) => {
        let inside = -1, count = 0;
        for (let i = 0; i < P; i++) {
          const ph = s[ph0 + i];
          if (ph === LOCKA || ph === LOCKR || ph === LOCKU) { inside = i; count++; }
        }
        if (count > 1) return `${count} threads are inside the lock`;
        const want = count === 0 ? 0 : inside + 1;
        return s[0] === want ? null : `lock = ${s[0]} but it should be ${want}`;
      },
    },
  ];
}
