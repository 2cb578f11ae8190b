import { describe, expect, it } from 'vitest';
import { unionIntervals, validateModel } from '../../../src/domain/scheduling/model.js';
import { solve } from '../../../src/domain/scheduling/solve.js';
import { verifyPlan } from '../../../src/domain/scheduling/verify.js';
import { NO_CLOCK, tinyModel } from './helpers.js';

describe('validateModel', () => {
  it('accepts a sound model', () => {
    expect(validateModel(tinyModel({ ops: [{}, { preds: [0] }] }))).toEqual([]);
  });
  it('names the operations on a precedence cycle', () => {
    const issues = validateModel(tinyModel({ ops: [{ key: 'x', preds: [1] }, { key: 'y', preds: [0] }, { key: 'z' }] }));
    expect(issues.filter((i) => i.code === 'precedence_cycle').map((i) => i.op).sort()).toEqual(['x', 'y']);
  });
  it('reports unqualified ops, releases after the horizon, missing bays and too-long ops', () => {
    const m = tinyModel({
      horizonEnd: 1000,
      techs: [{ key: 'T', work: [0, 100, 200, 300] }],
      bays: [{ key: 'B', open: [0, 1000] }],
      ops: [
        { key: 'noTech', alternatives: [] },
        { key: 'late', release: 1000 },
        { key: 'noBay', bays: [] },
        { key: 'long', alternatives: [{ tech: 0, minutes: 150 }] },
        { key: 'longSplit', splittable: true, alternatives: [{ tech: 0, minutes: 150 }] },
      ],
    });
    const byOp = Object.fromEntries(validateModel(m).map((i) => [i.op, i.code]));
    expect(byOp).toEqual({ noTech: 'no_qualified_technician', late: 'release_after_horizon', noBay: 'no_eligible_bay', long: 'op_longer_than_any_interval' });
    for (const i of validateModel(m)) expect(i.message).toContain(i.op);
  });
  it('never throws on garbage and flags bad calendars', () => {
    const m = tinyModel({ techs: [{ key: 'T', work: [10, 5] }], ops: [{}] });
    expect(validateModel(m).map((i) => i.code)).toContain('invalid_interval');
    expect(() => validateModel({} as never)).not.toThrow();
  });
  it('solve leaves invalid ops (and their successors) unscheduled with the reason, schedules the rest', async () => {
    const m = tinyModel({ ops: [{ key: 'a', alternatives: [] }, { key: 'b', preds: [0] }, { key: 'c', job: 1 }] });
    const res = await solve(m, { objective: 'workshop', timeLimitMs: NO_CLOCK, seed: 1, maxIterations: 10 });
    expect(res.plan.unscheduled.map((u) => u.op)).toEqual([0, 1]);
    expect(res.plan.unscheduled[0].reason).toContain('no_qualified_technician');
    expect(res.plan.unscheduled[1].reason).toContain('predecessor a');
    expect(res.plan.assignments[2]).toMatchObject({ tech: 0, start: 0, end: 10 });
    expect(verifyPlan(m, res.plan)).toEqual([]);
    expect(res.stats.issues.map((i) => i.op)).toEqual(['a']);
  });
});

describe('calendar union', () => {
  it('merges sorted calendars in one pass: overlaps and touching intervals join', () => {
    expect(unionIntervals([0, 10, 20, 30, 50, 60], [5, 12, 30, 35, 40, 45])).toEqual([0, 12, 20, 35, 40, 45, 50, 60]);
    expect(unionIntervals([100, 200], [])).toEqual([100, 200]);
    expect(unionIntervals([], [1, 2, 2, 3])).toEqual([1, 3]);
    expect(unionIntervals([0, 100], [10, 20, 30, 40])).toEqual([0, 100]);
  });
  it('an unsorted (invalid) calendar is sorted first, as before', () => {
    expect(unionIntervals([20, 30, 0, 10], [5, 25])).toEqual([0, 30]);
  });
});
