import { describe, expect, it } from 'vitest';
import { ggc, mdc, mgc, mmc, simulateQueue } from '../../../src/domain/queueing/index.js';

/** mean wait from the simulator (Poisson arrivals unless ca given) */
function desWq(c: number, rho: number, cs: number, ca = 1, customers = 1_500_000) {
  const mean = 1;
  const lambda = (rho * c) / mean;
  const horizon = customers / lambda / 10;
  const sim = simulateQueue(
    {
      servers: c,
      arrivals: ca === 1 ? { rate: lambda } : { rate: lambda, cv: ca, distribution: 'gamma' },
      service: cs === 1 ? { mean } : { mean, cv: cs, distribution: cs === 0 ? 'deterministic' : 'lognormal' },
    },
    { horizon, warmup: horizon * 0.05, replications: 10, seed: 1000 * c + Math.round(100 * rho) + Math.round(10 * cs) },
  );
  return sim.meanWait;
}

const rel = (a: number, b: number) => Math.abs(a - b) / b;

describe('approximations', () => {
  it('are exact where theory is exact: c = 1 (Pollaczek–Khinchine) and exponential service', () => {
    for (const cs of [0, 0.5, 2]) {
      const rho = 0.8;
      const pk = (rho * (1 + cs * cs)) / (2 * (1 - rho)); // Wq with mean service 1
      const r = mgc({ arrivalRate: rho, serviceRate: 1, servers: 1, serviceCv: cs });
      if (!r.stable) throw new Error('stable');
      expect(r.meanWait).toBeCloseTo(pk, 12);
      expect(r.method).toBe('kimura');
    }
    const d = mdc({ arrivalRate: 0.8, serviceRate: 1, servers: 1 });
    if (!d.stable) throw new Error('stable');
    expect(d.meanWait).toBeCloseTo(2, 12);
    const m = mmc({ arrivalRate: 4, serviceRate: 1, servers: 5 });
    const g = ggc({ arrivalRate: 4, serviceRate: 1, servers: 5, arrivalCv: 1, serviceCv: 1 });
    if (!m.stable || !g.stable) throw new Error('stable');
    expect(g.meanWait).toBeCloseTo(m.meanWait, 12);
    expect(g.method).toBe('whitt');
    expect(JSON.stringify(mgc({ arrivalRate: 5, serviceRate: 1, servers: 5, serviceCv: 0.5 }))).toContain('"stable":false');
  });

  it('M/D/c (Cosmetatos) is within its documented 6% of the simulator', () => {
    for (const [c, rho] of [
      [5, 0.85],
      [12, 0.7],
    ]) {
      const r = mdc({ arrivalRate: rho * c, serviceRate: 1, servers: c });
      if (!r.stable) throw new Error('stable');
      const sim = desWq(c, rho, 0);
      expect(rel(r.meanWait, sim.mean), `c=${c} ρ=${rho}`).toBeLessThan(0.06);
    }
  });

  it('M/G/c (Kimura, lognormal service) is within its documented 10% for cv ≤ 1', () => {
    for (const [c, rho, cs] of [
      [2, 0.85, 0.5],
      [12, 0.85, 0.5],
      [5, 0.7, 0.5],
    ]) {
      const r = mgc({ arrivalRate: rho * c, serviceRate: 1, servers: c, serviceCv: cs });
      if (!r.stable) throw new Error('stable');
      expect(rel(r.meanWait, desWq(c, rho, cs).mean), `c=${c} ρ=${rho} cs=${cs}`).toBeLessThan(0.1);
    }
  });

  it('G/G/c (Whitt) beats or matches Allen–Cunneen and is within 15% for gamma arrivals', () => {
    for (const [c, rho, ca, cs] of [
      [5, 0.85, 0.5, 0.5],
      [5, 0.85, 1.5, 0.5],
    ]) {
      const w = ggc({ arrivalRate: rho * c, serviceRate: 1, servers: c, arrivalCv: ca, serviceCv: cs });
      const ac = ggc({ arrivalRate: rho * c, serviceRate: 1, servers: c, arrivalCv: ca, serviceCv: cs, method: 'allen-cunneen' });
      if (!w.stable || !ac.stable) throw new Error('stable');
      const sim = desWq(c, rho, cs, ca).mean;
      expect(rel(w.meanWait, sim), `whitt c=${c} ca=${ca}`).toBeLessThan(0.15);
      expect(rel(w.meanWait, sim)).toBeLessThanOrEqual(rel(ac.meanWait, sim) + 0.02);
    }
  });
});
