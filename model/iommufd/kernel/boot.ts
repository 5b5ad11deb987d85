/**
 * The new kernel's boot, one deterministic process: B1 KHO hands the
 * marked pages over (everything else is free RAM), B2 the IOMMU driver takes
 * the hardware over (FLB retrieve, keep the old root table, clear the
 * context entries and PASID tables of devices without preserved state), B3
 * every device is probed in bus order, one step (restore the preserved domain and attach
 * it hitlessly with the token as DMA owner, or attach the default domain).
 *
 * Mirrors the new kernel's boot, steps B1-B3: kernel/liveupdate/kexec_handover.c
 * (kho_populate, kho_restore_folio), v2 drivers/iommu/liveupdate.c
 * (liveupdate_flb_get_incoming, iommu_restore_domain with the per-domain_ser
 * cache), drivers/iommu/intel/iommu.c takeover, v1 08/14
 * (20260203220948.2176157-9-skhawaja@google.com: iommu_setup_default_domain
 * attaches the restored domain and sets owner = token, owner_cnt = 1).
 * Switch `sanitize` chooses what B2 clears.
 *
 * Left out: scratch memory (nothing is reused before B1), the version check
 * of the FLB (it matches), DID reservation (also the fresh DID a default
 * domain takes at probe: the model has no DIDs), the clearing of device_ser
 * after a device's first attach (`preserved` stays: the device had incoming
 * state), B4 (sessions are deserialized by the jump).
 */
import type { Ctx } from '../entry-point.js';
import { update } from '../state/copy.js';
import { withGroup } from './iommu_group.js';
import { BUG_UNMARKED_TABLE, CTX_NONE, DEFAULT_DOMAIN, NO_DOMAIN, PHASE_NEW, RS_LIVE, RS_NONE, type Action, type State } from '../state/types.js';
import { reachablePages } from './hw_pagetable.js';

type Probe = Extract<Action, { type: 'iommu_probe_device' }>;

/** The device B3 probes next (the lowest one not probed yet), -1 when all are. */
export function nextProbe(s: State): number {
  for (let d = 0; d < s.devices.length; d++) if (!(s.probed & (1 << d))) return d;
  return -1;
}

/** Boot is done (B1, B2 and every probe): the VMM runs. */
export function booted(s: State): boolean {
  return s.boot === 2 && nextProbe(s) < 0;
}

/** VMM threads all between ioctls in the booted new kernel (no BUG stopped it). */
export function isQuiescent(s: State): boolean {
  return s.phase === PHASE_NEW && booted(s) && s.nk.bug === 0 && s.threads.every((t) => t.pc === 'idle');
}

/** B1 kho_populate (early boot, one CPU, no locks): marked pages are reserved; from here on every unmarked page is free RAM. */
export function khoPopulate(s: State): State {
  return { ...s, boot: 1 };
}

/** B2 intel_iommu_init (boot, before any device probe): FLB retrieve under flb_mutex, hardware takeover, and the sanitize switch on devices without incoming state. */
export function intelIommuInit(ctx: Ctx, s: State): State {
  let n: State = { ...s, boot: 2 };
  if (ctx.sw.sanitize === 'none') return n;
  const full = ctx.sw.sanitize === 'full';
  n = { ...n, ctx: s.ctx.map((c, i) => (s.devices[i]!.preserved ? c : CTX_NONE)) };
  if (full) n = { ...n, devices: s.devices.map((d) => (d.preserved ? d : { ...d, pasid: false })) };
  return n;
}

/**
 * iommu_restore_domain of old slot h (cached: a second device reuses it):
 * ops.restore rebuilds it from top_table_phys, kho_restore_folio on every
 * table page; a page without a KHO mark is a BUG().
 */
export function restoreDomain(s: State, h: number): State {
  const d = s.hwpts[h]!.domain;
  if (d.restored !== RS_NONE) return s;
  if ((reachablePages(d) & ~d.kho) !== 0) return { ...s, nk: { ...s.nk, bug: BUG_UNMARKED_TABLE } };
  return { ...s, hwpts: update(s.hwpts, h, (x) => ({ ...x, domain: { ...x.domain, kho: 0, restored: RS_LIVE } })) };
}

/**
 * B3, one step for every device in bus order (each device's probe only
 * touches its own group; a single step keeps the boot independent of which
 * of two interchangeable devices comes first, symmetry.ts).
 */
export function iommuProbeDevices(s: State, _a: Probe): State {
  let n = s;
  for (let d = 0; d < s.devices.length && !n.nk.bug; d++) n = iommuProbeDevice(n, d);
  return n;
}

/**
 * iommu_probe_device -> iommu_setup_default_domain: with group->domain
 * unset, a first device with incoming state gets its preserved domain
 * restored and attached with its old DID (the context entry is rewritten
 * with identical content), owner = token, owner_cnt = 1; any other gets
 * the default domain.
 *
 * The domain is the group's: v1 08/14's __iommu_group_maybe_restore_domain
 * looks only at iommu_group_first_dev(group), and
 * __iommu_group_set_domain_internal(group, restored_domain, ...) attaches
 * it to every device of the group; the VT-d attach
 * (dmar_domain_attach_device) skips the context setup only for a device
 * with incoming state, so a device of the group nobody preserved gets a
 * context entry into the restored domain's tables (the old kernel's),
 * which ctx-sanitized reports (open case partial-group). withGroup does
 * the same here: every device of the group follows its domain.
 *
 * The other order (the group's first device without incoming state, a
 * later one with it): __iommu_group_maybe_restore_domain returns NULL, the
 * group gets the default domain, owner unset; attaching it to the device
 * with incoming state, dmar_domain_attach_device takes a fresh DID
 * (dev_iommu_restore_did is -1: the default domain has no preserved_state)
 * and skips the context setup, then __iommu_attach_device clears
 * dev->iommu->device_ser. That device's context entry keeps walking the
 * previous kernel's tables, which no probe restores (keepIncomingCtx).
 */
export function iommuProbeDevice(s: State, d: number): State {
  const n0: State = { ...s, probed: s.probed | (1 << d) };
  const dev = s.devices[d]!;
  if (s.groups[dev.group]!.domain !== NO_DOMAIN) return n0;
  const h = dev.atFreeze;
  if (dev.preserved && h >= 0 && s.hwpts[h]!.domain.preservedState) {
    const n = restoreDomain(n0, h);
    if (n.nk.bug) return n;
    return withGroup(n, dev.group, (g) => ({ ...g, domain: h, owned: true, byToken: true }));
  }
  return keepIncomingCtx(n0, withGroup(n0, dev.group, (g) => ({ ...g, domain: DEFAULT_DOMAIN, owned: false, byToken: false })), dev.group);
}

/**
 * dmar_domain_attach_device skips the context setup for a device with
 * incoming state (v1 08/14: `if (!device_ser)` around
 * domain_context_mapping): a device of group g with preserved state keeps
 * the context entry it had before the default domain's attach.
 */
function keepIncomingCtx(before: State, after: State, g: number): State {
  if (!after.devices.some((d, i) => d.group === g && d.preserved && after.ctx[i] !== before.ctx[i])) return after;
  return { ...after, ctx: after.ctx.map((c, i) => (after.devices[i]!.group === g && after.devices[i]!.preserved ? before.ctx[i]! : c)) };
}

/** The old slot whose restored domain group g is on and that nobody reclaimed as a HWPT (the core's), -1 if none. */
export function onUnclaimedRestored(s: State, g: number): number {
  const dom = s.groups[g]!.domain;
  return dom >= 0 && !s.hwpts[dom]!.alive ? dom : -1;
}

/**
 * The old slot whose restored domain group g is on (the core's, or wrapped
 * by a rehydrated HWPT), -1 if none. A group on a slot without a live HWPT
 * is on that slot's restored domain: only the new kernel's probe puts it
 * there (in the old kernel an attached HWPT cannot be destroyed).
 */
export function onRestoredDomain(s: State, g: number): number {
  const dom = s.groups[g]!.domain;
  if (dom < 0) return -1;
  const h = s.hwpts[dom]!;
  if (!h.alive) return dom;
  return h.restored;
}
