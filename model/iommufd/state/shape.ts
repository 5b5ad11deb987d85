/**
 * One hidden class per kind of state object, built from the declared state.
 *
 * The kernel code copies what a step changes with spreads
 * (`{ ...s, threads }`, `{ ...t, pc }`), which keeps it readable. V8 gives
 * each spread's result a hidden class of its own, so after a few steps the
 * objects of one kind come in many classes, and every property read of the
 * guards, the invariants and the encoding sees them all: megamorphic reads,
 * and spreads taking V8's slow path. The search spends most of its time
 * there.
 *
 * So a successor is settled once, after its step: every object the step
 * built (one not shared with the state it came from) is copied into an
 * object literal with the declared fields (state-schema.ts, and those of
 * the --load extensions) in the declared order. Literals with the same keys
 * in the same order share one hidden class, which the decoded states
 * (encode.ts builds its objects in this order too) and the initial states
 * have as well. What a step did not change stays shared, so the encoding
 * still copies its words (StateCodec).
 *
 * The copying functions are generated, one per record of the schema, when
 * a model is built: a literal with the fields written out is what V8
 * builds fastest, and the fields are those the model declares.
 */
import type { FieldType } from './state-schema.js';
import type { State } from './types.js';

type Rec = Extract<FieldType, { t: 'record' }>;
type Copy = (o: unknown, p: unknown) => unknown;

/**
 * The list `xs`, with every element that is not the one at the same index
 * of `ps` (the list in the state before) copied by `copy`; `xs` itself when
 * it is `ps`.
 */
function settleList(xs: readonly unknown[], ps: readonly unknown[] | undefined, copy: Copy): readonly unknown[] {
  if (xs === ps) return xs;
  const out = new Array<unknown>(xs.length);
  for (let i = 0; i < xs.length; i++) {
    const x = xs[i];
    const p = ps === undefined ? undefined : ps[i];
    out[i] = x === p ? x : copy(x, p);
  }
  return out;
}

/**
 * The state and the thread the VMM steps last built in the declared shape
 * (state/process.ts writes their fields out in the schema's order), which
 * settling need not copy: it takes them as they are, and settles the
 * objects inside them in place. Such an object is new, and no other state
 * holds it yet. Only an object's identity is recorded: anything else a
 * step returns is copied as before.
 */
const SHAPED: unknown[] = [undefined, undefined];

/** Records `o`, just built by a VMM step helper with the declared fields in the declared order: 0 the state, 1 a thread. */
export function markShaped(slot: 0 | 1, o: object): void {
  SHAPED[slot] = o;
}

/** The settling function of a schema: `settle(n, p)` is `n` with every object it does not share with `p` (undefined: none) in its declared shape. */
export function makeSettle(schema: FieldType): (n: State, p: State | undefined) => State {
  if (schema.t !== 'record') throw new Error('the state schema is not a record');
  const copies: Copy[] = [];
  const source: string[] = [];
  /** The index of the copying function of record `r`, generating it (and those of the records inside it) first. */
  const gen = (r: Rec): number => {
    const parts: string[] = [];
    /** The objects inside, settled where they are (for an object built in shape). */
    const inPlace: string[] = [];
    for (const [k, f] of Object.entries(r.fields)) {
      const key = JSON.stringify(k);
      const o = `o[${key}]`;
      const p = `(p === undefined ? undefined : p[${key}])`;
      const type = f.type;
      let v = o;
      if (type.t === 'record') v = `(${o} === ${p} ? ${o} : C[${gen(type)}](${o}, ${p}))`;
      else if (type.t === 'list' && type.of.t === 'record') v = `L(${o}, ${p}, C[${gen(type.of)}])`;
      parts.push(`${key}: ${v}`);
      if (v !== o) inPlace.push(`${o} = ${v}, `);
    }
    source.push(`C[${source.length}] = (o, p) => (o === S[0] || o === S[1] ? (${inPlace.join('')}o) : { ${parts.join(', ')} });`);
    return source.length - 1;
  };
  const top = gen(schema);
  // The keys are quoted with JSON.stringify: a field name is never code.
  new Function('C', 'L', 'S', source.join('\n'))(copies, settleList, SHAPED);
  const copyTop = copies[top]!;
  return (n, p) => (n === p ? n : (copyTop(n, p) as State));
}
