/** Input edges (issue 10, finding 6): lifecycle guards on events, dates outside a sane window, serialised writes. */
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../src/http/app.js';
import { isSerial } from '../../src/http/api.js';
import { APPOINTMENT, seedSmallWorkshop, snapshot, startTestServer, type TestServer } from '../helpers.js';

let s: TestServer;
let ws: Awaited<ReturnType<typeof seedSmallWorkshop>>;
beforeAll(async () => {
  s = await startTestServer();
  ws = await seedSmallWorkshop(s);
});
afterAll(() => s.close());

describe('floor events follow the lifecycle', () => {
  it('a second check-in is a 409 naming the allowed transitions, and changes nothing', async () => {
    const first = await s.req('POST', `/v1/appointments/${ws.aptId}/events`, { type: 'checked_in' });
    expect(first.status).toBe(201);
    const before = snapshot(s);
    const again = await s.req('POST', `/v1/appointments/${ws.aptId}/events`, { type: 'checked_in' });
    expect(again.status).toBe(409);
    expect(again.body.code).toBe('illegal_transition');
    expect(again.body.from).toBe('checked_in');
    expect(again.body.allowed).toContain('in_progress');
    expect(snapshot(s)).toBe(before);
  });
});

describe('dates outside five years of today are refused', () => {
  it('a promise in year 0001 with an arrival in 9999 is a 400 naming the field, and stores nothing', async () => {
    const before = snapshot(s);
    const r = await s.req('POST', `/v1/workshops/${ws.id}/appointments`, {
      ...APPOINTMENT,
      plannedArrival: '9999-01-01T08:00:00+01:00',
      promisedAt: '0001-01-01T08:00:00+01:00',
    });
    expect(r.status).toBe(400);
    expect(r.headers.get('content-type')).toMatch(/problem\+json/);
    expect(r.body.errors[0]).toMatchObject({ path: 'plannedArrival', code: 'out_of_window' });
    expect(snapshot(s)).toBe(before);
  });

  it('holds for queries, nested fields and absences too, while dates inside the window pass', async () => {
    const q = await s.req('GET', `/v1/workshops/${ws.id}/plan?asOf=2040-01-01T00:00:00Z`);
    expect(q.status).toBe(400);
    expect(q.body.errors[0]).toMatchObject({ path: 'query.asOf', code: 'out_of_window' });
    const nested = await s.req('POST', `/v1/workshops/${ws.id}/appointments`, {
      ...APPOINTMENT,
      promisedAt: '2026-11-24T12:00:00+01:00',
      operations: [{ opCode: 'OIL-SVC', partsEta: '1900-01-01T00:00:00Z' }],
    });
    expect(nested.status).toBe(400);
    expect(nested.body.errors[0].path).toBe('operations[0].partsEta');
    const absence = await s.req('POST', `/v1/workshops/${ws.id}/technicians/${ws.techId}/absence`, { from: '2026-12-01T08:00:00+01:00', to: '2099-12-31T08:00:00+01:00' });
    expect(absence.status).toBe(400);
    expect(absence.body.errors[0].path).toBe('to');
    const ok = await s.req('POST', `/v1/workshops/${ws.id}/technicians/${ws.techId}/absence`, { from: '2026-12-01T08:00:00+01:00', to: '2026-12-02T08:00:00+01:00' });
    expect(ok.status).toBe(201);
  });
});

describe('every write of a workshop is serialised', () => {
  it('each POST/PATCH/PUT/DELETE route with a workshop or repair-order id runs in the critical section, quotes excepted', () => {
    const writes = createApp({ ctx: s.ctx, logger: pino({ level: 'silent' }) }).api.endpoints;
    const unserialised = writes.filter((e) => e.method !== 'get' && /:(workshopId|appointmentId)/.test(e.path) && !isSerial(e)).map((e) => `${e.method} ${e.path}`);
    expect(unserialised).toEqual(['post /v1/workshops/:workshopId/quotes']);
    expect(writes.filter((e) => isSerial(e)).length).toBeGreaterThan(10);
  });
});
