import { describe, expect, it } from 'vitest';
import { QueueingInputError, erlangB, mmc, mmck, simulateQueue } from '../../../src/domain/queueing/index.js';

/** Solve πQ = 0, Σπ = 1 for the M/M/c/K generator by Gaussian elimination (independent check). */
function balance(lambda: number, mu: number, c: number, K: number): number[] {
  const n = K + 1;
  const A: number[][] = Array.from({ length: n }, () => new Array(n + 1).fill(0));
  // equations: for each state j, Σ_i π_i Q_ij = 0  (transpose), replace the last with normalisation
  const q = (i: number, j: number) => {
    if (j === i + 1 && i < K) return lambda;
    if (j === i - 1) return Math.min(i, c) * mu;
    if (i === j) return -((i < K ? lambda : 0) + Math.min(i, c) * mu);
    return 0;
  };
  for (let j = 0; j < n - 1; j++) for (let i = 0; i < n; i++) A[j][i] = q(i, j);
  for (let i = 0; i < n; i++) A[n - 1][i] = 1;
  A[n - 1][n] = 1;
  for (let col = 0; col < n; col++) {
    let piv = col;
    for (let r = col + 1; r < n; r++) if (Math.abs(A[r][col]) > Math.abs(A[piv][col])) piv = r;
    [A[col], A[piv]] = [A[piv], A[col]];
    for (let r = 0; r < n; r++) {
      if (r === col) continue;
      const f = A[r][col] / A[col][col];
      for (let k = col; k <= n; k++) A[r][k] -= f * A[col][k];
    }
  }
  return A.map((row, i) => row[n] / row[i]);
}

describe('M/M/c/K', () => {
  it('matches the balance equations solved directly', () => {
    for (const [l, m, c, K] of [
      [6, 3, 3, 5],
      [2, 0.5, 4, 10],
      [0.2, 1 / 45, 6, 9],
      [10, 1, 3, 12], // load > 1 is fine with finite K
    ]) {
      const pi = balance(l, m, c, K);
      const r = mmck({ arrivalRate: l, serviceRate: m, servers: c, capacity: K, includeDistribution: true });
      r.distribution!.forEach((p, i) => expect(Math.abs(p - pi[i])).toBeLessThan(1e-12));
      const L = pi.reduce((s, p, n) => s + n * p, 0);
      const Lq = pi.reduce((s, p, n) => s + Math.max(0, n - c) * p, 0);
      const lEff = l * (1 - pi[K]);
      expect(r.blockingProbability).toBeCloseTo(pi[K], 12);
      expect(r.effectiveArrivalRate).toBeCloseTo(lEff, 12);
      expect(Math.abs(r.meanInSystem - L) / L).toBeLessThan(1e-10);
      expect(Math.abs(r.meanWait - Lq / lEff)).toBeLessThan(1e-10 * Math.max(1, Lq / lEff));
      expect(Math.abs(r.meanSojourn - L / lEff) / (L / lEff)).toBeLessThan(1e-10);
    }
  });

  it('K = c is the Erlang loss system; K → ∞ tends to M/M/c', () => {
    const loss = mmck({ arrivalRate: 3, serviceRate: 1, servers: 5, capacity: 5 });
    expect(loss.blockingProbability).toBeCloseTo(erlangB(5, 3), 14);
    expect(loss.meanWait).toBe(0);
    const big = mmck({ arrivalRate: 2, serviceRate: 1, servers: 3, capacity: 400 });
    const inf = mmc({ arrivalRate: 2, serviceRate: 1, servers: 3 });
    if (!inf.stable) throw new Error('stable expected');
    expect(big.meanWait).toBeCloseTo(inf.meanWait, 12);
    expect(big.waitTail[1].p).toBeCloseTo(inf.waitTail[1].p, 12);
    expect(big.waitQuantiles[3].t).toBeCloseTo(inf.waitQuantiles[3].t, 8);
  });

  it('wait tail of admitted customers agrees with the simulator', () => {
    const r = mmck({ arrivalRate: 0.25, serviceRate: 1 / 20, servers: 4, capacity: 8, waitThresholds: [5, 15] });
    const sim = simulateQueue(
      { servers: 4, capacity: 8, arrivals: { rate: 0.25 }, service: { mean: 20 }, waitThresholds: [5, 15] },
      { horizon: 40_000, warmup: 500, replications: 10, seed: 11 },
    );
    expect(sim.engine).toBe('events');
    // three half-widths of a 10-replication 95% interval = 3 × t(0.975, 9) = 6.8 standard errors: a
    // correct change to the order of the random draws misses with probability < 1e-4 per check (one
    // 95% interval alone would miss 1 time in 20)
    const within = (x: number, ci: { mean: number; halfWidth: number | null; lower: number | null; upper: number | null }, slack = 0) =>
      expect(Math.abs(x - ci.mean) <= 3 * ci.halfWidth! + slack, `${x} vs ${ci.mean} ± ${ci.halfWidth}`).toBe(true);
    within(r.blockingProbability, sim.blocking, 0.002);
    within(r.meanWait, sim.meanWait, 0.05);
    within(r.waitTail[0].p, sim.waitTail[0].p, 0.005);
    within(r.waitTail[1].p, sim.waitTail[1].p, 0.005);
  });

  it('validates K ≥ c', () => {
    expect(() => mmck({ arrivalRate: 1, serviceRate: 1, servers: 4, capacity: 3 })).toThrow(QueueingInputError);
    try {
      mmck({ arrivalRate: 1, serviceRate: 1, servers: 4, capacity: 3 });
    } catch (e) {
      expect((e as QueueingInputError).field).toBe('capacity');
    }
  });
});
