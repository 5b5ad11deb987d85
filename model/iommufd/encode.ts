/**
 * The canonical encoding of a state: integers only, fields in a fixed order,
 * lists length-prefixed. Device groups and IOAS of HWPTs never change, so
 * they are left out. No symmetry reduction yet.
 */
import type { Encoder } from '../../explorer/fingerprint.js';
import { PCS, type Pc, type State } from './types.js';

const PC_INDEX: Readonly<Record<Pc, number>> = Object.fromEntries(PCS.map((p, i) => [p, i])) as Record<Pc, number>;

const b = (x: boolean): number => (x ? 1 : 0);

export function encodeState(s: State, out: Encoder): void {
  out.push(s.phase | (s.oops << 4));
  for (const m of s.memfds) out.push(m.seals | (b(m.frozen) << 8) | (b(m.preserved) << 9));
  for (const io of s.ioas) {
    out.push(io.immutable);
    out.push(io.areas.length);
    for (const a of io.areas) out.push(a.iova | (a.memfd << 8) | (a.page << 12) | (a.seals << 16) | (b(a.pages) << 24));
  }
  for (const h of s.hwpts) {
    out.push(b(h.alive) | (b(h.marked) << 1) | (b(h.preserved) << 2) | (b(h.domain.preservedState) << 3) | (h.users << 4));
    out.push(h.token);
    out.push(h.domain.tables | (h.domain.kho << 12));
    for (const pfn of h.domain.leaves) out.push(pfn);
  }
  for (const d of s.devices) out.push((d.hwpt + 1) | (b(d.preserved) << 8));
  for (const g of s.groups) out.push((g.domain + 2) | (b(g.owned) << 8) | ((g.hwpt + 1) << 9));
  out.push(b(s.session.open));
  out.push(s.session.files.length);
  for (const f of s.session.files) {
    out.push(f.file);
    out.push(f.token);
  }
  out.push(b(s.blob.allocated) | (b(s.blob.overflow) << 1) | (s.blob.nr << 2));
  for (const x of s.blob.slots) {
    out.push(x.token);
    out.push(x.domain);
  }
  for (const t of s.threads) {
    out.push(t.done);
    out.push((t.op + 1) | (PC_INDEX[t.pc] << 8) | (b(t.made) << 16));
    out.push((t.nr << 16) | ((t.slot + 1) << 8) | (t.cur + 1));
    out.push(t.held | (t.seals << 8) | (t.rc << 16));
  }
}
