/**
 * Carrying a promise simulation across insertions (PromiseSimulation.extend, Timelines.extend) must
 * give exactly what a simulation built from scratch on the extended plan gives: same ends for every
 * op, same forecasts, same busy timelines.
 */
import { describe, expect, it } from 'vitest';
import {
  availability, fitDurationModel, InsertionSimulation, insertJob, PromiseContext, promiseEffects, PromiseSimulation, SimulationDraws, Timelines,
  type NewJobSpec,
} from '../../../src/domain/promise/index.js';
import { dispatchFifo, generateWorkshop, type Plan, type SchedulingModel } from '../../../src/domain/scheduling/index.js';
import { Rng } from '../../../src/lib/random.js';

const durations = fitDurationModel(new Map([['BRK', 0.4], ['OIL', 0.2]]), [], { defaultCv: 0.35 });
const codeOf = (key: string) => key.split('#')[0].replace(/[0-9]+$/, '');

/** a new vehicle copying the op mix of an existing job, dropped off at `release` */
function specLike(model: SchedulingModel, job: number, key: string, release: number): NewJobSpec {
  return {
    key, release, due: null,
    ops: model.jobs[job].ops.map((o) => {
      const op = model.ops[o];
      return { opCode: codeOf(op.key), alternatives: op.alternatives, bays: op.bays, splittable: op.splittable, ...(op.parallel ? { parallel: true } : {}) };
    }),
  };
}

describe('promise simulation carried across insertions', () => {
  it('extend() gives the same sampled ends and forecasts as a simulation built from scratch', () => {
    const model0 = generateWorkshop({ seed: 21, techs: 8, bays: 6, ops: 160, days: 3 });
    const plan0 = dispatchFifo(model0, 'workshop');
    // existing promises, so that effect assessment has something to protect
    model0.jobs.forEach((j, i) => { if (i % 2 === 0) j.due = Math.max(...j.ops.map((o) => plan0.assignments[o].end)) + 30; });
    const codes0 = model0.ops.map((o) => codeOf(o.key));
    const draws = new SimulationDraws();
    const opts = { samples: 96, seed: 5, asOf: 0, draws };
    let model = model0, plan: Plan = plan0, codes = codes0.slice();
    let sim = new PromiseSimulation({ model, plan, opCodes: codes, durations }, opts);
    let tl = new Timelines(model, plan);
    const rng = new Rng(8);
    let inserted = 0, truncated = 0;
    for (let k = 0; k < 12; k++) {
      // some base results computed before the insertion (as earlier quotes would have)
      for (let q = 0; q < 5; q++) {
        const o = rng.int(sim.n);
        if (sim.scheduled[o]) sim.ends(o);
      }
      const like = rng.int(model0.jobs.length);
      const ins = insertJob(model, plan, specLike(model0, like, `N${k}`, rng.int(3) * 1440 + 60 * rng.int(8)), tl);
      if (!ins.ok) continue;
      const isim = new InsertionSimulation(sim, { model: ins.model, plan: ins.plan, newOps: ins.ops, newOpCodes: ins.opCodes });
      isim.forecastJob(ins.job, 0);
      // the four ways an insertion reaches extend(): not propagated, propagated in a window, in full, stopped at the first victim
      const mode = k % 4;
      if (mode === 1) promiseEffects(isim, 0.9, 0.005, ins.plannedFinish + 240);
      else if (mode === 2) promiseEffects(isim, 0.9, 0.005);
      else if (mode === 3) {
        const hurt = promiseEffects(isim, 0.9, 0.005, Infinity, true);
        if (hurt.length && !isim.wasPropagated) truncated++;
      }
      sim = sim.extend(isim);
      tl = tl.extend(ins.model, ins.plan, ins.ops);
      model = ins.model; plan = ins.plan; codes = codes.concat(ins.opCodes);
      inserted++;
    }
    expect(inserted).toBeGreaterThanOrEqual(8);
    expect(truncated).toBeGreaterThanOrEqual(1);
    const fresh = new PromiseSimulation({ model, plan, opCodes: codes, durations }, { samples: 96, seed: 5, asOf: 0 });
    expect(sim.n).toBe(fresh.n);
    let compared = 0;
    for (let o = 0; o < fresh.n; o++) {
      expect(sim.scheduled[o]).toBe(fresh.scheduled[o]);
      if (!fresh.scheduled[o]) continue;
      expect(sim.techPrev[o]).toBe(fresh.techPrev[o]);
      expect(sim.bayPrev[o]).toBe(fresh.bayPrev[o]);
      expect([...sim.succ[o]].sort((a, b) => a - b)).toEqual([...fresh.succ[o]].sort((a, b) => a - b));
      expect(Array.from(sim.ends(o))).toEqual(Array.from(fresh.ends(o)));
      compared++;
    }
    expect(compared).toBeGreaterThan(100);
    for (let j = 0; j < model.jobs.length; j += 3) {
      const a = sim.forecastJob(j, 10), b = fresh.forecastJob(j, 10);
      expect(a?.quantiles()).toEqual(b?.quantiles());
      expect(a?.bottlenecks).toEqual(b?.bottlenecks);
    }
    const scratch = new Timelines(model, plan);
    expect(tl.techBusy).toEqual(scratch.techBusy);
    expect(tl.bayBusy).toEqual(scratch.bayBusy);
  });

  it('a truncated effect propagation refuses to answer more, and availability adopts what it offered', () => {
    const model = generateWorkshop({ seed: 7, techs: 5, bays: 4, ops: 80, days: 3 });
    const plan = dispatchFifo(model, 'workshop');
    // promises 45 min after the planned completion: early slots hurt several of them
    model.jobs.forEach((j) => { j.due = Math.max(...j.ops.map((o) => plan.assignments[o].end)) + 45; });
    const codes = model.ops.map((o) => codeOf(o.key));
    const sim = new PromiseSimulation({ model, plan, opCodes: codes, durations }, { samples: 64, seed: 2, asOf: 0 });
    const tl = new Timelines(model, plan);
    const ctx = new PromiseContext({ model, plan, opCodes: codes, durations }, {}, { screen: sim, full: sim, timelines: tl });
    const slots = Array.from({ length: 16 }, (_, i) => i * 150);
    const spec = specLike(model, 0, 'NEW', 0);
    const all = availability(ctx, { slots, job: spec, waiter: false, target: 0.9, days: [{ start: 0, end: 600 }, { start: 1440, end: 2040 }] });
    const quick = availability(ctx, { slots, job: spec, waiter: false, target: 0.9, days: [{ start: 0, end: 600 }, { start: 1440, end: 2040 }], firstVictimOnly: true, stopAtFirst: true });
    // the same decisions; the quick one names one victim per rejected slot
    const firstOffered = all.slots.findIndex((s) => s.offered);
    expect(firstOffered).toBeGreaterThan(0);
    expect(all.slots[0].victims!.length).toBeGreaterThan(1);
    expect(quick.slots.map((s) => s.offered)).toEqual(all.slots.slice(0, firstOffered + 1).map((s) => s.offered));
    quick.slots.forEach((s, i) => {
      if (s.reason !== 'hurts_existing_promises') return;
      expect(s.victims).toHaveLength(1);
      expect(all.slots[i].victims).toContain(s.victims![0]);
    });
    expect(quick.accepted?.start).toBe(all.slots[firstOffered].start);
    // with one victim named, a slot whose new ops sit where an earlier hurting slot put them is
    // judged without simulation; every slot still gets the verdict it gets alone
    const days = [{ start: 0, end: 600 }, { start: 1440, end: 2040 }];
    const fast = availability(ctx, { slots, job: spec, waiter: false, target: 0.9, days, firstVictimOnly: true });
    expect(fast.reused).toBeGreaterThan(all.reused);
    expect(fast.simulated).toBeLessThan(all.simulated);
    fast.slots.forEach((s, i) => {
      const alone = availability(ctx, { slots: [s.start], job: spec, waiter: false, target: 0.9, days }).slots[0];
      expect([s.start, s.offered]).toEqual([s.start, alone.offered]);
      expect(all.slots[i].offered).toBe(alone.offered);
      if (s.reason === 'hurts_existing_promises') expect(alone.victims).toContain(s.victims![0]);
    });
    // a rejected slot's insertion, assessed with an early stop, cannot be asked for its full effects
    const rej = insertJob(model, plan, { ...spec, release: all.slots.find((s) => s.reason === 'hurts_existing_promises')!.start }, tl);
    if (!rej.ok) throw new Error('insertion failed');
    const isim = new InsertionSimulation(sim, { model: rej.model, plan: rej.plan, newOps: rej.ops, newOpCodes: rej.opCodes });
    expect(promiseEffects(isim, 0.9, 0.005, Infinity, true)).toHaveLength(1);
    expect(() => isim.affectedJobs()).toThrow(/stopped early/);
  });
});
