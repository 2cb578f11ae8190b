/**
 * Slot search and serial schedule generation over calendars: the solver's timing code.
 * (verify.ts deliberately does not use any of this.)
 *
 * Resources: technicians (calendar = work ∪ overtime), bays (calendar = open), jobs (always open;
 * holds non-parallel ops so a vehicle does one thing at a time). Each resource keeps a sorted flat
 * list of busy spans; placement finds the earliest start ≥ est that is free on all of them and inside
 * the calendars (one interval for non-splittable ops; for splittable ops the span is held whole and
 * the processing minutes are counted inside tech ∩ bay calendar).
 */
import { firstEndAfter, intersectIntervals, techAvailability, unionIntervals, type SchedulingModel } from './model.js';

export { firstEndAfter };

export const INF = 2 ** 45;

/** earliest s ≥ t with [s, s+d) inside one calendar interval and clear of busy; INF if none */
function fitOne(cal: readonly number[] | null, busy: readonly number[], t: number, d: number): number {
  for (;;) {
    let s = t;
    if (cal) {
      let i = firstEndAfter(cal, t);
      if (i >= cal.length) return INF;
      s = Math.max(t, cal[i]);
      if (cal[i + 1] - s < d) {
        i += 2;
        while (i < cal.length && cal[i + 1] - cal[i] < d) i += 2;
        if (i >= cal.length) return INF;
        s = cal[i];
      }
    }
    const j = firstEndAfter(busy, s);
    if (j < busy.length && busy[j] < s + d) {
      t = busy[j + 1];
      continue;
    }
    return s;
  }
}

/** end of processing d minutes from s inside calendar (starting search at interval index i); INF if the calendar ends first */
export function advance(cal: readonly number[], i: number, s: number, d: number): number {
  let rem = d;
  let pos = s;
  for (let k = i; k < cal.length; k += 2) {
    const from = Math.max(pos, cal[k]);
    const avail = cal[k + 1] - from;
    if (avail >= rem) return from + rem;
    if (avail > 0) rem -= avail;
    pos = cal[k + 1];
  }
  return INF;
}

function clearOf(busy: readonly number[], s: number, e: number): number {
  const j = firstEndAfter(busy, s);
  if (j < busy.length && busy[j] < e) return busy[j + 1];
  return -1;
}

function insertBusy(busy: number[], s: number, e: number): void {
  if (e <= s) return;
  const n = busy.length;
  // decodes place ops mostly in time order: appending is the common case
  if (n === 0 || busy[n - 2] < s) { busy.push(s, e); return; }
  let lo = 0, hi = n >> 1;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (busy[2 * mid] < s) lo = mid + 1;
    else hi = mid;
  }
  // shift the tail by one span in place (splice would allocate the array of removed elements)
  busy.push(busy[n - 2], busy[n - 1]);
  for (let i = n - 3; i >= 2 * lo; i--) busy[i + 2] = busy[i];
  busy[2 * lo] = s;
  busy[2 * lo + 1] = e;
}

/** measure of [s, e) ∩ cal */
export function measure(cal: readonly number[], s: number, e: number): number {
  let m = 0;
  for (let i = firstEndAfter(cal, s); i < cal.length && cal[i] < e; i += 2) m += Math.min(e, cal[i + 1]) - Math.max(s, cal[i]);
  return m;
}

export interface Slot { tech: number; bay: number; start: number; end: number }

export class Timetable {
  readonly T: number;
  readonly B: number;
  readonly techCal: number[][];
  readonly bayCal: number[][];
  readonly overtime: (number[] | null)[];
  private readonly inter = new Map<number, number[]>();
  private readonly base: number[][];
  busy: number[][];
  /** end of the last non-fixed op placed on each tech (for sequence-preserving placement; fixed ops are in busy) */
  readonly techLast: Float64Array;
  private readonly baseTechLast: Float64Array;

  constructor(readonly model: SchedulingModel) {
    this.T = model.techs.length;
    this.B = model.bays.length;
    this.techCal = model.techs.map((t) => techAvailability(t));
    this.bayCal = model.bays.map((b) => b.open);
    this.overtime = model.techs.map((t) => (t.overtime && t.overtime.length ? t.overtime : null));
    const nRes = this.T + this.B + model.jobs.length;
    this.base = Array.from({ length: nRes }, () => []);
    this.baseTechLast = new Float64Array(this.T).fill(-INF);
    for (const op of model.ops) {
      const f = op.fixed;
      if (!f) continue;
      insertBusy(this.base[f.tech], f.start, f.end);
      if (f.bay >= 0) insertBusy(this.base[this.T + f.bay], f.start, f.end);
      if (!op.parallel) insertBusy(this.base[this.T + this.B + op.job], f.start, f.end);
    }
    // the floor may report two operations in progress at once on one technician, bay or vehicle:
    // their spans overlap, and a busy list must stay disjoint for the searches, so they are merged
    for (let r = 0; r < nRes; r++) if (this.base[r].length > 2) this.base[r] = unionIntervals(this.base[r], []);
    this.busy = this.base.map((b) => b.slice());
    this.techLast = this.baseTechLast.slice();
  }

  reset(): void {
    // the arrays are kept (their capacity with them): decodes reset thousands of times
    for (let r = 0; r < this.base.length; r++) {
      const b = this.base[r], x = this.busy[r];
      x.length = b.length;
      for (let i = 0; i < b.length; i++) x[i] = b[i];
    }
    this.techLast.set(this.baseTechLast);
  }

  /** tech ∩ bay calendar (cached) */
  pairCal(tech: number, bay: number): number[] {
    if (bay < 0) return this.techCal[tech];
    const k = tech * this.B + bay;
    let c = this.inter.get(k);
    if (!c) { c = intersectIntervals(this.techCal[tech], this.bayCal[bay]); this.inter.set(k, c); }
    return c;
  }

  /** end of the last fitAt() that found a slot */
  private fitEnd = 0;

  /** start of the earliest slot for op on (tech, bay) from est (its end in fitEnd); -1 if none. Allocates nothing. */
  private fitAt(op: number, tech: number, bay: number, d: number, est: number): number {
    const o = this.model.ops[op];
    const techBusy = this.busy[tech];
    const bayBusy = bay >= 0 ? this.busy[this.T + bay] : null;
    const jobBusy = o.parallel ? null : this.busy[this.T + this.B + o.job];
    if (!o.splittable) {
      const tc = this.techCal[tech];
      const bc = bay >= 0 ? this.bayCal[bay] : null;
      let t = est;
      for (;;) {
        const t1 = fitOne(tc, techBusy, t, d);
        if (t1 >= INF) return -1;
        t = t1;
        if (bayBusy) {
          const t2 = fitOne(bc, bayBusy, t, d);
          if (t2 >= INF) return -1;
          if (t2 !== t) { t = t2; continue; }
        }
        if (jobBusy) {
          const t3 = fitOne(null, jobBusy, t, d);
          if (t3 !== t) { t = t3; continue; }
        }
        this.fitEnd = t + d;
        return t;
      }
    }
    const cal = this.pairCal(tech, bay);
    let t = est;
    for (;;) {
      const i = firstEndAfter(cal, t);
      if (i >= cal.length) return -1;
      const s = Math.max(t, cal[i]);
      const e = advance(cal, i, s, d);
      if (e >= INF) return -1;
      let nt = clearOf(techBusy, s, e);
      if (nt < 0 && bayBusy) nt = clearOf(bayBusy, s, e);
      if (nt < 0 && jobBusy) nt = clearOf(jobBusy, s, e);
      if (nt < 0) { this.fitEnd = e; return s; }
      t = nt;
    }
  }

  /**
   * Best slot for op: earliest end over the allowed techs and the eligible bays.
   * `tech` = -1 lets the op choose among its alternatives; `append` keeps tech sequences
   * (no start before the end of the last op placed on that tech).
   */
  best(op: number, tech: number, est: number, append: boolean, preferBay = -1, preferTol = 0): Slot | null {
    const o = this.model.ops[op];
    if (preferBay >= 0 && tech >= 0 && o.bays !== null && o.bays.includes(preferBay)) {
      // replans: keep the previous bay unless another one finishes more than preferTol earlier
      const alt = o.alternatives.find((a) => a.tech === tech);
      if (alt) {
        const e0 = append ? Math.max(est, this.techLast[tech]) : est;
        const ps = this.fitAt(op, tech, preferBay, alt.minutes, e0);
        if (ps >= 0) {
          const pe = this.fitEnd;
          // no bay finishes before the technician alone: within the tolerance of that, keep the bay
          if (o.bays.length === 1) return { tech, bay: preferBay, start: ps, end: pe };
          if (this.fitAt(op, tech, -1, alt.minutes, e0) >= 0 && pe <= this.fitEnd + preferTol) return { tech, bay: preferBay, start: ps, end: pe };
          const other = this.best(op, tech, est, append);
          return other && other.end + preferTol < pe ? other : { tech, bay: preferBay, start: ps, end: pe };
        }
      }
    }
    let bt = -1, bb = -1, bs = 0, be = INF; // the best slot so far (bt < 0: none)
    for (const alt of o.alternatives) {
      if (tech >= 0 && alt.tech !== tech) continue;
      const e0 = append ? Math.max(est, this.techLast[alt.tech]) : est;
      if (bt >= 0 && e0 + alt.minutes > be) continue;
      if (o.bays === null) {
        const s = this.fitAt(op, alt.tech, -1, alt.minutes, e0);
        if (s >= 0 && (bt < 0 || this.fitEnd < be)) { bt = alt.tech; bb = -1; bs = s; be = this.fitEnd; }
      } else {
        // no bay can beat the technician (and vehicle) alone: skip the technician when that cannot
        // beat the best so far, and stop at the first bay that matches it
        let aloneEnd = INF;
        if (o.bays.length > 1) {
          if (this.fitAt(op, alt.tech, -1, alt.minutes, e0) < 0) continue;
          aloneEnd = this.fitEnd;
          if (bt >= 0 && aloneEnd >= be) continue;
        }
        for (const b of o.bays) {
          const s = this.fitAt(op, alt.tech, b, alt.minutes, e0);
          if (s < 0) continue;
          const e = this.fitEnd;
          if (bt < 0 || e < be) { bt = alt.tech; bb = b; bs = s; be = e; }
          if (e <= aloneEnd) break;
        }
      }
    }
    return bt < 0 ? null : { tech: bt, bay: bb, start: bs, end: be };
  }

  reserve(op: number, s: Slot): void {
    this.reserveAt(op, s.tech, s.bay, s.start, s.end);
  }

  reserveAt(op: number, tech: number, bay: number, start: number, end: number): void {
    insertBusy(this.busy[tech], start, end);
    if (bay >= 0) insertBusy(this.busy[this.T + bay], start, end);
    if (!this.model.ops[op].parallel) insertBusy(this.busy[this.T + this.B + this.model.ops[op].job], start, end);
    if (end > this.techLast[tech]) this.techLast[tech] = end;
  }

  /** processing minutes of a placed op that fall in its tech's overtime */
  overtimeOf(op: number, s: Slot): number {
    const ot = this.overtime[s.tech];
    if (!ot) return 0;
    const o = this.model.ops[op];
    if (!o.splittable || s.bay < 0) return measure(ot, s.start, s.end);
    return measure(intersectIntervals(ot, this.bayCal[s.bay]), s.start, s.end);
  }
}
