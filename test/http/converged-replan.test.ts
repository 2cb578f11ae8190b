/**
 * A replan stops when it has converged: on a small workshop it ends far below its iteration cap
 * (asserted by iterations, not by time), and the same seed and cap still give the same plan.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { APPOINTMENT, seedSmallWorkshop, startTestServer, type TestServer } from '../helpers.js';

const CAP = 100_000;
let s: TestServer;
let w: Awaited<ReturnType<typeof seedSmallWorkshop>>;
beforeAll(async () => {
  // a cap no converged search comes near; with it, the wall-clock budget is out of play (60 s)
  s = await startTestServer({ SOLVER_MAX_ITERATIONS: String(CAP) });
  w = await seedSmallWorkshop(s);
  for (const at of ['2026-11-24T09:00:00+01:00', '2026-11-24T10:00:00+01:00', '2026-11-25T08:00:00+01:00'])
    await s.req('POST', `/v1/workshops/${w.id}/appointments`, { ...APPOINTMENT, plannedArrival: at, promisedAt: at.replace(/T\d\d/, 'T15') });
});
afterAll(() => s.close());

describe('converged replans', () => {
  it('a small workshop plans in a few hundred iterations, not up to the cap', async () => {
    const r = await s.req('POST', `/v1/workshops/${w.id}/plan`, { seed: 7 });
    expect(r.status).toBe(200);
    expect(r.body.assignments).toHaveLength(4);
    expect(['stalled', 'lower_bound']).toContain(r.body.stats.converged);
    expect(r.body.stats.iterations).toBeLessThan(1_000);
    // the warm-started replan of an unchanged workshop converges too
    const again = await s.req('POST', `/v1/workshops/${w.id}/plan`, { seed: 7 });
    expect(again.body.stats.iterations).toBeLessThan(1_000);
    expect(again.body.assignments).toEqual(r.body.assignments);
  });
});
