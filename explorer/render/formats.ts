/**
 * The trace formats of `--format` beyond text, json and junit: email, itf,
 * kselftest, mermaid, html and dot. All read the Report; kselftest also rebuilds the
 * model the report names (scope bounds and variant included) to ask its
 * `kselftest` hook for each step's C.
 */
import type { Model } from '../model.js';
import type { Report } from '../traces/report.js';
import { resolveSaved } from '../cli/resolve.js';
import type { AnyModelSpec } from '../spec.js';
import { renderEmail } from './email.js';
import { renderItf } from './itf.js';
import { kselftestSteps, renderKselftest } from './kselftest.js';
import { renderMermaid } from './mermaid.js';
import { renderHtml } from './html.js';
import { renderDot } from './dot.js';
import type { Invariant } from '../invariant.js';

export const TRACE_FORMATS = ['email', 'itf', 'kselftest', 'mermaid', 'html', 'dot'] as const;
export type TraceFormat = (typeof TRACE_FORMATS)[number];

/** The model a report was produced on: its scope (by name, else by bounds) and its variant. */
export function modelOfReport(models: readonly AnyModelSpec[], r: Pick<Report, 'model' | 'scope' | 'scopeBounds' | 'variant'>): Model<unknown, unknown> {
  const { spec, scope, variant } = resolveSaved(models, r, 'report');
  return spec.build(scope, variant);
}

export function renderTraceFormat(r: Report, format: TraceFormat, models: readonly AnyModelSpec[]): string {
  switch (format) {
    case 'email': return renderEmail(r, r.violations.length > 0 ? (modelOfReport(models, r).internalFields?.() ?? []) : []);
    case 'itf': return renderItf(r);
    case 'mermaid': return renderMermaid(r);
    case 'html': {
      const { spec, scope, variant } = resolveSaved(models, r, 'report');
      const invs = spec.invariants(scope, variant) as readonly Invariant<unknown, unknown>[];
      return renderHtml(r, Object.fromEntries(invs.map((i) => [i.id, i.statement])));
    }
    case 'dot': return renderDot(r, modelOfReport(models, r));
    case 'kselftest': {
      const v = r.violations[0];
      return renderKselftest(r, v ? kselftestSteps(modelOfReport(models, r), v) : []);
    }
  }
}
