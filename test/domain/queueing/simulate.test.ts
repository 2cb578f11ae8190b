import { describe, expect, it } from 'vitest';
import { QueueingInputError, mmc, simulateQueue } from '../../../src/domain/queueing/index.js';

describe('simulateQueue', () => {
  it('the event engine and the recursion produce the same sample paths', () => {
    const cfg = { servers: 3, arrivals: { rate: 0.1, cv: 0.7, distribution: 'lognormal' as const }, service: { mean: 25, cv: 0.4 } };
    const opts = { horizon: 5_000, warmup: 200, replications: 4, seed: 5 };
    const a = simulateQueue(cfg, { ...opts, engine: 'events' });
    const b = simulateQueue(cfg, { ...opts, engine: 'recursion' });
    expect(a.engine).toBe('events');
    expect(b.engine).toBe('recursion');
    expect(a.customers).toBe(b.customers);
    expect(a.meanWait.mean).toBeCloseTo(b.meanWait.mean, 9);
    expect(a.meanQueue.mean).toBeCloseTo(b.meanQueue.mean, 9);
    expect(a.utilisation.mean).toBeCloseTo(b.utilisation.mean, 9);
    expect(a.waitTail[1].p.mean).toBe(b.waitTail[1].p.mean);
  });

  it('is reproducible by seed and agrees with exact M/M/c values within its confidence intervals', () => {
    const cfg = { servers: 4, arrivals: { rate: 0.1 }, service: { mean: 35 }, waitThresholds: [10] };
    const opts = { horizon: 100_000, warmup: 2_000, replications: 12, seed: 21 };
    const r = simulateQueue(cfg, opts);
    expect(simulateQueue(cfg, opts)).toEqual(r);
    const exact = mmc({ arrivalRate: 0.1, serviceRate: 1 / 35, servers: 4, waitThresholds: [10] });
    if (!exact.stable) throw new Error('stable');
    // A 95% interval misses the exact value 1 time in 20: with four checks, a correct change to the
    // order of the random draws would fail one ~19% of the time. Three half-widths of a 12-replication
    // interval are 3 × t(0.975, 11) = 6.6 standard errors: a miss has probability < 1e-4 per check,
    // and the intervals themselves are kept tight (the mean wait's within 10%).
    const near = (x: number, ci: { mean: number; halfWidth: number | null }) => Math.abs(x - ci.mean) <= 3 * ci.halfWidth!;
    expect(near(exact.meanWait, r.meanWait), `${exact.meanWait} vs ${JSON.stringify(r.meanWait)}`).toBe(true);
    expect(near(exact.meanQueue, r.meanQueue), `${exact.meanQueue} vs ${JSON.stringify(r.meanQueue)}`).toBe(true);
    expect(near(exact.utilisation, r.utilisation), `${exact.utilisation} vs ${JSON.stringify(r.utilisation)}`).toBe(true);
    expect(near(exact.waitTail[0].p, r.waitTail[0].p), `${exact.waitTail[0].p} vs ${JSON.stringify(r.waitTail[0].p)}`).toBe(true);
    expect(r.meanWait.halfWidth! / r.meanWait.mean).toBeLessThan(0.1);
    expect(r.utilisation.halfWidth!).toBeLessThan(0.02);
    expect(r.blocking.mean).toBe(0);
  });

  it('thins time-varying arrivals to the hourly rates and reports per-period statistics', () => {
    const r = simulateQueue(
      { servers: [2, 3, 1], arrivals: { rate: [0.05, 0.2, 0] }, service: { mean: 10, cv: 0.5, distribution: 'gamma' } },
      { horizon: 180, replications: 2_000, seed: 2 },
    );
    const per = r.perPeriod!;
    expect(per).toHaveLength(3);
    expect(Math.abs(per[0].arrivals.mean - 3)).toBeLessThan(2 * per[0].arrivals.halfWidth!);
    expect(Math.abs(per[1].arrivals.mean - 12)).toBeLessThan(2 * per[1].arrivals.halfWidth!);
    expect(per[2].arrivals.mean).toBe(0);
    expect(per[1].servers).toBe(3);
    expect(per[2].meanWait.n).toBe(0);
    expect(JSON.stringify(r)).not.toMatch(/NaN|Infinity/);
  });

  it('renewal arrivals with CV < 1 wait less than Poisson ones', () => {
    const base = { servers: 2, service: { mean: 1, cv: 0.5 } };
    const opts = { horizon: 50_000, warmup: 1_000, replications: 5, seed: 3 };
    const smooth = simulateQueue({ ...base, arrivals: { rate: 1.6, cv: 0.3 } }, opts);
    const poisson = simulateQueue({ ...base, arrivals: { rate: 1.6 } }, opts);
    expect(smooth.meanWait.upper!).toBeLessThan(poisson.meanWait.lower!);
  });

  it('validates its input', () => {
    const ok = { servers: 1, arrivals: { rate: 1 }, service: { mean: 0.5 } };
    const field = (f: () => unknown) => {
      try {
        f();
      } catch (e) {
        expect(e).toBeInstanceOf(QueueingInputError);
        return (e as QueueingInputError).field;
      }
      return 'no error';
    };
    expect(field(() => simulateQueue({ ...ok, servers: 0 }, { horizon: 10 }))).toBe('servers');
    expect(field(() => simulateQueue({ ...ok, capacity: 0 }, { horizon: 10 }))).toBe('capacity');
    expect(field(() => simulateQueue({ ...ok, servers: 2, capacity: 1 }, { horizon: 10 }))).toBe('capacity');
    expect(field(() => simulateQueue({ ...ok, arrivals: { rate: 1, cv: 0.5, distribution: 'poisson' } }, { horizon: 10 }))).toBe('arrivals.cv');
    expect(field(() => simulateQueue(ok, { horizon: 10, warmup: 10 }))).toBe('options.warmup');
    expect(field(() => simulateQueue(ok, { horizon: 10, engine: 'recursion', replications: 2 }))).toBe('no error');
    expect(field(() => simulateQueue({ ...ok, capacity: 3 }, { horizon: 10, engine: 'recursion' }))).toBe('options.engine');
  });
});
