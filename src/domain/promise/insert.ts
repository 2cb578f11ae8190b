/**
 * Tentative insertion of a new vehicle into a plan without moving anything already planned, and the
 * quote built on it: promised ready-by, on-time probability, bottleneck, and the effect on the
 * promises already given (common random numbers, so before/after differences are real).
 */
import { intersectIntervals, techAvailability, type Assignment, type JobFact, type OpFact, type Plan, type SchedulingModel } from '../scheduling/model.js';
import { advance, INF } from '../scheduling/timetable.js';
import { firstEndAfter } from './work-calendar.js';
import { fractionAtMost, type Bottleneck, type JobForecast } from './job-forecast.js';
import { InsertionSimulation } from './insertion-simulation.js';
import type { PromiseSimulation } from './promise-simulation.js';
import { calibratedReady, isHurt, promiseLevel, promiseMinute, rawEquivalent, type OpenRange } from '../rules/index.js';

export interface NewOpSpec {
  /** default `${job key}#${index}` */
  key?: string;
  /** key of its random numbers in forecasts (OpFact.stream) */
  stream?: string;
  /** op code for the duration model */
  opCode: string;
  /** earliest start of this op (parts ETA); the job's release applies anyway */
  release?: number;
  splittable?: boolean;
  parallel?: boolean;
  /** qualified technicians and planned minutes on each (standard ÷ efficiency) */
  alternatives: { tech: number; minutes: number }[];
  /** eligible bays; null = needs no bay */
  bays: number[] | null;
  /**
   * indices into the new job's ops that must finish first (each < this op's index). Default: the
   * previous non-parallel op, as the compiler chains them (give [] for none).
   */
  preds?: number[];
}

export interface NewJobSpec {
  key: string;
  /** arrival / drop-off minute */
  release: number;
  /** compiled due (promise − handover buffer), optional */
  due?: number | null;
  weight?: number;
  ops: NewOpSpec[];
}

/** Busy spans per technician and bay of a plan, and the calendars, for gap search. Reusable per (model, plan). */
export class Timelines {
  readonly techBusy: number[][];
  readonly bayBusy: number[][];
  readonly techCal: number[][];
  private readonly cache: Map<number, number[]>;

  /**
   * `prior`: the timelines of the plan before an insertion whose appended ops are `ops` (see
   * extend): its calendars are shared and only the touched rows are rebuilt.
   */
  constructor(readonly model: SchedulingModel, readonly plan: Pick<Plan, 'assignments'>, prior?: { timelines: Timelines; ops: readonly number[] }) {
    const tech = new Map<number, [number, number][]>(), bay = new Map<number, [number, number][]>();
    const add = (m: Map<number, [number, number][]>, r: number, s: number, e: number) => (m.get(r) ?? m.set(r, []).get(r)!).push([s, e]);
    for (const i of prior ? prior.ops : model.ops.keys()) {
      const a = plan.assignments[i];
      if (!a || a.tech < 0 || a.end <= a.start) continue;
      add(tech, a.tech, a.start, a.end);
      if (a.bay >= 0) add(bay, a.bay, a.start, a.end);
    }
    // rows without new spans are the prior's arrays; the others merge the prior's spans with the new
    const rows = (n: number, spans: Map<number, [number, number][]>, old?: number[][]) =>
      Array.from({ length: n }, (_, r) => {
        const list = spans.get(r);
        if (!list) return old?.[r] ?? [];
        const o = old?.[r] ?? [];
        for (let k = 0; k < o.length; k += 2) list.push([o[k], o[k + 1]]);
        return mergeSpans(list);
      });
    this.techBusy = rows(model.techs.length, tech, prior?.timelines.techBusy);
    this.bayBusy = rows(model.bays.length, bay, prior?.timelines.bayBusy);
    this.techCal = prior ? prior.timelines.techCal : model.techs.map((x) => techAvailability(x));
    this.cache = prior ? prior.timelines.cache : new Map();
  }

  /** the timelines of the plan with an insertion adopted (`ops`: the appended ops of `model`/`plan`) */
  extend(model: SchedulingModel, plan: Pick<Plan, 'assignments'>, ops: readonly number[]): Timelines {
    return new Timelines(model, plan, { timelines: this, ops });
  }

  /** technician availability ∩ bay opening (cached) */
  pairCal(tech: number, bay: number): number[] {
    if (bay < 0) return this.techCal[tech];
    const k = tech * this.model.bays.length + bay;
    let c = this.cache.get(k);
    if (!c) { c = intersectIntervals(this.techCal[tech], this.model.bays[bay].open); this.cache.set(k, c); }
    return c;
  }
}

function mergeSpans(list: [number, number][]): number[] {
  list.sort((x, y) => x[0] - y[0]);
  const out: number[] = [];
  for (const [s, e] of list) {
    const n = out.length;
    if (n && s <= out[n - 1]) { if (e > out[n - 1]) out[n - 1] = e; } else out.push(s, e);
  }
  return out;
}

/** end of the busy span overlapping [s, e), or -1 */
function conflictEnd(busy: readonly number[], s: number, e: number): number {
  const j = firstEndAfter(busy, s);
  return j < busy.length && busy[j] < e ? busy[j + 1] : -1;
}

/** end of d minutes of work from s inside cal (s inside interval i); -1 if the calendar ends first */
function advanceStrict(cal: readonly number[], i: number, s: number, d: number): number {
  const e = advance(cal, i, s, d);
  return e === INF ? -1 : e;
}

interface Placed { tech: number; bay: number; start: number; end: number; parallel: boolean }

/** earliest [start, end) ≥ est on (tech, bay) clear of the plan and of the job's own placed ops */
function fit(tl: Timelines, tech: number, bay: number, d: number, est: number, splittable: boolean, parallel: boolean, own: Placed[]): { start: number; end: number } | null {
  const cal = tl.pairCal(tech, bay);
  const tb = tl.techBusy[tech], bb = bay >= 0 ? tl.bayBusy[bay] : null;
  let t = est;
  for (let guard = 0; guard < 100000; guard++) {
    let i = firstEndAfter(cal, t);
    if (i >= cal.length) return null;
    let s = Math.max(t, cal[i]), e: number;
    if (!splittable) {
      while (i < cal.length && cal[i + 1] - Math.max(s, cal[i]) < d) i += 2;
      if (i >= cal.length) return null;
      s = Math.max(s, cal[i]);
      e = s + d;
    } else {
      e = advanceStrict(cal, i, s, d);
      if (e < 0) return null;
    }
    let c = conflictEnd(tb, s, e);
    if (c < 0 && bb) c = conflictEnd(bb, s, e);
    if (c < 0) {
      for (const p of own) {
        if (p.start < e && s < p.end && (p.tech === tech || (bay >= 0 && p.bay === bay) || (!parallel && !p.parallel))) { c = p.end; break; }
      }
    }
    if (c < 0) return { start: s, end: e };
    t = c;
  }
  return null;
}

export interface Insertion {
  ok: true;
  model: SchedulingModel;
  plan: Plan;
  /** index of the new job in model.jobs */
  job: number;
  /** indices of the new ops in model.ops (appended at the end) */
  ops: number[];
  opCodes: string[];
  /** planned (deterministic) end of the new job's last op */
  plannedFinish: number;
}

export interface InsertionFailure {
  ok: false;
  reason: 'no_capacity';
  /** index of the op (within the new job) that found no gap */
  op: number;
  message: string;
}

/**
 * Inserts the job into the gaps of the current timelines, op by op in the given order, each on the
 * technician/bay/time with the earliest finish (calendars, splittable flag, release, the job's own
 * precedence and one-at-a-time rule respected). Existing ops do not move. The plan's objective is
 * copied unchanged (not re-evaluated).
 */
export function insertJob(model: SchedulingModel, plan: Plan, spec: NewJobSpec, timelines?: Timelines): Insertion | InsertionFailure {
  const tl = timelines ?? new Timelines(model, plan);
  const n0 = model.ops.length, job = model.jobs.length;
  const placed: Placed[] = [];
  const newOps: OpFact[] = [];
  const assigns: Assignment[] = [];
  let prevNonPar = -1;
  for (let i = 0; i < spec.ops.length; i++) {
    const o = spec.ops[i];
    const preds = o.preds ?? (prevNonPar >= 0 && !o.parallel ? [prevNonPar] : []);
    if (preds.some((p) => !(p >= 0 && p < i))) throw new Error(`new op ${i}: preds must reference earlier ops of the job`);
    if (!o.parallel) prevNonPar = i;
    const release = Math.max(spec.release, o.release ?? -Infinity);
    let est = release;
    for (const p of preds) est = Math.max(est, placed[p].end);
    let best: Placed | null = null;
    for (const alt of o.alternatives) {
      if (best && est + alt.minutes > best.end) continue;
      // no bay can beat the technician (and the vehicle) alone: stop at the first bay that matches it
      const alone = o.bays && o.bays.length > 1 ? fit(tl, alt.tech, -1, alt.minutes, est, !!o.splittable, !!o.parallel, placed) : null;
      if (o.bays && o.bays.length > 1 && (!alone || (best && alone.end > best.end))) continue;
      for (const bay of o.bays ?? [-1]) {
        const f = fit(tl, alt.tech, bay, alt.minutes, est, !!o.splittable, !!o.parallel, placed);
        if (f && (!best || f.end < best.end || (f.end === best.end && f.start < best.start))) {
          best = { tech: alt.tech, bay, start: f.start, end: f.end, parallel: !!o.parallel };
        }
        if (f && alone && f.end === alone.end && f.start === alone.start) break;
      }
    }
    if (!best) return { ok: false, reason: 'no_capacity', op: i, message: `no gap for operation ${o.key ?? `${spec.key}#${i}`} (${o.opCode}) on a qualified technician and eligible bay within the horizon` };
    placed.push(best);
    newOps.push({
      key: o.key ?? `${spec.key}#${i}`,
      ...(o.stream ? { stream: o.stream } : {}),
      job,
      release,
      splittable: !!o.splittable,
      alternatives: o.alternatives,
      bays: o.bays,
      preds: preds.map((p) => n0 + p),
      ...(o.parallel ? { parallel: true } : {}),
    });
    assigns.push({ op: n0 + i, tech: best.tech, bay: best.bay, start: best.start, end: best.end });
  }
  const ops = newOps.map((_, i) => n0 + i);
  const jobFact: JobFact = { key: spec.key, release: spec.release, due: spec.due ?? null, weight: spec.weight ?? 1, ops };
  return {
    ok: true,
    model: { ...model, jobs: model.jobs.concat([jobFact]), ops: model.ops.concat(newOps) },
    plan: { ...plan, assignments: plan.assignments.concat(assigns) },
    job,
    ops,
    opCodes: spec.ops.map((o) => o.opCode),
    plannedFinish: Math.max(...placed.map((p) => p.end)),
  };
}

// ---------------------------------------------------------------- quote

export interface QuoteOptions {
  /** probability at which the promise must be kept (default 0.9) */
  target?: number;
  /** handover buffer after the last op (QC, wash, paperwork), minutes, default 0 */
  bufferMinutes?: number;
  /** promises are rounded UP to this grid (default 5 minutes) */
  roundTo?: number;
  /**
   * promise at the (target + headroom) quantile (default 0): leaves room for later bookings to
   * erode the on-time probability down to the target without being refused by the effect rule
   */
  headroom?: number;
  /** an existing promise already below target counts as hurt when it drops by more than this (default 0.005) */
  epsilon?: number;
  /** a drop-off's promise outside these open ranges (sorted) moves to the next opening (rules/promise.ts) */
  openRanges?: readonly OpenRange[];
  /** the customer waits on site (default false) */
  waiter?: boolean;
  /** calibration scale of the promise lead (rules/calibration.ts; default 1: the forecast as it is) */
  scale?: number;
  /**
   * assess the effect on existing ops planned to start before the new job's planned finish + this
   * many minutes (default: no limit). Beyond it the next replan re-sequences the work anyway.
   */
  effectWindowMinutes?: number;
}

export interface AffectedPromise {
  job: number;
  key: string;
  /** compiled due (promise − buffer): on time ⇔ completion ≤ due */
  due: number;
  /** P(on time) without / with the new job */
  before: number;
  after: number;
  /** fell below the target, or was below and dropped by more than epsilon */
  hurt: boolean;
}

export interface QuoteResult {
  ok: true;
  insertion: Insertion;
  /** forecast of the new job (buffer included in its time-valued outputs) */
  forecast: JobForecast;
  /** promised ready-by minute: target quantile of completion + buffer, rounded up */
  promise: number;
  /** P(completion + buffer ≤ promise), read on the calibrated forecast */
  onTimeProbability: number;
  /** the forecast's promise-level ready time − arrival, before calibration (what calibration scores against) */
  rawLeadMinutes: number;
  /** the calibration scale applied */
  scale: number;
  bottleneck: Bottleneck;
  /** existing jobs with a due whose completion distribution changes */
  affected: AffectedPromise[];
  /** the affected promises that are hurt */
  victims: AffectedPromise[];
  samples: number;
  /** the insertion simulated on `sim`: `sim.extend(simulation)` adopts it without simulating the plan again */
  simulation: InsertionSimulation;
}


/**
 * Effect of an insertion on existing promises (jobs with a due date). `firstHurt`: stop at the
 * first hurt promise found (returns only it; for a yes/no decision). Ends can only grow with an
 * insertion, so a promise hurt on partial propagation is hurt.
 */
export function promiseEffects(isim: InsertionSimulation, target: number, epsilon: number, effectUntil = Infinity, firstHurt = false, margin = 0): AffectedPromise[] {
  const hurtBy = (before: number, after: number, t: number, e: number) => isHurt(before, after, t, e, margin);
  const base = isim.base;
  if (firstHurt) {
    let found: AffectedPromise | null = null;
    isim.propagate(effectUntil, (o) => {
      const j = base.model.ops[o].job, jf = base.model.jobs[j];
      const due = jf.forecastDue ?? jf.due;
      if (due === null || due === undefined) return false;
      const b = base.jobCompletion(j), a = isim.completionSoFar(j);
      if (!b || !a) return false;
      const before = fractionAtMost(b, due), after = fractionAtMost(a, due);
      if (!hurtBy(before, after, target, epsilon)) return false;
      found = { job: j, key: jf.key, due, before, after, hurt: true };
      return true;
    });
    if (found) return [found];
  }
  isim.propagate(effectUntil);
  const out: AffectedPromise[] = [];
  for (const j of isim.affectedJobs()) {
    const jf = base.model.jobs[j];
    const due = jf.forecastDue ?? jf.due;
    if (due === null || due === undefined) continue;
    const b = base.jobCompletion(j), a = isim.jobCompletion(j);
    if (!b || !a) continue;
    const before = fractionAtMost(b, due), after = fractionAtMost(a, due);
    const hurt = hurtBy(before, after, target, epsilon);
    out.push({ job: j, key: jf.key, due, before, after, hurt });
  }
  return out;
}

/**
 * Quote for a new job on a simulated plan: insert, forecast with the simulation's samples (use the
 * full-count simulation for the answer), promise = target quantile + buffer rounded up, and the
 * effect on existing promises. `sim` must be built on (model, plan).
 */
export function quoteOn(sim: PromiseSimulation, spec: NewJobSpec, opts: QuoteOptions = {}, timelines?: Timelines): QuoteResult | InsertionFailure {
  const target = opts.target ?? 0.9, buffer = opts.bufferMinutes ?? 0;
  const ins = insertJob(sim.model, sim.plan as Plan, spec, timelines);
  if (!ins.ok) return ins;
  const isim = new InsertionSimulation(sim, { model: ins.model, plan: ins.plan, newOps: ins.ops, newOpCodes: ins.opCodes });
  const forecast = isim.forecastJob(ins.job, buffer)!;
  // the forecast's quantile at the promise level, calibrated around the arrival, then the promise rule
  const scale = opts.scale ?? 1, from = spec.release;
  const rawReady = forecast.quantile(promiseLevel(target, opts.headroom ?? 0));
  const promise = promiseMinute(calibratedReady(from, rawReady, scale), { waiter: opts.waiter ?? false, openRanges: opts.openRanges, grid: opts.roundTo });
  // the full simulation decides at the target itself (the availability screen keeps a margin above it)
  const affected = promiseEffects(isim, target, opts.epsilon ?? 0.005, ins.plannedFinish + (opts.effectWindowMinutes ?? Infinity));
  return {
    ok: true, insertion: ins, forecast, promise, rawLeadMinutes: rawReady - from, scale,
    onTimeProbability: forecast.probReadyBy(rawEquivalent(from, promise, scale)),
    bottleneck: forecast.bottleneck,
    affected, victims: affected.filter((a) => a.hurt), samples: sim.S, simulation: isim,
  };
}
