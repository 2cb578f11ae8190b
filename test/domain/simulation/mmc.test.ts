import { describe, expect, it } from 'vitest';
import { runSimulation } from '../../../src/app/simulations.js';
import { mmc } from '../../../src/domain/queueing/index.js';
import { mmcScenario } from './helpers.js';

describe('cross-check with the queueing engine', () => {
  it('a pure M/M/c express lane reproduces the Erlang C mean wait within its confidence interval', async () => {
    // λ = 120/day = 1/12 per minute, mean service 15 min, c = 2: load 0.625
    const r = await runSimulation({ base: mmcScenario(2, 120, 0.25), variants: [], days: 20, replications: 12, seed: 2024, workers: 0 });
    const exact = mmc({ arrivalRate: 120 / 1440, serviceRate: 1 / 15, servers: 2 });
    if (!exact.stable) throw new Error('unstable');
    const w = r.base.kpis.laneWaitMinutes;
    expect(exact.meanWait).toBeCloseTo(9.6, 1);
    // three half-widths of a 12-replication 95% interval (6.6 standard errors): a correct change to
    // the order of the random draws misses with probability < 1e-4 (the 95% interval alone: 1 in 20)
    expect(Math.abs(w.mean - exact.meanWait), JSON.stringify(w)).toBeLessThanOrEqual(3 * w.halfWidth!);
    expect(w.halfWidth! / exact.meanWait).toBeLessThan(0.15);
    // utilisation of the lane = load per server
    expect(r.base.kpis.laneUtilisation.mean).toBeGreaterThan(0.58);
    expect(r.base.kpis.laneUtilisation.mean).toBeLessThan(0.67);
  });
});
