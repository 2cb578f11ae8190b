/**
 * Discrete-event simulation of a workshop running the real Baywise policies: one replication.
 *
 * Flow of a repair order (RO), module by module:
 *   demand.ts     appointment requests (made 0..bookingLeadDays ahead), walk-ins, comebacks
 *   booking.ts    ─► booked on the wanted slot, a later hour that day, or the same time on one of
 *                 the next `maxDelayDays` open days (the promise engine's availability search with
 *                 the booking verdict, or plain gap insertion with a service rule), else turned away
 *   reception.ts  ─► arrival (or no-show) ─► reception queue (advisors, lognormal check-in)
 *                 ─► checked in and promised (the promise rule on the engine's forecast of the
 *                 vehicle in the current plan; walk-ins inserted and promised at check-in; lane
 *                 work promised by the lane's queue and served FIFO by its servers)
 *   floor.ts      ─► technicians execute the plan's sequences (orphans go to any qualified idle
 *                 technician), actual durations from the scenario's truth; overruns push later
 *                 work, overtime or a pause at the shift end ─► ready (last op + handover buffer)
 *   planning.ts   the scheduler (`solve`, warm-started, an iteration budget: deterministic)
 *                 replans every `replanEveryMinutes` of opening time and each morning after
 *                 absences are known; the promise simulation of the plan
 *   kpis.ts       accumulators and the replication's KPIs
 * This file is the loop: it builds the replication's state (state.ts), generates the demand, and
 * pops events in time order, handing each to its module. Each morning (a day start) absences are
 * drawn, technicians come on shift, the day's openings, replans, close and walk-ins are scheduled,
 * the duration model the promises use is refitted from the run's job clocks (so a biased catalogue
 * is learnt) and the workshop is replanned.
 *
 * The rules of the trade come from src/domain/rules/ (the promise rule and the fixed industry
 * rule, the booking verdict, job weights, planned minutes) and the policy is the workshop's own
 * (`SimWorld.policy`), as the service runs them.
 *
 * Pure: no clock, no I/O; randomness from per-entity streams (common random numbers).
 */
import { fitDurationModel } from '../promise/durations.js';
import { promiseLevel } from '../rules/index.js';
import { closeOf } from './calendar.js';
import { generateAppointmentRequests, generateWalkIns } from './demand.js';
import { onRequest } from './booking.js';
import { onArrival, onCheckInDone, onLaneDone, newReceptionState, tryLane, tryReception } from './reception.js';
import { dispatchAll, onOpEnd, tryTech } from './floor.js';
import { newPlanState, replan } from './planning.js';
import { addAttended, newKpiAccumulators, replicationResult } from './kpis.js';
import { EV, newEventQueue, push, ST, type Replication } from './state.js';
import { STREAM, mix, streamRng } from './streams.js';
import type { ReplicationOptions, ReplicationResult, SimWorld } from './types.js';

/** The state of a replication before its first event. */
export function newReplication(W: SimWorld, opts: ReplicationOptions): Replication {
  const D = W.demand;
  const policy = W.policy;
  const jobWeights = W.jobKinds.map((j) => j.weight);
  const lastDay = W.simDays[W.simDays.length - 1];
  const priors = new Map<string, number>();
  for (const o of W.opTypes) priors.set(o.opCode, o.cv);
  return {
    W, D, opts,
    seed: mix(opts.seed, opts.replication),
    solverIterations: opts.solverIterations ?? 30,
    policy,
    promiseQ: promiseLevel(policy.targetOnTime, policy.promiseHeadroom),
    lastDay,
    endTime: W.dayStart[lastDay + 1],
    horizonDays: D.bookingLeadDays + 2 * D.maxDelayDays + 4,
    jobWeights,
    simDays: new Set(W.simDays),
    openDays: W.openByDay.filter((o) => o.length).map((o) => ({ start: o[0], end: o[o.length - 1] })),
    queue: newEventQueue(),
    seqNo: 0,
    ros: [], openRos: new Set(), inShop: new Set(),
    priors, observations: [], durations: fitDurationModel(priors, []),
    plan: newPlanState(W),
    floor: {
      todayWork: W.techs.map(() => []), absent: W.techs.map(() => false), techRun: W.techs.map(() => null),
      bayHeld: W.bays.map(() => false), seqs: W.techs.map(() => []),
    },
    reception: newReceptionState(W, jobWeights, policy.targetOnTime),
    counts: { requests: 0, booked: 0, turnedAway: 0, walkIns: 0, noShows: 0, comebacks: 0, arrived: 0, delivered: 0, laneServed: 0, events: 0, replans: 0, quotes: 0, daysDone: 0 },
    kpi: newKpiAccumulators(),
  };
}

/** A day starts: absences, shifts, openings, replans, close and walk-ins of the day; refit; replan. */
async function startDay(s: Replication, d: number, t: number): Promise<void> {
  const { W, D, floor } = s;
  const isSimDay = s.simDays.has(d);
  for (let k = 0; k < W.techs.length; k++) {
    const w = W.techs[k].workByDay[d];
    floor.absent[k] = w.length > 0 && D.absenceRate > 0 && streamRng(s.seed, STREAM.absences, d, k).next() < D.absenceRate;
    floor.todayWork[k] = floor.absent[k] ? [] : w;
    for (let i = 0; i < floor.todayWork[k].length; i += 2) {
      addAttended(s, floor.todayWork[k][i], floor.todayWork[k][i + 1]);
      push(s, floor.todayWork[k][i], EV.techOn, null, k);
    }
  }
  const open = W.openByDay[d];
  for (let i = 0; i < open.length; i += 2) {
    push(s, open[i], EV.open);
    s.kpi.bayOpen += (open[i + 1] - open[i]) * W.bays.length;
    for (const l of W.lanes) s.kpi.laneOpen += (open[i + 1] - open[i]) * l.servers;
    for (let r = open[i]; r < open[i + 1]; r += W.replanEveryMinutes) if (r > open[0]) push(s, r, EV.replan);
  }
  if (open.length && isSimDay) push(s, closeOf(W, d), EV.dayEnd, null, d);
  if (isSimDay) generateWalkIns(s, d);
  if (d > W.simDays[0] && s.observations.length) s.durations = fitDurationModel(s.priors, s.observations);
  await replan(s, t);
  dispatchAll(s, t);
}

/** A simulated day closes: checked-in repair orders still open are carried over. */
function endDay(s: Replication): void {
  let carry = 0;
  for (const ro of s.inShop) if (ro.status === ST.checkedIn) carry++;
  s.kpi.carrySum += carry; s.kpi.closes++;
  s.counts.daysDone++;
  s.opts.onDay?.(s.counts.daysDone, s.W.simDays.length);
}

export async function simulateReplication(world: SimWorld, opts: ReplicationOptions): Promise<ReplicationResult> {
  return replicationResult(await runReplication(world, opts));
}

/** Runs one replication to its end and returns its final state (the repair orders, the plan, the accumulators). */
export async function runReplication(world: SimWorld, opts: ReplicationOptions): Promise<Replication> {
  const s = newReplication(world, opts);
  const W = world;
  // days first: at equal times a day start (absences, replan) precedes the requests of that minute
  for (let d = W.simDays[0]; d <= s.lastDay; d++) push(s, W.dayStart[d], EV.dayStart, null, d);
  generateAppointmentRequests(s);

  while (s.queue.length) {
    const ev = s.queue.pop()!;
    const t = ev.t;
    if (t > s.endTime) break;
    s.counts.events++;
    if (opts.signal?.aborted) throw new Error('aborted');
    switch (ev.type) {
      case EV.dayStart: await startDay(s, ev.a, t); break;
      case EV.dayEnd: endDay(s); break;
      case EV.request: onRequest(s, ev.ro!, t); break;
      case EV.arrival: onArrival(s, ev.ro!, t); break;
      case EV.checkInDone: onCheckInDone(s, ev.ro!, t); break;
      case EV.parts: ev.ro!.partsArrived = true; dispatchAll(s, t); break;
      case EV.opEnd: onOpEnd(s, ev.ro!, ev.a, ev.b, t); break;
      case EV.laneDone: onLaneDone(s, ev.ro!, ev.a, t); break;
      case EV.techOn: tryTech(s, ev.a, t); break;
      case EV.open: tryReception(s, t); for (let l = 0; l < W.lanes.length; l++) tryLane(s, l, t); dispatchAll(s, t); break;
      case EV.replan: await replan(s, t); dispatchAll(s, t); break;
    }
  }
  return s;
}
