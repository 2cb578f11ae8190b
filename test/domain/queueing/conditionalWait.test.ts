import { describe, expect, it } from 'vitest';
import { Rng } from '../../../src/lib/random.js';
import { QueueingInputError, conditionalWait } from '../../../src/domain/queueing/index.js';
import { residualSampler } from '../../../src/domain/queueing/conditionalWait.js';
import { serviceSampler } from '../../../src/domain/queueing/simulate.js';

describe('conditionalWait', () => {
  it('is zero when a server is free for this customer', () => {
    const r = conditionalWait({ servers: 3, busy: 1, queueAhead: 1, service: { mean: 30, cv: 0.4 } });
    expect(r.method).toBe('immediate');
    expect(r.meanWait).toBe(0);
  });

  it('exponential service: closed-form Erlang sum', () => {
    // 2 servers busy, 3 ahead: wait = Erlang(4, 2/30); mean 60; P(W ≤ t) = 1 − Σ_{j<4} e^{−x}x^j/j!
    const r = conditionalWait({ servers: 2, busy: 2, queueAhead: 3, service: { mean: 30, distribution: 'exponential' }, thresholds: [60] });
    expect(r.method).toBe('erlang');
    expect(r.meanWait).toBeCloseTo(60, 12);
    const x = 4;
    const cdf = 1 - Math.exp(-x) * (1 + x + (x * x) / 2 + (x * x * x) / 6);
    expect(r.waitWithin[0].p).toBeCloseTo(cdf, 12);
    const p50 = r.quantiles.find((q) => q.q === 0.5)!.t;
    const y = (p50 * 2) / 30;
    expect(1 - Math.exp(-y) * (1 + y + (y * y) / 2 + (y * y * y) / 6)).toBeCloseTo(0.5, 9);
  });

  it('Monte Carlo with gamma cv = 1 (= exponential) reproduces the Erlang answer', () => {
    const exact = conditionalWait({ servers: 3, busy: 3, queueAhead: 2, elapsed: [5, 50, 200], service: { mean: 20, distribution: 'exponential' }, thresholds: [10, 30] });
    const mc = conditionalWait({ servers: 3, busy: 3, queueAhead: 2, elapsed: [5, 50, 200], service: { mean: 20, cv: 1, distribution: 'gamma' }, thresholds: [10, 30], samples: 200_000, seed: 4 });
    expect(mc.method).toBe('monte-carlo');
    expect(Math.abs(mc.meanWait - exact.meanWait)).toBeLessThan(4 * mc.meanWaitStdError!);
    for (let i = 0; i < 2; i++) expect(Math.abs(mc.waitWithin[i].p - exact.waitWithin[i].p)).toBeLessThan(0.005);
    for (let i = 0; i < 4; i++) expect(Math.abs(mc.quantiles[i].t - exact.quantiles[i].t) / exact.quantiles[i].t).toBeLessThan(0.03);
  });

  it('lognormal residual life: a long-running job has a longer residual than a fresh one (decreasing-hazard tail)', () => {
    const rng = new Rng(1);
    const fresh = serviceSampler('lognormal', 60, 0.5, rng);
    const mean = (f: () => number) => {
      let s = 0;
      for (let i = 0; i < 100_000; i++) s += f();
      return s / 100_000;
    };
    const r0 = mean(residualSampler('lognormal', 60, 0.5, 0, rng, fresh));
    const r30 = mean(residualSampler('lognormal', 60, 0.5, 30, rng, fresh));
    const r300 = mean(residualSampler('lognormal', 60, 0.5, 300, rng, fresh));
    expect(Math.abs(r0 - 60)).toBeLessThan(0.5);
    expect(r30).toBeLessThan(60); // early on, elapsed time is progress
    expect(r30).toBeGreaterThan(30);
    expect(r300).toBeGreaterThan(r30); // far overdue: heavy tail
    // rejection check of the exact conditional mean E[S − a | S > a] at a = 30
    const g = serviceSampler('lognormal', 60, 0.5, new Rng(2));
    let s = 0;
    let n = 0;
    while (n < 100_000) {
      const x = g();
      if (x > 30) {
        s += x - 30;
        n++;
      }
    }
    expect(Math.abs(r30 - s / n)).toBeLessThan(0.5);
  });

  it('gamma residual by table matches rejection far in the tail', () => {
    const rng = new Rng(3);
    const fresh = serviceSampler('gamma', 30, 0.3, rng);
    const tab = residualSampler('gamma', 30, 0.3, 55, rng, fresh); // P(S > 55) ≈ 1%: table
    let a = 0;
    for (let i = 0; i < 50_000; i++) a += tab();
    let s = 0;
    let n = 0;
    while (n < 20_000) {
      const x = fresh();
      if (x > 55) {
        s += x - 55;
        n++;
      }
    }
    expect(Math.abs(a / 50_000 - s / n) / (s / n)).toBeLessThan(0.05);
  });

  it('is seeded, deterministic and validated', () => {
    const inp = { servers: 2, busy: 2, queueAhead: 1, elapsed: [10, 20], service: { mean: 30, cv: 0.4 }, seed: 7 };
    expect(conditionalWait(inp)).toEqual(conditionalWait(inp));
    expect(() => conditionalWait({ ...inp, busy: 3 })).toThrow(QueueingInputError);
    expect(() => conditionalWait({ ...inp, elapsed: [1] })).toThrow(/elapsed/);
    expect(() => conditionalWait({ ...inp, elapsed: [1, -2] })).toThrow(/elapsed.1/);
  });
});
