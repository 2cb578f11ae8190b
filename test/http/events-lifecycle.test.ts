/**
 * Floor events against the repair order's lifecycle, through HTTP: a closed order (ready,
 * delivered, cancelled, no-show) takes no job-clock event (409 illegal_transition, nothing
 * allowed), and events of an operation arrive in order: the wrong state is a 409 naming what is
 * allowed, a time before the operation's previous event is a 400 naming `at`. A refused event
 * changes nothing and is not recorded.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { APPOINTMENT, fixedClock, seedSmallWorkshop, startTestServer, type TestServer } from '../helpers.js';

const clock = fixedClock(Date.parse('2026-11-24T11:00:00Z')); // Tuesday 12:00 Berlin
let s: TestServer;
let w: Awaited<ReturnType<typeof seedSmallWorkshop>>;
beforeAll(async () => {
  s = await startTestServer({}, { clock });
});
// a workshop of its own for every test: work left in progress by one test cannot meet another's
beforeEach(async () => {
  w = await seedSmallWorkshop(s);
});
afterAll(() => s.close());

const ev = (id: string, body: Record<string, unknown>) => s.req('POST', `/v1/appointments/${id}/events`, body);
const book = async () => {
  const r = await s.req('POST', `/v1/workshops/${w.id}/appointments`, { ...APPOINTMENT, plannedArrival: '2026-11-24T08:00:00+01:00', transport: 'drop_off', promisedAt: '2026-11-24T16:00:00+01:00' });
  expect(r.status).toBe(201);
  return r.body.id as string;
};
const ok = async (id: string, body: Record<string, unknown>) => {
  const r = await ev(id, body);
  expect(r.status, JSON.stringify(r.body)).toBe(201);
  return r.body.appointment;
};
/** Every job-clock event and a check-in are refused with 409 and leave the order and its event list as they were. */
async function expectRefusesAll(id: string, status: string, cases: Record<string, unknown>[]) {
  const before = (await s.req('GET', `/v1/appointments/${id}`)).body;
  const events = (await s.req('GET', `/v1/appointments/${id}/events`)).body.items.length;
  for (const body of cases) {
    const r = await ev(id, body);
    expect(r.status, `${status}: ${JSON.stringify(body)} → ${JSON.stringify(r.body)}`).toBe(409);
    expect(r.headers.get('content-type')).toContain('application/problem+json');
    expect(r.body).toMatchObject({ code: 'illegal_transition', from: status, allowed: [] });
  }
  expect((await s.req('GET', `/v1/appointments/${id}`)).body).toEqual(before);
  expect((await s.req('GET', `/v1/appointments/${id}/events`)).body.items).toHaveLength(events);
}

describe('events on closed repair orders', () => {
  const jobClock = () => [
    { type: 'checked_in' },
    { type: 'op_started', opIndex: 0, technicianId: w.techId },
    { type: 'op_paused', opIndex: 0, reason: 'waiting_parts' },
    { type: 'op_resumed', opIndex: 0 },
    { type: 'op_finished', opIndex: 0 },
  ];

  it('ready: the work is done, no job-clock event', async () => {
    const id = await book();
    await ok(id, { type: 'checked_in', at: '2026-11-24T08:00:00+01:00' });
    await ok(id, { type: 'op_started', opIndex: 0, technicianId: w.techId, at: '2026-11-24T08:10:00+01:00' });
    expect((await ok(id, { type: 'op_finished', opIndex: 0, at: '2026-11-24T08:40:00+01:00' })).status).toBe('ready');
    await expectRefusesAll(id, 'ready', jobClock());
  });

  it('delivered', async () => {
    const id = await book();
    await ok(id, { type: 'checked_in', at: '2026-11-24T08:00:00+01:00' });
    await ok(id, { type: 'op_started', opIndex: 0, technicianId: w.techId, at: '2026-11-24T08:10:00+01:00' });
    await ok(id, { type: 'op_finished', opIndex: 0, at: '2026-11-24T08:40:00+01:00' });
    expect((await s.req('PATCH', `/v1/appointments/${id}`, { status: 'delivered' })).status).toBe(200);
    await expectRefusesAll(id, 'delivered', jobClock());
  });

  it('cancelled and no-show, before any work', async () => {
    const cancelled = await book();
    expect((await s.req('PATCH', `/v1/appointments/${cancelled}`, { status: 'cancelled' })).status).toBe(200);
    await expectRefusesAll(cancelled, 'cancelled', jobClock());
    const noShow = await book();
    expect((await s.req('PATCH', `/v1/appointments/${noShow}`, { status: 'no_show' })).status).toBe(200);
    await expectRefusesAll(noShow, 'no_show', jobClock());
  });

  it('cancelled while checked in (the vehicle left): no work starts', async () => {
    const id = await book();
    await ok(id, { type: 'checked_in', at: '2026-11-24T08:00:00+01:00' });
    expect((await s.req('PATCH', `/v1/appointments/${id}`, { status: 'cancelled' })).status).toBe(200);
    await expectRefusesAll(id, 'cancelled', jobClock());
  });
});

describe('events out of order', () => {
  it('the wrong state for an event is a 409 naming the events allowed; a second check-in is refused', async () => {
    const id = await book();
    const early = await ev(id, { type: 'op_finished', opIndex: 0 });
    expect(early.status).toBe(409); // booked: the order must be checked in first
    await ok(id, { type: 'checked_in', at: '2026-11-24T08:00:00+01:00' });
    const again = await ev(id, { type: 'checked_in', at: '2026-11-24T08:05:00+01:00' });
    expect(again.status).toBe(409);
    expect(again.body).toMatchObject({ code: 'illegal_transition', from: 'checked_in' });
    const cases: [Record<string, unknown>, string, string[]][] = [
      [{ type: 'op_paused', opIndex: 0, reason: 'waiting_parts' }, 'pending', ['op_started', 'parts_delayed']],
      [{ type: 'op_resumed', opIndex: 0 }, 'pending', ['op_started', 'parts_delayed']],
      [{ type: 'op_finished', opIndex: 0 }, 'pending', ['op_started', 'parts_delayed']],
    ];
    for (const [body, from, allowed] of cases) {
      const r = await ev(id, body);
      expect(r.status, JSON.stringify(body)).toBe(409);
      expect(r.body, JSON.stringify(body)).toMatchObject({ code: 'illegal_transition', from, allowed });
    }
    await ok(id, { type: 'op_started', opIndex: 0, technicianId: w.techId, at: '2026-11-24T08:10:00+01:00' });
    for (const body of [{ type: 'op_started', opIndex: 0, technicianId: w.techId }, { type: 'op_resumed', opIndex: 0 }]) {
      const r = await ev(id, body);
      expect(r.status, JSON.stringify(body)).toBe(409);
      expect(r.body).toMatchObject({ from: 'in_progress', allowed: ['op_paused', 'op_finished'] });
    }
    await ok(id, { type: 'op_paused', opIndex: 0, reason: 'waiting_parts', at: '2026-11-24T08:30:00+01:00' });
    for (const body of [{ type: 'op_finished', opIndex: 0 }, { type: 'op_paused', opIndex: 0, reason: 'waiting_approval' }]) {
      const r = await ev(id, body);
      expect(r.status, JSON.stringify(body)).toBe(409);
      expect(r.body).toMatchObject({ from: 'paused', allowed: ['op_resumed', 'parts_delayed', 'parts_arrived'] });
    }
    const events = (await s.req('GET', `/v1/appointments/${id}/events`)).body.items.map((e: { type: string }) => e.type);
    expect(events).toEqual(['checked_in', 'op_started', 'op_paused']);
  });

  it('an event dated before the operation’s previous one is a 400 naming `at`, and changes nothing', async () => {
    const id = await book();
    await ok(id, { type: 'checked_in', at: '2026-11-24T08:00:00+01:00' });
    await ok(id, { type: 'op_started', opIndex: 0, technicianId: w.techId, at: '2026-11-24T09:00:00+01:00' });
    const before = (await s.req('GET', `/v1/appointments/${id}`)).body;
    for (const body of [
      { type: 'op_finished', opIndex: 0, at: '2026-11-24T08:59:00+01:00' },
      { type: 'op_paused', opIndex: 0, reason: 'waiting_parts', at: '2026-11-24T08:30:00+01:00' },
    ]) {
      const r = await ev(id, body);
      expect(r.status, JSON.stringify(body)).toBe(400);
      expect(r.body.errors[0]).toMatchObject({ path: 'at', code: 'out_of_order' });
    }
    expect((await s.req('GET', `/v1/appointments/${id}`)).body).toEqual(before);
    // after a pause and a resume, the resume is the reference
    await ok(id, { type: 'op_paused', opIndex: 0, reason: 'waiting_approval', at: '2026-11-24T09:20:00+01:00' });
    await ok(id, { type: 'op_resumed', opIndex: 0, at: '2026-11-24T10:00:00+01:00' });
    const r = await ev(id, { type: 'op_finished', opIndex: 0, at: '2026-11-24T09:50:00+01:00' });
    expect(r.status).toBe(400);
    expect(r.body.errors[0]).toMatchObject({ path: 'at', code: 'out_of_order' });
    const done = await ok(id, { type: 'op_finished', opIndex: 0, at: '2026-11-24T10:30:00+01:00' });
    expect(done.operations[0].workedMinutes).toBe(50); // 09:00–09:20 and 10:00–10:30
  });

  // Known bugs (found writing this suite; src/app/floor.ts, recordEvent): these fail until fixed.
  it('a resume dated before its pause is a 400 out_of_order (else the job clock counts the overlap twice)', async () => {
    const id = await book();
    await ok(id, { type: 'checked_in', at: '2026-11-24T08:00:00+01:00' });
    await ok(id, { type: 'op_started', opIndex: 0, technicianId: w.techId, at: '2026-11-24T08:00:00+01:00' });
    await ok(id, { type: 'op_paused', opIndex: 0, reason: 'waiting_parts', at: '2026-11-24T08:50:00+01:00' });
    const r = await ev(id, { type: 'op_resumed', opIndex: 0, at: '2026-11-24T08:10:00+01:00' });
    // today: 201, and a finish at 09:00 then reports 100 worked minutes for 60 of wall time
    expect(r.status, JSON.stringify(r.body)).toBe(400);
    expect(r.body.errors[0]).toMatchObject({ path: 'at', code: 'out_of_order' });
  });

  it('work cannot start before the vehicle was checked in (400 out_of_order)', async () => {
    const id = await book();
    await ok(id, { type: 'checked_in', at: '2026-11-24T09:00:00+01:00' });
    const r = await ev(id, { type: 'op_started', opIndex: 0, technicianId: w.techId, at: '2026-11-24T08:00:00+01:00' });
    // today: 201, and the job clock runs from 08:00, an hour before the vehicle was there
    expect(r.status, JSON.stringify(r.body)).toBe(400);
    expect(r.body.errors[0]).toMatchObject({ path: 'at', code: 'out_of_order' });
  });

  it('a technician who starts a second vehicle while the first is still in progress does not take the plan down (no 500)', async () => {
    const a = await book();
    const b = await book();
    for (const id of [a, b]) await ok(id, { type: 'checked_in', at: '2026-11-24T08:00:00+01:00' });
    await ok(a, { type: 'op_started', opIndex: 0, technicianId: w.techId, at: '2026-11-24T11:50:00+01:00' });
    // forgot to clock off the first car: the floor may accept the start (it happened) or refuse it
    // (409), but today it stores the event, then answers 500, and every plan read of the workshop
    // fails: 'solver produced an infeasible plan: tech_overlap' between the two fixed operations
    const r = await ev(b, { type: 'op_started', opIndex: 0, technicianId: w.techId, at: '2026-11-24T11:55:00+01:00' });
    expect(r.status, JSON.stringify(r.body)).not.toBe(500);
    expect((await s.req('GET', `/v1/workshops/${w.id}/plan`)).status).toBe(200);
    expect((await s.req('GET', `/v1/workshops/${w.id}/board?date=2026-11-24`)).status).toBe(200);
  });
});
