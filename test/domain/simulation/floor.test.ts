/**
 * Floor dispatch alone, on a replication state set up by hand (tiny garage: technician 0 flags
 * 1.1 × standard, technician 1 0.95 ×; two lifts; oil 30 min, brakes 72 min, a splittable major
 * inspection 150 min). True multipliers are set to 1, so durations are standard ÷ efficiency.
 */
import { describe, expect, it } from 'vitest';
import { compileScenario } from '../../../src/app/simulations.js';
import { newReplication } from '../../../src/domain/simulation/engine.js';
import { newRo } from '../../../src/domain/simulation/demand.js';
import { onOpEnd, tryTech } from '../../../src/domain/simulation/floor.js';
import { EV, KIND, ST, type Replication } from '../../../src/domain/simulation/state.js';
import { Rng } from '../../../src/lib/random.js';
import { tinyScenario } from './helpers.js';

const world = compileScenario(tinyScenario(), { days: 1 });
const JOB = Object.fromEntries(world.jobKinds.map((j, i) => [j.name, i]));

function floor(work: number[][]): Replication {
  const s = newReplication(world, { seed: 1, replication: 0 });
  s.floor.todayWork = work;
  return s;
}
/** A checked-in repair order, parts there, true durations = planned, ops planned on `techs` (-1 unplanned) in that order. */
function checkedIn(s: Replication, job: string, techs: number[], waiter = false) {
  const ro = newRo(s, s.ros.length, `R${s.ros.length}`, KIND.appointment, JOB[job], 480, new Rng(1), new Rng(2));
  Object.assign(ro, { status: ST.checkedIn, arrival: 480, partsArrived: true, waiter, promise: 2000 });
  ro.ops.forEach((o, j) => {
    o.mult = 1;
    o.assignedTech = techs[j];
    o.plannedStart = 480 + j;
    if (techs[j] >= 0) s.floor.seqs[techs[j]].push({ ro, op: j, start: 480 + j });
  });
  s.inShop.add(ro);
  return ro;
}
const events = (s: Replication) => { const out = []; while (s.queue.length) out.push(s.queue.pop()!); return out; };

describe('floor dispatch', () => {
  it("takes the first op of the technician's sequence whose vehicle is free: a vehicle's second op waits for its first", () => {
    const s = floor([[480, 1020], [480, 1020]]);
    const ro = checkedIn(s, 'Service and brakes', [0, 0]);
    s.floor.seqs[0].reverse(); // brakes (op 1) first in the sequence: it cannot start before the inspection
    expect(tryTech(s, 0, 480)).toBe(true);
    expect(s.floor.techRun[0]).toEqual({ ro, op: 0 });
    expect(s.floor.bayHeld).toEqual([true, false]);
    const [end] = events(s);
    expect(end.type).toBe(EV.opEnd);
    expect(end.t).toBeCloseTo(480 + 150 / 1.1, 9);
    expect(end.b).toBe(-1); // finishes within the shift
    expect(tryTech(s, 0, 500)).toBe(false); // busy
    expect(tryTech(s, 1, 500)).toBe(false); // technician 1 may take over the brakes (0 is busy past their planned start), but they wait for the inspection
  });

  it('an unplanned op is taken by an idle qualified technician', () => {
    const s = floor([[480, 1020], [480, 1020]]);
    const ro = checkedIn(s, 'Oil', [-1]);
    expect(tryTech(s, 1, 480)).toBe(true);
    expect(s.floor.techRun[1]).toEqual({ ro, op: 0 });
    expect(events(s)[0].t).toBeCloseTo(480 + 30 / 0.95, 9);
  });

  it('a splittable op pauses at the shift end and goes back to pending with its progress', () => {
    const s = floor([[900, 1020], []]);
    const ro = checkedIn(s, 'Service and brakes', [0, 0]);
    expect(tryTech(s, 0, 900)).toBe(true);
    const [pause] = events(s);
    expect(pause.t).toBe(1020);
    const total = 150 / 1.1;
    expect(pause.b).toBeCloseTo(120 / total, 12);
    onOpEnd(s, ro, 0, pause.b, 1020);
    const o = ro.ops[0];
    expect(o.status).toBe(0);
    expect(o.progress).toBeCloseTo(120 / total, 12);
    expect(o.plannedDone).toBeGreaterThan(0.8);
    expect(s.floor.techRun[0]).toBeNull();
    expect(s.floor.bayHeld[0]).toBe(false);
    expect(s.kpi.overtime).toBe(0);
  });

  it('a non-splittable op that fits the shift + 30 min finishes in overtime; the last op done makes the vehicle ready after the buffer', () => {
    const s = floor([[960, 1020], []]);
    const ro = checkedIn(s, 'Brakes', [0], true);
    expect(tryTech(s, 0, 960)).toBe(true); // 66 planned min, 60 left: within the 30-min allowance
    const [end] = events(s);
    const actual = 72 / 1.1;
    expect(end.t).toBeCloseTo(960 + actual, 9);
    expect(s.kpi.overtime).toBeCloseTo(actual - 60, 9);
    onOpEnd(s, ro, 0, -1, end.t);
    expect(ro.status).toBe(ST.ready);
    expect(ro.readyAt).toBeCloseTo(end.t + world.policy.handoverBufferMinutes, 9);
    expect(s.counts.delivered).toBe(1);
    expect(s.kpi.onTime).toBe(1);
    expect(s.kpi.waiterN).toBe(1);
    // the job clock: planned minutes by the rule (ceil(72 / 1.1) = 66), actual = clocked
    expect(s.observations).toEqual([{ opCode: 'BRK-PADS-F', technicianKey: world.techs[0].key, plannedMinutes: 66, actualMinutes: actual }]);
  });

  it('an op that does not fit what is left of the shift (+30 min) is not started', () => {
    const s = floor([[990, 1020], []]);
    checkedIn(s, 'Brakes', [0]);
    expect(tryTech(s, 0, 990)).toBe(false); // 66 planned minutes > 30 + 30
  });
});
