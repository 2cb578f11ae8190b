/**
 * One op's samples (sampling.ts) and the calendar arithmetic under them (work-calendar.ts), each
 * on tiny hand-written facts.
 */
import { describe, expect, it } from 'vitest';
import { studentTFromNormal } from '../../../src/domain/promise/durations.js';
import {
  KIND_IN_PROGRESS, KIND_JOB, KIND_RELEASE, KIND_TECH, sampledDurations, sampleOp, SimulationDraws, Slab, standardNormals,
  type SamplingFacts,
} from '../../../src/domain/promise/sampling.js';
import { advanceFrom, advanceWork, nextWorkingMinute } from '../../../src/domain/promise/work-calendar.js';

const CAL = [0, 100, 200, 300];

function facts(over: Partial<SamplingFacts> = {}): SamplingFacts {
  return {
    rel: 0, cal: [0, 100000], planned: 60, mu: 0, sigma: 0, df: Infinity, fixedStart: NaN, preds: [], kinds: [],
    key: 'J0#0', store: new Map(), ...over,
  };
}

describe('work calendar', () => {
  it('the next working minute is t inside an interval, the next start in a gap, t past the end', () => {
    expect(nextWorkingMinute(CAL, 50)).toBe(50);
    expect(nextWorkingMinute(CAL, 150)).toBe(200);
    expect(nextWorkingMinute(CAL, 100)).toBe(200); // intervals are half-open
    expect(nextWorkingMinute(CAL, 500)).toBe(500);
  });

  it('work started in a gap begins at the next interval; advanceFrom with the known interval agrees', () => {
    expect(advanceWork(CAL, 150, 30)).toBe(230);
    expect(advanceFrom(CAL, 2, 150, 30)).toBe(230);
    expect(advanceWork(CAL, 90, 10)).toBe(100); // fits exactly before the break
    expect(advanceWork(CAL, 90, 11)).toBe(201);
  });
});

describe('sampling one op', () => {
  it('with sigma 0 every sample lasts planned · exp(mu) and starts at the release', () => {
    const out = new Slab(3).out();
    sampleOp(3, new Float64Array([1, -1, 0]), facts({ rel: 40, planned: 50, mu: Math.log(1.2) }), () => { throw new Error('no preds'); }, out);
    expect(Array.from(out.end)).toEqual([100, 100, 100]);
    expect(Array.from(out.bind)).toEqual([-1, -1, -1]);
    expect(Array.from(out.kind)).toEqual([KIND_RELEASE, KIND_RELEASE, KIND_RELEASE]);
  });

  it('a lognormal factor exp(mu + sigma·z) per sample (normal when df is Infinity)', () => {
    const z = new Float64Array([0, 1, -2]);
    const d = sampledDurations(3, z, facts({ planned: 100, mu: 0.1, sigma: 0.3 }));
    for (let s = 0; s < 3; s++) expect(d[s]).toBeCloseTo(100 * Math.exp(0.1 + 0.3 * z[s]), 9);
  });

  it('a finite df maps each normal to a Student-t first (heavier tails)', () => {
    const z = new Float64Array([2.5]);
    const d = sampledDurations(1, z, facts({ planned: 100, sigma: 0.3, df: 4 }));
    expect(d[0]).toBeCloseTo(100 * Math.exp(0.3 * studentTFromNormal(2.5, 4)), 9);
    expect(d[0]).toBeGreaterThan(100 * Math.exp(0.3 * 2.5));
  });

  it('ready = the latest of release and the binding candidates, which are named per sample', () => {
    const out = new Slab(3).out();
    const ends: Record<number, Float64Array> = { 7: new Float64Array([50, 150, 10]), 9: new Float64Array([60, 20, 10]) };
    sampleOp(3, new Float64Array(3), facts({ rel: 30, planned: 10, preds: [7, 9], kinds: [KIND_JOB, KIND_TECH] }), (p) => ends[p], out);
    expect(Array.from(out.end)).toEqual([70, 160, 40]);
    expect(Array.from(out.bind)).toEqual([9, 7, -1]);
    expect(Array.from(out.kind)).toEqual([KIND_TECH, KIND_JOB, KIND_RELEASE]);
  });

  it('work runs only in the calendar: it waits for the next interval and continues after a break', () => {
    const out = new Slab(2).out();
    const pred = new Float64Array([150, 80]);
    sampleOp(2, new Float64Array(2), facts({ cal: CAL, planned: 40, preds: [1], kinds: [KIND_JOB] }), () => pred, out);
    expect(Array.from(out.end)).toEqual([240, 220]);
  });

  it('an op in progress ends its remaining planned work from max(start, asOf), whatever it was waiting for', () => {
    const out = new Slab(2).out();
    sampleOp(2, new Float64Array(2), facts({ cal: CAL, planned: 30, fixedStart: 80, preds: [], rel: 500 }), () => new Float64Array(2), out);
    expect(Array.from(out.end)).toEqual([210, 210]);
    expect(Array.from(out.kind)).toEqual([KIND_IN_PROGRESS, KIND_IN_PROGRESS]);
  });

  it('sampled durations are recorded per parameter set (four kept, a fifth replaces the first)', () => {
    const store = new Map();
    const z = new Float64Array([0]);
    for (const planned of [10, 20, 30, 40, 50]) sampledDurations(1, z, facts({ planned, store }));
    expect(store.get('J0#0').map((e: { planned: number }) => e.planned)).toEqual([50, 20, 30, 40]);
    const f = facts({ planned: 60, store });
    const first = sampledDurations(1, z, f);
    expect(sampledDurations(1, new Float64Array([3]), f)).toBe(first); // known durations are reused as they are
  });
});

describe('common random numbers', () => {
  it("an op's normals depend on (seed, op key) only, and are drawn once per draws cache", () => {
    const a = new SimulationDraws(), b = new SimulationDraws();
    const za = standardNormals(a, 'J1#3', 5, 64);
    expect(Array.from(standardNormals(b, 'J1#3', 5, 64))).toEqual(Array.from(za));
    expect(standardNormals(a, 'J1#3', 5, 64)).toBe(za);
    expect(Array.from(standardNormals(b, 'J1#4', 5, 64))).not.toEqual(Array.from(za));
    expect(Array.from(standardNormals(new SimulationDraws(), 'J1#3', 6, 64))).not.toEqual(Array.from(za));
    a.forget('J1#3');
    expect(a.z.has('J1#3')).toBe(false);
    expect(Array.from(standardNormals(a, 'J1#3', 5, 64))).toEqual(Array.from(za)); // drawn again, identically
  });

  it('sample arrays carved from one buffer do not overlap', () => {
    const slab = new Slab(5, 2);
    const outs = [slab.out(), slab.out(), slab.out()];
    outs.forEach((o, i) => { o.end.fill(i + 0.5); o.bind.fill(i); o.kind.fill(i); });
    outs.forEach((o, i) => {
      expect(Array.from(o.end)).toEqual(Array(5).fill(i + 0.5));
      expect(Array.from(o.bind)).toEqual(Array(5).fill(i));
      expect(Array.from(o.kind)).toEqual(Array(5).fill(i));
    });
  });
});
