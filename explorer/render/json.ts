/** The JSON report (README, "Command line"), one object. */
import type { Report } from '../traces/report.js';

export function renderJson(r: Report): string {
  return JSON.stringify(r, null, 2) + '\n';
}
