/**
 * The plan's sequences the forecast keeps fixed (sequences.ts), on tiny plans written by hand.
 */
import { describe, expect, it } from 'vitest';
import { KIND_BAY, KIND_JOB, KIND_TECH } from '../../../src/domain/promise/sampling.js';
import {
  bindingCandidates, insertIntoSequences, isScheduled, linkNewOps, plannedOrder, planSequences, sequencePosition,
} from '../../../src/domain/promise/sequences.js';
import { planOf, tinyModel } from './helpers.js';

const alt = [{ tech: 0, minutes: 30 }, { tech: 1, minutes: 30 }];

// job 0: ops 0 → 1 (same vehicle); job 1: op 2, op 3 parallel to it; job 2: op 4 (unscheduled)
const model = tinyModel([[0, 1000], [0, 1000]], [
  { job: 0, alternatives: alt }, { job: 0, alternatives: alt }, { job: 1, alternatives: alt },
  { job: 1, alternatives: alt, parallel: true }, { job: 2, alternatives: alt },
], undefined, 1);
const plan = planOf([[0, 0, 0, 30], [1, -1, 40, 70], [0, 0, 30, 60], [1, 0, 60, 90], [-1, -1, -1, -1]]);

describe('planned order and sequences', () => {
  it('orders by start, then end, then op index', () => {
    const p = planOf([[0, -1, 10, 20], [0, -1, 10, 15], [0, -1, 5, 30], [0, -1, 10, 15]]);
    expect([0, 1, 2, 3].sort(plannedOrder(p))).toEqual([2, 1, 3, 0]);
  });

  it('an op is scheduled with a technician, a start ≥ 0 and end ≥ start', () => {
    expect([isScheduled({ op: 0, tech: 0, bay: -1, start: 0, end: 0 }), isScheduled({ op: 0, tech: -1, bay: -1, start: 0, end: 9 }),
      isScheduled({ op: 0, tech: 0, bay: -1, start: 9, end: 8 }), isScheduled(undefined)]).toEqual([true, false, false, false]);
  });

  it('rows per technician and bay in planned order, with each op’s predecessor on them and on its vehicle', () => {
    const q = planSequences(model, plan);
    expect(Array.from(q.scheduled)).toEqual([1, 1, 1, 1, 0]);
    expect(q.order).toEqual([0, 2, 1, 3]);
    expect(q.techSeq).toEqual([[0, 2], [1, 3]]);
    expect(q.baySeq).toEqual([[0, 2, 3]]);
    expect(Array.from(q.techPrev)).toEqual([-1, -1, 0, 1, -1]);
    expect(Array.from(q.bayPrev)).toEqual([-1, -1, 0, 2, -1]);
    // op 3 is parallel: it has no vehicle predecessor and is nobody's
    expect(Array.from(q.jobPrev)).toEqual([-1, 0, -1, -1, -1]);
  });

  it('the position of a new op in a row is the index of the first op planned after it', () => {
    const ext = planOf([[0, 0, 0, 30], [1, -1, 40, 70], [0, 0, 30, 60], [1, 0, 60, 90], [-1, -1, -1, -1], [0, 0, 30, 45]]);
    expect(sequencePosition([0, 2], 5, ext)).toBe(1);
    expect(sequencePosition([0, 2, 3], 5, ext)).toBe(1);
  });
});

describe('binding candidates', () => {
  const q = planSequences(model, plan);
  it('job predecessors, then the vehicle’s previous op, then technician and bay; each op once', () => {
    const op = { ...model.ops[3], preds: [2] };
    expect(bindingCandidates(op, -1, 1, 2, q.scheduled, 5)).toEqual({ preds: [2, 1], kinds: [KIND_JOB, KIND_TECH] });
    expect(bindingCandidates(model.ops[1], 0, -1, 3, q.scheduled, 5)).toEqual({ preds: [0, 3], kinds: [KIND_JOB, KIND_BAY] });
  });

  it('unscheduled ops are skipped, ops beyond n (new ones) are kept, an op in progress waits for nothing', () => {
    expect(bindingCandidates({ ...model.ops[0], preds: [4] }, -1, 9, -1, q.scheduled, 5)).toEqual({ preds: [9], kinds: [KIND_TECH] });
    const fixed = { ...model.ops[1], fixed: { tech: 1, bay: -1, start: 40, end: 70 } };
    expect(bindingCandidates(fixed, 0, 2, 3, q.scheduled, 5)).toEqual({ preds: [], kinds: [] });
  });
});

describe('inserting new ops', () => {
  // a new vehicle (job 3) with two ops on technician 0 between ops 0 and 2, the second also on the bay
  const ext = tinyModel([[0, 1000], [0, 1000]], [
    ...model.ops.map((o) => ({ ...o })),
    { job: 3, alternatives: alt }, { job: 3, alternatives: alt },
  ], undefined, 1);
  const extPlan = planOf([[0, 0, 0, 30], [1, -1, 40, 70], [0, 0, 30, 60], [1, 0, 60, 90], [-1, -1, -1, -1], [0, -1, 30, 35], [0, 0, 30, 40]]);
  const base = planSequences(model, plan);

  it('a tentative insertion links each new op to the op before it and re-links the base op after it', () => {
    const links = linkNewOps(base, ext, extPlan, [5, 6]);
    expect(links.newSorted).toEqual([5, 6]);
    // op 5: nothing before it on technician 0 but op 0; op 6: its vehicle's op 5, and op 0 on the bay
    expect(links.newPreds.get(5)).toEqual({ preds: [0], kinds: [KIND_TECH] });
    expect(links.newPreds.get(6)).toEqual({ preds: [5, 0], kinds: [KIND_JOB, KIND_BAY] });
    // op 2 now follows op 6 on the technician (the later of the two new ops in its gap) and on the bay
    expect([...links.techOver]).toEqual([[2, 6]]);
    expect([...links.bayOver]).toEqual([[2, 6]]);
    expect(base.techSeq[0]).toEqual([0, 2]); // the base rows are untouched
  });

  it('adopting the insertion gives the sequences a plan built from scratch has, and leaves the base as it was', () => {
    const adopted = insertIntoSequences(base, ext, extPlan, [5, 6]);
    const fresh = planSequences(ext, extPlan);
    expect(adopted.techSeq).toEqual(fresh.techSeq);
    expect(adopted.baySeq).toEqual(fresh.baySeq);
    expect(Array.from(adopted.scheduled)).toEqual(Array.from(fresh.scheduled));
    expect(Array.from(adopted.techPrev)).toEqual(Array.from(fresh.techPrev));
    expect(Array.from(adopted.bayPrev)).toEqual(Array.from(fresh.bayPrev));
    expect(Array.from(adopted.jobPrev)).toEqual(Array.from(fresh.jobPrev));
    expect(base.techSeq[0]).toEqual([0, 2]);
    expect(base.techPrev.length).toBe(5);
  });
});
