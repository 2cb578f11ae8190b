import { describe, expect, it } from 'vitest';
import {
  availability, createPromiseContext, fitDurationModel, freeCapacity, insertJob, type NewJobSpec,
} from '../../../src/domain/promise/index.js';
import { dispatchFifo, generateWorkshop, verifyPlan } from '../../../src/domain/scheduling/index.js';
import { planOf, tinyModel } from './helpers.js';

const dm = fitDurationModel(new Map(), [], { defaultCv: 0.3 });

describe('insertion', () => {
  it('never moves existing ops and passes verifyPlan', () => {
    const model = generateWorkshop({ seed: 3, techs: 10, bays: 8, ops: 220, days: 3 });
    const plan = dispatchFifo(model, 'workshop');
    expect(verifyPlan(model, plan)).toEqual([]);
    // a vehicle like an existing one (same alternatives/bays), dropped off at several times
    const proto = model.jobs.find((j) => j.ops.length >= 2)!;
    for (const release of [0, 480, 1700, 3000]) {
      const spec: NewJobSpec = {
        key: `NEW-${release}`, release, due: null,
        ops: proto.ops.map((o) => ({ opCode: 'X', splittable: model.ops[o].splittable, alternatives: model.ops[o].alternatives, bays: model.ops[o].bays })),
      };
      const ins = insertJob(model, plan, spec);
      expect(ins.ok).toBe(true);
      if (!ins.ok) continue;
      expect(ins.plan.assignments.slice(0, model.ops.length)).toEqual(plan.assignments);
      expect(ins.model.ops.slice(0, model.ops.length)).toEqual(model.ops);
      expect(ins.job).toBe(model.jobs.length);
      expect(ins.ops[0]).toBe(model.ops.length);
      expect(verifyPlan(ins.model, ins.plan)).toEqual([]);
      for (const o of ins.ops) expect(ins.plan.assignments[o].start).toBeGreaterThanOrEqual(release);
    }
  });

  it('fills a gap before existing work on the same technician; splittable ops cross the night', () => {
    const model = tinyModel([[0, 600, 1440, 2040]], [{ job: 0, release: 120, alternatives: [{ tech: 0, minutes: 60 }] }]);
    const plan = planOf([[0, -1, 120, 180]]);
    const a = insertJob(model, plan, { key: 'N', release: 0, ops: [{ opCode: 'X', alternatives: [{ tech: 0, minutes: 100 }], bays: null }] });
    expect(a.ok && a.plan.assignments[1]).toMatchObject({ tech: 0, start: 0, end: 100 });
    const b = insertJob(model, plan, { key: 'N', release: 0, ops: [{ opCode: 'X', alternatives: [{ tech: 0, minutes: 150 }], bays: null }] });
    expect(b.ok && b.plan.assignments[1]).toMatchObject({ start: 180, end: 330 });
    const c = insertJob(model, plan, { key: 'N', release: 500, ops: [{ opCode: 'X', splittable: true, alternatives: [{ tech: 0, minutes: 200 }], bays: null }] });
    expect(c.ok && c.plan.assignments[1]).toMatchObject({ start: 500, end: 1540 });
    if (c.ok) expect(verifyPlan(c.model, c.plan)).toEqual([]);
    const d = insertJob(model, plan, { key: 'N', release: 0, ops: [{ opCode: 'X', alternatives: [{ tech: 0, minutes: 700 }], bays: null }] });
    expect(d.ok).toBe(false);
  });
});

/** tech 0 (the only one qualified for X) has an existing vehicle E at 120–180 promised for 200 */
function victimCase(twoTechs: boolean) {
  const work = [0, 600, 1440, 2040];
  const model = tinyModel(twoTechs ? [work, work] : [work], [{ job: 0, release: 120, alternatives: [{ tech: 0, minutes: 60 }] }], [{ due: 205, release: 120 }]);
  const plan = planOf([[0, -1, 120, 180]]);
  const ctx = createPromiseContext({ model, plan, opCodes: ['X'], durations: dm }, { seed: 5, samples: 4000, screenSamples: 512 });
  const job = (release: number): NewJobSpec => ({
    key: `N${release}`, release,
    ops: [{ opCode: 'X', alternatives: twoTechs ? [{ tech: 0, minutes: 110 }, { tech: 1, minutes: 100 }] : [{ tech: 0, minutes: 110 }], bays: null }],
  });
  return { model, plan, ctx, job };
}

describe('quote', () => {
  it('finds the victim behind the inserted op on the only qualified technician', () => {
    const { ctx, job } = victimCase(false);
    const before = ctx.forecast([0])[0]!.probReadyBy(205);
    expect(before).toBeGreaterThanOrEqual(0.9);
    const q = ctx.quote(job(0), { target: 0.9, bufferMinutes: 15 });
    expect(q.ok).toBe(true);
    if (!q.ok) return;
    expect(q.insertion.plan.assignments[1]).toMatchObject({ tech: 0, start: 0, end: 110 });
    expect(q.victims.map((v) => v.key)).toEqual(['J0']);
    expect(q.victims[0].before).toBeCloseTo(before, 10); // common random numbers: same base
    expect(q.victims[0].after).toBeLessThan(0.9);
    expect(q.promise % 5).toBe(0);
    expect(q.onTimeProbability).toBeGreaterThanOrEqual(0.9);
    expect(q.promise).toBeGreaterThanOrEqual(q.forecast.quantile(0.9));
    expect(q.bottleneck.kind).toBe('own_work');
  });

  it('headroom promises at a higher quantile', () => {
    const { ctx, job } = victimCase(true);
    const a = ctx.quote(job(0), { target: 0.9 }), b = ctx.quote(job(0), { target: 0.9, headroom: 0.05 });
    expect(a.ok && b.ok).toBe(true);
    if (a.ok && b.ok) {
      expect(b.promise).toBeGreaterThan(a.promise);
      expect(b.onTimeProbability).toBeGreaterThanOrEqual(0.95);
    }
  });

  it('no victims with free parallel capacity', () => {
    const { ctx, job } = victimCase(true);
    const q = ctx.quote(job(0), { target: 0.9, bufferMinutes: 15 });
    expect(q.ok && q.insertion.plan.assignments[1].tech).toBe(1);
    expect(q.ok && q.affected).toEqual([]);
    expect(q.ok && q.victims).toEqual([]);
  });

  it('a job queued behind another names that technician as its bottleneck', () => {
    const { ctx, job } = victimCase(false);
    const q = ctx.quote(job(100), { target: 0.9 });
    expect(q.ok && q.insertion.plan.assignments[1].start).toBe(180);
    expect(q.ok && q.bottleneck.kind).toBe('technician');
    expect(q.ok && q.bottleneck.key).toBe('T0');
  });
});

describe('availability', () => {
  const days = [{ start: 0, end: 600 }, { start: 1440, end: 2040 }];
  it('rejects for (a) the same-day rule and (b) hurting an existing promise, offers the rest', () => {
    const { ctx, job } = victimCase(false);
    const spec = job(0);
    const res = availability(ctx, { slots: [0, 200, 480, 590], job: spec, waiter: true, target: 0.9, days });
    const by = new Map(res.slots.map((s) => [s.start, s]));
    expect(by.get(0)).toMatchObject({ offered: false, reason: 'hurts_existing_promises', victims: ['J0'] });
    expect(by.get(200)!.offered).toBe(true);
    expect(by.get(200)!.onTimeProbability).toBeGreaterThanOrEqual(0.9);
    expect(by.get(200)!.promise! % 5).toBe(0);
    expect(by.get(480)).toMatchObject({ offered: false, reason: 'waiter_not_same_day' });
    expect(by.get(590)).toMatchObject({ offered: false, reason: 'waiter_not_same_day' });
    expect(res.skippedEarly).toBeGreaterThanOrEqual(1); // 590: the plan itself ends next day
    // a drop-off whose promise (with a long handover) falls after closing is promised for opening next day
    const drop = availability(ctx, { slots: [300], job: spec, waiter: false, target: 0.9, days, bufferMinutes: 300 });
    expect(drop.slots[0]).toMatchObject({ offered: true, promise: 1440 });
    expect(drop.slots[0].onTimeProbability).toBeGreaterThan(0.99);
    // stopAtFirst
    const first = availability(ctx, { slots: [0, 200, 480], job: spec, waiter: true, days, stopAtFirst: true });
    expect(first.slots.map((s) => s.start)).toEqual([0, 200]);
  });

  it('with free parallel capacity the early slot is offered', () => {
    const { ctx, job } = victimCase(true);
    const res = availability(ctx, { slots: [0], job: job(0), waiter: true, days });
    expect(res.slots[0].offered).toBe(true);
  });

  it('free capacity per technician and bay per day', () => {
    const { model, plan } = victimCase(false);
    const fc = freeCapacity(model, plan, [{ start: 0, end: 1440 }, { start: 1440, end: 2880 }]);
    expect(fc.techs[0].free).toEqual([540, 600]);
  });
});
