/**
 * Discrete-event simulation of a workshop running the real Baywise policies, one replication.
 *
 * Flow of a repair order (RO):
 *   appointment request (made 0..bookingLeadDays ahead) ─► booking, on the wanted slot or the same
 *     time on one of the next `maxDelayDays` open days, else turned away:
 *       'insertion' (default): the promise engine's gap insertion (`insertJob`, nothing moves),
 *         accepted when the planned finish meets the service rule (drop-offs ready by the close of
 *         their day, waiters within standard time + 60 min);
 *       'availability': the promise engine's `availability` (forecast promise rules and no existing
 *         promise hurt), the first offered slot is booked
 *   ─► the promise is made at check-in: the promise engine's Monte Carlo forecast of the vehicle on
 *     the current plan (target quantile + handover buffer); walk-ins are inserted and forecast at
 *     check-in (`InsertionSimulation`); the forecast lets a technician finish in up to 90 min of
 *     overtime, as the floor does
 *   ─► arrival (or no-show) ─► reception queue (advisors, lognormal check-in) ─► checked in
 *   ─► technicians execute the plan's sequences: an idle technician on shift takes the first op of
 *     its sequence whose vehicle is checked in, whose previous op is done, whose parts are there,
 *     that fits the rest of the shift (or may be split) and has a free eligible bay (planned bay
 *     first); ops of absent technicians or left unplanned are taken by any qualified idle technician
 *   ─► actual durations from the scenario's TRUTH (bias and cv per op code) — overruns push later
 *     work; a non-splittable op running past the shift end is finished in overtime, a splittable
 *     one pauses at the shift end and carries over ─► ready (last op + handover buffer).
 * Walk-ins and comebacks queue at reception and are quoted at check-in. Lane ROs (all op codes in
 * an express lane) skip the scheduler: a FIFO queue with the lane's servers during opening hours.
 * The scheduler (`solve`, warm-started from the previous plan with an iteration budget, so the run
 * is deterministic) replans every `replanEveryMinutes` of opening time and at the start of each day
 * (after absences are known). The duration model the promises use is refitted every morning from
 * the job-clock history of the run (`fitDurationModel`), so a biased catalogue is learnt.
 *
 * Pure: no clock, no I/O; randomness from per-entity streams (common random numbers).
 */
import TinyQueue from 'tinyqueue';
import { solve } from '../scheduling/solve.js';
import type { JobFact, OpFact, Plan, SchedulingModel } from '../scheduling/model.js';
import { fitDurationModel, type DurationModel, type JobClockObservation } from '../promise/durations.js';
import { JobForecast, PromiseSimulation, InsertionSimulation, SimulationDraws } from '../promise/index.js';
import { insertJob, Timelines, type Insertion, type NewJobSpec } from '../promise/insert.js';
import { roundUpToGrid as roundUp } from '../rules/index.js';
import { PromiseContext } from '../promise/context.js';
import { availability, type DayRange } from '../promise/availability.js';
import { mmcCore, mmcWaitQuantile } from '../queueing/mmc.js';
import { Rng } from '../../lib/random.js';
import { STREAM, mix, normInv, pickWeighted, poissonInv, streamRng } from './streams.js';
import type { ReplicationOptions, ReplicationResult, SimOpType, SimWorld } from './types.js';

// ------------------------------------------------------------------------------------ events
const E_REQUEST = 0;
const E_ARRIVAL = 1;
const E_CHECKIN_DONE = 2;
const E_OP_END = 3;
const E_PARTS = 4;
const E_TECH_ON = 5;
const E_REPLAN = 6;
const E_DAY_START = 7;
const E_DAY_END = 8;
const E_LANE_DONE = 9;
const E_OPEN = 10;

interface Ev { t: number; seq: number; type: number; ro: Ro | null; a: number; b: number }

// ------------------------------------------------------------------------------------ state
const ST_BOOKED = 0;
const ST_RECEPTION = 1;
const ST_CHECKED_IN = 2;
const ST_READY = 3;
const ST_GONE = 4; // no-show, turned away

const KIND_APPOINTMENT = 0;
const KIND_WALK_IN = 1;
const KIND_COMEBACK = 2;

interface OpRun {
  type: number;
  status: 0 | 1 | 2; // pending, running, done
  /** truth multiplier (bias × noise), drawn once per op: the same in every scenario */
  mult: number;
  /** true work fraction done */
  progress: number;
  /** planner's view: clocked ÷ planned fraction done */
  plannedDone: number;
  tech: number;
  bay: number;
  start: number;
  /** planned remaining minutes on `tech` when the current run started */
  plannedAtStart: number;
  assignedTech: number;
  plannedBay: number;
  plannedStart: number;
  clocked: number;
}

interface Ro {
  uid: number;
  key: string;
  kind: number;
  jobKind: number;
  lane: number;
  waiter: boolean;
  priority: boolean;
  plannedArrival: number;
  arrival: number;
  noShow: boolean;
  status: number;
  promise: number;
  /** booked service rule (same-day for drop-offs, short wait for waiters): the solver's due until a promise is made */
  due: number;
  partsDelay: number; // minutes after arrival, NaN none
  partsEta: number; // known ETA (planned arrival + delay), NaN none
  partsArrived: boolean;
  checkInStart: number;
  checkInEnd: number;
  readyAt: number;
  firstStart: number;
  std: number;
  ops: OpRun[];
  rng: Rng;
  counted: boolean;
}

interface SeqEntry { ro: Ro; op: number; start: number }

const TYPE_GAMMA = 1;

/** hours of 24 weights restricted to the opening intervals of a day (an hour counts if it opens ≥ 60 min before close) */
function hoursWithin(profile: readonly number[], open: readonly number[], dayStart: number): number[] {
  return profile.map((w, h) => {
    if (w <= 0) return 0;
    const m = dayStart + h * 60;
    for (let i = 0; i < open.length; i += 2) if (m + 60 > open[i] && m < open[i + 1] - 30) return w;
    return 0;
  });
}

export async function simulateReplication(world: SimWorld, opts: ReplicationOptions): Promise<ReplicationResult> {
  const W = world;
  const base = mix(opts.seed, opts.replication);
  const solverIterations = opts.solverIterations ?? 30;
  const D = W.demand;
  const nT = W.techs.length;
  const nB = W.bays.length;
  const lastDay = W.simDays[W.simDays.length - 1];
  const endTime = W.dayStart[lastDay + 1];
  const horizonDays = D.bookingLeadDays + 2 * D.maxDelayDays + 4;
  const buffer = W.policy.bufferMinutes;
  const target = W.policy.targetOnTime;
  const promiseQ = W.policy.promiseQuantile ?? target;

  // ---------------------------------------------------------------- event queue
  let seqNo = 0;
  let events = 0;
  const q = new TinyQueue<Ev>([], (x, y) => x.t - y.t || x.seq - y.seq);
  const push = (t: number, type: number, ro: Ro | null = null, a = 0, b = 0) => q.push({ t, seq: seqNo++, type, ro, a, b });

  // ---------------------------------------------------------------- calendars
  const dayOf = (t: number): number => {
    let d = Math.min(W.calendarDays - 1, Math.max(0, Math.floor(t / 1440)));
    while (d > 0 && W.dayStart[d] > t) d--;
    while (d < W.calendarDays - 1 && W.dayStart[d + 1] <= t) d++;
    return d;
  };
  const hourOf = (t: number, d = dayOf(t)) => Math.min(23, Math.max(0, Math.floor((t - W.dayStart[d]) / 60)));
  const isOpen = (t: number) => {
    const o = W.openByDay[dayOf(t)];
    for (let i = 0; i < o.length; i += 2) if (t >= o[i] && t < o[i + 1]) return true;
    return false;
  };
  const closeOf = (d: number) => { const o = W.openByDay[d]; return o.length ? o[o.length - 1] : W.dayStart[d]; };
  const nextOpenDay = (d: number, skip: number): number => {
    let k = skip;
    for (let x = d; x < W.calendarDays; x++) {
      if (!W.openByDay[x].length) continue;
      if (k === 0) return x;
      k--;
    }
    return -1;
  };

  // ---------------------------------------------------------------- KPI accumulators
  const byHourArrivals = new Array(24).fill(0);
  const byHourCheckInWait = new Array(24).fill(0);
  const byHourBusy = new Array(24).fill(0);
  const byHourAttended = new Array(24).fill(0);
  let attended = 0, busy = 0, busyOnRo = 0, overtime = 0;
  let stdDone = 0, clockedDone = 0;
  let bayBusy = 0, bayOpen = 0;
  let laneBusy = 0, laneOpen = 0, laneWaitSum = 0, laneWaitN = 0, laneServed = 0;
  let requests = 0, bookedN = 0, turnedAway = 0, walkIns = 0, noShows = 0, comebacks = 0, arrived = 0, delivered = 0;
  let checkInWaitSum = 0, checkInN = 0;
  let carrySum = 0, closes = 0;
  let onTime = 0, promisedN = 0, waiterWaitSum = 0, waiterN = 0;
  const promisedLead: number[] = [];
  const actualLead: number[] = [];
  let replans = 0, quotes = 0;

  /** adds the minutes of [s, e) to the local hour-of-day bins they fall in */
  const spreadByHour = (s: number, e: number, bins: Float64Array | number[]) => {
    let t = s;
    while (t < e) {
      const d = dayOf(t);
      const h = hourOf(t, d);
      const next = Math.min(e, h >= 23 ? W.dayStart[d + 1] : W.dayStart[d] + (h + 1) * 60);
      bins[h] += next - t;
      t = next > t ? next : e;
    }
  };
  const addBusy = (s: number, e: number, onRo: boolean) => {
    if (e <= s) return;
    const len = e - s;
    busy += len;
    if (onRo) busyOnRo += len;
    spreadByHour(s, e, byHourBusy);
  };
  const addAttended = (s: number, e: number) => {
    attended += e - s;
    spreadByHour(s, e, byHourAttended);
  };

  // ---------------------------------------------------------------- duration model (belief, learnt)
  const priors = new Map<string, number>();
  for (const o of W.opTypes) priors.set(o.opCode, o.cv);
  const observations: JobClockObservation[] = [];
  let durations: DurationModel = fitDurationModel(priors, []);

  // ---------------------------------------------------------------- ROs
  const ros: Ro[] = [];
  const openRos = new Set<Ro>(); // booked or in the workshop, not ready/gone (scheduled work only)
  const inShop = new Set<Ro>(); // checked in, not ready (all)
  const opStd = (t: SimOpType) => t.standardMinutes;

  const truthMult = (type: SimOpType, rng: Rng): number => {
    const cv = type.truthCv;
    let noise = 1;
    if (cv > 0) {
      if (type.truthDist === TYPE_GAMMA) { const k = 1 / (cv * cv); noise = rng.gamma(k, 1 / k); }
      else noise = rng.lognormalMeanCv(1, cv);
    }
    return type.truthBias * noise;
  };

  const newRo = (uid: number, key: string, kind: number, jobKind: number, plannedArrival: number, attrs: Rng, durStream: Rng): Ro => {
    const jk = W.jobKinds[jobKind];
    const waiter = jk.standardMinutes <= D.waiterMaxMinutes && attrs.next() < D.waiterShare;
    const priority = attrs.next() < D.priorityShare;
    const hasParts = jk.lane < 0 && !waiter && attrs.next() < D.partsEtaShare && kind !== KIND_COMEBACK;
    const uParts = attrs.next();
    let partsDelay = NaN;
    if (hasParts) {
      partsDelay = D.partsDelay
        ? new Rng(mix(base, STREAM.parts, uid)).lognormalMeanCv(D.partsDelay.mean, D.partsDelay.cv)
        : 120 + uParts * 22 * 60;
      partsDelay = Math.round(partsDelay);
    }
    const ops: OpRun[] = jk.ops.map((t) => ({
      type: t, status: 0, mult: truthMult(W.opTypes[t], durStream), progress: 0, plannedDone: 0,
      tech: -1, bay: -1, start: NaN, plannedAtStart: 0, assignedTech: -1, plannedBay: -1, plannedStart: NaN, clocked: 0,
    }));
    const ro: Ro = {
      uid, key, kind, jobKind, lane: jk.lane, waiter, priority, plannedArrival, arrival: NaN, noShow: false,
      status: ST_BOOKED, promise: NaN, due: NaN, partsDelay, partsEta: hasParts ? plannedArrival + partsDelay : NaN, partsArrived: !hasParts,
      checkInStart: NaN, checkInEnd: NaN, readyAt: NaN, firstStart: NaN, std: jk.standardMinutes, ops,
      rng: new Rng(mix(base, STREAM.checkIn, uid)), counted: false,
    };
    ros.push(ro);
    return ro;
  };

  // days first: at equal times a day start (absences, replan) precedes the requests of that minute
  for (let d = W.simDays[0]; d <= lastDay; d++) push(W.dayStart[d], E_DAY_START, null, d);

  // ---------------------------------------------------------------- demand generation (all requests up front)
  const simDayIndex = new Map<number, number>();
  W.simDays.forEach((d, i) => simDayIndex.set(d, i));
  const jobWeights = W.jobKinds.map((j) => j.weight);
  for (const d of W.simDays) {
    const open = W.openByDay[d];
    const prof = hoursWithin(D.arrivalProfile, open, W.dayStart[d]);
    const n = poissonInv(streamRng(base, STREAM.demand, d, -1).next(), D.appointmentsPerDay[W.weekday[d]]);
    for (let i = 0; i < n; i++) {
      const uid = mix(KIND_APPOINTMENT, d, i);
      const r = streamRng(base, STREAM.demand, d, i);
      const h = pickWeighted(prof, r.next());
      const slots = Math.max(1, Math.floor(60 / W.slotMinutes));
      let arrival = W.dayStart[d] + Math.max(0, h) * 60 + r.int(slots) * W.slotMinutes;
      if (h < 0 || arrival < open[0]) arrival = open[0];
      const jk = pickWeighted(jobWeights, r.next());
      const lead = r.int(D.bookingLeadDays + 1);
      const uReq = r.next();
      const ro = newRo(uid, `A${d}-${i}`, KIND_APPOINTMENT, jk, arrival, r, streamRng(base, STREAM.durations, uid));
      ro.noShow = streamRng(base, STREAM.noShows, uid).next() < D.noShowRate;
      ro.arrival = arrival + Math.round(D.arrivalJitterMinutes * streamRng(base, STREAM.arrivals, uid).normal());
      const rd = d - lead;
      let reqT = 0;
      if (lead > 0 && rd >= 0) {
        const o = W.openByDay[rd];
        reqT = o.length ? o[0] + uReq * (closeOf(rd) - o[0]) : W.dayStart[rd] + 9 * 60;
      } else if (lead === 0) reqT = W.dayStart[d];
      push(Math.max(0, Math.floor(reqT)), E_REQUEST, ro);
    }
  }

  // ---------------------------------------------------------------- plan state
  let model: SchedulingModel = { horizonEnd: 0, techs: W.techs.map((t) => ({ key: t.key, work: [] })), bays: W.bays.map((b) => ({ key: b.key, open: [] })), jobs: [], ops: [] };
  let plan: Plan = emptyPlan();
  let planRefs: { ro: Ro; op: number }[] = [];
  let planOpCodes: string[] = [];
  /**
   * The promise engine's simulation of the current plan and its gap timelines: built after each
   * replan, then carried across insertions (extend: only the cone an insertion affects is simulated
   * again), so bookings between two replans share the work. One seed and one draw cache for the
   * replication: the same op gets the same random numbers in every forecast.
   */
  let promiseSim: PromiseSimulation | null = null;
  let timelines: Timelines | null = null;
  const draws = new SimulationDraws();
  /** a vehicle that left (or never came) frees its random numbers: the caches stay the size of the open work */
  const forget = (ro: Ro) => { for (let j = 0; j < ro.ops.length; j++) draws.forget(`${ro.key}#${j}`); };
  /** the model's technicians with their overtime windows: what the promise forecast replays on */
  let forecastTechs: SchedulingModel['techs'] = [];
  let today = 0;
  const todayWork: number[][] = W.techs.map(() => []);
  const absent: boolean[] = W.techs.map(() => false);
  const techRun: ({ ro: Ro; op: number } | null)[] = W.techs.map(() => null);
  const bayHeld: boolean[] = W.bays.map(() => false);
  let seqs: SeqEntry[][] = W.techs.map(() => []);

  const clipCal = (cal: readonly number[], from: number, to: number, out: number[]) => {
    for (let i = 0; i < cal.length; i += 2) {
      const s = Math.max(cal[i], from), e = Math.min(cal[i + 1], to);
      if (e > s) out.push(s, e);
    }
  };
  const horizonEndAt = (now: number) => W.dayStart[Math.min(W.calendarDays, dayOf(now) + horizonDays)];
  /** overtime a technician can add after the day's last shift interval (forecast only: the execution finishes a started job in overtime) */
  const OVERTIME_WINDOW = 90;
  const overtimeCal = (k: number, now: number, end: number): number[] => {
    const out: number[] = [];
    const d0 = dayOf(now);
    for (let d = d0; d < W.calendarDays && W.dayStart[d] < end; d++) {
      const w = d === d0 ? todayWork[k] : W.techs[k].workByDay[d];
      if (w.length) clipCal([w[w.length - 1], w[w.length - 1] + OVERTIME_WINDOW], now, end, out);
    }
    return out;
  };
  const techCal = (k: number, now: number, end: number): number[] => {
    const out: number[] = [];
    const d0 = dayOf(now);
    for (let d = d0; d < W.calendarDays && W.dayStart[d] < end; d++) clipCal(d === d0 ? todayWork[k] : W.techs[k].workByDay[d], now, end, out);
    return out;
  };
  const openCal = (now: number, end: number): number[] => {
    const out: number[] = [];
    for (let d = dayOf(now); d < W.calendarDays && W.dayStart[d] < end; d++) clipCal(W.openByDay[d], now, end, out);
    return out;
  };

  const plannedOn = (o: OpRun, k: number): number => {
    const alt = W.opTypes[o.type].alternatives.find((a) => a.tech === k);
    const full = alt ? alt.minutes : Math.ceil(W.opTypes[o.type].standardMinutes / W.techs[k].efficiency);
    return Math.max(5, Math.ceil(full * (1 - Math.min(0.9, o.plannedDone))));
  };

  const jobWeight = (ro: Ro) => (ro.waiter ? W.policy.waiterWeight : 1) * (ro.priority ? W.policy.priorityWeight : 1);

  const roRelease = (ro: Ro, now: number) => (ro.status === ST_CHECKED_IN ? now : Math.max(now, ro.plannedArrival));

  /** ops of a RO as facts for the scheduler (pending and running ops; done ops dropped) */
  const opsOf = (ro: Ro, now: number, jobIdx: number, base0: number, ops: OpFact[], refs: { ro: Ro; op: number }[], codes: string[]): number[] => {
    const idx: number[] = [];
    let prev = -1;
    const rel = roRelease(ro, now);
    ro.ops.forEach((o, j) => {
      if (o.status === 2) return;
      const t = W.opTypes[o.type];
      let release = rel;
      if (j === 0 && !ro.partsArrived && !Number.isNaN(ro.partsEta)) release = Math.max(release, Math.ceil(ro.partsEta));
      const alternatives = o.plannedDone > 0 ? t.alternatives.map((a) => ({ tech: a.tech, minutes: plannedOn(o, a.tech) })) : t.alternatives;
      const f: OpFact = { key: `${ro.key}#${j}`, job: jobIdx, release, splittable: t.splittable, alternatives, bays: t.bays, preds: [] };
      if (t.parallel) f.parallel = true;
      if (o.status === 1) {
        const rem = Math.max(5, Math.ceil(o.plannedAtStart - (now - o.start)));
        f.fixed = { tech: o.tech, bay: o.bay, start: Math.min(o.start, now), end: now + rem };
      }
      const i = base0 + ops.length;
      if (prev >= 0 && !t.parallel) f.preds = [prev];
      if (!t.parallel) prev = i;
      ops.push(f);
      refs.push({ ro, op: j });
      codes.push(t.opCode);
      idx.push(i);
    });
    return idx;
  };

  const rebuildSeqs = () => {
    seqs = W.techs.map(() => []);
    for (let i = 0; i < planRefs.length; i++) {
      const { ro, op } = planRefs[i];
      const o = ro.ops[op];
      const a = plan.assignments[i];
      if (o.status !== 0) continue;
      if (!a || a.tech < 0) { o.assignedTech = -1; continue; }
      o.assignedTech = a.tech;
      o.plannedBay = a.bay;
      o.plannedStart = a.start;
      seqs[a.tech].push({ ro, op, start: a.start });
    }
    for (const s of seqs) s.sort((x, y) => x.start - y.start);
  };

  const replan = async (now: number) => {
    const end = horizonEndAt(now);
    const ops: OpFact[] = [];
    const jobs: JobFact[] = [];
    const refs: { ro: Ro; op: number }[] = [];
    const codes: string[] = [];
    for (const ro of openRos) {
      if (ro.status === ST_GONE || ro.status === ST_READY) { openRos.delete(ro); continue; }
      if (ro.status === ST_BOOKED && ro.plannedArrival >= end) continue;
      const j = jobs.length;
      const idx = opsOf(ro, now, j, 0, ops, refs, codes);
      if (!idx.length) continue;
      jobs.push({
        key: ro.key, release: Math.min(...idx.map((i) => ops[i].release)),
        due: !Number.isNaN(ro.promise) ? ro.promise - buffer : !Number.isNaN(ro.due) ? ro.due - buffer : null, weight: jobWeight(ro), ops: idx,
      });
    }
    const m: SchedulingModel = {
      horizonEnd: end,
      techs: W.techs.map((t, k) => ({ key: t.key, work: techCal(k, now, end) })),
      bays: W.bays.map((b) => ({ key: b.key, open: [] })),
      jobs, ops,
    };
    const oc = openCal(now, end);
    for (const b of m.bays) b.open = oc;
    let p: Plan;
    if (!ops.length) p = emptyPlan();
    else {
      const prevKeys = model.ops.map((o) => o.key);
      const res = await solve(m, {
        objective: 'workshop', timeLimitMs: 60_000, maxIterations: solverIterations,
        seed: mix(base, STREAM.solver, replans), signal: opts.signal,
        ...(plan.assignments.length ? { previous: plan, previousOpKeys: prevKeys } : {}),
      });
      p = res.plan;
    }
    replans++;
    model = m; plan = p; planRefs = refs; planOpCodes = codes; promiseSim = null; timelines = null;
    forecastTechs = m.techs.map((t, k) => ({ ...t, overtime: overtimeCal(k, now, end) }));
    rebuildSeqs();
  };

  // ---------------------------------------------------------------- promises and availability
  const specOf = (ro: Ro, arrival: number): NewJobSpec => ({
    key: ro.key,
    release: arrival,
    weight: jobWeight(ro),
    ops: ro.ops.map((o, j) => {
      const t = W.opTypes[o.type];
      return {
        opCode: t.opCode,
        ...(j === 0 && !Number.isNaN(ro.partsDelay) ? { release: arrival + ro.partsDelay } : {}),
        splittable: t.splittable, parallel: t.parallel, alternatives: t.alternatives, bays: t.bays,
      };
    }),
  });

  /** latest acceptable planned ready time of a booking arriving at `arrival` (the service rule) */
  const acceptBy = (ro: Ro, arrival: number, lenient: boolean) => {
    if (ro.waiter) return arrival + ro.std + 60;
    const d = dayOf(arrival);
    const extra = Math.floor(ro.std / 480) + (lenient ? 1 : 0);
    const dd = extra > 0 ? nextOpenDay(d + 1, extra - 1) : d;
    return closeOf(dd >= 0 ? dd : d);
  };

  const laneWaitQ: number[] = W.lanes.map((l, li) => {
    // mean lane arrival rate over opening time (appointments net of no-shows, walk-ins)
    const share = W.jobKinds.reduce((a, j) => a + (j.lane === li ? j.weight : 0), 0) / Math.max(1e-9, jobWeights.reduce((a, b) => a + b, 0));
    let perWeek = D.walkInsPerDay * 6, openMin = 0;
    for (let wd = 0; wd < 7; wd++) perWeek += D.appointmentsPerDay[wd] * (1 - D.noShowRate);
    for (let d = 0; d < Math.min(7, W.calendarDays); d++) { const o = W.openByDay[d]; for (let i = 0; i < o.length; i += 2) openMin += o[i + 1] - o[i]; }
    const meanService = W.jobKinds.reduce((a, j) => a + (j.lane === li ? j.weight * j.standardMinutes : 0), 0) / Math.max(1e-9, share * jobWeights.reduce((a, b) => a + b, 0));
    const lambda = (perWeek * share) / Math.max(1, openMin);
    const c = mmcCore(lambda, 1 / Math.max(1, meanService), l.servers);
    return Number.isFinite(c.meanWait) ? mmcWaitQuantile(c.probWait, c.decay, target) : 240;
  });
  const lanePromise = (ro: Ro, at: number) => {
    const cv = W.jobKinds[ro.jobKind].ops.reduce((a, t) => Math.max(a, W.opTypes[t].cv), 0);
    const s2 = Math.log(1 + cv * cv);
    const serviceQ = ro.std * Math.exp(-s2 / 2 + Math.sqrt(s2) * normInv(target));
    return roundUp(at + laneWaitQ[ro.lane] + serviceQ + buffer, 5);
  };

  const dayRanges: DayRange[] = W.openByDay.filter((o) => o.length).map((o) => ({ start: o[0], end: o[o.length - 1] }));
  /**
   * What a customer shown the availability list accepts: the wanted time, else a later hour of the
   * wanted day, else the same time or a later hour on the next days. (Offering only the same time on
   * the next days was measured 16% faster, turning away 19.5% of requests instead of 14.9%, on an
   * earlier version of this engine.)
   */
  const laterSlotsOf = (wanted: number[]): number[] => {
    const out: number[] = [];
    const step = Math.max(W.slotMinutes, 60);
    for (const s of wanted) {
      const d = dayOf(s);
      for (let x = s; x <= closeOf(d) - 60; x += step) out.push(x);
    }
    return out;
  };

  /**
   * Booking through the promise engine's availability: a slot is offered when its promise meets the
   * rules (waiters same day and within std + 60 min) and no existing promise is hurt; the first
   * offered slot is booked, its insertion (and simulation) becoming the current plan.
   */
  const bookViaAvailability = (ro: Ro, slots: number[], now: number): number => {
    const { release: _r, ...job } = specOf(ro, 0);
    void _r;
    const sim = getSim(now);
    const ctx = new PromiseContext({ model, plan, opCodes: planOpCodes, durations }, {}, { screen: sim, full: sim, timelines: getTimelines() });
    const res = availability(ctx, {
      slots, job, jobAt: (start) => specOf(ro, start), waiter: ro.waiter, target, headroom: promiseQ - target, bufferMinutes: buffer, days: dayRanges,
      maxWaitMinutes: ro.waiter ? ro.std + 60 : undefined, stopAtFirst: true, firstVictimOnly: true,
    });
    quotes += res.simulated;
    const acc = res.accepted;
    if (!acc) return -1;
    const offered = res.slots.find((x) => x.offered)!;
    ro.due = offered.promise ?? acceptBy(ro, acc.start, false);
    adopt(ro, acc.insertion, acc.simulation);
    return acc.start;
  };

  /** the forecast replays the plan on the technicians' working time and overtime */
  const getSim = (now: number) =>
    (promiseSim ??= new PromiseSimulation({ model: { ...model, techs: forecastTechs }, plan, opCodes: planOpCodes, durations }, { samples: W.promiseSamples, seed: mix(base, 77), asOf: now, draws }));
  /** insertion gaps are searched in working time only (the plan's model) */
  const getTimelines = () => (timelines ??= new Timelines(model, plan));

  /** the industry's fixed rule (as the demo book): arrival + 1.5 × standard hours + 60 min */
  const ruleOfThumb = (ro: Ro, at: number) => roundUp(at + 1.5 * ro.std + 60, 5);

  /** promise at check-in for a vehicle already in the plan: forecast of its job on the current plan */
  const promiseAtCheckIn = (ro: Ro, now: number): number => {
    const job = model.jobs.findIndex((j) => j.key === ro.key);
    if (job < 0) return ruleOfThumb(ro, now);
    quotes++;
    const c = getSim(now).jobCompletion(job); // the quantile only: no bottleneck analysis
    if (!c) return ruleOfThumb(ro, now);
    const fc = new JobForecast(job, ro.key, Float64Array.from(c).sort(), buffer, []);
    const p = roundUp(fc.quantile(promiseQ), 5);
    model.jobs[job].due = p - buffer;
    return p;
  };

  /** makes the insertion the current plan; `isim` (its simulation on the current promise simulation) carries the forecast over */
  const adopt = (ro: Ro, chosen: Insertion, isim?: InsertionSimulation) => {
    chosen.model.jobs[chosen.job].due = (Number.isNaN(ro.promise) ? ro.due : ro.promise) - buffer;
    if (promiseSim) {
      if (!isim || isim.base !== promiseSim) isim = new InsertionSimulation(promiseSim, { model: chosen.model, plan: chosen.plan, newOps: chosen.ops, newOpCodes: chosen.opCodes });
      promiseSim = promiseSim.extend(isim);
    }
    if (timelines) timelines = timelines.extend(chosen.model, chosen.plan, chosen.ops);
    model = chosen.model; plan = chosen.plan;
    chosen.ops.forEach((o, j) => {
      planRefs.push({ ro, op: j });
      planOpCodes.push(chosen.opCodes[j]);
      const a = plan.assignments[o];
      const run = ro.ops[j];
      run.assignedTech = a.tech; run.plannedBay = a.bay; run.plannedStart = a.start;
      const s = seqs[a.tech];
      let k = s.length;
      while (k > 0 && s[k - 1].start > a.start) k--;
      s.splice(k, 0, { ro, op: j, start: a.start });
    });
    openRos.add(ro);
  };

  /** tries to place the RO arriving at `arrival`; on success adopts the insertion and sets the promise */
  const place = (ro: Ro, arrival: number, now: number, lenient: boolean, withPromise: boolean): boolean => {
    const spec = specOf(ro, arrival);
    const ins = insertJob(model, plan, spec, getTimelines());
    if (!ins.ok || ins.plannedFinish + buffer > acceptBy(ro, arrival, lenient)) return false;
    ro.due = acceptBy(ro, arrival, lenient);
    let isim: InsertionSimulation | undefined;
    if (withPromise) {
      // the promise: Monte Carlo forecast of the vehicle on the plan with it inserted (promise engine),
      // target quantile + handover buffer, rounded up to 5 minutes
      quotes++;
      isim = new InsertionSimulation(getSim(now), { model: ins.model, plan: ins.plan, newOps: ins.ops, newOpCodes: ins.opCodes });
      const fc = isim.forecastJob(ins.job, buffer);
      ro.promise = fc ? roundUp(fc.quantile(promiseQ), 5) : ruleOfThumb(ro, arrival);
    }
    adopt(ro, ins, isim);
    return true;
  };

  // ---------------------------------------------------------------- execution
  const remainingToday = (k: number, t: number) => {
    let r = 0;
    const w = todayWork[k];
    for (let i = 0; i < w.length; i += 2) if (w[i + 1] > t) r += w[i + 1] - Math.max(t, w[i]);
    return r;
  };
  const onShift = (k: number, t: number) => {
    const w = todayWork[k];
    for (let i = 0; i < w.length; i += 2) if (t >= w[i] && t < w[i + 1]) return true;
    return false;
  };

  const vehicleFree = (ro: Ro, op: number) => {
    const t = W.opTypes[ro.ops[op].type];
    for (let j = 0; j < ro.ops.length; j++) {
      const o = ro.ops[j];
      if (j < op && o.status !== 2 && !t.parallel && !W.opTypes[o.type].parallel) return false;
      if (o.status === 1 && !t.parallel && !W.opTypes[o.type].parallel) return false;
    }
    return true;
  };

  const freeBay = (o: OpRun): number => {
    const bays = W.opTypes[o.type].bays;
    if (!bays) return -1;
    if (o.plannedBay >= 0 && !bayHeld[o.plannedBay] && bays.includes(o.plannedBay)) return o.plannedBay;
    for (const b of bays) if (!bayHeld[b]) return b;
    return -2;
  };

  const canStart = (k: number, ro: Ro, op: number, t: number): number => {
    if (ro.status !== ST_CHECKED_IN) return -3;
    const o = ro.ops[op];
    if (o.status !== 0) return -3;
    if (op === 0 && !ro.partsArrived) return -3;
    if (!vehicleFree(ro, op)) return -3;
    const type = W.opTypes[o.type];
    if (!type.splittable && plannedOn(o, k) > remainingToday(k, t) + 30) return -3;
    return freeBay(o);
  };

  const startOp = (k: number, ro: Ro, op: number, bay: number, t: number) => {
    const o = ro.ops[op];
    const type = W.opTypes[o.type];
    o.status = 1; o.tech = k; o.bay = bay; o.start = t; o.plannedAtStart = plannedOn(o, k);
    if (bay >= 0) bayHeld[bay] = true;
    techRun[k] = { ro, op };
    if (Number.isNaN(ro.firstStart)) ro.firstStart = t;
    const trueTotal = (type.standardMinutes / W.techs[k].efficiency) * o.mult;
    let rem = trueTotal * (1 - o.progress);
    const onRo = ro.kind !== KIND_COMEBACK;
    const w = todayWork[k];
    let end = t;
    let worked = 0;
    for (let i = 0; i < w.length && rem > 0; i += 2) {
      if (w[i + 1] <= t) continue;
      const from = Math.max(t, w[i]);
      const take = Math.min(rem, w[i + 1] - from);
      addBusy(from, from + take, onRo);
      rem -= take; worked += take; end = from + take;
    }
    let pause = 0;
    if (rem > 1e-9) {
      if (type.splittable) pause = 1;
      else {
        const s = end;
        addBusy(s, s + rem, onRo);
        addAttended(s, s + rem);
        overtime += rem;
        worked += rem; end = s + rem; rem = 0;
      }
    }
    o.clocked += worked;
    push(end, E_OP_END, ro, op, pause ? worked / trueTotal : -1);
  };

  const tryTech = (k: number, t: number): boolean => {
    if (techRun[k] || absent[k] || !onShift(k, t)) return false;
    const s = seqs[k];
    for (let i = 0; i < s.length; i++) {
      const e = s[i];
      const o = e.ro.ops[e.op];
      if (o.status !== 0 || o.assignedTech !== k) { s.splice(i, 1); i--; continue; }
      const bay = canStart(k, e.ro, e.op, t);
      if (bay >= -1) { s.splice(i, 1); startOp(k, e.ro, e.op, bay, t); return true; }
    }
    // orphans: unplanned ops, ops planned on an absent technician, and ops whose planned technician
    // is still busy more than STEAL_AFTER minutes after the planned start (the next free qualified
    // technician takes the car rather than let it wait for the next replan)
    for (const ro of inShop) {
      if (ro.lane >= 0) continue;
      for (let j = 0; j < ro.ops.length; j++) {
        const o = ro.ops[j];
        if (o.status !== 0) continue;
        const pt = o.assignedTech;
        if (pt >= 0 && !absent[pt] && !(techRun[pt] && o.plannedStart + STEAL_AFTER < t)) continue;
        if (!W.opTypes[o.type].alternatives.some((a) => a.tech === k)) continue;
        const bay = canStart(k, ro, j, t);
        if (bay >= -1) { startOp(k, ro, j, bay, t); return true; }
      }
    }
    return false;
  };
  const STEAL_AFTER = 15;
  const dispatchAll = (t: number) => { for (let k = 0; k < nT; k++) tryTech(k, t); };

  const finishRo = (ro: Ro, t: number) => {
    ro.status = ST_READY;
    forget(ro);
    ro.readyAt = t + buffer;
    inShop.delete(ro);
    openRos.delete(ro);
    delivered++;
    if (!Number.isNaN(ro.promise)) {
      promisedN++;
      if (ro.readyAt <= ro.promise) onTime++;
      promisedLead.push(ro.promise - ro.arrival);
    }
    actualLead.push(ro.readyAt - ro.arrival);
    if (ro.waiter) { waiterWaitSum += ro.readyAt - ro.arrival; waiterN++; }
    if (ro.kind !== KIND_COMEBACK && D.comebackRate > 0) {
      const r = streamRng(base, STREAM.comebacks, ro.uid);
      if (r.next() < D.comebackRate) {
        const d = nextOpenDay(dayOf(t) + 1 + r.int(5), 0);
        if (d >= 0 && d <= lastDay) {
          const o = W.openByDay[d];
          const at = o[0] + Math.floor(r.next() * Math.min(120, closeOf(d) - o[0]));
          const uid = mix(KIND_COMEBACK, ro.uid);
          // a comeback is the first operation again (unpaid rework)
          const first = W.jobKinds[ro.jobKind].ops[0];
          const jk = W.jobKinds.findIndex((j) => j.ops.length === 1 && j.ops[0] === first);
          const cb = newRo(uid, `C${ro.key}`, KIND_COMEBACK, jk >= 0 ? jk : ro.jobKind, at, r, streamRng(base, STREAM.durations, uid));
          cb.arrival = at;
          comebacks++;
          push(at, E_ARRIVAL, cb);
        }
      }
    }
  };

  // ---------------------------------------------------------------- reception and lanes
  const recQ: Ro[] = [];
  let recHead = 0;
  let recFree = W.reception.advisors;
  const tryReception = (t: number) => {
    if (!isOpen(t)) return;
    while (recFree > 0 && recHead < recQ.length) {
      const ro = recQ[recHead++];
      recFree--;
      ro.checkInStart = t;
      const wait = t - ro.arrival;
      checkInWaitSum += wait; checkInN++;
      byHourCheckInWait[hourOf(ro.arrival)] += wait;
      push(t + Math.max(0.5, ro.rng.lognormalMeanCv(W.reception.checkInMinutes, W.reception.checkInCv)), E_CHECKIN_DONE, ro);
    }
    if (recHead > 1024) { recQ.splice(0, recHead); recHead = 0; }
  };
  const laneQ: Ro[][] = W.lanes.map(() => []);
  const laneBusyN: number[] = W.lanes.map(() => 0);
  const tryLane = (l: number, t: number) => {
    if (!isOpen(t)) return;
    const lq = laneQ[l];
    while (laneBusyN[l] < W.lanes[l].servers && lq.length) {
      const ro = lq.shift()!;
      laneBusyN[l]++;
      ro.firstStart = t;
      laneWaitSum += t - ro.checkInEnd; laneWaitN++;
      let dur = 0;
      for (const o of ro.ops) { dur += opStd(W.opTypes[o.type]) * o.mult; o.status = 1; }
      laneBusy += dur;
      push(t + dur, E_LANE_DONE, ro, l);
    }
  };

  // ---------------------------------------------------------------- walk-ins of a day
  const walkInsOf = (d: number) => {
    const open = W.openByDay[d];
    if (!open.length || D.walkInsPerDay <= 0) return;
    const prof = hoursWithin(D.walkInProfile, open, W.dayStart[d]);
    const n = poissonInv(streamRng(base, STREAM.walkIns, d, -1).next(), D.walkInsPerDay);
    for (let i = 0; i < n; i++) {
      const uid = mix(KIND_WALK_IN, d, i);
      const r = streamRng(base, STREAM.walkIns, d, i);
      const h = pickWeighted(prof, r.next());
      let at = W.dayStart[d] + Math.max(0, h) * 60 + r.next() * 60;
      if (h < 0) at = open[0];
      at = Math.min(Math.max(at, open[0]), closeOf(d) - 1);
      const jk = pickWeighted(jobWeights, r.next());
      const ro = newRo(uid, `W${d}-${i}`, KIND_WALK_IN, jk, at, r, streamRng(base, STREAM.durations, uid));
      ro.arrival = at;
      walkIns++;
      push(at, E_ARRIVAL, ro);
    }
  };

  // ---------------------------------------------------------------- main loop
  const firstDay = W.simDays[0];
  let daysDone = 0;
  while (q.length) {
    const ev = q.pop()!;
    const t = ev.t;
    if (t > endTime) break;
    events++;
    if (opts.signal?.aborted) throw new Error('aborted');
    switch (ev.type) {
      case E_DAY_START: {
        const d = ev.a;
        today = d;
        const isSimDay = simDayIndex.has(d);
        for (let k = 0; k < nT; k++) {
          const w = W.techs[k].workByDay[d];
          absent[k] = w.length > 0 && D.absenceRate > 0 && streamRng(base, STREAM.absences, d, k).next() < D.absenceRate;
          todayWork[k] = absent[k] ? [] : w;
          for (let i = 0; i < todayWork[k].length; i += 2) {
            addAttended(todayWork[k][i], todayWork[k][i + 1]);
            push(todayWork[k][i], E_TECH_ON, null, k);
          }
        }
        const open = W.openByDay[d];
        for (let i = 0; i < open.length; i += 2) {
          push(open[i], E_OPEN);
          bayOpen += (open[i + 1] - open[i]) * nB;
          for (const l of W.lanes) laneOpen += (open[i + 1] - open[i]) * l.servers;
          for (let r = open[i]; r < open[i + 1]; r += W.replanEveryMinutes) if (r > open[0]) push(r, E_REPLAN);
        }
        if (open.length && isSimDay) push(closeOf(d), E_DAY_END, null, d);
        if (isSimDay) walkInsOf(d);
        if (d > firstDay && observations.length) durations = fitDurationModel(priors, observations);
        await replan(t);
        dispatchAll(t);
        break;
      }
      case E_DAY_END: {
        let carry = 0;
        for (const ro of inShop) if (ro.status === ST_CHECKED_IN) carry++;
        carrySum += carry; closes++;
        daysDone++;
        opts.onDay?.(daysDone, W.simDays.length);
        break;
      }
      case E_REQUEST: {
        const ro = ev.ro!;
        requests++;
        const d = dayOf(ro.plannedArrival);
        const tod = ro.plannedArrival - W.dayStart[d];
        // candidate arrivals: the wanted time, then the same time on the next open days
        const slots: number[] = [];
        for (let off = 0; off <= D.maxDelayDays; off++) {
          const dd = nextOpenDay(d, off);
          if (dd < 0 || dd > lastDay) break;
          let arr = W.dayStart[dd] + tod;
          const o = W.openByDay[dd];
          if (arr < o[0] || arr > closeOf(dd) - 60) arr = o[0];
          if (arr >= t) slots.push(arr);
        }
        let booked = -1;
        if (ro.lane >= 0) booked = slots.length ? slots[0] : -1;
        else if (W.booking === 'availability') booked = bookViaAvailability(ro, laterSlotsOf(slots), t);
        else for (const arr of slots) if (place(ro, arr, t, false, false)) { booked = arr; break; }
        const ok = booked >= 0;
        if (ok && booked !== ro.plannedArrival) {
          ro.arrival += booked - ro.plannedArrival;
          ro.plannedArrival = booked;
          if (!Number.isNaN(ro.partsDelay)) ro.partsEta = booked + ro.partsDelay;
        }
        if (!ok) { turnedAway++; ro.status = ST_GONE; forget(ro); break; }
        bookedN++;
        const dOpen = W.openByDay[dayOf(ro.plannedArrival)][0];
        push(Math.max(t, ro.noShow ? ro.plannedArrival + 30 : Math.max(dOpen, ro.arrival)), E_ARRIVAL, ro);
        break;
      }
      case E_ARRIVAL: {
        const ro = ev.ro!;
        if (ro.kind === KIND_APPOINTMENT && ro.noShow) { noShows++; ro.status = ST_GONE; openRos.delete(ro); forget(ro); break; }
        ro.arrival = t;
        ro.status = ST_RECEPTION;
        byHourArrivals[hourOf(t)]++;
        recQ.push(ro);
        tryReception(t);
        break;
      }
      case E_CHECKIN_DONE: {
        const ro = ev.ro!;
        recFree++;
        tryReception(t);
        ro.checkInEnd = t;
        if (ro.kind !== KIND_APPOINTMENT) {
          if (ro.lane >= 0) ro.promise = lanePromise(ro, t);
          else {
            // a walk-in drop-off may be promised for the next open day
            const ok = place(ro, t, t, true, true);
            if (!ok) { turnedAway++; ro.status = ST_GONE; forget(ro); break; }
          }
        }
        else if (ro.lane >= 0) ro.promise = lanePromise(ro, t);
        else ro.promise = promiseAtCheckIn(ro, t);
        ro.status = ST_CHECKED_IN;
        arrived++;
        ro.counted = true;
        inShop.add(ro);
        if (!Number.isNaN(ro.partsDelay)) push(Math.max(t, ro.arrival + ro.partsDelay), E_PARTS, ro);
        if (ro.lane >= 0) { laneQ[ro.lane].push(ro); tryLane(ro.lane, t); }
        else dispatchAll(t);
        break;
      }
      case E_PARTS: {
        ev.ro!.partsArrived = true;
        dispatchAll(t);
        break;
      }
      case E_OP_END: {
        const ro = ev.ro!;
        const o = ro.ops[ev.a];
        const k = o.tech;
        techRun[k] = null;
        if (o.bay >= 0) bayHeld[o.bay] = false;
        bayBusy += o.bay >= 0 ? t - o.start : 0;
        if (ev.b >= 0) {
          // paused at the end of the shift (splittable): back to pending with its progress
          o.progress += ev.b;
          o.plannedDone += (t - o.start) / Math.max(1, plannedOn({ ...o, plannedDone: 0 }, k));
          o.status = 0; o.tech = -1; o.bay = -1;
          o.assignedTech = -1;
        } else {
          o.status = 2;
          o.progress = 1;
          const type = W.opTypes[o.type];
          if (ro.kind !== KIND_COMEBACK) { stdDone += type.standardMinutes; clockedDone += o.clocked; }
          observations.push({ opCode: type.opCode, technicianKey: W.techs[k].key, plannedMinutes: Math.ceil(type.standardMinutes / W.techs[k].efficiency), actualMinutes: o.clocked });
          if (ro.ops.every((x) => x.status === 2)) finishRo(ro, t);
        }
        dispatchAll(t);
        break;
      }
      case E_LANE_DONE: {
        const ro = ev.ro!;
        laneBusyN[ev.a]--;
        laneServed++;
        for (const o of ro.ops) { o.status = 2; if (ro.kind !== KIND_COMEBACK) { stdDone += W.opTypes[o.type].standardMinutes; clockedDone += W.opTypes[o.type].standardMinutes * o.mult; } }
        finishRo(ro, t);
        tryLane(ev.a, t);
        break;
      }
      case E_TECH_ON: tryTech(ev.a, t); break;
      case E_OPEN: tryReception(t); for (let l = 0; l < W.lanes.length; l++) tryLane(l, t); dispatchAll(t); break;
      case E_REPLAN: await replan(t); dispatchAll(t); break;
    }
  }
  void today;

  // ---------------------------------------------------------------- KPIs
  let openAtEnd = 0;
  for (const ro of ros) if (ro.counted && ro.status !== ST_READY) openAtEnd++;
  const days = W.simDays.length;
  const sortedQ = (xs: number[], p: number) => {
    if (!xs.length) return NaN;
    const s = [...xs].sort((a, b) => a - b);
    return s[Math.min(s.length - 1, Math.max(0, Math.ceil(p * s.length) - 1))];
  };
  const mean = (xs: number[]) => (xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : NaN);
  const demandTotal = requests + walkIns + comebacks;
  const kpis: Record<string, number> = {
    onTimeRate: promisedN ? onTime / promisedN : NaN,
    promisedLeadHoursMean: mean(promisedLead) / 60,
    promisedLeadHoursP90: sortedQ(promisedLead, 0.9) / 60,
    actualLeadHoursMean: mean(actualLead) / 60,
    actualLeadHoursP90: sortedQ(actualLead, 0.9) / 60,
    waiterWaitMinutes: waiterN ? waiterWaitSum / waiterN : NaN,
    checkInWaitMinutes: checkInN ? checkInWaitSum / checkInN : NaN,
    technicianUtilisation: attended ? busy / attended : NaN,
    productivity: attended ? busyOnRo / attended : NaN,
    efficiency: clockedDone ? stdDone / clockedDone : NaN,
    bayUtilisation: bayOpen ? bayBusy / bayOpen : NaN,
    laneUtilisation: laneOpen ? laneBusy / laneOpen : NaN,
    laneWaitMinutes: laneWaitN ? laneWaitSum / laneWaitN : NaN,
    overtimeHoursPerDay: overtime / 60 / days,
    carryOverROsPerDay: closes ? carrySum / closes : 0,
    turnedAwayPerDay: turnedAway / days,
    turnedAwayShare: demandTotal ? turnedAway / demandTotal : 0,
    deliveredPerDay: delivered / days,
  };
  return {
    replication: opts.replication,
    kpis,
    byHour: {
      arrivals: byHourArrivals.map((x) => x / days),
      checkInWaitMinutes: byHourCheckInWait.map((x, h) => (byHourArrivals[h] ? x / byHourArrivals[h] : 0)),
      technicianUtilisation: byHourBusy.map((x, h) => (byHourAttended[h] ? x / byHourAttended[h] : 0)),
    },
    counts: { requests, booked: bookedN, turnedAway, walkIns, noShows, comebacks, arrived, delivered, openAtEnd, laneServed },
    events, replans, quotes, simulatedDays: daysDone,
  };
}

function emptyPlan(): Plan {
  return { assignments: [], objective: { weightedTardiness: 0, sumCompletion: 0, overtimeMinutes: 0, changes: 0, makespan: 0, total: 0 }, lowerBound: 0, unscheduled: [] };
}
