/**
 * The "objtable" benchmark model, exactly as bench/MODEL.md
 * specifies it: P threads share K refcounted object slots under one lock,
 * with a quota M and a TOCTOU lookup path. No reductions of any kind, so an
 * exhaustive run must report exactly the counts of section 7.
 *
 * State layout (one byte per variable, MODEL.md section 3):
 *   [0] lock (0 free, i+1 held by thread i)   [1] live
 *   [2 .. 2+K)   rc[k]
 *   [2+K .. 2+K+P)   ph[i]
 *   [2+K+P .. 2+K+2P)   obj[i]
 * An action is (thread << 8) | (action id << 4) | slot.
 */
import type { Model } from '../explorer/model.js';
import type { Encoder } from '../explorer/search/fingerprint.js';

export interface ObjtableScope {
  readonly P: number;
  readonly K: number;
  readonly M: number;
}

export const IDLE = 0, RESV = 1, LOCKA = 2, SEEN = 3, LOCKR = 4, HOLD = 5, LOCKU = 6;
const PHASES = ['IDLE', 'RESV', 'LOCKA', 'SEEN', 'LOCKR', 'HOLD', 'LOCKU'] as const;

/** Action ids A1..A10 of MODEL.md section 5. */
export const A = {
  reserve: 1, lock_alloc: 2, alloc: 3, lookup: 4, lock_ref: 5,
  ref: 6, ref_fail: 7, lock_unref: 8, unref: 9, destroy: 10,
} as const;
const NAMES = ['', 'reserve', 'lock_alloc', 'alloc', 'lookup', 'lock_ref', 'ref', 'ref_fail', 'lock_unref', 'unref', 'destroy'];

export type ObjState = Uint8Array;

export class ObjtableModel implements Model<ObjState, number> {
  readonly P: number;
  readonly K: number;
  readonly M: number;
  private readonly rc0: number;
  private readonly ph0: number;
  private readonly obj0: number;
  private readonly width: number;

  /** With symmetry, threads are interchangeable: `encode` sorts them (not for the exact counts). */
  constructor(scope: ObjtableScope, private readonly symmetry = false) {
    this.P = scope.P;
    this.K = scope.K;
    this.M = scope.M;
    this.rc0 = 2;
    this.ph0 = 2 + this.K;
    this.obj0 = 2 + this.K + this.P;
    this.width = 2 + this.K + 2 * this.P;
  }

  initStates(): readonly ObjState[] {
    return [new Uint8Array(this.width)];
  }

  actions(s: ObjState): readonly number[] {
    const { P, K, M, rc0, ph0, obj0 } = this;
    const out: number[] = [];
    const lock = s[0]!;
    for (let i = 0; i < P; i++) {
      const t = i << 8;
      switch (s[ph0 + i]) {
        case IDLE:
          if (s[1]! < M) out.push(t | (A.reserve << 4));
          for (let k = 0; k < K; k++) if (s[rc0 + k]! > 0) out.push(t | (A.lookup << 4) | k);
          break;
        case RESV:
          if (lock === 0) out.push(t | (A.lock_alloc << 4));
          break;
        case LOCKA:
          for (let k = 0; k < K; k++) if (s[rc0 + k] === 0) out.push(t | (A.alloc << 4) | k);
          break;
        case SEEN:
          if (lock === 0) out.push(t | (A.lock_ref << 4));
          break;
        case LOCKR:
          out.push(t | ((s[rc0 + s[obj0 + i]!]! > 0 ? A.ref : A.ref_fail) << 4));
          break;
        case HOLD:
          if (lock === 0) out.push(t | (A.lock_unref << 4));
          break;
        case LOCKU:
          out.push(t | ((s[rc0 + s[obj0 + i]!]! > 1 ? A.unref : A.destroy) << 4));
          break;
      }
    }
    return out;
  }

  nextState(s: ObjState, a: number): ObjState {
    const i = a >> 8;
    const id = (a >> 4) & 15;
    const k = a & 15;
    const { rc0, ph0, obj0 } = this;
    const n = s.slice();
    const ph = ph0 + i;
    const ob = obj0 + i;
    switch (id) {
      case A.reserve: n[1]!++; n[ph] = RESV; break;
      case A.lock_alloc: n[0] = i + 1; n[ph] = LOCKA; break;
      case A.alloc: n[rc0 + k] = 1; n[ob] = k; n[ph] = HOLD; n[0] = 0; break;
      case A.lookup: n[ob] = k; n[ph] = SEEN; break;
      case A.lock_ref: n[0] = i + 1; n[ph] = LOCKR; break;
      case A.ref: n[rc0 + s[ob]!]!++; n[ph] = HOLD; n[0] = 0; break;
      case A.ref_fail: n[ob] = 0; n[ph] = IDLE; n[0] = 0; break;
      case A.lock_unref: n[0] = i + 1; n[ph] = LOCKU; break;
      case A.unref: n[rc0 + s[ob]!]!--; n[ob] = 0; n[ph] = IDLE; n[0] = 0; break;
      case A.destroy: n[rc0 + s[ob]!] = 0; n[1]!--; n[ob] = 0; n[ph] = IDLE; n[0] = 0; break;
      default: throw new Error(`objtable: bad action ${a}`);
    }
    return n;
  }

  encode(s: ObjState, out: Encoder): void {
    if (this.symmetry) s = this.representative(s);
    // Four 8-bit variables per word.
    const w = this.width;
    for (let j = 0; j < w; j += 4) {
      out.push(s[j]! | ((s[j + 1] ?? 0) << 8) | ((s[j + 2] ?? 0) << 16) | ((s[j + 3] ?? 0) << 24));
    }
  }

  /**
   * The member of s's symmetry class whose threads are sorted by (phase, slot);
   * the lock follows its holder (to the first of equal threads).
   */
  representative(s: ObjState): ObjState {
    const { P, ph0, obj0 } = this;
    const key = (i: number) => s[ph0 + i]! * 16 + s[obj0 + i]!;
    const order = [...Array(P).keys()].sort((a, b) => key(a) - key(b));
    const n = s.slice();
    for (let j = 0; j < P; j++) {
      n[ph0 + j] = s[ph0 + order[j]!]!;
      n[obj0 + j] = s[obj0 + order[j]!]!;
    }
    if (s[0]! > 0) {
      const holderKey = key(s[0]! - 1);
      n[0] = order.findIndex((i) => key(i) === holderKey) + 1;
    }
    return n;
  }

  decode(words: Int32Array): ObjState {
    const w = this.width;
    const s = new Uint8Array(w);
    for (let j = 0; j < w; j++) s[j] = (words[j >> 2]! >>> ((j & 3) << 3)) & 0xff;
    return s;
  }

  process(a: number): string {
    return `T${a >> 8}`;
  }

  label(a: number): string {
    const id = (a >> 4) & 15;
    const name = NAMES[id]!;
    return id === A.alloc || id === A.lookup ? `${name}(${a & 15})` : name;
  }

  actionKind(a: number): string {
    return NAMES[(a >> 4) & 15]!;
  }

  toJson(s: ObjState): unknown {
    const { P, K, rc0, ph0, obj0 } = this;
    return {
      lock: s[0],
      live: s[1],
      rc: Array.from(s.subarray(rc0, rc0 + K)),
      ph: Array.from(s.subarray(ph0, ph0 + P), (p) => PHASES[p]),
      obj: Array.from(s.subarray(obj0, obj0 + P)),
    };
  }

  /** MODEL.md section 5: no reachable state is a deadlock. */
  isValidEnd(): boolean {
    return false;
  }
}
