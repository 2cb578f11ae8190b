/**
 * Time is an input, everywhere (issue 12, item 1). With CLIENT_CLOCK=true every request on a
 * workshop or a repair order takes `?asOf`, the request's "now": a replay drives the real service
 * through simulated days — booking through the capacity check, the floor's events, status changes,
 * absences, plans, forecasts, stamps — far from the server's own clock (two weeks after it here, so
 * any use of the server clock shows). Without the setting `asOf` on a write is a 400 naming it.
 * Events are replanned and forecast at their own `at`.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { APPOINTMENT, BAY, FIXED_NOW, OP, TECH, WORKSHOP, fixedClock, startTestServer, type TestServer } from '../helpers.js';

const MIN = 60_000;
/** Monday 7 December 2026, 07:00 in Berlin: two weeks after the test server's clock (FIXED_NOW). */
const T0 = Date.parse('2026-12-07T07:00:00+01:00');
expect(T0 - FIXED_NOW).toBe(14 * 24 * 60 * MIN);
/** Berlin wall time (+01:00 in December) of an instant, as the API renders it. */
const berlin = (ms: number) => new Date(ms + 60 * MIN).toISOString().replace(/\.000Z$/, '+01:00');
const at = (min: number) => berlin(T0 + min * MIN);
const withAsOf = (path: string, asOf: string) => `${path}${path.includes('?') ? '&' : '?'}asOf=${encodeURIComponent(asOf)}`;

/** A client that says what time it is on every call. */
function clientAt(s: TestServer) {
  return (method: string, path: string, asOf: string, body?: unknown, headers?: Record<string, string>) => s.req(method, withAsOf(path, asOf), body, headers);
}

async function seedAt(s: TestServer, asOf: string) {
  const r = clientAt(s);
  const w = await r('POST', '/v1/workshops', asOf, WORKSHOP);
  expect(w.status, JSON.stringify(w.body)).toBe(201);
  const id = w.body.id as string;
  const bay = await r('POST', `/v1/workshops/${id}/bays`, asOf, BAY);
  const tech = await r('POST', `/v1/workshops/${id}/technicians`, asOf, TECH);
  const op = await r('POST', `/v1/workshops/${id}/operations`, asOf, OP);
  for (const x of [w, bay, tech, op]) {
    expect(x.status, JSON.stringify(x.body)).toBe(201);
    expect(Date.parse(x.body.createdAt)).toBe(Date.parse(asOf));
  }
  return { id, bayId: bay.body.id as string, techId: tech.body.id as string };
}

describe('CLIENT_CLOCK=true: a replay in simulated time', () => {
  let s: TestServer;
  beforeAll(async () => {
    s = await startTestServer({ CLIENT_CLOCK: 'true' }, { clock: fixedClock(FIXED_NOW) });
  });
  afterAll(() => s.close());

  it('books, checks in, starts and finishes work, with every check, plan, forecast and stamp at the client\'s asOf', async () => {
    const r = clientAt(s);
    const w = await seedAt(s, at(0));

    // "in the past" is the client's past: 06:00 on 7 December is before its 07:00 (the server, two weeks earlier, would take it)
    const past = await r('POST', `/v1/workshops/${w.id}/appointments`, at(0), { ...APPOINTMENT, plannedArrival: at(-60) });
    expect(past.status, JSON.stringify(past.body)).toBe(422);
    expect(past.body.code).toBe('arrival_in_past');

    // availability: today is the client's today (the default window starts on 7 December)
    const av = await r('GET', `/v1/workshops/${w.id}/availability?opCodes=OIL-SVC&waiter=true`, at(0));
    expect(av.status, JSON.stringify(av.body)).toBe(200);
    expect(Date.parse(av.body.asOf)).toBe(T0);
    expect(av.body.days[0].date).toBe('2026-12-07');
    expect(Date.parse(av.body.slots[0].start)).toBeGreaterThanOrEqual(T0);

    // the capacity-checked booking (no promisedAt) at the client's now
    const booked = await r('POST', `/v1/workshops/${w.id}/appointments`, at(0), { ...APPOINTMENT, plannedArrival: at(60) });
    expect(booked.status, JSON.stringify(booked.body)).toBe(201);
    expect(Date.parse(booked.body.createdAt)).toBe(T0);
    expect(Date.parse(booked.body.updatedAt)).toBe(T0);
    expect(booked.body.quote.bookable).toBe(true);
    expect(Date.parse(booked.body.promisedAt)).toBeGreaterThan(T0 + 60 * MIN);
    const id = booked.body.id as string;

    // the floor, each event at its own time and reported then
    const ev = (asOf: string, body: Record<string, unknown>) => r('POST', `/v1/appointments/${id}/events`, asOf, body);
    const checkedIn = await ev(at(60), { type: 'checked_in', at: at(60) });
    expect(checkedIn.status, JSON.stringify(checkedIn.body)).toBe(201);
    expect(checkedIn.body.appointment.checkedInAt).toBe(at(60));
    expect(Date.parse(checkedIn.body.appointment.updatedAt)).toBe(T0 + 60 * MIN);
    expect(checkedIn.body.eta.asOf).toBe(at(60));

    const started = await ev(at(65), { type: 'op_started', opIndex: 0, technicianId: w.techId, bayId: w.bayId, at: at(65) });
    expect(started.status, JSON.stringify(started.body)).toBe(201);
    expect(started.body.eta.asOf).toBe(at(65));
    expect(started.body.eta.operations[0]).toMatchObject({ status: 'in_progress', plannedStart: at(65) });
    // 30 standard minutes at efficiency 1.1: about 28 minutes, ready with the handover after 08:30
    expect(Date.parse(started.body.eta.forecast.p50)).toBeGreaterThan(T0 + 90 * MIN);
    expect(Date.parse(started.body.eta.forecast.p50)).toBeLessThan(T0 + 180 * MIN);

    // the reads of the day, at the client's now (a plan stays current for up to 15 minutes while
    // nothing changes: its asOf lies between the last event and the read)
    const current = (asOf: string) => {
      expect(Date.parse(asOf)).toBeGreaterThanOrEqual(T0 + 65 * MIN);
      expect(Date.parse(asOf)).toBeLessThanOrEqual(T0 + 80 * MIN);
    };
    const plan = await r('GET', `/v1/workshops/${w.id}/plan`, at(80));
    expect(plan.status).toBe(200);
    expect(plan.body.assignments).toEqual([expect.objectContaining({ appointmentId: id, start: at(65) })]);
    current(plan.body.asOf);
    const board = await r('GET', `/v1/workshops/${w.id}/board`, at(80));
    expect(board.status).toBe(200);
    expect(board.body.date).toBe('2026-12-07');
    current(board.body.asOf);
    expect(board.body.technicians[0].operations.map((o: { appointmentId: string }) => o.appointmentId)).toEqual([id]);
    const eta = await r('GET', `/v1/appointments/${id}/eta`, at(80));
    current(eta.body.asOf);
    const risk = await r('GET', `/v1/workshops/${w.id}/at-risk`, at(80));
    expect(risk.status).toBe(200);
    current(risk.body.asOf);
    const outlook = await r('GET', `/v1/workshops/${w.id}/capacity-outlook`, at(80));
    expect(outlook.status, JSON.stringify(outlook.body)).toBe(200);
    expect(outlook.body.days[0].date).toBe('2026-12-07');
    const reception = await r('GET', `/v1/workshops/${w.id}/reception-forecast`, at(80));
    expect(reception.status, JSON.stringify(reception.body)).toBe(200);
    expect(reception.body.date).toBe('2026-12-07');
    const list = await r('GET', `/v1/workshops/${w.id}/appointments`, at(80));
    expect(list.body.items.map((a: { id: string }) => a.id)).toEqual([id]);

    const finished = await ev(at(95), { type: 'op_finished', opIndex: 0, at: at(95) });
    expect(finished.status, JSON.stringify(finished.body)).toBe(201);
    expect(finished.body.appointment).toMatchObject({ status: 'ready', readyAt: at(95) });
    expect(finished.body.appointment.operations[0].workedMinutes).toBe(30);
    expect(Date.parse(finished.body.appointment.updatedAt)).toBe(T0 + 95 * MIN);

    // a status change stamps the client's now
    const delivered = await r('PATCH', `/v1/appointments/${id}`, at(120), { status: 'delivered' });
    expect(delivered.status, JSON.stringify(delivered.body)).toBe(200);
    expect(delivered.body.deliveredAt).toBe(at(120));
    expect(Date.parse(delivered.body.updatedAt)).toBe(T0 + 120 * MIN);

    // an absence and a replan, at the client's now
    const absent = await r('POST', `/v1/workshops/${w.id}/technicians/${w.techId}/absence`, at(130), { from: at(180), to: at(300), reason: 'training' });
    expect(absent.status, JSON.stringify(absent.body)).toBe(201);
    expect(Date.parse(absent.body.updatedAt)).toBe(T0 + 130 * MIN);
    const replanned = await r('POST', `/v1/workshops/${w.id}/plan`, at(130));
    expect(replanned.status, JSON.stringify(replanned.body)).toBe(200);
    expect(replanned.body.asOf).toBe(at(130));

    // the next day: a booking for tomorrow's 08:00 is refused the day after (it is the past then)
    const late = await r('POST', `/v1/workshops/${w.id}/appointments`, at(24 * 60 + 120), { ...APPOINTMENT, plannedArrival: at(24 * 60 + 60) });
    expect(late.status).toBe(422);
    expect(late.body.code).toBe('arrival_in_past');
  });

  it('an event may be at most 5 minutes after the request\'s asOf (not the server clock)', async () => {
    const r = clientAt(s);
    const w = await seedAt(s, at(0));
    const id = (await r('POST', `/v1/workshops/${w.id}/appointments`, at(0), { ...APPOINTMENT, plannedArrival: at(60) })).body.id as string;
    const ahead = await r('POST', `/v1/appointments/${id}/events`, at(60), { type: 'checked_in', at: at(66) });
    expect(ahead.status).toBe(400);
    expect(ahead.body.errors[0]).toMatchObject({ path: 'at', code: 'future' });
    const ok = await r('POST', `/v1/appointments/${id}/events`, at(60), { type: 'checked_in', at: at(64) });
    expect(ok.status, JSON.stringify(ok.body)).toBe(201);
  });

  it('dates are accepted within 5 years of the request\'s asOf; asOf itself within 5 years of the server clock', async () => {
    const r = clientAt(s);
    const w = await seedAt(s, at(0));
    // 2032 is more than 5 years after the server clock, less than 5 years after the request's 2028
    const asOf = '2028-06-01T08:00:00+02:00';
    const far = { from: '2032-06-01T08:00:00+02:00', to: '2032-06-02T08:00:00+02:00', reason: 'vacation' };
    const ok = await r('POST', `/v1/workshops/${w.id}/technicians/${w.techId}/absence`, asOf, far);
    expect(ok.status, JSON.stringify(ok.body)).toBe(201);
    const refused = await r('POST', `/v1/workshops/${w.id}/technicians/${w.techId}/absence`, at(0), far);
    expect(refused.status).toBe(400);
    expect(refused.body.errors[0]).toMatchObject({ path: 'from', code: 'out_of_window' });
    const tooFar = await r('GET', `/v1/workshops/${w.id}/plan`, '2040-01-01T00:00:00Z');
    expect(tooFar.status).toBe(400);
    expect(tooFar.body.errors[0]).toMatchObject({ path: 'query.asOf', code: 'out_of_window' });
  });
});

describe('without CLIENT_CLOCK the service keeps the clock', () => {
  let s: TestServer;
  let w: { id: string; bayId: string; techId: string };
  let id: string;
  beforeAll(async () => {
    s = await startTestServer({}, { clock: fixedClock(FIXED_NOW) });
    const r = (m: string, p: string, b?: unknown) => s.req(m, p, b);
    const ws = await r('POST', '/v1/workshops', WORKSHOP);
    w = {
      id: ws.body.id,
      bayId: (await r('POST', `/v1/workshops/${ws.body.id}/bays`, BAY)).body.id,
      techId: (await r('POST', `/v1/workshops/${ws.body.id}/technicians`, TECH)).body.id,
    };
    await r('POST', `/v1/workshops/${w.id}/operations`, OP);
    id = (await r('POST', `/v1/workshops/${w.id}/appointments`, { ...APPOINTMENT, plannedArrival: '2026-11-23T08:00:00+01:00', promisedAt: '2026-11-23T12:00:00+01:00' })).body.id;
  });
  afterAll(() => s.close());

  it('asOf on a write is a 400 naming CLIENT_CLOCK, and changes nothing', async () => {
    const asOf = at(0);
    const writes: [string, string, unknown][] = [
      ['POST', `/v1/workshops/${w.id}/appointments`, { ...APPOINTMENT, plannedArrival: at(60) }],
      ['PATCH', `/v1/appointments/${id}`, { status: 'checked_in' }],
      ['POST', `/v1/appointments/${id}/events`, { type: 'checked_in', at: at(0) }],
      ['POST', `/v1/workshops/${w.id}/technicians/${w.techId}/absence`, { from: at(60), to: at(120) }],
      ['POST', `/v1/workshops/${w.id}/plan`, undefined],
      ['POST', '/v1/workshops', WORKSHOP],
      ['PATCH', `/v1/workshops/${w.id}/technicians/${w.techId}`, { efficiency: 1 }],
    ];
    const before = (await s.req('GET', `/v1/appointments/${id}`)).body;
    for (const [method, path, body] of writes) {
      const res = await s.req(method, withAsOf(path, asOf), body);
      expect(res.status, `${method} ${path}: ${JSON.stringify(res.body)}`).toBe(400);
      expect(res.headers.get('content-type')).toContain('application/problem+json');
      expect(res.body.detail).toContain('CLIENT_CLOCK');
      expect(res.body.errors[0]).toMatchObject({ path: 'query.asOf', code: 'client_clock_disabled' });
    }
    expect((await s.req('GET', `/v1/appointments/${id}`)).body).toEqual(before);
    expect((await s.req('GET', '/v1/workshops')).body.total).toBe(1);
  });

  it('reads keep taking asOf', async () => {
    const plan = await s.req('GET', withAsOf(`/v1/workshops/${w.id}/plan`, '2026-11-23T09:00:00+01:00'));
    expect(plan.status).toBe(200);
    expect(plan.body.asOf).toBe('2026-11-23T09:00:00+01:00');
    const quote = await s.req('POST', withAsOf(`/v1/workshops/${w.id}/quotes`, '2026-11-23T09:00:00+01:00'), { plannedArrival: '2026-11-23T08:30:00+01:00', operations: [{ opCode: 'OIL-SVC' }] });
    // 08:30 is the past at the read's 09:00 (the server clock says 07:00)
    expect(quote.status, JSON.stringify(quote.body)).toBe(422);
    expect(quote.body.code).toBe('arrival_in_past');
  });

  it('an event reported ahead of the clock (within the skew) is replanned and forecast at its own at; a late report at the clock', async () => {
    const now = FIXED_NOW; // 07:00 Berlin
    // reported 20 minutes late: the forecast is at the clock, knowing the 20 minutes that passed since
    const late = await s.req('POST', `/v1/appointments/${id}/events`, { type: 'checked_in', at: berlin(now - 20 * MIN) });
    expect(late.status, JSON.stringify(late.body)).toBe(201);
    expect(late.body.eta.asOf).toBe(berlin(now));
    // reported 4 minutes ahead of the clock (within the skew): the event happened, the forecast starts from it
    const ahead = berlin(now + 4 * MIN);
    const ev = await s.req('POST', `/v1/appointments/${id}/events`, { type: 'op_started', opIndex: 0, technicianId: w.techId, bayId: w.bayId, at: ahead });
    expect(ev.status, JSON.stringify(ev.body)).toBe(201);
    expect(ev.body.eta.asOf).toBe(ahead);
    expect(ev.body.eta.operations[0]).toMatchObject({ status: 'in_progress', plannedStart: ahead });
  });
});

describe('CLIENT_CLOCK=true through the engine worker (a database file)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'baywise-clock-'));
  let s: TestServer;
  beforeAll(async () => {
    s = await startTestServer({ CLIENT_CLOCK: 'true', DATA_PATH: join(dir, 'clock.db'), ENGINE_THREADS: '1' }, { clock: fixedClock(FIXED_NOW) });
  });
  afterAll(async () => {
    await s.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('the worker plans, books and forecasts at the request\'s asOf', async () => {
    expect(s.ctx.engine?.kind).toBe('worker');
    const r = clientAt(s);
    const w = await seedAt(s, at(0));
    const past = await r('POST', `/v1/workshops/${w.id}/appointments`, at(0), { ...APPOINTMENT, plannedArrival: at(-60) });
    expect(past.status).toBe(422);
    expect(past.body.code).toBe('arrival_in_past');
    const booked = await r('POST', `/v1/workshops/${w.id}/appointments`, at(0), { ...APPOINTMENT, plannedArrival: at(60) });
    expect(booked.status, JSON.stringify(booked.body)).toBe(201);
    expect(Date.parse(booked.body.createdAt)).toBe(T0); // stamped in the worker
    const ev = await r('POST', `/v1/appointments/${booked.body.id}/events`, at(60), { type: 'checked_in', at: at(60) });
    expect(ev.status, JSON.stringify(ev.body)).toBe(201);
    expect(ev.body.eta.asOf).toBe(at(60));
    const plan = await r('GET', `/v1/workshops/${w.id}/plan`, at(70));
    expect(Date.parse(plan.body.asOf)).toBeGreaterThanOrEqual(T0 + 60 * MIN);
    expect(Date.parse(plan.body.asOf)).toBeLessThanOrEqual(T0 + 70 * MIN);
  });
});
