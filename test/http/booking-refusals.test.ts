/**
 * The product's claim at booking time, through HTTP: a booking that would push an existing drop-off
 * promise below the workshop target is refused (409 capacity_exhausted) and the refusal names that
 * promise (the quote's effectOnExistingPromises.belowTarget); nothing is stored; booking one of the
 * 409's alternatives succeeds and hurts nobody.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixedClock, startTestServer, WORKSHOP, type TestServer } from '../helpers.js';

const NOW = Date.parse('2026-11-24T06:00:00Z'); // Tuesday 07:00 Berlin
let s: TestServer;
let wid: string;
beforeAll(async () => {
  s = await startTestServer({}, { clock: fixedClock(NOW) });
  wid = (await s.req('POST', '/v1/workshops', { ...WORKSHOP, policy: { targetOnTime: 0.9, handoverBufferMinutes: 10 } })).body.id;
  await s.req('POST', `/v1/workshops/${wid}/bays`, { name: 'Lift', capabilities: ['lift'] });
  await s.req('POST', `/v1/workshops/${wid}/technicians`, {
    name: 'Solo',
    skills: { maintenance: 'A' },
    efficiency: 1,
    shifts: ['mon', 'tue', 'wed', 'thu', 'fri'].map((weekday) => ({ weekday, start: '08:00', end: '16:00', breaks: [{ start: '12:00', end: '12:30' }] })),
  });
  await s.req('POST', `/v1/workshops/${wid}/operations`, { opCode: 'SVC', name: 'Service', standardHours: 1, skill: 'maintenance', bayCapability: 'lift', cv: 0.2 });
  // long and uncertain: planned 08:00–10:00 in front of the drop-off, its overruns spill into it
  await s.req('POST', `/v1/workshops/${wid}/operations`, { opCode: 'BIG', name: 'Engine work', standardHours: 2, skill: 'maintenance', bayCapability: 'lift', cv: 0.5 });
});
afterAll(() => s.close());

const request = (plannedArrival: string) => ({
  customer: { name: 'Late caller' },
  vehicle: { plate: 'B-NEW 1' },
  plannedArrival,
  transport: 'drop_off',
  operations: [{ opCode: 'BIG' }],
});

describe('booking against existing promises', () => {
  it('refuses a booking that would push a drop-off promise below target, names it, stores nothing; an offered alternative books', async () => {
    const drop = await s.req('POST', `/v1/workshops/${wid}/appointments`, {
      customer: { name: 'Drop-off' },
      vehicle: { plate: 'B-OLD 1' },
      plannedArrival: '2026-11-24T10:00:00+01:00',
      transport: 'drop_off',
      operations: [{ opCode: 'SVC' }],
    });
    expect(drop.status).toBe(201);
    expect(drop.body.quote.onTimeProbability).toBeGreaterThanOrEqual(0.9);
    const etaBefore = (await s.req('GET', `/v1/appointments/${drop.body.id}/eta`)).body;
    expect(etaBefore.probabilityOnTime).toBeGreaterThanOrEqual(0.9);

    // the quote tells the same story without booking
    const { customer: _c, vehicle: _v, ...quoteBody } = request('2026-11-24T08:00:00+01:00');
    const q = await s.req('POST', `/v1/workshops/${wid}/quotes`, quoteBody);
    expect(q.status).toBe(200);
    expect(q.body.bookable).toBe(false);
    expect(q.body.effectOnExistingPromises.belowTarget).toEqual([{ appointmentId: drop.body.id, before: expect.any(Number), after: expect.any(Number) }]);
    const [victim] = q.body.effectOnExistingPromises.belowTarget;
    expect(victim.before).toBeGreaterThanOrEqual(0.9);
    expect(victim.after).toBeLessThan(0.9);
    expect(q.body.effectOnExistingPromises.affected).toBeGreaterThanOrEqual(1);

    const refused = await s.req('POST', `/v1/workshops/${wid}/appointments`, request('2026-11-24T08:00:00+01:00'));
    expect(refused.status).toBe(409);
    expect(refused.headers.get('content-type')).toContain('application/problem+json');
    expect(refused.body.code).toBe('capacity_exhausted');
    expect(refused.body.detail).toMatch(/1 existing promise/);
    expect(refused.body.quote.effectOnExistingPromises.belowTarget.map((v: { appointmentId: string }) => v.appointmentId)).toEqual([drop.body.id]);
    // nothing stored, the existing promise untouched
    const list = await s.req('GET', `/v1/workshops/${wid}/appointments`);
    expect(list.body.items.map((a: { id: string }) => a.id)).toEqual([drop.body.id]);
    expect((await s.req('GET', `/v1/appointments/${drop.body.id}/eta`)).body.probabilityOnTime).toBe(etaBefore.probabilityOnTime);

    // the alternatives: later drop-offs, each a promise at the target
    const alts = refused.body.alternatives as { start: string; promisedReadyBy: string; onTimeProbability: number }[];
    expect(alts.length).toBeGreaterThan(0);
    for (const alt of alts) {
      expect(Date.parse(alt.start)).toBeGreaterThan(Date.parse('2026-11-24T08:00:00+01:00'));
      expect(Date.parse(alt.promisedReadyBy)).toBeGreaterThan(Date.parse(alt.start));
      expect(alt.onTimeProbability).toBeGreaterThanOrEqual(0.9);
    }
    const booked = await s.req('POST', `/v1/workshops/${wid}/appointments`, request(alts[0].start));
    expect(booked.status, JSON.stringify(booked.body)).toBe(201);
    expect(booked.body.plannedArrival).toBe(alts[0].start);
    expect(booked.body.quote.bookable).toBe(true);
    expect(booked.body.quote.effectOnExistingPromises.belowTarget).toEqual([]);
    expect(booked.body.quote.onTimeProbability).toBeGreaterThanOrEqual(0.9);
    // and the drop-off's promise is still kept at the target with the new vehicle on the floor
    expect((await s.req('GET', `/v1/appointments/${drop.body.id}/eta`)).body.probabilityOnTime).toBeGreaterThanOrEqual(0.9);
  });
});
