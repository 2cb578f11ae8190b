import { describe, expect, it } from 'vitest';
import { verifyPlan } from '../../../src/domain/scheduling/verify.js';
import type { Assignment } from '../../../src/domain/scheduling/model.js';
import { tinyModel } from './helpers.js';

// Two techs (T1 has a break 60–90), two bays (B1 lift, B0 wash), three ops of one job + one of another
const model = tinyModel({
  techs: [{ key: 'T0', work: [0, 1000] }, { key: 'T1', work: [0, 60, 90, 1000] }],
  bays: [{ key: 'B0', open: [0, 1000] }, { key: 'B1', open: [0, 500] }],
  ops: [
    { key: 'a', job: 0, release: 5, alternatives: [{ tech: 0, minutes: 20 }, { tech: 1, minutes: 30 }], bays: [1] },
    { key: 'b', job: 0, preds: [0], alternatives: [{ tech: 0, minutes: 10 }] },
    { key: 'c', job: 1, alternatives: [{ tech: 1, minutes: 40 }], splittable: true, bays: [1] },
    { key: 'd', job: 1, preds: [2], alternatives: [{ tech: 0, minutes: 5 }], fixed: { tech: 0, bay: -1, start: 200, end: 210 } },
  ],
});
const good: Assignment[] = [
  { op: 0, tech: 0, bay: 1, start: 5, end: 25 },
  { op: 1, tech: 0, bay: -1, start: 25, end: 35 },
  { op: 2, tech: 1, bay: 1, start: 40, end: 110 }, // split: 20 min before the break (60–90), 20 after
  { op: 3, tech: 0, bay: -1, start: 200, end: 210 },
];
const codes = (as: Assignment[]) => verifyPlan(model, { assignments: as }).map((v) => v.code);
const tweak = (i: number, p: Partial<Assignment>) => good.map((a, k) => (k === i ? { ...a, ...p } : a));

describe('verifyPlan', () => {
  it('accepts a feasible plan (including a split op across a break)', () => {
    expect(verifyPlan(model, { assignments: good })).toEqual([]);
  });
  it('catches each kind of violation', () => {
    expect(codes(tweak(1, { tech: 1 }))).toContain('not_qualified');
    expect(codes(tweak(0, { end: 30 }))).toContain('wrong_duration');
    expect(codes(tweak(2, { end: 111 }))).toContain("wrong_duration"); // split: 41 working minutes ≠ 40
    expect(codes(tweak(0, { bay: -1 }))).toContain('bay_missing');
    expect(codes(tweak(0, { bay: 0 }))).toContain('bay_not_eligible');
    expect(codes(tweak(1, { bay: 0 }))).toContain('bay_not_allowed');
    expect(codes(tweak(0, { start: 0, end: 20 }))).toContain('before_release');
    expect(codes(tweak(1, { start: 20, end: 30 }))).toContain('precedence');
    expect(codes(tweak(3, { start: 201, end: 211 }))).toContain('fixed_moved');
    // job overlap: op b of job 0 moved on top of op a on another... same job, b shifted to overlap a
    const jobOv = good.map((a) => ({ ...a }));
    jobOv[1] = { op: 1, tech: 0, bay: -1, start: 26, end: 36 };
    jobOv[0] = { op: 0, tech: 1, bay: 1, start: 5, end: 35 };
    expect(codes(jobOv)).toEqual(expect.arrayContaining(['job_overlap', 'precedence']));
    // tech overlap: c and a both on T1 at the same time (a on T1 takes 30)
    expect(codes(tweak(0, { tech: 1, start: 30, end: 60 }).map((a, k) => (k === 2 ? { ...a, bay: 1 } : a)))).toContain('tech_overlap');
    // bay overlap: a on B1 during c
    expect(codes(tweak(0, { start: 45, end: 65 }).map((a, k) => (k === 1 ? { ...a, start: 65, end: 75 } : a)))).toContain('bay_overlap');
    // non-splittable across the break of T1 (a takes 30 on T1)
    expect(codes(tweak(0, { tech: 1, start: 50, end: 80 }).map((a, k) => (k === 1 ? { ...a, start: 80, end: 90 } : k === 2 ? { ...a, start: 100, end: 140 } : a)))).toContain('outside_working_time');
    // bay B1 closes at 500
    expect(codes(tweak(0, { start: 490, end: 510 }).map((a, k) => (k === 1 ? { ...a, start: 510, end: 520 } : a)))).toContain('outside_bay_open');
    expect(codes(good.slice(0, 3))).toContain('missing_assignment');
  });
  it('accepts ops reported as unscheduled but flags scheduled successors', () => {
    const as = tweak(0, { tech: -1, bay: -1, start: -1, end: -1 });
    const v = verifyPlan(model, { assignments: as, unscheduled: [{ op: 0, reason: 'x' }] });
    expect(v.map((x) => x.code)).toEqual(['precedence']);
    expect(v[0].op).toBe('b');
  });
});
