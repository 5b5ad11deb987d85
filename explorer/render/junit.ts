/**
 * JUnit XML for CI systems: one test suite per run, one test case per checked
 * invariant (a failure carries the violation and its trace; an invariant the
 * search stopped before checking to the end is skipped, with the reason), and
 * one for the exploration itself (an error when a bound stopped it).
 */
import type { Report } from '../traces/report.js';
import { renderTrace } from './text.js';

function esc(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

export function renderJunit(r: Report): string {
  const suite = `luocheck ${r.model} ${r.scope} (${r.variantName}, ${r.mode})`;
  const ids = [...r.checked];
  for (const v of r.violations) if (!ids.includes(v.invariant)) ids.push(v.invariant);
  const cases: string[] = [];
  for (const id of ids) {
    const v = r.violations.find((x) => x.invariant === id);
    const open = `    <testcase classname="${esc(`${r.model}.${r.scope}`)}" name="${esc(id)}" time="0">`;
    if (v) {
      const body = [v.message, `source: ${v.source}`, ...renderTrace(v), `reproduce: ${r.command}`].join('\n');
      cases.push(`${open}\n      <failure message="${esc(v.message)}" type="${v.kind}">${esc(body)}</failure>\n    </testcase>`);
    } else if (r.notChecked?.invariants.includes(id)) {
      cases.push(`${open}\n      <skipped message="${esc(`not checked to the end: ${r.notChecked.reason}`)}"/>\n    </testcase>`);
    } else {
      cases.push(`${open}</testcase>`);
    }
  }
  const explore = `    <testcase classname="${esc(`${r.model}.${r.scope}`)}" name="exploration" time="${r.stats.seconds}">`;
  if (r.result === 'incomplete') {
    cases.push(`${explore}\n      <error message="stopped by ${esc(r.stoppedBy ?? '?')}" type="incomplete">${r.stats.distinctStates} states explored</error>\n    </testcase>`);
  } else {
    cases.push(`${explore}</testcase>`);
  }
  const props: string[] = [];
  for (const a of r.coverage?.actions ?? []) {
    props.push(`      <property name="${esc(`coverage.${a.action}`)}" value="fired ${a.fired}, new states ${a.newStates}"/>`);
    for (const st of a.steps ?? []) props.push(`      <property name="${esc(`coverage.${a.action}.${st.step}`)}" value="fired ${st.fired}, new states ${st.newStates}"/>`);
  }
  if (r.coverage) props.push(`      <property name="coverage.never-fired" value="${esc(r.coverage.neverFired.join(', '))}"/>`);
  const failures = r.violations.length;
  const errors = r.result === 'incomplete' ? 1 : 0;
  const skipped = ids.filter((id) => r.notChecked?.invariants.includes(id) && !r.violations.some((v) => v.invariant === id)).length;
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="luocheck" tests="${cases.length}" failures="${failures}" errors="${errors}" skipped="${skipped}" time="${r.stats.seconds}">`,
    `  <testsuite name="${esc(suite)}" tests="${cases.length}" failures="${failures}" errors="${errors}" skipped="${skipped}" time="${r.stats.seconds}">`,
    ...(props.length > 0 ? ['    <properties>', ...props, '    </properties>'] : []),
    ...cases,
    '  </testsuite>',
    '</testsuites>',
    '',
  ].join('\n');
}
