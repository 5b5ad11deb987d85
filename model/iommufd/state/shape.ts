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

/** The settling function of a schema: `settle(n, p)` is `n` with every object it does not share with `p` (undefined: none) in its declared shape. */
export function makeSettle(schema: FieldType): (n: State, p: State | undefined) => State {
  if (schema.t !== 'record') throw new Error('the state schema is not a record');
  const copies: Copy[] = [];
  const source: string[] = [];
  /** The index of the copying function of record `r`, generating it (and those of the records inside it) first. */
  const gen = (r: Rec): number => {
    const parts = Object.entries(r.fields).map(([k, f]) => {
      const key = JSON.stringify(k);
      const o = `o[${key}]`;
      const p = `(p === undefined ? undefined : p[${key}])`;
      const type = f.type;
      if (type.t === 'record') return `${key}: (${o} === ${p} ? ${o} : C[${gen(type)}](${o}, ${p}))`;
      if (type.t === 'list' && type.of.t === 'record') return `${key}: L(${o}, ${p}, C[${gen(type.of)}])`;
      return `${key}: ${o}`;
    });
    source.push(`C[${source.length}] = (o, p) => ({ ${parts.join(', ')} });`);
    return source.length - 1;
  };
  const top = gen(schema);
  // The keys are quoted with JSON.stringify: a field name is never code.
  new Function('C', 'L', source.join('\n'))(copies, settleList);
  const copyTop = copies[top]!;
  return (n, p) => (n === p ? n : (copyTop(n, p) as State));
}
