/**
 * Reception and the express lanes.
 *  - Arrival: a booked customer who does not come is a no-show; everyone else queues at reception
 *    (FIFO), served by the advisors during opening hours, check-in time lognormal (mean, cv).
 *  - Check-in done: an appointment is promised (booking.ts promiseAtCheckIn); a walk-in or a
 *    comeback is inserted into the plan and promised, or turned away when it does not fit; a lane
 *    repair order gets the lane promise. The vehicle is in the shop: its parts arrive after their
 *    delay; lane work joins its lane's queue, other work is dispatched (floor.ts).
 *  - A lane (all of a job's op codes in an express lane) skips the scheduler: a FIFO queue with
 *    the lane's servers during opening hours; service time = standard time × the truth multiplier.
 *    Lane promise = the lane's M/M/c wait quantile at the target (mean arrival rate over opening
 *    time from the demand: appointments net of no-shows, walk-ins; mean service from the job mix)
 *    + the job's lognormal service-time quantile at the target + the handover buffer, on the
 *    promise grid (rules/promise.ts), as the service's walk-in ETA does.
 */
import { mmcCore, mmcWaitQuantile } from '../queueing/mmc.js';
import { roundUpToGrid } from '../rules/index.js';
import { hourOf, isOpen } from './calendar.js';
import { place, promiseAtCheckIn } from './booking.js';
import { dispatchAll, finishRo } from './floor.js';
import { forget } from './planning.js';
import { EV, KIND, ST, push, type ReceptionState, type Replication, type Ro } from './state.js';
import { normInv } from './streams.js';
import type { SimWorld } from './types.js';

/** Per lane: the wait quantile at `target` of an M/M/c queue fed by the lane's share of the demand (240 min when unstable). */
function laneWaitQuantiles(W: SimWorld, jobWeights: readonly number[], target: number): number[] {
  const D = W.demand;
  return W.lanes.map((l, li) => {
    const share = W.jobKinds.reduce((a, j) => a + (j.lane === li ? j.weight : 0), 0) / Math.max(1e-9, jobWeights.reduce((a, b) => a + b, 0));
    let perWeek = D.walkInsPerDay * 6, openMin = 0;
    for (let wd = 0; wd < 7; wd++) perWeek += D.appointmentsPerDay[wd] * (1 - D.noShowRate);
    for (let d = 0; d < Math.min(7, W.calendarDays); d++) { const o = W.openByDay[d]; for (let i = 0; i < o.length; i += 2) openMin += o[i + 1] - o[i]; }
    const meanService = W.jobKinds.reduce((a, j) => a + (j.lane === li ? j.weight * j.standardMinutes : 0), 0) / Math.max(1e-9, share * jobWeights.reduce((a, b) => a + b, 0));
    const lambda = (perWeek * share) / Math.max(1, openMin);
    const c = mmcCore(lambda, 1 / Math.max(1, meanService), l.servers);
    return Number.isFinite(c.meanWait) ? mmcWaitQuantile(c.probWait, c.decay, target) : 240;
  });
}

export function newReceptionState(W: SimWorld, jobWeights: readonly number[], target: number): ReceptionState {
  return {
    queue: [], head: 0, freeAdvisors: W.reception.advisors,
    laneQueues: W.lanes.map(() => []), laneBusy: W.lanes.map(() => 0),
    laneWaitQ: laneWaitQuantiles(W, jobWeights, target),
  };
}

function lanePromise(s: Replication, ro: Ro, at: number): number {
  const { W } = s;
  const target = s.policy.targetOnTime;
  const cv = W.jobKinds[ro.jobKind].ops.reduce((a, t) => Math.max(a, W.opTypes[t].cv), 0);
  const s2 = Math.log(1 + cv * cv);
  const serviceQ = ro.std * Math.exp(-s2 / 2 + Math.sqrt(s2) * normInv(target));
  return roundUpToGrid(at + s.reception.laneWaitQ[ro.lane] + serviceQ + s.policy.handoverBufferMinutes);
}

/** Free advisors take the next customers in the queue (while open). */
export function tryReception(s: Replication, t: number): void {
  const { W } = s;
  const r = s.reception;
  if (!isOpen(W, t)) return;
  while (r.freeAdvisors > 0 && r.head < r.queue.length) {
    const ro = r.queue[r.head++];
    r.freeAdvisors--;
    ro.checkInStart = t;
    const wait = t - ro.arrival;
    s.kpi.checkInWaitSum += wait; s.kpi.checkInN++;
    s.kpi.byHourCheckInWait[hourOf(W, ro.arrival)] += wait;
    push(s, t + Math.max(0.5, ro.rng.lognormalMeanCv(W.reception.checkInMinutes, W.reception.checkInCv)), EV.checkInDone, ro);
  }
  if (r.head > 1024) { r.queue.splice(0, r.head); r.head = 0; }
}

/** Free servers of lane `l` take the next vehicles in its queue (while open). */
export function tryLane(s: Replication, l: number, t: number): void {
  const { W } = s;
  const r = s.reception;
  if (!isOpen(W, t)) return;
  const lq = r.laneQueues[l];
  while (r.laneBusy[l] < W.lanes[l].servers && lq.length) {
    const ro = lq.shift()!;
    r.laneBusy[l]++;
    ro.firstStart = t;
    s.kpi.laneWaitSum += t - ro.checkInEnd; s.kpi.laneWaitN++;
    let dur = 0;
    for (const o of ro.ops) { dur += W.opTypes[o.type].standardMinutes * o.mult; o.status = 1; }
    s.kpi.laneBusy += dur;
    push(s, t + dur, EV.laneDone, ro, l);
  }
}

export function onArrival(s: Replication, ro: Ro, t: number): void {
  if (ro.kind === KIND.appointment && ro.noShow) { s.counts.noShows++; ro.status = ST.gone; s.openRos.delete(ro); forget(s, ro); return; }
  ro.arrival = t;
  ro.status = ST.reception;
  s.kpi.byHourArrivals[hourOf(s.W, t)]++;
  s.reception.queue.push(ro);
  tryReception(s, t);
}

export function onCheckInDone(s: Replication, ro: Ro, t: number): void {
  s.reception.freeAdvisors++;
  tryReception(s, t);
  ro.checkInEnd = t;
  if (ro.kind !== KIND.appointment) {
    if (ro.lane >= 0) ro.promise = lanePromise(s, ro, t);
    else {
      // a walk-in drop-off may be promised for the next open day
      const ok = place(s, ro, t, t, true, true);
      if (!ok) { s.counts.turnedAway++; ro.status = ST.gone; forget(s, ro); return; }
    }
  }
  else if (ro.lane >= 0) ro.promise = lanePromise(s, ro, t);
  else ro.promise = promiseAtCheckIn(s, ro, t);
  ro.status = ST.checkedIn;
  s.counts.arrived++;
  ro.counted = true;
  s.inShop.add(ro);
  if (!Number.isNaN(ro.partsDelay)) push(s, Math.max(t, ro.arrival + ro.partsDelay), EV.parts, ro);
  if (ro.lane >= 0) { s.reception.laneQueues[ro.lane].push(ro); tryLane(s, ro.lane, t); }
  else dispatchAll(s, t);
}

export function onLaneDone(s: Replication, ro: Ro, l: number, t: number): void {
  const { W, kpi } = s;
  s.reception.laneBusy[l]--;
  s.counts.laneServed++;
  for (const o of ro.ops) { o.status = 2; if (ro.kind !== KIND.comeback) { kpi.stdDone += W.opTypes[o.type].standardMinutes; kpi.clockedDone += W.opTypes[o.type].standardMinutes * o.mult; } }
  finishRo(s, ro, t);
  tryLane(s, l, t);
}
