/** The local search stops when it has converged (iteration counts, never the clock). */
import { describe, expect, it } from 'vitest';
import { convergenceFor, generateWorkshop, solve, verifyPlan } from '../../../src/domain/scheduling/index.js';
import { NO_CLOCK, tinyModel } from './helpers.js';

describe('convergence of the local search', () => {
  it('stops at the lower bound when the plan cannot get better', async () => {
    // two independent jobs on two technicians: the construction is optimal
    const m = tinyModel({
      techs: [{ key: 'T0', work: [0, 1000] }, { key: 'T1', work: [0, 1000] }],
      ops: [
        { key: 'a', job: 0, alternatives: [{ tech: 0, minutes: 30 }] },
        { key: 'b', job: 1, alternatives: [{ tech: 1, minutes: 20 }] },
      ],
    });
    const { plan, stats } = await solve(m, { objective: 'workshop', timeLimitMs: NO_CLOCK, maxIterations: 1_000_000, seed: 1 });
    expect(stats.converged).toBe('lower_bound');
    expect(stats.iterations).toBe(0);
    expect(plan.objective.sumCompletion).toBe(50);
  });

  it('stops once a window of iterations gains nothing, far below the cap; same seed, same plan', async () => {
    const m = generateWorkshop({ seed: 3, techs: 4, bays: 3, ops: 40, days: 2 });
    const n = m.ops.length;
    const a = await solve(m, { objective: 'workshop', timeLimitMs: NO_CLOCK, maxIterations: 1_000_000, seed: 5 });
    expect(['stalled', 'lower_bound']).toContain(a.stats.converged);
    expect(a.stats.iterations).toBeLessThan(50 * convergenceFor(n).window);
    expect(verifyPlan(m, a.plan)).toEqual([]);
    const b = await solve(m, { objective: 'workshop', timeLimitMs: NO_CLOCK, maxIterations: 1_000_000, seed: 5 });
    expect(b.stats.iterations).toBe(a.stats.iterations);
    expect(b.plan.assignments).toEqual(a.plan.assignments);
  });

  it('convergence: false searches to the cap, and never ends worse than the converged search', async () => {
    const m = generateWorkshop({ seed: 3, techs: 4, bays: 3, ops: 40, days: 2 });
    const conv = await solve(m, { objective: 'workshop', timeLimitMs: NO_CLOCK, maxIterations: 1_000_000, seed: 5 });
    const cap = conv.stats.iterations + 500;
    const full = await solve(m, { objective: 'workshop', timeLimitMs: NO_CLOCK, maxIterations: cap, seed: 5, convergence: false });
    expect(full.stats.converged === null || full.stats.converged === 'lower_bound').toBe(true);
    if (full.stats.converged === null) expect(full.stats.iterations).toBe(cap);
    expect(full.plan.objective.total).toBeLessThanOrEqual(conv.plan.objective.total);
  });
});
