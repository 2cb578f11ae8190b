/**
 * Bounded queueing work (issue 10, finding 2): the probes that froze the server are refused up
 * front naming the limit and the field; an accepted heavy request runs off the event loop (the
 * server keeps answering /healthz meanwhile), is stopped at QUEUEING_DEADLINE_MS, and at most two
 * run at once (503 with Retry-After beyond).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, WORKSHOP, type TestServer } from '../helpers.js';

const tv = (periods: number, servers: number) => ({ model: 'time_varying', arrivalRates: Array(periods).fill(0.8 * servers), servers, serviceRate: 1 });
const cw = (queueAhead: number, samples = 20_000) => ({ model: 'conditional_wait', servers: 3, busy: 3, queueAhead, service: { mean: 30, cv: 0.5 }, samples });
/** accepted, and heavy enough to need a worker (about 10^8 work units: a second or more) */
const HEAVY = cw(1000);

let s: TestServer;
beforeAll(async () => {
  s = await startTestServer();
});
afterAll(() => s.close());

/** Sends /healthz one after another while `pending` is unsettled; returns how many completed before it. */
async function healthzDuring(pending: Promise<unknown>): Promise<number> {
  let done = false;
  void pending.finally(() => (done = true));
  let answered = 0;
  while (!done) {
    const r = await s.req('GET', '/healthz');
    expect(r.status).toBe(200);
    if (!done) answered++;
  }
  return answered;
}

const expectLimit = (r: { status: number; body: any; headers: Headers }, path: string) => {
  expect(r.status).toBe(422);
  expect(r.headers.get('content-type')).toContain('application/problem+json');
  expect(r.body.code).toBe('computation_limit');
  expect(r.body.limit).toMatchObject({ name: 'work', max: expect.any(Number) });
  expect(r.body.limit.estimated).toBeGreaterThan(r.body.limit.max);
  expect(r.body.errors).toEqual([expect.objectContaining({ path, code: 'too_costly' })]);
};

describe('the probes of issue 10 are refused up front, naming the limit and the field', () => {
  it('time_varying with 24 and 100 periods × 1,000 servers', async () => {
    expectLimit(await s.req('POST', '/v1/queueing/estimate', tv(24, 1000)), 'servers');
    expectLimit(await s.req('POST', '/v1/queueing/estimate', tv(100, 1000)), 'servers');
  });

  it('staffing with the ODE at λ = 5 per minute', async () => {
    const r = await s.req('POST', '/v1/queueing/estimate', {
      model: 'staffing',
      arrivalRates: Array(24).fill(5),
      serviceRate: 0.125,
      target: { kind: 'wait_within', maxWait: 10, probability: 0.8 },
      method: 'ode',
    });
    expectLimit(r, 'arrivalRates');
  });

  it('conditional_wait with 10,000 ahead and 20,000 samples', async () => {
    expectLimit(await s.req('POST', '/v1/queueing/estimate', cw(10_000)), 'samples');
    const { samples: _, ...withoutSamples } = cw(10_000);
    expectLimit(await s.req('POST', '/v1/queueing/estimate', withoutSamples), 'queueAhead');
  });

  it('the reception forecast when the asked staffing is beyond the limit', async () => {
    const w = await s.req('POST', '/v1/workshops', WORKSHOP);
    expect(w.status).toBe(201);
    const r = await s.req('GET', `/v1/workshops/${w.body.id}/reception-forecast?date=2026-11-24&advisors=100&walkInsPerDay=1000`);
    expectLimit(r, 'query.advisors');
  });
});

describe('an accepted heavy request runs off the event loop', () => {
  it('answers its result while /healthz requests sent during it complete before it', async () => {
    const heavy = s.req('POST', '/v1/queueing/estimate', HEAVY);
    const answered = await healthzDuring(heavy);
    const r = await heavy;
    // a result, or the deadline's problem on a very slow machine: never a frozen server
    if (r.status === 200) expect(r.body).toMatchObject({ model: 'conditional_wait', method: 'monte-carlo', samples: 20_000 });
    else expect(r.body).toMatchObject({ code: 'computation_limit', limit: { name: 'QUEUEING_DEADLINE_MS' } });
    // on the event loop the heavy request would have held every /healthz sent after it started
    expect(answered).toBeGreaterThanOrEqual(5);
  });

  it('runs at most two at once: a third concurrent one gets 503 with Retry-After', async () => {
    const all = await Promise.all([1, 2, 3].map((seed) => s.req('POST', '/v1/queueing/estimate', { ...HEAVY, seed })));
    const busy = all.filter((r) => r.status === 503);
    expect(busy.length).toBeGreaterThanOrEqual(1);
    for (const r of busy) {
      expect(r.body.code).toBe('unavailable');
      expect(Number(r.headers.get('retry-after'))).toBeGreaterThan(0);
    }
    for (const r of all.filter((x) => x.status !== 503)) expect([200, 422]).toContain(r.status);
    // the slots are free again afterwards
    expect((await s.req('POST', '/v1/queueing/estimate', HEAVY)).status).not.toBe(503);
  });
});

describe('QUEUEING_DEADLINE_MS', () => {
  let short: TestServer;
  beforeAll(async () => {
    short = await startTestServer({ QUEUEING_DEADLINE_MS: '100' });
  });
  afterAll(() => short.close());

  it('stops the worker at the deadline and answers a problem naming the limit', async () => {
    const r = await short.req('POST', '/v1/queueing/estimate', cw(1000, 20_000));
    expect(r.status).toBe(422);
    expect(r.body).toMatchObject({ code: 'computation_limit', limit: { name: 'QUEUEING_DEADLINE_MS', max: 100 } });
    expect(r.body.detail).toContain('QUEUEING_DEADLINE_MS');
    // the slot was released: the next request is not refused as busy
    const again = await short.req('POST', '/v1/queueing/estimate', cw(1000, 20_000));
    expect(again.status).toBe(422);
  });

  it('keeps cheap requests on the event loop, unaffected by the deadline', async () => {
    const r = await short.req('POST', '/v1/queueing/estimate', { model: 'mmc', arrivalRate: 6, serviceRate: 3, servers: 3 });
    expect(r.status).toBe(200);
    expect(r.body.meanWait).toBeCloseTo(4 / 27, 10);
  });
});
