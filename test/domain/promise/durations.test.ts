import { describe, expect, it } from 'vitest';
import { fitDurationModel, priorParams, studentTFromNormal, type DurationParams, type JobClockObservation } from '../../../src/domain/promise/index.js';
import { Rng } from '../../../src/lib/random.js';

const priors = new Map([['BRK', 0.3], ['OIL', 0.25]]);

function draws(rng: Rng, n: number, mu: number, sigma: number, opCode = 'BRK', tech: string | null = null): JobClockObservation[] {
  return Array.from({ length: n }, () => ({ opCode, technicianKey: tech, plannedMinutes: 60, actualMinutes: 60 * Math.exp(mu + sigma * rng.normal()) }));
}

/** p-quantile of ln M under the model's params (Student-t when df is given) */
const logQ = (p: DurationParams, z: number) => p.mu + p.sigma * studentTFromNormal(z, p.df ?? Infinity);
const Z90 = 1.2815515655446004;

describe('Student-t from a normal variate (Cornish–Fisher)', () => {
  it('matches t tables', () => {
    // t quantiles (0.9, 0.95, 0.99) for df 5, 10, 30
    const table: [number, number, number][] = [
      [5, 1.2815515655446004, 1.4759], [5, 1.6448536269514722, 2.0150], [5, 2.3263478740408408, 3.3649],
      [10, 1.2815515655446004, 1.3722], [10, 1.6448536269514722, 1.8125], [10, 2.3263478740408408, 2.7638],
      [30, 1.2815515655446004, 1.3104], [30, 1.6448536269514722, 1.6973], [30, 2.3263478740408408, 2.4573],
    ];
    for (const [df, z, t] of table) expect(Math.abs(studentTFromNormal(z, df) - t)).toBeLessThan(2e-3);
    expect(studentTFromNormal(1.5, Infinity)).toBe(1.5);
    expect(studentTFromNormal(-1.2, 10)).toBeCloseTo(-studentTFromNormal(1.2, 10), 12);
  });
});

describe('duration model', () => {
  it('with no history it is the catalogue exactly (mean-preserving, no df)', () => {
    const p = priorParams(0.3);
    expect(Math.exp(p.mu + p.sigma ** 2 / 2)).toBeCloseTo(1, 12);
    expect(Math.sqrt(Math.exp(p.sigma ** 2) - 1)).toBeCloseTo(0.3, 12);
    const m = fitDurationModel(priors, []);
    expect(m.params('BRK')).toEqual(p);
    expect(m.params('UNKNOWN')).toEqual(priorParams(0.35));
    expect(m.workshop).toMatchObject({ level: 0, dispersion: 1, n: 0 });
  });

  it('converges to the truth with many observations', () => {
    const m = fitDurationModel(priors, draws(new Rng(1), 5000, 0.15, 0.45));
    const p = m.params('BRK');
    expect(Math.abs(p.mu - 0.15)).toBeLessThan(0.02);
    expect(Math.abs(p.sigma - 0.45)).toBeLessThan(0.02); // predictive scale → sigma
    expect(p.df).toBeGreaterThan(5000);
    expect(Math.abs(m.opCodes.get('BRK')!.sigma - 0.45)).toBeLessThan(0.02);
    // an unobserved op code moves toward what the workshop does (later, more spread), less than BRK
    const oil = m.params('OIL'), oil0 = priorParams(0.25);
    const meanOf = (q: DurationParams) => Math.exp(q.mu + q.sigma ** 2 / 2);
    expect(meanOf(oil)).toBeGreaterThan(meanOf(oil0) + 0.01);
    expect(meanOf(oil)).toBeLessThan(Math.exp(0.15 + 0.45 ** 2 / 2));
    expect(oil.sigma).toBeGreaterThan(oil0.sigma);
  });

  it('learns the workshop-wide level from many op codes with few observations each', () => {
    // 60 op codes (cv 0.3), 3 clocks each, all 12% longer than book on average with the book's spread
    const rng = new Rng(1);
    const many = new Map<string, number>();
    const obs: JobClockObservation[] = [];
    const s0 = priorParams(0.3);
    for (let c = 0; c < 60; c++) {
      many.set(`C${c}`, 0.3);
      obs.push(...draws(rng, 3, Math.log(1.12) + s0.mu, s0.sigma, `C${c}`));
    }
    many.set('NEW', 0.3);
    const m = fitDurationModel(many, obs);
    // within about 2 posterior sd (the prior at 0 shrinks it a little)
    expect(Math.abs(m.workshop!.level - Math.log(1.12))).toBeLessThan(0.05);
    expect(m.workshop!.levelSd).toBeLessThan(0.03);
    expect(Math.abs(m.workshop!.dispersion - 1)).toBeLessThan(0.25);
    // an op code never clocked: its centre is the workshop level, mean-preserving at e^L
    const pNew = m.opCodes.get('NEW') ?? null;
    expect(pNew).toBeNull();
    const p = m.params('NEW');
    expect(Math.abs(p.mu - s0.mu - Math.log(1.12))).toBeLessThan(0.05);
    // each op code: most of the way to the workshop level although its own 3 clocks barely count
    let mean = 0;
    for (let c = 0; c < 60; c++) mean += m.opCodes.get(`C${c}`)!.mu / 60;
    expect(Math.abs(mean - (Math.log(1.12) + s0.mu))).toBeLessThan(0.05);
    // the catalogue-centred fit (no workshop level) stays much nearer the book
    const flat = fitDurationModel(many, obs, { levelPriorSd: 1e-9 });
    let flatMean = 0;
    for (let c = 0; c < 60; c++) flatMean += flat.opCodes.get(`C${c}`)!.mu / 60;
    expect(flatMean - s0.mu).toBeLessThan(0.5 * Math.log(1.12));
  });

  it('a sparse op code gets a wider predictive interval than a well-observed one', () => {
    const rng = new Rng(11);
    const two = new Map([['A', 0.3], ['B', 0.3]]);
    const sTrue = priorParams(0.3).sigma;
    const obs = [...draws(rng, 400, priorParams(0.3).mu, sTrue, 'A'), ...draws(rng, 3, priorParams(0.3).mu, sTrue, 'B')];
    const m = fitDurationModel(two, obs);
    const a = m.params('A'), b = m.params('B');
    expect(b.df!).toBeLessThan(a.df!);
    expect(b.sigma).toBeGreaterThan(a.sigma);
    const width = (p: DurationParams) => logQ(p, Z90) - logQ(p, -Z90); // central 80% interval of ln M
    expect(width(b)).toBeGreaterThan(1.08 * width(a));
    // the well-observed predictive is (nearly) the truth
    expect(Math.abs(width(a) / (2 * Z90 * sTrue) - 1)).toBeLessThan(0.06);
  });

  it('barely moves with two observations', () => {
    const p0 = priorParams(0.3);
    const obs = [0, 1].map(() => ({ opCode: 'BRK', technicianKey: null, plannedMinutes: 60, actualMinutes: 120 }));
    const m = fitDurationModel(priors, obs);
    const p = m.params('BRK');
    const pt = m.opCodes.get('BRK')!;
    // the observations say +0.74 above the prior centre (ln 2 − mu0); they move it by less than a quarter
    expect(p.mu - p0.mu).toBeGreaterThan(0.05);
    expect(p.mu - p0.mu).toBeLessThan(0.25 * (Math.log(2) - p0.mu));
    expect(pt.sigma).toBeLessThan(p0.sigma * 1.5);
    expect(pt.n).toBe(2);
    // ... and another op code by even less
    expect(m.params('OIL').mu - priorParams(0.25).mu).toBeLessThan(0.1);
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
    // the shift's own uncertainty widens the technician's predictive a little
    expect(many.params('BRK', 'S').sigma).toBeGreaterThan(many.params('BRK').sigma);
    expect(many.params('BRK', 'S').sigma).toBeLessThan(1.05 * many.params('BRK').sigma);
    expect(many.techShift.get('S')!.n).toBe(40);
  });

  it('separates a slow technician from the op code he mostly does', () => {
    // op codes X and Y are both at book; S does all of Y's work, 30% slower than his stated efficiency
    const rng = new Rng(21);
    const xy = new Map([['X', 0.3], ['Y', 0.3]]);
    const mu0 = priorParams(0.3).mu, s0 = priorParams(0.3).sigma;
    const obs = [
      ...draws(rng, 150, mu0, s0, 'X', 'A'), ...draws(rng, 150, mu0, s0, 'X', 'B'),
      ...draws(rng, 120, mu0 + Math.log(1.3), s0, 'Y', 'S'), ...draws(rng, 30, mu0 + Math.log(1.3), s0, 'X', 'S'),
      ...draws(rng, 40, mu0, s0, 'Y', 'A'),
    ];
    const m = fitDurationModel(xy, obs);
    // what the data identify: each technician on each op code (shifts are relative to the workshop
    // average, so "op codes at book, S slow" and "op codes 8% over book, A and B fast" are the same)
    expect(Math.abs(m.params('Y', 'A').mu - mu0)).toBeLessThan(0.05);
    expect(Math.abs(m.params('X', 'B').mu - mu0)).toBeLessThan(0.05);
    expect(Math.abs(m.params('Y', 'S').mu - (mu0 + Math.log(1.3)))).toBeLessThan(0.05);
    expect(m.techShift.get('S')!.shift - m.techShift.get('A')!.shift).toBeGreaterThan(0.2);
    // an unknown technician gets the workshop average: between the two
    expect(m.params('Y').mu).toBeGreaterThan(m.params('Y', 'A').mu);
    expect(m.params('Y').mu).toBeLessThan(m.params('Y', 'S').mu);
    // op code first, technician from the residuals (no backfitting) would have put most of S's
    // slowness into Y: Y by A would be ~0.2 too slow
  });

  it('ignores invalid observations and is deterministic', () => {
    const rng = new Rng(5);
    const obs = [...draws(rng, 30, 0.1, 0.3), { opCode: 'BRK', technicianKey: null, plannedMinutes: 0, actualMinutes: 50 }, { opCode: 'BRK', technicianKey: null, plannedMinutes: 60, actualMinutes: Number.NaN }];
    const a = fitDurationModel(priors, obs), b = fitDurationModel(priors, obs.slice(0, 30));
    expect(a.params('BRK')).toEqual(b.params('BRK'));
    expect(a.opCodes.get('BRK')!.n).toBe(30);
  });
});
