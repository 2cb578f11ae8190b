import { describe, expect, it } from 'vitest';
import { fitDurationModel, priorParams, type JobClockObservation } from '../../../src/domain/promise/index.js';
import { Rng } from '../../../src/lib/random.js';

const priors = new Map([['BRK', 0.3], ['OIL', 0.25]]);

function draws(rng: Rng, n: number, mu: number, sigma: number, opCode = 'BRK', tech: string | null = null): JobClockObservation[] {
  return Array.from({ length: n }, () => ({ opCode, technicianKey: tech, plannedMinutes: 60, actualMinutes: 60 * Math.exp(mu + sigma * rng.normal()) }));
}

describe('duration model', () => {
  it('prior is mean-preserving with the catalogue cv', () => {
    const p = priorParams(0.3);
    expect(Math.exp(p.mu + p.sigma ** 2 / 2)).toBeCloseTo(1, 12);
    expect(Math.sqrt(Math.exp(p.sigma ** 2) - 1)).toBeCloseTo(0.3, 12);
    const m = fitDurationModel(priors, []);
    expect(m.params('BRK')).toEqual(p);
    expect(m.params('UNKNOWN')).toEqual(priorParams(0.35));
  });

  it('converges to the truth with many observations', () => {
    const m = fitDurationModel(priors, draws(new Rng(1), 5000, 0.15, 0.45));
    expect(Math.abs(m.params('BRK').mu - 0.15)).toBeLessThan(0.02);
    expect(Math.abs(m.params('BRK').sigma - 0.45)).toBeLessThan(0.02);
    // other op codes keep their prior
    expect(m.params('OIL')).toEqual(priorParams(0.25));
  });

  it('barely moves with two observations', () => {
    const p0 = priorParams(0.3);
    const obs = [0, 1].map(() => ({ opCode: 'BRK', technicianKey: null, plannedMinutes: 60, actualMinutes: 120 }));
    const m = fitDurationModel(priors, obs);
    const p = m.params('BRK');
    expect(p.mu).toBeCloseTo((10 * p0.mu + 2 * Math.log(2)) / 12, 10);
    expect(p.mu - p0.mu).toBeLessThan(0.15); // the observations say +0.74
    expect(p.sigma).toBeLessThan(p0.sigma * 1.5);
  });

  it('per-technician shifts appear only with enough history', () => {
    const rng = new Rng(7);
    const base = draws(rng, 400, 0, 0.3, 'BRK', 'A');
    const slow4 = draws(rng, 4, Math.log(1.5), 0.1, 'BRK', 'S');
    const few = fitDurationModel(priors, [...base, ...slow4]);
    expect(few.params('BRK', 'S')).toEqual(few.params('BRK'));
    const slow40 = draws(rng, 40, Math.log(1.5), 0.1, 'BRK', 'S');
    const many = fitDurationModel(priors, [...base, ...slow40]);
    const shift = many.params('BRK', 'S').mu - many.params('BRK').mu;
    expect(shift).toBeGreaterThan(0.25); // shrunk toward 0 from ln 1.5 = 0.405, by 40/(40+10)
    expect(shift).toBeLessThan(Math.log(1.5));
    expect(many.params('BRK', 'S').sigma).toBe(many.params('BRK').sigma);
    expect(many.techShift.get('S')!.n).toBe(40);
  });
});
