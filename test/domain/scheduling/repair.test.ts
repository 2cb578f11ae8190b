/** repairPlan: the last fallback when a plan fails the checker. */
import { describe, expect, it } from 'vitest';
import { repairPlan, verifyPlan, type Plan } from '../../../src/domain/scheduling/index.js';
import { tinyModel } from './helpers.js';

// job 0: a → b (b waits for a); job 1: c; job 2: d in progress (fixed)
const model = tinyModel({
  ops: [
    { key: 'a', job: 0, alternatives: [{ tech: 0, minutes: 10 }] },
    { key: 'b', job: 0, preds: [0], alternatives: [{ tech: 0, minutes: 10 }] },
    { key: 'c', job: 1, alternatives: [{ tech: 0, minutes: 10 }] },
    { key: 'd', job: 2, alternatives: [{ tech: 0, minutes: 5 }], fixed: { tech: 0, bay: -1, start: 0, end: 5 } },
  ],
});
const objective = { weightedTardiness: 0, sumCompletion: 0, overtimeMinutes: 0, changes: 0, makespan: 0, total: 0 };
const plan = (ends: number[]): Plan => ({
  assignments: [
    { op: 0, tech: 0, bay: -1, start: 5, end: ends[0] },
    { op: 1, tech: 0, bay: -1, start: 15, end: 25 },
    { op: 2, tech: 0, bay: -1, start: 25, end: 35 },
    { op: 3, tech: 0, bay: -1, start: 0, end: 5 },
  ],
  objective, lowerBound: 0, unscheduled: [],
});

describe('repairPlan', () => {
  it('leaves a plan the checker accepts as it is, with its objective recomputed', () => {
    const r = repairPlan(model, plan([15]));
    expect(r.violations).toEqual([]);
    expect(r.removed).toBe(0);
    expect(r.plan.assignments).toEqual(plan([15]).assignments);
    expect(r.plan.objective.makespan).toBe(35);
    expect(r.plan.objective.sumCompletion).toBe(25 + 35 + 5);
  });

  it('takes the operations the checker names off the plan, and the rest passes the checker', () => {
    const bad = plan([14.5]); // a off the minute grid: the checker refuses it, and b, which waits for it
    expect(verifyPlan(model, bad).map((v) => [v.code, v.op])).toEqual([['bad_reference', 'a'], ['precedence', 'b']]);
    const r = repairPlan(model, bad);
    expect(r.violations).toEqual([]);
    expect(r.removed).toBe(2);
    expect(r.plan.unscheduled.map((u) => [u.op, u.reason.split(': ').slice(0, 2).join(': ')])).toEqual([[0, 'plan check: bad_reference'], [1, 'plan check: precedence']]);
    expect(r.plan.assignments[2]).toEqual({ op: 2, tech: 0, bay: -1, start: 25, end: 35 });
    expect(r.plan.assignments[3]).toEqual({ op: 3, tech: 0, bay: -1, start: 0, end: 5 }); // work in progress stays
    expect(verifyPlan(model, r.plan)).toEqual([]);
    expect(r.plan.objective.makespan).toBe(35);
  });

  it('an operation in progress that breaks a rule stays, and the finding is returned', () => {
    const bad = plan([15]);
    bad.assignments[3] = { op: 3, tech: 0, bay: -1, start: 0, end: 6 }; // moved a frozen op
    const r = repairPlan(model, bad);
    expect(r.violations.map((v) => [v.code, v.op])).toEqual([['fixed_moved', 'd']]);
    expect(r.plan.assignments[3].end).toBe(6);
  });
});

describe('repairPlan with successors', () => {
  it('takes a successor the checker does not name off the plan with its predecessor', () => {
    const m = tinyModel({
      ops: [
        { key: 'a', job: 0, alternatives: [{ tech: 0, minutes: 10 }] },
        { key: 'b', job: 0, preds: [0], alternatives: [{ tech: 0, minutes: 10 }] },
      ],
    });
    // a lasts 11 minutes instead of 10: only a breaks a rule
    const bad: Plan = { assignments: [{ op: 0, tech: 0, bay: -1, start: 0, end: 11 }, { op: 1, tech: 0, bay: -1, start: 20, end: 30 }], objective, lowerBound: 0, unscheduled: [] };
    expect(verifyPlan(m, bad).map((v) => [v.code, v.op])).toEqual([['wrong_duration', 'a']]);
    const r = repairPlan(m, bad);
    expect(r.plan.unscheduled.map((u) => u.reason)).toEqual([expect.stringMatching(/^plan check: wrong_duration/), 'predecessor a was taken off the plan']);
    expect(r.violations).toEqual([]);
  });
});
