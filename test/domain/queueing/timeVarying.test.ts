import { describe, expect, it } from 'vitest';
import { QueueingInputError, mmc, simulateQueue, timeVarying } from '../../../src/domain/queueing/index.js';

// A peaked waiter-bay morning: 5 bays, 40-minute jobs (the day is 9 service times long),
// arrivals 6, 7, 5, 3, 2, 1 per hour (peak load 7/7.5 = 0.93).
const PER_HOUR = [6, 7, 5, 3, 2, 1];
const RATES = PER_HOUR.map((x) => x / 60);
const BAYS = 5;
const MEAN = 40;

describe('time-varying M(t)/M/c(t)', () => {
  it('ODE converges to the stationary M/M/c values on a long constant-rate day', () => {
    const r = timeVarying({ arrivalRates: new Array(30).fill(2), servers: 3, serviceRate: 1, waitThresholds: [0.5] });
    const s = mmc({ arrivalRate: 2, serviceRate: 1, servers: 3, waitThresholds: [0.5] });
    if (!s.stable) throw new Error('stable expected');
    const last = r.periods[29];
    expect(r.method).toBe('ode');
    expect(Math.abs(last.meanQueue! - s.meanQueue) / s.meanQueue).toBeLessThan(1e-9);
    expect(Math.abs(last.meanWait! - s.meanWait) / s.meanWait).toBeLessThan(1e-9);
    expect(Math.abs(last.probWait! - s.probWait) / s.probWait).toBeLessThan(1e-9);
    expect(Math.abs(last.waitTail[0].p! - s.waitTail[0].p) / s.waitTail[0].p).toBeLessThan(1e-9);
    expect(Math.abs(last.utilisation! - 2 / 3)).toBeLessThan(1e-9);
    expect(r.truncation!.maxBoundaryMass).toBeLessThan(1e-9);
    // starting empty, the first hour is far below steady state
    expect(r.periods[0].meanQueue!).toBeLessThan(s.meanQueue);
  });

  // 2.5 half-widths of a 6000-replication 95% interval = 4.9 standard errors: with 24 checks, a
  // correct change to the order of the random draws fails one with probability < 1e-4
  it('ODE agrees with the simulator hour by hour on a short peaked day (within 2.5 CI half-widths)', () => {
    const ode = timeVarying({ arrivalRates: RATES, servers: BAYS, serviceRate: 1 / MEAN, waitThresholds: [10] });
    const des = simulateQueue(
      { servers: BAYS, arrivals: { rate: RATES }, service: { mean: MEAN }, waitThresholds: [10] },
      { horizon: 360, replications: 6000, seed: 4 },
    );
    for (let h = 0; h < PER_HOUR.length; h++) {
      const d = des.perPeriod![h];
      const o = ode.periods[h];
      expect(Math.abs(o.meanWait! - d.meanWait.mean), `hour ${h} wait`).toBeLessThan(2.5 * d.meanWait.halfWidth!);
      expect(Math.abs(o.meanQueue! - d.meanQueue.mean), `hour ${h} queue`).toBeLessThan(2.5 * d.meanQueue.halfWidth!);
      expect(Math.abs(o.waitTail[0].p! - d.waitTail[0].p.mean), `hour ${h} tail`).toBeLessThan(2.5 * d.waitTail[0].p.halfWidth! + 1e-3);
      expect(Math.abs(o.utilisation! - d.utilisation.mean), `hour ${h} util`).toBeLessThan(2.5 * d.utilisation.halfWidth! + 1e-3);
    }
    expect(ode.peak!.period).toBe(2);
  });

  it('stationary hour-by-hour (PSA) overstates the peak wait several-fold and places it too early', () => {
    const psa = timeVarying({ arrivalRates: RATES, servers: BAYS, serviceRate: 1 / MEAN, method: 'psa' });
    const mol = timeVarying({ arrivalRates: RATES, servers: BAYS, serviceRate: 1 / MEAN, method: 'mol' });
    const des = simulateQueue(
      { servers: BAYS, arrivals: { rate: RATES }, service: { mean: MEAN } },
      { horizon: 360, replications: 3000, seed: 9 },
    );
    const desWaits = des.perPeriod!.map((p) => p.meanWait.mean);
    const desPeakHour = desWaits.indexOf(Math.max(...desWaits));
    const desPeak = des.perPeriod![desPeakHour].meanWait;
    expect(desPeakHour).toBe(2);
    expect(psa.method).toBe('psa');
    expect(psa.peak!.period).toBeLessThan(desPeakHour); // too early
    expect(psa.peak!.meanWait).toBeGreaterThan(5 * desPeak.upper!); // several-fold (≈ 9×)
    // MOL lags correctly in shape but still overstates; it is the cheap middle ground
    expect(mol.peak!.meanWait).toBeGreaterThan(desPeak.upper!);
    expect(mol.peak!.meanWait).toBeLessThan(psa.peak!.meanWait / 3);
  });

  it('grows the truncation for an overloaded day and stays a proper distribution', () => {
    const r = timeVarying({ arrivalRates: [2, 2, 2], servers: [1, 1, 1], serviceRate: 1, waitThresholds: [30] });
    expect(r.truncation!.maxBoundaryMass).toBeLessThan(1e-9);
    // queue grows about (λ − μ)·t: ≈ 60 after an hour, 120 after two, 180 after three
    expect(r.end!.meanInSystem).toBeGreaterThan(170);
    expect(r.end!.meanInSystem).toBeLessThan(190);
    expect(r.periods[2].meanWait!).toBeGreaterThan(r.periods[0].meanWait!);
    const psa = timeVarying({ arrivalRates: [2, 2, 2], servers: 1, serviceRate: 1, method: 'psa' });
    expect(psa.periods[0].stable).toBe(false);
    expect(psa.periods[0].meanWait).toBeNull();
    expect(JSON.stringify(psa)).not.toMatch(/NaN|Infinity/);
  });

  it('follows servers by hour and an initial state', () => {
    const base = { arrivalRates: [0.1, 0.1], serviceRate: 1 / 30 };
    const few = timeVarying({ ...base, servers: [2, 2] });
    const more = timeVarying({ ...base, servers: [2, 5] });
    expect(more.periods[1].meanWait!).toBeLessThan(few.periods[1].meanWait!);
    const backlog = timeVarying({ ...base, servers: [2, 2], initial: { inSystem: 8 } });
    expect(backlog.periods[0].meanWait!).toBeGreaterThan(few.periods[0].meanWait! * 5);
    expect(() => timeVarying({ ...base, servers: [2] })).toThrow(QueueingInputError);
    expect(() => timeVarying({ ...base, arrivalRates: [0.1, -1], servers: 2 })).toThrow(/arrivalRates.1/);
  });
});
