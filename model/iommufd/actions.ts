/**
 * The enabled actions of a state (the guards of Next): for every VMM thread
 * in order, the first step of every menu op it has not issued yet (when
 * idle) or the next step of the op in progress; a step whose lock is held
 * elsewhere is not enabled. An injected failure doubles a fallible step:
 * success first, then failure. The order is fixed, as replay requires.
 *
 * The steps themselves are the entry points' (entry/): the op's serving
 * entry points give its first step, the entry point owning the thread's
 * program counter its next one.
 */
import type { Ctx } from './entry-point.js';
import { menus, opOf } from './state/process.js';
import { admitted, newKernelRunning, systemActions } from './actions-kexec.js';
import { dispatch } from './entry/registry.js';
import { PHASE_NEW, PHASE_OLD, type Action, type State } from './state/types.js';

/**
 * VMM threads first (old kernel: the ops before the menu's split; new
 * kernel: those after it; none while reboot freezes), then the reboot or
 * boot process.
 */
export function enabledActions(ctx: Ctx, s: State): Action[] {
  const out: Action[] = [];
  const m = menus(ctx.scope);
  const d = dispatch(ctx);
  const old = s.phase === PHASE_OLD;
  const running = !old && newKernelRunning(s);
  for (let pid = 0; pid < s.threads.length; pid++) {
    const t = s.threads[pid]!;
    if (t.pc === 'OOPS' || (!old && s.phase !== PHASE_NEW)) continue;
    const op = opOf(ctx, pid, t);
    if (op) {
      const owner = d.pc.get(t.pc);
      if (owner) for (const a of owner.resume!(ctx, s, pid, t, op)) out.push(a as Action);
      continue;
    }
    if (!old && !running) continue; // the new kernel's VMM issues nothing before boot completes
    const menu = m.ops[pid]!;
    const split = m.split[pid]!;
    const first = d.first[pid]!;
    const to = old ? split : menu.length;
    for (let idx = old ? 0 : split; idx < to; idx++) {
      if (t.done & (1 << idx)) continue;
      if (!old && !admitted(ctx, s, pid, idx)) continue;
      const o = menu[idx]!;
      for (const e of first[idx]!) for (const a of e.first(ctx, s, pid, idx, o)) out.push(a as Action);
    }
  }
  for (const a of systemActions(ctx, s)) out.push(a);
  return out;
}
