/**
 * Facts from the floor the planner cannot change: two operations in progress at once on one
 * technician (or one vehicle), and instants that are not whole minutes. The plan stays checkable
 * and every planned operation keeps clear of the work in progress.
 */
import { describe, expect, it } from 'vitest';
import { solve, validateModel, verifyPlan } from '../../../src/domain/scheduling/index.js';
import { NO_CLOCK, tinyModel } from './helpers.js';

describe('operations in progress that overlap', () => {
  // T0 reported on two jobs at once (0–40 and 10–30), a third job to plan on T0
  const model = tinyModel({
    ops: [
      { key: 'a', job: 0, alternatives: [{ tech: 0, minutes: 40 }], fixed: { tech: 0, bay: -1, start: 0, end: 40 } },
      { key: 'b', job: 1, alternatives: [{ tech: 0, minutes: 20 }], fixed: { tech: 0, bay: -1, start: 10, end: 30 } },
      { key: 'c', job: 2, alternatives: [{ tech: 0, minutes: 15 }] },
      { key: 'd', job: 0, preds: [0], alternatives: [{ tech: 0, minutes: 5 }] },
    ],
  });

  it('the checker accepts two fixed operations that overlap, and flags a planned one on top of either', () => {
    const base = [
      { op: 0, tech: 0, bay: -1, start: 0, end: 40 },
      { op: 1, tech: 0, bay: -1, start: 10, end: 30 },
      { op: 2, tech: 0, bay: -1, start: 40, end: 55 },
      { op: 3, tech: 0, bay: -1, start: 55, end: 60 },
    ];
    expect(verifyPlan(model, { assignments: base })).toEqual([]);
    // c inside the shorter in-progress span (10–30) but starting after a's start: overlaps both
    const onTop = base.map((a) => (a.op === 2 ? { ...a, start: 12, end: 27 } : a));
    expect(verifyPlan(model, { assignments: onTop }).map((v) => [v.code, v.op])).toEqual(expect.arrayContaining([['tech_overlap', 'c']]));
    // c right after b's end but still during a: overlaps a
    const afterB = base.map((a) => (a.op === 2 ? { ...a, start: 30, end: 45 } : a));
    expect(verifyPlan(model, { assignments: afterB }).map((v) => v.code)).toContain('tech_overlap');
  });

  it('the solver plans around the union of the overlapping spans (a feasible plan, nothing before minute 40)', async () => {
    const { plan } = await solve(model, { objective: 'workshop', timeLimitMs: NO_CLOCK, maxIterations: 200, seed: 1 });
    expect(verifyPlan(model, plan)).toEqual([]);
    expect(plan.unscheduled).toEqual([]);
    expect(Math.min(plan.assignments[2].start, plan.assignments[3].start)).toBe(40);
  });
});

describe('model minutes are whole minutes', () => {
  it('validateModel names a fractional release or a fractional in-progress span', () => {
    const m = tinyModel({
      ops: [
        { key: 'frac-release', job: 0, release: 10.5 },
        { key: 'frac-fixed', job: 1, fixed: { tech: 0, bay: -1, start: 0, end: 19.5 } },
        { key: 'ok', job: 2, release: 3 },
      ],
    });
    expect(validateModel(m).map((i) => [i.code, i.op])).toEqual([
      ['invalid_release', 'frac-release'],
      ['invalid_fixed', 'frac-fixed'],
    ]);
  });

  it('the solver leaves an op with a fractional release unscheduled with the reason instead of planning it off the grid', async () => {
    const m = tinyModel({ ops: [{ key: 'x', job: 0, release: 10.5 }, { key: 'y', job: 1 }] });
    const { plan } = await solve(m, { objective: 'workshop', timeLimitMs: NO_CLOCK, maxIterations: 50, seed: 1 });
    expect(plan.unscheduled.map((u) => [u.op, u.reason.split(':')[0]])).toEqual([[0, 'invalid_release']]);
    expect(verifyPlan(m, plan)).toEqual([]);
  });
});
