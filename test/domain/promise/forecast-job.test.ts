/**
 * Forecast of one vehicle from its ops' samples (job-forecast.ts): quantiles with the handover
 * buffer, probabilities, and the bottleneck read off the binding constraints, on samples written
 * by hand.
 */
import { describe, expect, it } from 'vitest';
import { buildForecast, fractionAtMost, JobForecast, probAtMost } from '../../../src/domain/promise/job-forecast.js';
import { KIND_BAY, KIND_IN_PROGRESS, KIND_JOB, KIND_RELEASE, KIND_TECH, type OpSamples } from '../../../src/domain/promise/sampling.js';
import { planOf, tinyModel } from './helpers.js';

const sorted = Float64Array.from([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);

describe('quantiles and probabilities', () => {
  it('the p-quantile is the smallest sample v with P(X ≤ v) ≥ p, plus the buffer', () => {
    const f = new JobForecast(0, 'J0', sorted, 5, []);
    expect([f.quantile(0), f.quantile(0.1), f.quantile(0.5), f.quantile(0.9), f.quantile(0.91), f.quantile(1)]).toEqual([6, 6, 10, 14, 15, 15]);
    expect(f.quantiles()).toEqual({ p50: 10, p80: 13, p90: 14, p95: 15 });
    expect(f.mean()).toBe(10.5);
    expect(f.samples).toBe(10);
  });

  it('P(ready by m) counts completion + buffer ≤ m', () => {
    const f = new JobForecast(0, 'J0', sorted, 5, []);
    expect([f.probReadyBy(5), f.probReadyBy(6), f.probReadyBy(9.5), f.probReadyBy(15)]).toEqual([0, 0.1, 0.4, 1]);
    expect(probAtMost(sorted, 3)).toBe(0.3);
    expect(fractionAtMost(Float64Array.from([9, 1, 3, 3]), 3)).toBe(0.75);
  });
});

describe('bottleneck of a vehicle', () => {
  // job 0 = ops 0 → 1 on technician T0 (bay B0 for op 1); job 1 = op 2 on T1 and B0; op 3 of job 0 released late (parts)
  const model = tinyModel([[0, 1000], [0, 1000]], [
    { job: 0, alternatives: [{ tech: 0, minutes: 10 }] },
    { job: 0, alternatives: [{ tech: 0, minutes: 10 }] },
    { job: 1, alternatives: [{ tech: 1, minutes: 10 }] },
    { job: 0, alternatives: [{ tech: 0, minutes: 10 }], release: 50 },
  ], [{ release: 0 }, { release: 0 }], 1);
  const plan = planOf([[0, -1, 0, 10], [0, 0, 10, 20], [1, 0, 0, 10], [0, -1, 50, 60]]);
  const S = 5;
  const samples = (end: number[], bind: number[], kind: number[]): OpSamples =>
    ({ end: Float64Array.from(end), bind: Int32Array.from(bind), kind: Uint8Array.from(kind) });
  const res: Record<number, OpSamples> = {
    // op 0: own start in samples 0-3; in progress in sample 4
    0: samples([10, 10, 10, 10, 10], [-1, -1, -1, -1, -1], [KIND_RELEASE, KIND_RELEASE, KIND_RELEASE, KIND_RELEASE, KIND_IN_PROGRESS]),
    // op 1: waits for op 0 (same vehicle), for op 2 on the bay, or for op 2 on the technician row (labelled by op 1's technician)
    1: samples([30, 40, 45, 20, 20], [0, 2, 2, 0, 0], [KIND_JOB, KIND_BAY, KIND_TECH, KIND_JOB, KIND_JOB]),
    2: samples([5, 5, 5, 5, 5], [-1, -1, -1, -1, -1], [KIND_RELEASE, KIND_RELEASE, KIND_RELEASE, KIND_RELEASE, KIND_RELEASE]),
    // op 3 finishes last only in sample 3, bound by its own late release
    3: samples([0, 0, 0, 70, 0], [-1, -1, -1, -1, -1], [KIND_RELEASE, KIND_RELEASE, KIND_RELEASE, KIND_RELEASE, KIND_RELEASE]),
  };

  it('follows the chain back through the vehicle’s own ops to the first outside constraint', () => {
    const f = buildForecast(model, plan, 0, [0, 1, 3], S, 15, (o) => res[o]);
    expect(Array.from(f.completion)).toEqual([20, 30, 40, 45, 70]);
    expect(f.quantile(1)).toBe(85);
    const byLabel = Object.fromEntries(f.bottlenecks.map((b) => [`${b.kind}:${b.key}`, b.share]));
    expect(byLabel).toEqual({ 'own_work:null': 0.4, 'bay:B0': 0.2, 'technician:T0': 0.2, 'release:null': 0.2 });
    expect(f.bottleneck).toEqual({ kind: 'own_work', key: null, share: 0.4 });
    expect(f.bottlenecks.map((b) => b.share)).toEqual([0.4, 0.2, 0.2, 0.2]);
  });
});
