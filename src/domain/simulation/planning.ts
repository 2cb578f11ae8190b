/**
 * The plan the floor executes, and the promise engine's view of it.
 *  - Replan (every `replanEveryMinutes` of opening time and each morning after absences are known):
 *    the open repair orders become scheduling facts (pending and running ops; a running op is
 *    fixed where it runs, with its planned remainder; an op whose parts are not there is released
 *    at their ETA; a partly done op has its planned minutes scaled down), due = promise − buffer
 *    (or the booked service rule until a promise is made), weight = the job weight rule
 *    (rules/weights.ts); the technicians' remaining working time over the planning horizon and
 *    the bays' opening. `solve` is warm-started from the previous plan with an iteration budget
 *    (deterministic). Each technician's sequence is the plan's pending ops by planned start.
 *  - The promise simulation of the current plan (Monte Carlo, technicians may finish in up to 90
 *    min of overtime after their last shift interval, as the floor does) and its gap timelines,
 *    built lazily after a replan and carried across insertions (`adopt`: only the cone an
 *    insertion affects is simulated again). One draw cache for the replication: the same op gets
 *    the same random numbers in every forecast; a vehicle that left frees its draws.
 *  - Planned minutes of an op on a technician: the compiled alternative, else the rule
 *    (rules/qualification.ts plannedMinutes), less the fraction already done (at least 5 min).
 */
import { solve } from '../scheduling/solve.js';
import type { JobFact, OpFact, Plan, SchedulingModel } from '../scheduling/model.js';
import { PromiseSimulation, InsertionSimulation, SimulationDraws } from '../promise/index.js';
import { Timelines, type Insertion } from '../promise/insert.js';
import { jobWeight, plannedMinutes } from '../rules/index.js';
import { clipCal, dayOf, openCal } from './calendar.js';
import { ST, type OpRun, type Replication, type Ro } from './state.js';
import { STREAM, mix } from './streams.js';
import type { SimWorld } from './types.js';

export interface PlanState {
  model: SchedulingModel;
  plan: Plan;
  /** per plan op: its repair order and op index, and its op code */
  refs: { ro: Ro; op: number }[];
  opCodes: string[];
  /** the promise simulation of the current plan (null: not built since the last replan) */
  sim: PromiseSimulation | null;
  timelines: Timelines | null;
  draws: SimulationDraws;
  /** the model's technicians with their overtime windows: what the promise forecast replays on */
  forecastTechs: SchedulingModel['techs'];
}

function emptyPlan(): Plan {
  return { assignments: [], objective: { weightedTardiness: 0, sumCompletion: 0, overtimeMinutes: 0, changes: 0, makespan: 0, total: 0 }, lowerBound: 0, unscheduled: [] };
}

export function newPlanState(W: SimWorld): PlanState {
  return {
    model: { horizonEnd: 0, techs: W.techs.map((t) => ({ key: t.key, work: [] })), bays: W.bays.map((b) => ({ key: b.key, open: [] })), jobs: [], ops: [] },
    plan: emptyPlan(), refs: [], opCodes: [], sim: null, timelines: null, draws: new SimulationDraws(), forecastTechs: [],
  };
}

/** A vehicle that left (or never came) frees its random numbers: the caches stay the size of the open work. */
export function forget(s: Replication, ro: Ro): void {
  for (let j = 0; j < ro.ops.length; j++) s.plan.draws.forget(`${ro.key}#${j}`);
}

const horizonEndAt = (s: Replication, now: number) => s.W.dayStart[Math.min(s.W.calendarDays, dayOf(s.W, now) + s.horizonDays)];

/** overtime a technician can add after the day's last shift interval (forecast only: the execution finishes a started job in overtime) */
const OVERTIME_WINDOW = 90;
function overtimeCal(s: Replication, k: number, now: number, end: number): number[] {
  const { W } = s;
  const out: number[] = [];
  const d0 = dayOf(W, now);
  for (let d = d0; d < W.calendarDays && W.dayStart[d] < end; d++) {
    const w = d === d0 ? s.floor.todayWork[k] : W.techs[k].workByDay[d];
    if (w.length) clipCal([w[w.length - 1], w[w.length - 1] + OVERTIME_WINDOW], now, end, out);
  }
  return out;
}

/** Technician k's working time in [now, end): today's as it is (absence), later days' as rostered. */
function techCal(s: Replication, k: number, now: number, end: number): number[] {
  const { W } = s;
  const out: number[] = [];
  const d0 = dayOf(W, now);
  for (let d = d0; d < W.calendarDays && W.dayStart[d] < end; d++) clipCal(d === d0 ? s.floor.todayWork[k] : W.techs[k].workByDay[d], now, end, out);
  return out;
}

/** Planned minutes left of op `o` on technician `k`. */
export function plannedOn(W: SimWorld, o: OpRun, k: number): number {
  const alt = W.opTypes[o.type].alternatives.find((a) => a.tech === k);
  const full = alt ? alt.minutes : plannedMinutes(W.opTypes[o.type].standardMinutes, W.techs[k].efficiency);
  return Math.max(5, Math.ceil(full * (1 - Math.min(0.9, o.plannedDone))));
}

/** The job weight of a repair order under the workshop's policy. */
export const weightOf = (s: Replication, ro: Ro) => jobWeight({ waiter: ro.waiter, highPriority: ro.priority }, s.policy);

const roRelease = (ro: Ro, now: number) => (ro.status === ST.checkedIn ? now : Math.max(now, ro.plannedArrival));

/** ops of a RO as facts for the scheduler (pending and running ops; done ops dropped) */
function opsOf(s: Replication, ro: Ro, now: number, jobIdx: number, ops: OpFact[], refs: { ro: Ro; op: number }[], codes: string[]): number[] {
  const { W } = s;
  const idx: number[] = [];
  let prev = -1;
  const rel = roRelease(ro, now);
  ro.ops.forEach((o, j) => {
    if (o.status === 2) return;
    const t = W.opTypes[o.type];
    let release = rel;
    if (j === 0 && !ro.partsArrived && !Number.isNaN(ro.partsEta)) release = Math.max(release, Math.ceil(ro.partsEta));
    const alternatives = o.plannedDone > 0 ? t.alternatives.map((a) => ({ tech: a.tech, minutes: plannedOn(W, o, a.tech) })) : t.alternatives;
    const f: OpFact = { key: `${ro.key}#${j}`, job: jobIdx, release, splittable: t.splittable, alternatives, bays: t.bays, preds: [] };
    if (t.parallel) f.parallel = true;
    if (o.status === 1) {
      const rem = Math.max(5, Math.ceil(o.plannedAtStart - (now - o.start)));
      f.fixed = { tech: o.tech, bay: o.bay, start: Math.min(o.start, now), end: now + rem };
    }
    const i = ops.length;
    if (prev >= 0 && !t.parallel) f.preds = [prev];
    if (!t.parallel) prev = i;
    ops.push(f);
    refs.push({ ro, op: j });
    codes.push(t.opCode);
    idx.push(i);
  });
  return idx;
}

/** Each technician's sequence: the plan's pending ops assigned to it, by planned start. */
function rebuildSeqs(s: Replication): void {
  const { plan, refs } = s.plan;
  const seqs: Replication['floor']['seqs'] = s.W.techs.map(() => []);
  for (let i = 0; i < refs.length; i++) {
    const { ro, op } = refs[i];
    const o = ro.ops[op];
    const a = plan.assignments[i];
    if (o.status !== 0) continue;
    if (!a || a.tech < 0) { o.assignedTech = -1; continue; }
    o.assignedTech = a.tech;
    o.plannedBay = a.bay;
    o.plannedStart = a.start;
    seqs[a.tech].push({ ro, op, start: a.start });
  }
  for (const q of seqs) q.sort((x, y) => x.start - y.start);
  s.floor.seqs = seqs;
}

/** Replans the open work from `now` (see the file head). */
export async function replan(s: Replication, now: number): Promise<void> {
  const { W } = s;
  const buffer = s.policy.handoverBufferMinutes;
  const end = horizonEndAt(s, now);
  const ops: OpFact[] = [];
  const jobs: JobFact[] = [];
  const refs: { ro: Ro; op: number }[] = [];
  const codes: string[] = [];
  for (const ro of s.openRos) {
    if (ro.status === ST.gone || ro.status === ST.ready) { s.openRos.delete(ro); continue; }
    if (ro.status === ST.booked && ro.plannedArrival >= end) continue;
    const j = jobs.length;
    const idx = opsOf(s, ro, now, j, ops, refs, codes);
    if (!idx.length) continue;
    jobs.push({
      key: ro.key, release: Math.min(...idx.map((i) => ops[i].release)),
      due: !Number.isNaN(ro.promise) ? ro.promise - buffer : !Number.isNaN(ro.due) ? ro.due - buffer : null, weight: weightOf(s, ro), ops: idx,
    });
  }
  const m: SchedulingModel = {
    horizonEnd: end,
    techs: W.techs.map((t, k) => ({ key: t.key, work: techCal(s, k, now, end) })),
    bays: W.bays.map((b) => ({ key: b.key, open: [] })),
    jobs, ops,
  };
  const oc = openCal(W, now, end);
  for (const b of m.bays) b.open = oc;
  const ps = s.plan;
  let p: Plan;
  if (!ops.length) p = emptyPlan();
  else {
    const prevKeys = ps.model.ops.map((o) => o.key);
    const res = await solve(m, {
      objective: 'workshop', timeLimitMs: 60_000, maxIterations: s.solverIterations,
      seed: mix(s.seed, STREAM.solver, s.counts.replans), signal: s.opts.signal,
      ...(ps.plan.assignments.length ? { previous: ps.plan, previousOpKeys: prevKeys } : {}),
    });
    p = res.plan;
  }
  s.counts.replans++;
  ps.model = m; ps.plan = p; ps.refs = refs; ps.opCodes = codes; ps.sim = null; ps.timelines = null;
  ps.forecastTechs = m.techs.map((t, k) => ({ ...t, overtime: overtimeCal(s, k, now, end) }));
  rebuildSeqs(s);
}

/** The forecast replays the plan on the technicians' working time and overtime. */
export function promiseSimulation(s: Replication, now: number): PromiseSimulation {
  const ps = s.plan;
  return (ps.sim ??= new PromiseSimulation(
    { model: { ...ps.model, techs: ps.forecastTechs }, plan: ps.plan, opCodes: ps.opCodes, durations: s.durations },
    { samples: s.W.promiseSamples, seed: mix(s.seed, 77), asOf: now, draws: ps.draws },
  ));
}

/** Insertion gaps are searched in working time only (the plan's model). */
export function timelinesOf(s: Replication): Timelines {
  return (s.plan.timelines ??= new Timelines(s.plan.model, s.plan.plan));
}

/**
 * Makes the insertion the current plan; `isim` (its simulation on the current promise simulation)
 * carries the forecast over. The new ops join their technicians' sequences.
 */
export function adopt(s: Replication, ro: Ro, chosen: Insertion, isim?: InsertionSimulation): void {
  const ps = s.plan;
  chosen.model.jobs[chosen.job].due = (Number.isNaN(ro.promise) ? ro.due : ro.promise) - s.policy.handoverBufferMinutes;
  if (ps.sim) {
    if (!isim || isim.base !== ps.sim) isim = new InsertionSimulation(ps.sim, { model: chosen.model, plan: chosen.plan, newOps: chosen.ops, newOpCodes: chosen.opCodes });
    ps.sim = ps.sim.extend(isim);
  }
  if (ps.timelines) ps.timelines = ps.timelines.extend(chosen.model, chosen.plan, chosen.ops);
  ps.model = chosen.model; ps.plan = chosen.plan;
  chosen.ops.forEach((o, j) => {
    ps.refs.push({ ro, op: j });
    ps.opCodes.push(chosen.opCodes[j]);
    const a = ps.plan.assignments[o];
    const run = ro.ops[j];
    run.assignedTech = a.tech; run.plannedBay = a.bay; run.plannedStart = a.start;
    const q = s.floor.seqs[a.tech];
    let k = q.length;
    while (k > 0 && q[k - 1].start > a.start) k--;
    q.splice(k, 0, { ro, op: j, start: a.start });
  });
  s.openRos.add(ro);
}
