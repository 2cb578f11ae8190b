/**
 * Drop-off slot availability: for each candidate slot, tentatively insert the new job, forecast it
 * and the promises it could hurt, and offer the slot only when
 *  (a) the promise is reachable within the business rules: promise = P(target) quantile of
 *      completion + handover buffer, rounded up to the grid; it must lie inside the model horizon;
 *      a WAITER's promise must fall on the slot's own day (≤ the end of that day's range, and
 *      promise − slot ≤ maxWaitMinutes when given); a DROP-OFF promise that falls outside the open
 *      ranges is moved to the start of the next range (ready for pick-up when the shop opens; the
 *      probability only grows);
 *  (b) no existing promise that met the target falls below it, and none already below drops by more
 *      than epsilon (common random numbers: the differences are not noise).
 * Screening uses the context's screening simulation (few samples); the quote at booking time uses
 * the full count (PromiseContext.quote).
 */
import { intersectIntervals, type Plan, type SchedulingModel } from '../scheduling/model.js';
import { InsertionSimulation } from './insertion-simulation.js';
import { sequencePosition } from './sequences.js';
import { insertJob, promiseEffects, Timelines, type Insertion, type NewJobSpec } from './insert.js';
import { bookingVerdict, calibratedReady, SCREENING_MARGIN, SCREENING_WAIT_MARGIN_MINUTES, promiseLevel, promiseMinute, rawEquivalent, type RefusalReason, type VerdictFacts } from '../rules/index.js';
import type { PromiseContext } from './context.js';

export interface DayRange { start: number; end: number }

export interface AvailabilityRequest {
  /** candidate drop-off minutes (the caller builds them from opening hours and the slot grid) */
  slots: readonly number[];
  /** the new job; `release` is set to each slot */
  job: Omit<NewJobSpec, 'release'>;
  /**
   * the new job as dropped off at `start` (overrides `job`): for op releases that follow the slot,
   * e.g. parts that arrive a fixed time after the drop-off. Releases must not decrease as `start`
   * grows (a later slot with the same sequence positions as a hurting one is rejected without simulation).
   */
  jobAt?: (start: number) => NewJobSpec;
  waiter: boolean;
  /** default 0.9 */
  target?: number;
  bufferMinutes?: number;
  /** the workshop's open ranges per day, sorted (for the same-day and pick-up rules) */
  days?: readonly DayRange[];
  /** waiters: longest acceptable promise − slot, minutes */
  maxWaitMinutes?: number;
  roundTo?: number;
  /** promise at the (target + headroom) quantile, see QuoteOptions.headroom (default 0) */
  headroom?: number;
  /** calibration scale of the promise lead from a slot (rules/calibration.ts; default 1): the segment depends on the slot's day */
  scale?: (start: number) => number;
  epsilon?: number;
  /** stop after the first offered slot (a customer who takes the first fit) */
  stopAtFirst?: boolean;
  /** a rejected slot names only the first hurt promise found (faster: the effect propagation stops there) */
  firstVictimOnly?: boolean;
  /**
   * effects on existing promises are assessed for ops planned to start before the new job's planned
   * finish + this window (default 1440: up to the next morning's replan; Infinity = whole plan)
   */
  effectWindowMinutes?: number;
}

/** Why a slot is not offered: the booking verdict's reasons (rules/verdict.ts). */
export type RejectReason = RefusalReason;

export interface SlotResult {
  start: number;
  offered: boolean;
  /** promised ready-by minute (also given for rejected slots when it was computed) */
  promise: number | null;
  onTimeProbability: number | null;
  /** deterministic planned finish of the new job's last op */
  plannedFinish: number | null;
  reason?: RejectReason;
  /** keys of the hurt existing jobs (reason hurts_existing_promises) */
  victims?: string[];
}

export interface AvailabilityResult {
  slots: SlotResult[];
  /** slots fully simulated, and slots rejected before simulation */
  simulated: number;
  /**
   * slots whose effect on existing promises was reused: from an identical earlier insertion, or
   * (hurt, with firstVictimOnly) from an earlier slot whose new ops sit at the same sequence positions
   */
  reused: number;
  skippedEarly: number;
  samples: number;
  /** the first offered slot's insertion and its simulation (to adopt it without redoing the work) */
  accepted?: { start: number; insertion: Insertion; simulation: InsertionSimulation };
}

function dayIndex(days: readonly DayRange[], t: number): number {
  let lo = 0, hi = days.length;
  while (lo < hi) { const m = (lo + hi) >> 1; if (days[m].end <= t) lo = m + 1; else hi = m; }
  return lo; // first range ending after t (t inside it or before it)
}

export function availability(ctx: PromiseContext, req: AvailabilityRequest): AvailabilityResult {
  const target = req.target ?? 0.9, buffer = req.bufferMinutes ?? 0, grid = req.roundTo ?? 5, eps = req.epsilon ?? 0.005;
  const sim = ctx.screen;
  const tl = ctx.timelines;
  const horizon = ctx.model.horizonEnd;
  const out: SlotResult[] = [];
  let simulated = 0, skippedEarly = 0, reused = 0;
  let accepted: AvailabilityResult['accepted'];
  const window = req.effectWindowMinutes ?? 1440;
  const effectCache = new Map<string, string[]>();
  // insertion positions that hurt a promise, with the earliest slot that showed it
  const hurtAt = new Map<string, { start: number; victims: string[] }>();

  for (const start of req.slots) {
    const r: SlotResult = { start, offered: false, promise: null, onTimeProbability: null, plannedFinish: null };
    out.push(r);
    const ins = insertJob(ctx.model, ctx.plan, req.jobAt ? req.jobAt(start) : { ...req.job, release: start }, tl);
    const day = req.days && req.days.length ? req.days[dayIndex(req.days, start)] : undefined;
    const facts = (promise: number | null, hurts = 0): VerdictFacts => ({
      now: start, arrival: start, promise, horizonEnd: horizon, waiter: req.waiter, dayEnd: day ? day.end - SCREENING_WAIT_MARGIN_MINUTES : undefined,
      waiterMaxWaitMinutes: (req.maxWaitMinutes ?? Infinity) - SCREENING_WAIT_MARGIN_MINUTES, hurts,
    });
    // obvious rejections before sampling: the deterministic plan already misses the rule
    // (heuristic: the target quantile is above the planned finish in practice for targets ≥ 0.5)
    // (calibrated like the promise: the lower bound moves with it)
    const scale = req.scale?.(start) ?? 1;
    const early = bookingVerdict(facts(ins.ok ? calibratedReady(start, ins.plannedFinish + buffer, scale) : null));
    if (ins.ok) r.plannedFinish = ins.plannedFinish;
    if (!early.bookable) { r.reason = early.reason; skippedEarly++; continue; }
    if (!ins.ok) continue; // unreachable: no insertion is a no_capacity verdict (narrows the type)
    // The forecast depends on where the new ops sit in the technicians' and bays' sequences, not on
    // their planned minutes. The same positions as an earlier slot that hurt a promise: a later
    // drop-off can only make every sampled end later (releases grow, nothing else changes), so it
    // hurts that promise too (it may hurt more: only with firstVictimOnly, which names one).
    const placed = !req.firstVictimOnly ? '' : ins.ops.map((o) => {
      const a = ins.plan.assignments[o];
      return `${a.tech}:${sequencePosition(sim.techSeq[a.tech], o, ins.plan)}/${a.bay}:${a.bay >= 0 ? sequencePosition(sim.baySeq[a.bay], o, ins.plan) : -1}`;
    }).join(',');
    const known = req.firstVictimOnly ? hurtAt.get(placed) : undefined;
    if (known && known.start <= start) { r.reason = 'hurts_existing_promises'; r.victims = known.victims; reused++; continue; }
    simulated++;
    const isim = new InsertionSimulation(sim, { model: ins.model, plan: ins.plan, newOps: ins.ops, newOpCodes: ins.opCodes });
    const f = isim.completionForecast(ins.job, buffer)!;
    const promise = promiseMinute(calibratedReady(start, f.quantile(promiseLevel(target, req.headroom ?? 0)), scale), { waiter: req.waiter, openRanges: req.days, grid });
    r.promise = promise;
    r.onTimeProbability = f.probReadyBy(rawEquivalent(start, promise, scale));
    const ruled = bookingVerdict(facts(promise));
    if (!ruled.bookable) { r.reason = ruled.reason; continue; }
    // identical new-op placements and sampled ends ⇒ identical downstream effect: reuse it (not
    // worth hashing the samples when the first slot without a victim ends the search and victims
    // are already reused by position)
    const sig = req.stopAtFirst && req.firstVictimOnly ? '' : `${ins.plannedFinish}|${isim.signature()}`;
    let victims = sig ? effectCache.get(sig) : undefined;
    if (victims) reused++;
    else {
      // the screen's few samples keep a margin above the target (rules/verdict.ts SCREENING_MARGIN)
      victims = promiseEffects(isim, target, eps, ins.plannedFinish + window, req.firstVictimOnly, SCREENING_MARGIN).filter((a) => a.hurt).map((v) => v.key);
      if (sig) effectCache.set(sig, victims);
    }
    const verdict = bookingVerdict(facts(promise, victims.length));
    if (!verdict.bookable) {
      r.reason = verdict.reason; r.victims = victims;
      if (req.firstVictimOnly && !known) hurtAt.set(placed, { start, victims });
      continue;
    }
    r.offered = true;
    accepted ??= { start, insertion: ins, simulation: isim };
    if (req.stopAtFirst) break;
  }
  return { slots: out, simulated, skippedEarly, reused, samples: sim.S, ...(accepted ? { accepted } : {}) };
}

export interface FreeCapacity {
  /** per technician: free working minutes per day range */
  techs: { key: string; free: number[] }[];
  /** per bay: free open minutes per day range */
  bays: { key: string; free: number[] }[];
}

function measure(iv: readonly number[], s: number, e: number): number {
  let m = 0;
  for (let i = 0; i < iv.length; i += 2) {
    if (iv[i] >= e) break;
    const lo = Math.max(s, iv[i]), hi = Math.min(e, iv[i + 1]);
    if (hi > lo) m += hi - lo;
  }
  return m;
}

/** Free working minutes per technician and free open minutes per bay, per day range. */
export function freeCapacity(model: SchedulingModel, plan: Pick<Plan, 'assignments'>, days: readonly DayRange[], timelines?: Timelines): FreeCapacity {
  const tl = timelines ?? new Timelines(model, plan);
  const techs = model.techs.map((t, i) => {
    const cal = tl.techCal[i];
    const busyWork = intersectIntervals(tl.techBusy[i], cal);
    return { key: t.key, free: days.map((d) => measure(cal, d.start, d.end) - measure(busyWork, d.start, d.end)) };
  });
  const bays = model.bays.map((b, i) => {
    const busyOpen = intersectIntervals(tl.bayBusy[i], b.open);
    return { key: b.key, free: days.map((d) => measure(b.open, d.start, d.end) - measure(busyOpen, d.start, d.end)) };
  });
  return { techs, bays };
}
