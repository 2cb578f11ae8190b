/**
 * Floor dispatch: technicians execute the plan.
 *  - An idle technician on shift (not absent) takes the first op of its sequence that can start:
 *    its vehicle is checked in, the vehicle's earlier ops are done and none runs (unless declared
 *    parallel), its parts are there (first op), it fits the rest of the shift (+30 min) or may be
 *    split, and an eligible bay is free (the planned bay first).
 *  - Else it takes an orphan: an op left unplanned, planned on an absent technician, or whose
 *    planned technician is still busy `STEAL_AFTER` minutes after the planned start, if qualified
 *    (the next free qualified technician takes the car rather than let it wait for the next replan).
 *  - The actual duration is the op's standard time ÷ the technician's efficiency × its true
 *    multiplier (the scenario's truth), worked over the shift's intervals; a non-splittable op
 *    running past the shift end is finished in overtime, a splittable one pauses at the shift end
 *    and goes back to pending with its progress (the planner sees clocked ÷ planned done).
 *  - A finished op is a job-clock observation (planned minutes by the rule in
 *    rules/qualification.ts, actual = clocked) for the morning refit of the duration model. The
 *    last op done: the vehicle is ready after the handover buffer (KPIs), and may come back.
 */
import { plannedMinutes } from '../rules/index.js';
import { maybeComeback } from './demand.js';
import { addAttended, addBusy, recordHandover } from './kpis.js';
import { forget, plannedOn } from './planning.js';
import { EV, KIND, ST, push, type OpRun, type Replication, type Ro } from './state.js';

const STEAL_AFTER = 15;

function remainingToday(s: Replication, k: number, t: number): number {
  let r = 0;
  const w = s.floor.todayWork[k];
  for (let i = 0; i < w.length; i += 2) if (w[i + 1] > t) r += w[i + 1] - Math.max(t, w[i]);
  return r;
}

function onShift(s: Replication, k: number, t: number): boolean {
  const w = s.floor.todayWork[k];
  for (let i = 0; i < w.length; i += 2) if (t >= w[i] && t < w[i + 1]) return true;
  return false;
}

/** No earlier op of the vehicle is left and none runs (parallel ops excepted). */
function vehicleFree(s: Replication, ro: Ro, op: number): boolean {
  const types = s.W.opTypes;
  const t = types[ro.ops[op].type];
  for (let j = 0; j < ro.ops.length; j++) {
    const o = ro.ops[j];
    if (j < op && o.status !== 2 && !t.parallel && !types[o.type].parallel) return false;
    if (o.status === 1 && !t.parallel && !types[o.type].parallel) return false;
  }
  return true;
}

/** A free eligible bay (the planned one first); -1 no bay needed, -2 none free. */
function freeBay(s: Replication, o: OpRun): number {
  const bays = s.W.opTypes[o.type].bays;
  if (!bays) return -1;
  const held = s.floor.bayHeld;
  if (o.plannedBay >= 0 && !held[o.plannedBay] && bays.includes(o.plannedBay)) return o.plannedBay;
  for (const b of bays) if (!held[b]) return b;
  return -2;
}

/** The bay technician k would start op `op` in at `t` (≥ -1), or < -1 when it cannot start. */
function canStart(s: Replication, k: number, ro: Ro, op: number, t: number): number {
  if (ro.status !== ST.checkedIn) return -3;
  const o = ro.ops[op];
  if (o.status !== 0) return -3;
  if (op === 0 && !ro.partsArrived) return -3;
  if (!vehicleFree(s, ro, op)) return -3;
  const type = s.W.opTypes[o.type];
  if (!type.splittable && plannedOn(s.W, o, k) > remainingToday(s, k, t) + 30) return -3;
  return freeBay(s, o);
}

function startOp(s: Replication, k: number, ro: Ro, op: number, bay: number, t: number): void {
  const { W, floor } = s;
  const o = ro.ops[op];
  const type = W.opTypes[o.type];
  o.status = 1; o.tech = k; o.bay = bay; o.start = t; o.plannedAtStart = plannedOn(W, o, k);
  if (bay >= 0) floor.bayHeld[bay] = true;
  floor.techRun[k] = { ro, op };
  if (Number.isNaN(ro.firstStart)) ro.firstStart = t;
  const trueTotal = (type.standardMinutes / W.techs[k].efficiency) * o.mult;
  let rem = trueTotal * (1 - o.progress);
  const onRo = ro.kind !== KIND.comeback;
  const w = floor.todayWork[k];
  let end = t;
  let worked = 0;
  for (let i = 0; i < w.length && rem > 0; i += 2) {
    if (w[i + 1] <= t) continue;
    const from = Math.max(t, w[i]);
    const take = Math.min(rem, w[i + 1] - from);
    addBusy(s, from, from + take, onRo);
    rem -= take; worked += take; end = from + take;
  }
  let pause = 0;
  if (rem > 1e-9) {
    if (type.splittable) pause = 1;
    else {
      const x = end;
      addBusy(s, x, x + rem, onRo);
      addAttended(s, x, x + rem);
      s.kpi.overtime += rem;
      worked += rem; end = x + rem; rem = 0;
    }
  }
  o.clocked += worked;
  push(s, end, EV.opEnd, ro, op, pause ? worked / trueTotal : -1);
}

/** Technician k, if idle and on shift, starts the next op it can (see the file head); true if it did. */
export function tryTech(s: Replication, k: number, t: number): boolean {
  const { W, floor } = s;
  if (floor.techRun[k] || floor.absent[k] || !onShift(s, k, t)) return false;
  const q = floor.seqs[k];
  for (let i = 0; i < q.length; i++) {
    const e = q[i];
    const o = e.ro.ops[e.op];
    if (o.status !== 0 || o.assignedTech !== k) { q.splice(i, 1); i--; continue; }
    const bay = canStart(s, k, e.ro, e.op, t);
    if (bay >= -1) { q.splice(i, 1); startOp(s, k, e.ro, e.op, bay, t); return true; }
  }
  for (const ro of s.inShop) {
    if (ro.lane >= 0) continue;
    for (let j = 0; j < ro.ops.length; j++) {
      const o = ro.ops[j];
      if (o.status !== 0) continue;
      const pt = o.assignedTech;
      if (pt >= 0 && !floor.absent[pt] && !(floor.techRun[pt] && o.plannedStart + STEAL_AFTER < t)) continue;
      if (!W.opTypes[o.type].alternatives.some((a) => a.tech === k)) continue;
      const bay = canStart(s, k, ro, j, t);
      if (bay >= -1) { startOp(s, k, ro, j, bay, t); return true; }
    }
  }
  return false;
}

export function dispatchAll(s: Replication, t: number): void {
  for (let k = 0; k < s.W.techs.length; k++) tryTech(s, k, t);
}

/** The vehicle's last op is done at `t`: ready after the handover buffer. */
export function finishRo(s: Replication, ro: Ro, t: number): void {
  ro.status = ST.ready;
  forget(s, ro);
  ro.readyAt = t + s.policy.handoverBufferMinutes;
  s.inShop.delete(ro);
  s.openRos.delete(ro);
  recordHandover(s, ro);
  maybeComeback(s, ro, t);
}

/**
 * An op-end event: `pausedFraction` ≥ 0 is the true work fraction done before a splittable op
 * paused at the shift end (back to pending with its progress); -1 the op is done.
 */
export function onOpEnd(s: Replication, ro: Ro, op: number, pausedFraction: number, t: number): void {
  const { W, floor, kpi } = s;
  const o = ro.ops[op];
  const k = o.tech;
  floor.techRun[k] = null;
  if (o.bay >= 0) floor.bayHeld[o.bay] = false;
  kpi.bayBusy += o.bay >= 0 ? t - o.start : 0;
  if (pausedFraction >= 0) {
    o.progress += pausedFraction;
    o.plannedDone += (t - o.start) / Math.max(1, plannedOn(W, { ...o, plannedDone: 0 }, k));
    o.status = 0; o.tech = -1; o.bay = -1;
    o.assignedTech = -1;
  } else {
    o.status = 2;
    o.progress = 1;
    const type = W.opTypes[o.type];
    if (ro.kind !== KIND.comeback) { kpi.stdDone += type.standardMinutes; kpi.clockedDone += o.clocked; }
    s.observations.push({ opCode: type.opCode, technicianKey: W.techs[k].key, plannedMinutes: plannedMinutes(type.standardMinutes, W.techs[k].efficiency), actualMinutes: o.clocked });
    if (ro.ops.every((x) => x.status === 2)) finishRo(s, ro, t);
  }
  dispatchAll(s, t);
}
