import { describe, expect, it } from 'vitest';
import { QueueingInputError, halfinWhittDelay, mmc, staffing, timeVarying } from '../../../src/domain/queueing/index.js';

const PER_HOUR = [6, 7, 5, 3, 2, 1];
const RATES = PER_HOUR.map((x) => x / 60);

describe('staffing', () => {
  it('stationary: the fewest servers meeting "80% wait under 10 minutes" (checked by brute force)', () => {
    const target = { kind: 'wait_within' as const, maxWait: 10, probability: 0.8 };
    const r = staffing({ arrivalRates: RATES, serviceRate: 1 / 40, target, method: 'stationary' });
    r.stationary!.periods.forEach((p, h) => {
      const meets = (c: number) => {
        const m = mmc({ arrivalRate: RATES[h], serviceRate: 1 / 40, servers: c, waitThresholds: [10] });
        return m.stable && m.waitTail[0].p <= 0.2;
      };
      expect(meets(p.servers), `hour ${h}`).toBe(true);
      if (p.servers > 1) expect(meets(p.servers - 1), `hour ${h} minus one`).toBe(false);
      expect(p.meets).toBe(true);
    });
    expect(r.ode).toBeUndefined();
  });

  it('ode: every hour meets the target on the whole day and the day needs fewer server-hours than stationary', () => {
    const target = { kind: 'mean_wait' as const, maxMeanWait: 5 };
    const r = staffing({ arrivalRates: RATES, serviceRate: 1 / 40, target });
    expect(r.ode!.allMet).toBe(true);
    const check = timeVarying({ arrivalRates: RATES, servers: r.ode!.periods.map((p) => p.servers), serviceRate: 1 / 40 });
    check.periods.forEach((p) => expect(p.meanWait!).toBeLessThanOrEqual(5 + 1e-9));
    expect(r.ode!.serverPeriods).toBeLessThan(r.stationary!.serverPeriods);
    // minimality: removing any one server breaks some hour
    for (let h = 0; h < RATES.length; h++) {
      const c = r.ode!.periods.map((p) => p.servers);
      if (c[h] <= 1) continue;
      c[h]--;
      const t = timeVarying({ arrivalRates: RATES, servers: c, serviceRate: 1 / 40 });
      expect(t.periods.some((p) => p.meanWait! > 5), `hour ${h}`).toBe(true);
    }
  });

  it('square-root rule: β from the Halfin–Whitt delay target, close to exact staffing at scale', () => {
    expect(halfinWhittDelay(0)).toBe(1);
    const target = { kind: 'delay_probability' as const, maxProbability: 0.2 };
    const r = staffing({ arrivalRates: [100], serviceRate: 1, target, method: 'stationary' });
    const beta = r.squareRoot.periods[0].beta;
    expect(halfinWhittDelay(beta)).toBeCloseTo(0.2, 9);
    expect(beta).toBeGreaterThan(1);
    expect(beta).toBeLessThan(1.2);
    expect(Math.abs(r.squareRoot.periods[0].servers - r.stationary!.periods[0].servers)).toBeLessThanOrEqual(1);
  });

  it('validates the target with a field path', () => {
    try {
      staffing({ arrivalRates: [0.1], serviceRate: 1, target: { kind: 'wait_within', maxWait: 10, probability: 1.5 } });
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(QueueingInputError);
      expect((e as QueueingInputError).field).toBe('target.probability');
    }
  });
});
