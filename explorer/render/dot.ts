/**
 * `--format dot` (TLC's -dump dot): the explored state graph of a small scope
 * for Graphviz's `dot`, each state a node (its number in breadth-first
 * order), each transition an edge labelled with its process and action,
 * initial states drawn bold; the path of each violation is highlighted in
 * red and its last state filled. The graph is rebuilt breadth-first from the
 * model the report was produced on, up to the report's depth bound if one
 * cut the run; past DOT_MAX_STATES states the renderer refuses (a drawing of
 * more would not be read), and the message says what to do instead.
 */
import { UsageError } from '../errors.js';
import { Encoder } from '../search/fingerprint.js';
import type { Model } from '../model.js';
import type { Report } from '../traces/report.js';

export const DOT_MAX_STATES = 2000;

function q(s: string): string {
  return `"${s.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n')}"`;
}

interface Graph<A> {
  inits: number[];
  edges: { from: number; to: number; action: A }[];
  count: number;
}

function explored<S, A>(model: Model<S, A>, maxDepth: number, bound: number, what: string): { graph: Graph<A>; idOf: (s: S) => number | undefined } {
  const enc = new Encoder();
  const key = (s: S) => {
    enc.reset();
    model.encode(s, enc);
    return enc.words().join(',');
  };
  const ids = new Map<string, number>();
  const graph: Graph<A> = { inits: [], edges: [], count: 0 };
  const add = (s: S): { id: number; fresh: boolean } => {
    const k = key(s);
    const have = ids.get(k);
    if (have !== undefined) return { id: have, fresh: false };
    if (ids.size >= bound) {
      throw new UsageError(`--format dot draws at most ${bound} states, and ${what} has more; use a smaller scope, or --depth N to draw the first N levels`);
    }
    ids.set(k, ids.size);
    return { id: ids.size - 1, fresh: true };
  };
  let level: S[] = [];
  for (const s of model.initStates()) {
    const { id, fresh } = add(s);
    graph.inits.push(id);
    if (fresh) level.push(s);
  }
  for (let depth = 0; level.length > 0 && depth < maxDepth; depth++) {
    const next: S[] = [];
    for (const s of level) {
      const from = ids.get(key(s))!;
      for (const a of model.actions(s)) {
        const n = model.nextState(s, a);
        const { id, fresh } = add(n);
        graph.edges.push({ from, to: id, action: a });
        if (fresh) next.push(n);
      }
    }
    level = next;
  }
  graph.count = ids.size;
  return { graph, idOf: (s) => ids.get(key(s)) };
}

/** Follows a report's trace through the model by process and label: the states' ids and the edges taken. */
function pathOf<S, A>(model: Model<S, A>, r: Report, vi: number, idOf: (s: S) => number | undefined): { nodes: number[]; edges: Set<string> } {
  const v = r.violations[vi]!;
  let s: S = model.initStates()[0]!;
  const nodes = [idOf(s)!];
  const edges = new Set<string>();
  for (const st of v.trace.slice(1)) {
    const a = model.actions(s).find((x) => model.process(x) === st.process && model.label(x) === st.action);
    if (a === undefined) break;
    const n = model.nextState(s, a);
    const from = idOf(s), to = idOf(n);
    if (from === undefined || to === undefined) break;
    edges.add(`${from}>${to}>${st.process}: ${st.action}`);
    nodes.push(to);
    s = n;
  }
  return { nodes, edges };
}

export function renderDot<S, A>(r: Report, model: Model<S, A>, bound = DOT_MAX_STATES): string {
  const maxDepth = r.stoppedBy === 'depth' ? r.stats.depth : Infinity;
  const { graph, idOf } = explored(model, maxDepth, bound, `scope ${r.scope}`);
  const onPath = new Set<number>();
  const pathEdges = new Set<string>();
  const bad = new Set<number>();
  r.violations.forEach((_, i) => {
    const p = pathOf(model, r, i, idOf);
    for (const n of p.nodes) onPath.add(n);
    for (const e of p.edges) pathEdges.add(e);
    bad.add(p.nodes[p.nodes.length - 1]!);
  });
  const lines = [
    `digraph ${q(`luocheck ${r.model} ${r.scope} (${r.variantName})`)} {`,
    `  label=${q(`${r.model}, scope ${r.scope}, variant ${r.variantName}: ${graph.count} states, ${graph.edges.length} transitions${r.violations.length ? `; red: the path to ${r.violations.map((v) => v.invariant).join(', ')}` : ''}`)};`,
    '  labelloc=t; fontname="Helvetica"; rankdir=TB;',
    '  node [shape=circle, fontname="Helvetica", fontsize=10, width=0.3, style=filled, fillcolor="#ffffff", color="#7a8696"];',
    '  edge [fontname="Helvetica", fontsize=8, color="#9aa4b1", fontcolor="#5d6b7c"];',
  ];
  const inits = new Set(graph.inits);
  for (let id = 0; id < graph.count; id++) {
    const attrs: string[] = [];
    if (inits.has(id)) attrs.push('penwidth=2.5', 'shape=doublecircle');
    if (onPath.has(id)) attrs.push('color="#b42318"', 'fontcolor="#b42318"');
    if (bad.has(id)) attrs.push('fillcolor="#b42318"', 'fontcolor="#ffffff"');
    lines.push(`  s${id}${attrs.length ? ` [${attrs.join(', ')}]` : ''};`);
  }
  for (const e of graph.edges) {
    const label = `${model.process(e.action)}: ${model.label(e.action)}`;
    const hot = pathEdges.has(`${e.from}>${e.to}>${label}`);
    lines.push(`  s${e.from} -> s${e.to} [label=${q(label)}${hot ? ', color="#b42318", fontcolor="#b42318", penwidth=2.5' : ''}];`);
  }
  lines.push('}', '');
  return lines.join('\n');
}
