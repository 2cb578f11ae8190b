/**
 * The simulator runs the workshop's own policy with the service's rules (src/domain/rules): the
 * waiter's longest wait, the promise rule's move of a drop-off promise to the next opening.
 */
import { describe, expect, it } from 'vitest';
import { compileScenario } from '../../../src/app/simulations.js';
import { runReplication, simulateReplication } from '../../../src/domain/simulation/engine.js';
import { POLICY_DEFAULTS } from '../../../src/domain/rules/index.js';
import { tinyScenario } from './helpers.js';

const withPolicy = (policy: Record<string, unknown>, booking: 'availability' | 'insertion') => {
  const base = tinyScenario();
  return compileScenario(tinyScenario({ workshop: { ...base.workshop, policy: { ...base.workshop.policy, ...policy } }, simulation: { booking } }), { days: 5 });
};

describe('the simulator runs the workshop policy', () => {
  it("compiles the scenario's whole policy, defaults included", () => {
    const w = compileScenario(tinyScenario(), { days: 1 });
    expect(w.policy).toEqual(POLICY_DEFAULTS);
    expect(withPolicy({ waiterMaxWaitMinutes: 45, promiseHeadroom: 0.01 }, 'insertion').policy).toEqual({ ...POLICY_DEFAULTS, waiterMaxWaitMinutes: 45, promiseHeadroom: 0.01 });
  });

  for (const booking of ['insertion', 'availability'] as const)
    it(`${booking} booking: no waiter is booked beyond the policy's waiterMaxWaitMinutes (15 min < any job + the 15-min handover)`, async () => {
      const opts = { seed: 2, replication: 0, solverIterations: 5 };
      const strict = await simulateReplication(withPolicy({ waiterMaxWaitMinutes: 15 }, booking), opts);
      const loose = await simulateReplication(withPolicy({ waiterMaxWaitMinutes: 720 }, booking), opts);
      // the tiny garage has no lane: every waiter is scheduled work, refused when it cannot be ready within 15 min
      expect(loose.kpis.waiterWaitMinutes).toBeGreaterThan(0);
      expect(strict.kpis.waiterWaitMinutes).toBeNaN();
      expect(strict.counts.turnedAway).toBeGreaterThan(loose.counts.turnedAway);
    });

  it('a drop-off promise never falls while the workshop is closed (it moves to the next opening)', async () => {
    let moved = 0;
    for (const booking of ['insertion', 'availability'] as const) {
      const s = await runReplication(compileScenario(tinyScenario({ simulation: { booking } }), { days: 10 }), { seed: 4, replication: 0, solverIterations: 5 });
      const promised = s.ros.filter((ro) => !ro.waiter && ro.lane < 0 && !Number.isNaN(ro.promise));
      expect(promised.length).toBeGreaterThan(30);
      const last = s.openDays[s.openDays.length - 1].end;
      // ready at closing time counts as open (the customer collects as the doors close)
      const closed = promised.filter((ro) => ro.promise < last && !s.openDays.some((d) => d.start <= ro.promise && ro.promise <= d.end));
      expect(closed.map((ro) => `${ro.key} promised at ${ro.promise}`)).toEqual([]);
      // promised at a day's opening: moved there (the forecast's quantile fell at night)
      moved += promised.filter((ro) => s.openDays.some((d) => d.start === ro.promise)).length;
    }
    expect(moved).toBeGreaterThan(0);
  });
});
