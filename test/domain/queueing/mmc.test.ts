import { describe, expect, it } from 'vitest';
import { QueueingInputError, erlangB, erlangC, mmc, mmcCore } from '../../../src/domain/queueing/index.js';
import { logFactorial } from '../../../src/domain/queueing/special.js';

/** relative closeness to `digits` significant digits */
function close(actual: number, expected: number, digits = 9) {
  expect(Math.abs(actual - expected)).toBeLessThanOrEqual(Math.abs(expected) * 10 ** -digits);
}

function stable<T extends { stable: boolean }>(r: T): Extract<T, { stable: true }> {
  expect(r.stable).toBe(true);
  return r as Extract<T, { stable: true }>;
}

describe('Erlang B and C', () => {
  it('matches exact rational values', () => {
    close(erlangB(1, 1), 0.5);
    close(erlangB(2, 1), 0.2);
    close(erlangB(3, 2), 4 / 19);
    // B(5, 3) = (3^5/5!) / Σ_{k≤5} 3^k/k! = 2.025 / 18.4
    close(erlangB(5, 3), 2.025 / 18.4);
    close(erlangC(2, 1), 1 / 3); // M/M/2 at ρ = 0.5: 2ρ²/(1+ρ)
    close(erlangC(3, 2), 4 / 9);
  });

  it('matches published table values (Erlang B: c = 10, a = 5 → 0.018385; C → 0.036105)', () => {
    expect(erlangB(10, 5)).toBeCloseTo(0.0183846, 7);
    expect(erlangC(10, 5)).toBeCloseTo(0.0361054, 6);
    // common call-centre table value: 100 agents, 90 Erlangs: B ≈ 0.02470 (6 s.f. from the direct sum)
    let s = 0;
    let term = 1;
    for (let k = 0; k <= 100; k++) {
      if (k > 0) term *= 90 / k;
      s += term;
    }
    close(erlangB(100, 90), term / s, 12);
  });
});

describe('M/M/c', () => {
  it('Gross & Harris M/M/3, λ = 6, μ = 3: P0 = 1/9, Lq = 8/9, Wq = 4/27', () => {
    const r = stable(mmc({ arrivalRate: 6, serviceRate: 3, servers: 3 }));
    close(r.p0, 1 / 9);
    close(r.meanQueue, 8 / 9);
    close(r.meanWait, 4 / 27);
    close(r.meanInSystem, 8 / 9 + 2);
    close(r.meanSojourn, 4 / 27 + 1 / 3);
    close(r.probWait, 4 / 9);
    close(r.utilisation, 2 / 3);
  });

  it('M/M/1 identities: P0 = 1 − ρ, L = ρ/(1−ρ), Wq = ρ/(μ−λ), P(W > t) = ρ e^{−(μ−λ)t}', () => {
    for (const [l, m] of [
      [0.3, 1],
      [0.9, 1],
      [0.999, 1],
      [1 / 45, 1 / 40],
    ]) {
      const rho = l / m;
      const r = stable(mmc({ arrivalRate: l, serviceRate: m, servers: 1, waitThresholds: [0, 7] }));
      close(r.p0, 1 - rho);
      close(r.meanInSystem, rho / (1 - rho));
      close(r.meanQueue, (rho * rho) / (1 - rho));
      close(r.meanWait, rho / (m - l));
      close(r.meanSojourn, 1 / (m - l));
      close(r.waitTail[0].p, rho);
      close(r.waitTail[1].p, rho * Math.exp(-(m - l) * 7));
      // Little: L = λW
      close(r.meanInSystem, l * r.meanSojourn);
    }
  });

  it('wait quantiles invert the closed-form tail', () => {
    const r = stable(mmc({ arrivalRate: 9, serviceRate: 1, servers: 10, quantiles: [0.3, 0.8, 0.95] }));
    expect(r.probWait).toBeGreaterThan(0.5);
    for (const { q, t } of r.waitQuantiles) {
      if (1 - q >= r.probWait) expect(t).toBe(0);
      else close(r.probWait * Math.exp(-r.waitDecayRate * t), 1 - q, 12);
    }
  });

  it('is finite, positive and exact for c = 1000 at ρ = 0.999', () => {
    const c = 1000;
    const a = 999;
    const r = stable(mmc({ arrivalRate: a, serviceRate: 1, servers: c }));
    for (const v of [r.probWait, r.meanWait, r.meanQueue, r.meanInSystem, r.erlangB, -r.logP0]) {
      expect(Number.isFinite(v)).toBe(true);
      expect(v).toBeGreaterThan(0);
    }
    // independent check: log-sum-exp of a^k/k!
    const logs: number[] = [];
    for (let k = 0; k < c; k++) logs.push(k * Math.log(a) - logFactorial(k));
    const lastLog = c * Math.log(a) - logFactorial(c) - Math.log(1 - a / c);
    const mx = Math.max(...logs, lastLog);
    const sum = logs.reduce((s, x) => s + Math.exp(x - mx), 0) + Math.exp(lastLog - mx);
    const C = Math.exp(lastLog - mx) / sum;
    close(r.probWait, C, 8);
    close(r.meanWait, C / (c - a), 8);
    close(r.logP0, -(mx + Math.log(sum)), 10);
    expect(r.probWait).toBeGreaterThan(0.9);
  });

  it('reports overload as unstable with its growth rate, never a negative or NaN wait', () => {
    const r = mmc({ arrivalRate: 2, serviceRate: 0.5, servers: 3 });
    expect(r.stable).toBe(false);
    if (r.stable) return;
    expect(r.growth.queueGrowthPerMinute).toBeCloseTo(0.5, 12);
    expect(r.growth.waitGrowthPerMinute).toBeCloseTo(0.5 / 1.5, 12);
    expect(JSON.stringify(r)).not.toMatch(/NaN|Infinity|null/);
    const crit = mmc({ arrivalRate: 1.5, serviceRate: 0.5, servers: 3 });
    expect(crit.stable).toBe(false);
    expect(mmcCore(2, 0.5, 3).meanWait).toBe(Infinity);
  });

  it('rejects bad input with a typed error naming the field', () => {
    const bad: [Record<string, unknown>, string][] = [
      [{ arrivalRate: -1, serviceRate: 1, servers: 1 }, 'arrivalRate'],
      [{ arrivalRate: 1, serviceRate: 0, servers: 1 }, 'serviceRate'],
      [{ arrivalRate: 1, serviceRate: 1, servers: 0 }, 'servers'],
      [{ arrivalRate: 1, serviceRate: 1, servers: 1.5 }, 'servers'],
      [{ arrivalRate: NaN, serviceRate: 1, servers: 1 }, 'arrivalRate'],
      [{ arrivalRate: 0.5, serviceRate: 1, servers: 1, quantiles: [1] }, 'quantiles.0'],
      [{ arrivalRate: 0.5, serviceRate: 1, servers: 1, waitThresholds: [3, -1] }, 'waitThresholds.1'],
    ];
    for (const [input, field] of bad) {
      try {
        mmc(input as never);
        expect.unreachable(`no error for ${field}`);
      } catch (e) {
        expect(e).toBeInstanceOf(QueueingInputError);
        expect((e as QueueingInputError).field).toBe(field);
        expect((e as QueueingInputError).code).toBe('QUEUEING_INPUT');
      }
    }
  });

  it('handles zero arrivals', () => {
    const r = stable(mmc({ arrivalRate: 0, serviceRate: 1, servers: 2 }));
    expect(r.meanWait).toBe(0);
    expect(r.p0).toBe(1);
  });
});
