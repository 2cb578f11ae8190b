/**
 * Demand: who comes, when, with what.
 *  - Appointment requests, all generated up front: per open day a Poisson number (mean by weekday),
 *    each wanting an arrival drawn from the arrival profile (restricted to opening hours) on the
 *    slot grid, a job kind from the job mix, and a request made 0..bookingLeadDays before (at a
 *    uniform time of that day's opening; same-day requests at midnight). The customer arrives
 *    jittered around the booked time, or not at all (no-show).
 *  - Walk-ins of a day, generated at its start: Poisson per open day, arrival time from the
 *    walk-in profile, within opening hours.
 *  - Comebacks: a delivered repair order comes back with the comeback rate, 1–5 open days later
 *    in the first two hours, to redo its first operation (unpaid rework).
 *  - Each repair order's attributes: a waiter (short jobs, with the waiter share), high priority,
 *    parts with a delay (drop-offs, not in a lane), and each operation's true duration multiplier
 *    (the scenario's truth: bias × lognormal or gamma noise around 1).
 * Every draw comes from its entity's own stream (streams.ts): common random numbers.
 */
import { Rng } from '../../lib/random.js';
import { closeOf, dayOf, hoursWithin, nextOpenDay } from './calendar.js';
import { EV, KIND, ST, push, type OpRun, type Replication, type Ro } from './state.js';
import { STREAM, mix, pickWeighted, poissonInv, streamRng } from './streams.js';
import type { SimOpType } from './types.js';

const TYPE_GAMMA = 1;

/** The true duration multiplier of one operation (drawn once: the same in every scenario). */
function truthMult(type: SimOpType, rng: Rng): number {
  const cv = type.truthCv;
  let noise = 1;
  if (cv > 0) {
    if (type.truthDist === TYPE_GAMMA) { const k = 1 / (cv * cv); noise = rng.gamma(k, 1 / k); }
    else noise = rng.lognormalMeanCv(1, cv);
  }
  return type.truthBias * noise;
}

/** A new repair order with its attributes drawn from `attrs` and its durations from `durStream`. */
export function newRo(s: Replication, uid: number, key: string, kind: number, jobKind: number, plannedArrival: number, attrs: Rng, durStream: Rng): Ro {
  const { W, D } = s;
  const jk = W.jobKinds[jobKind];
  const waiter = jk.standardMinutes <= D.waiterMaxMinutes && attrs.next() < D.waiterShare;
  const priority = attrs.next() < D.priorityShare;
  const hasParts = jk.lane < 0 && !waiter && attrs.next() < D.partsEtaShare && kind !== KIND.comeback;
  const uParts = attrs.next();
  let partsDelay = NaN;
  if (hasParts) {
    partsDelay = D.partsDelay
      ? new Rng(mix(s.seed, STREAM.parts, uid)).lognormalMeanCv(D.partsDelay.mean, D.partsDelay.cv)
      : 120 + uParts * 22 * 60;
    partsDelay = Math.round(partsDelay);
  }
  const ops: OpRun[] = jk.ops.map((t) => ({
    type: t, status: 0, mult: truthMult(W.opTypes[t], durStream), progress: 0, plannedDone: 0,
    tech: -1, bay: -1, start: NaN, plannedAtStart: 0, assignedTech: -1, plannedBay: -1, plannedStart: NaN, clocked: 0,
  }));
  const ro: Ro = {
    uid, key, kind, jobKind, lane: jk.lane, waiter, priority, plannedArrival, arrival: NaN, noShow: false,
    status: ST.booked, promise: NaN, due: NaN, partsDelay, partsEta: hasParts ? plannedArrival + partsDelay : NaN, partsArrived: !hasParts,
    checkInStart: NaN, checkInEnd: NaN, readyAt: NaN, firstStart: NaN, std: jk.standardMinutes, ops,
    rng: new Rng(mix(s.seed, STREAM.checkIn, uid)), counted: false,
  };
  s.ros.push(ro);
  return ro;
}

/** All appointment requests of the run, pushed as request events. */
export function generateAppointmentRequests(s: Replication): void {
  const { W, D } = s;
  for (const d of W.simDays) {
    const open = W.openByDay[d];
    const prof = hoursWithin(D.arrivalProfile, open, W.dayStart[d]);
    const n = poissonInv(streamRng(s.seed, STREAM.demand, d, -1).next(), D.appointmentsPerDay[W.weekday[d]]);
    for (let i = 0; i < n; i++) {
      const uid = mix(KIND.appointment, d, i);
      const r = streamRng(s.seed, STREAM.demand, d, i);
      const h = pickWeighted(prof, r.next());
      const slots = Math.max(1, Math.floor(60 / W.slotMinutes));
      let arrival = W.dayStart[d] + Math.max(0, h) * 60 + r.int(slots) * W.slotMinutes;
      if (h < 0 || arrival < open[0]) arrival = open[0];
      const jk = pickWeighted(s.jobWeights, r.next());
      const lead = r.int(D.bookingLeadDays + 1);
      const uReq = r.next();
      const ro = newRo(s, uid, `A${d}-${i}`, KIND.appointment, jk, arrival, r, streamRng(s.seed, STREAM.durations, uid));
      ro.noShow = streamRng(s.seed, STREAM.noShows, uid).next() < D.noShowRate;
      ro.arrival = arrival + Math.round(D.arrivalJitterMinutes * streamRng(s.seed, STREAM.arrivals, uid).normal());
      const rd = d - lead;
      let reqT = 0;
      if (lead > 0 && rd >= 0) {
        const o = W.openByDay[rd];
        reqT = o.length ? o[0] + uReq * (closeOf(W, rd) - o[0]) : W.dayStart[rd] + 9 * 60;
      } else if (lead === 0) reqT = W.dayStart[d];
      push(s, Math.max(0, Math.floor(reqT)), EV.request, ro);
    }
  }
}

/** The walk-ins of open day `d`, pushed as arrivals. */
export function generateWalkIns(s: Replication, d: number): void {
  const { W, D } = s;
  const open = W.openByDay[d];
  if (!open.length || D.walkInsPerDay <= 0) return;
  const prof = hoursWithin(D.walkInProfile, open, W.dayStart[d]);
  const n = poissonInv(streamRng(s.seed, STREAM.walkIns, d, -1).next(), D.walkInsPerDay);
  for (let i = 0; i < n; i++) {
    const uid = mix(KIND.walkIn, d, i);
    const r = streamRng(s.seed, STREAM.walkIns, d, i);
    const h = pickWeighted(prof, r.next());
    let at = W.dayStart[d] + Math.max(0, h) * 60 + r.next() * 60;
    if (h < 0) at = open[0];
    at = Math.min(Math.max(at, open[0]), closeOf(W, d) - 1);
    const jk = pickWeighted(s.jobWeights, r.next());
    const ro = newRo(s, uid, `W${d}-${i}`, KIND.walkIn, jk, at, r, streamRng(s.seed, STREAM.durations, uid));
    ro.arrival = at;
    s.counts.walkIns++;
    push(s, at, EV.arrival, ro);
  }
}

/** A repair order delivered at `t` may come back (the comeback rate) to redo its first operation. */
export function maybeComeback(s: Replication, ro: Ro, t: number): void {
  const { W, D } = s;
  if (ro.kind === KIND.comeback || D.comebackRate <= 0) return;
  const r = streamRng(s.seed, STREAM.comebacks, ro.uid);
  if (r.next() >= D.comebackRate) return;
  const d = nextOpenDay(W, dayOf(W, t) + 1 + r.int(5), 0);
  if (d < 0 || d > s.lastDay) return;
  const o = W.openByDay[d];
  const at = o[0] + Math.floor(r.next() * Math.min(120, closeOf(W, d) - o[0]));
  const uid = mix(KIND.comeback, ro.uid);
  // a comeback is the first operation again (unpaid rework)
  const first = W.jobKinds[ro.jobKind].ops[0];
  const jk = W.jobKinds.findIndex((j) => j.ops.length === 1 && j.ops[0] === first);
  const cb = newRo(s, uid, `C${ro.key}`, KIND.comeback, jk >= 0 ? jk : ro.jobKind, at, r, streamRng(s.seed, STREAM.durations, uid));
  cb.arrival = at;
  s.counts.comebacks++;
  push(s, at, EV.arrival, cb);
}
