import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixedClock, startTestServer, type TestServer } from '../helpers.js';

let s: TestServer;
let wid: string;
const clock = fixedClock(Date.parse('2026-11-24T08:00:00Z')); // Tuesday 09:00 Berlin
beforeAll(async () => {
  s = await startTestServer({ DATA_PATH: ':memory:', DEMO: 'true' }, { clock });
  wid = (await s.req('GET', '/v1/workshops')).body.items[0].id;
});
afterAll(() => s.close());

describe('POST /v1/queueing/estimate', () => {
  it('answers the textbook M/M/3 (Gross & Harris: λ=6, μ=3)', async () => {
    const r = await s.req('POST', '/v1/queueing/estimate', { model: 'mmc', arrivalRate: 6, serviceRate: 3, servers: 3 });
    expect(r.status).toBe(200);
    expect(r.body.p0).toBeCloseTo(1 / 9, 10);
    expect(r.body.meanQueue).toBeCloseTo(8 / 9, 10);
    expect(r.body.meanWait).toBeCloseTo(4 / 27, 10);
  });

  it('reports an unstable system with its growth rate, never a negative wait', async () => {
    const r = await s.req('POST', '/v1/queueing/estimate', { model: 'mmc', arrivalRate: 1, serviceRate: 0.25, servers: 3 });
    expect(r.status).toBe(200);
    expect(r.body.stable).toBe(false);
    // λ − cμ = 1 − 3 × 0.25 = 0.25 customers per minute; the wait of later arrivals grows by 0.25 / 0.75
    expect(r.body.growth.queueGrowthPerMinute).toBeCloseTo(0.25, 12);
    expect(r.body.growth.waitGrowthPerMinute).toBeCloseTo(1 / 3, 12);
    expect(r.body.meanWait).toBeUndefined();
  });

  it('runs the time-varying ODE, staffing and shift planning', async () => {
    const tv = await s.req('POST', '/v1/queueing/estimate', { model: 'time_varying', arrivalRates: [0.5, 0.3, 0.1], servers: 3, serviceRate: 0.125 });
    expect(tv.body.method).toBe('ode');
    expect(tv.body.periods).toHaveLength(3);
    const st = await s.req('POST', '/v1/queueing/estimate', {
      model: 'staffing',
      arrivalRates: [0.5, 0.2],
      serviceRate: 0.125,
      target: { kind: 'wait_within', maxWait: 10, probability: 0.8 },
    });
    expect(st.status).toBe(200);
    expect(st.body.squareRoot.periods).toHaveLength(2);
    const sp = await s.req('POST', '/v1/queueing/estimate', {
      model: 'shift_plan',
      requirement: [1, 2, 3, 3, 2, 1, 1, 2],
      patterns: [
        { id: 'early', start: 0, length: 5, cost: 5 },
        { id: 'late', start: 3, length: 5, cost: 5 },
      ],
    });
    expect(sp.status).toBe(200);
    expect(sp.body.uncovered).toEqual([]);
    expect(sp.body.solvedBy).toBe('ip');
    expect(sp.body.totalCost).toBe(25);
  });

  it('rejects impossible input naming the field', async () => {
    const cases: [unknown, string][] = [
      [{ model: 'mmc', arrivalRate: -1, serviceRate: 3, servers: 3 }, 'arrivalRate'],
      [{ model: 'mmc', arrivalRate: 1, serviceRate: 3, servers: 0 }, 'servers'],
      [{ model: 'mmck', arrivalRate: 1, serviceRate: 3, servers: 3, capacity: 2 }, 'capacity'],
      [{ model: 'teleport' }, 'model'],
      [{ model: 'time_varying', arrivalRates: [0.1, -2], servers: 1, serviceRate: 1 }, 'arrivalRates[1]'],
      [{ model: 'conditional_wait', servers: 2, busy: 3, queueAhead: 0, service: { mean: 10 } }, 'busy'],
    ];
    for (const [body, path] of cases) {
      const r = await s.req('POST', '/v1/queueing/estimate', body);
      expect(r.status, JSON.stringify(body)).toBe(400);
      expect(r.headers.get('content-type')).toContain('application/problem+json');
      expect(r.body.errors.map((e: { path: string }) => e.path)).toContain(path);
    }
  });
});

describe('workshop queueing endpoints', () => {
  it('forecasts reception by hour with advisors needed', async () => {
    const r = await s.req('GET', `/v1/workshops/${wid}/reception-forecast?date=2026-11-25`);
    expect(r.status).toBe(200);
    expect(r.body.method).toBe('ode');
    expect(r.body.hours[0].hour).toBe('07:00');
    const booked = r.body.hours.reduce((a: number, h: { bookedArrivals: number }) => a + h.bookedArrivals, 0);
    const listed = await s.req('GET', `/v1/workshops/${wid}/appointments?from=2026-11-25&to=2026-11-25&limit=1`);
    expect(booked).toBe(listed.body.total);
    const one = await s.req('GET', `/v1/workshops/${wid}/reception-forecast?date=2026-11-25&advisors=1`);
    const peak = (x: { hours: { meanWaitMinutes: number }[] }) => Math.max(...x.hours.map((h) => h.meanWaitMinutes));
    expect(peak(one.body)).toBeGreaterThan(peak(r.body)); // fewer advisors, longer waits
    const sunday = await s.req('GET', `/v1/workshops/${wid}/reception-forecast?date=2026-11-29`);
    expect(sunday.body.open).toBe(false);
  });

  it('gives a walk-in ETA for the express lane, growing with the queue', async () => {
    const empty = await s.req('GET', `/v1/workshops/${wid}/walk-in-eta?opCodes=OIL-SVC`);
    expect(empty.status).toBe(200);
    expect(empty.body.lane.id).toBe('express');
    expect(empty.body.wait.meanMinutes).toBe(0);
    // three oil services checked in ahead on a two-server lane
    for (let i = 0; i < 3; i++) {
      const a = await s.req('POST', `/v1/workshops/${wid}/appointments`, {
        customer: { name: `Q${i}` },
        vehicle: {},
        plannedArrival: '2026-11-24T08:45:00+01:00',
        operations: [{ opCode: 'OIL-SVC' }],
      });
      await s.req('PATCH', `/v1/appointments/${a.body.id}`, { status: 'checked_in' });
    }
    const busy = await s.req('GET', `/v1/workshops/${wid}/walk-in-eta?opCodes=OIL-SVC`);
    expect(busy.body.state.queued).toBe(3);
    expect(busy.body.wait.meanMinutes).toBeGreaterThan(10);
    expect(Date.parse(busy.body.readyBy.p90)).toBeGreaterThan(Date.parse(empty.body.readyBy.p90));
    const bad = await s.req('GET', `/v1/workshops/${wid}/walk-in-eta?opCodes=CLUTCH`);
    expect(bad.status).toBe(400);
    expect(bad.body.errors[0].path).toBe('query.opCodes');
    const lane = await s.req('GET', `/v1/workshops/${wid}/walk-in-eta?opCodes=OIL-SVC&lane=teleport`);
    expect(lane.status).toBe(400);
    expect(lane.body.errors[0].path).toBe('query.lane');
  });

  it('shows load versus capacity by skill and bay per day with a lead-time estimate', async () => {
    const r = await s.req('GET', `/v1/workshops/${wid}/capacity-outlook?from=2026-11-25&to=2026-11-28`);
    expect(r.status).toBe(200);
    expect(r.body.days).toHaveLength(4);
    const wed = r.body.days[0];
    expect(wed.appointments).toBeGreaterThan(0);
    expect(wed.utilisation).toBeGreaterThan(0);
    expect(wed.utilisation).toBeLessThan(1.5);
    expect(wed.bySkill.find((x: { skill: string }) => x.skill === 'brakes').capacityMinutes).toBeGreaterThan(0);
    expect(wed.unplannedLeadTime.stable).toBe(true);
    const sat = r.body.days[3];
    expect(sat.capacityStandardMinutes).toBeLessThan(wed.capacityStandardMinutes);
    const bad = await s.req('GET', `/v1/workshops/${wid}/capacity-outlook?from=2026-11-28&to=2026-11-20`);
    expect(bad.status).toBe(400);
  });
});
