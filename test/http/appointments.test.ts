import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { APPOINTMENT, seedSmallWorkshop, startTestServer, type TestServer } from '../helpers.js';

let s: TestServer;
let w: Awaited<ReturnType<typeof seedSmallWorkshop>>;
beforeAll(async () => {
  s = await startTestServer();
  w = await seedSmallWorkshop(s);
});
afterAll(() => s.close());

describe('appointments', () => {
  it('creates a repair order with normalised times in the workshop zone', async () => {
    const r = await s.req('POST', `/v1/workshops/${w.id}/appointments`, {
      ...APPOINTMENT,
      plannedArrival: '2026-11-24T07:15:00Z',
      operations: [{ opCode: 'OIL-SVC', hours: 0.7, partsEta: '2026-11-24T10:00:00Z' }],
    });
    expect(r.status).toBe(201);
    expect(r.headers.get('location')).toBe(`/v1/appointments/${r.body.id}`);
    expect(r.body.plannedArrival).toBe('2026-11-24T08:15:00+01:00');
    expect(r.body.operations[0]).toMatchObject({ opCode: 'OIL-SVC', hours: 0.7, partsEta: '2026-11-24T11:00:00+01:00', status: 'pending' });
    expect(r.body.status).toBe('booked');
    expect(r.body.transport).toBe('waiter');
    const { quote, ...stored } = r.body;
    expect(quote.promisedReadyBy).toBe(r.body.promisedAt); // booked with a computed promise
    expect((await s.req('GET', `/v1/appointments/${r.body.id}`)).body).toEqual(stored);
  });

  it('rejects op codes missing from the catalogue with 422 naming the field', async () => {
    const r = await s.req('POST', `/v1/workshops/${w.id}/appointments`, {
      ...APPOINTMENT,
      operations: [{ opCode: 'OIL-SVC' }, { opCode: 'NOPE' }],
    });
    expect(r.status).toBe(422);
    expect(r.body.errors).toEqual([expect.objectContaining({ path: 'operations[1].opCode', code: 'unknown_op_code' })]);
  });

  it('lists by date window and status with pagination', async () => {
    for (const day of ['2026-11-26', '2026-11-27', '2026-11-27']) {
      await s.req('POST', `/v1/workshops/${w.id}/appointments`, { ...APPOINTMENT, plannedArrival: `${day}T09:00:00+01:00` });
    }
    const all27 = await s.req('GET', `/v1/workshops/${w.id}/appointments?from=2026-11-27&to=2026-11-27`);
    expect(all27.body.total).toBe(2);
    const range = await s.req('GET', `/v1/workshops/${w.id}/appointments?from=2026-11-26T00:00:00+01:00&to=2026-11-27T00:00:00%2B01:00`);
    expect(range.body.total).toBe(1);
    const spaceOffset = await s.req('GET', `/v1/workshops/${w.id}/appointments?from=2026-11-26T00:00:00+01:00`);
    expect(spaceOffset.status).toBe(200);
    expect(spaceOffset.body.total).toBe(3);
    const paged = await s.req('GET', `/v1/workshops/${w.id}/appointments?from=2026-11-26&limit=1&offset=1`);
    expect(paged.body.items).toHaveLength(1);
    expect(paged.body.total).toBe(3);
    const first = paged.body.items[0].id;
    await s.req('PATCH', `/v1/appointments/${first}`, { status: 'cancelled' });
    const cancelled = await s.req('GET', `/v1/workshops/${w.id}/appointments?status=cancelled`);
    expect(cancelled.body.items.map((a: { id: string }) => a.id)).toEqual([first]);
    const open = await s.req('GET', `/v1/workshops/${w.id}/appointments?status=booked,checked_in&from=2026-11-26`);
    expect(open.body.total).toBe(2);
    const bad = await s.req('GET', `/v1/workshops/${w.id}/appointments?status=flying`);
    expect(bad.status).toBe(400);
    expect(bad.body.errors[0].path).toMatch(/^query\.status/);
  });

  it('guards the lifecycle: legal transitions stamp times, illegal ones are 409 naming the allowed ones', async () => {
    const a = (await s.req('POST', `/v1/workshops/${w.id}/appointments`, APPOINTMENT)).body;
    const bad = await s.req('PATCH', `/v1/appointments/${a.id}`, { status: 'delivered' });
    expect(bad.status).toBe(409);
    expect(bad.body.code).toBe('illegal_transition');
    expect(bad.body.allowed).toEqual(['checked_in', 'cancelled', 'no_show']);
    const ci = await s.req('PATCH', `/v1/appointments/${a.id}`, { status: 'checked_in' });
    expect(ci.status).toBe(200);
    expect(ci.body.checkedInAt).toBe('2026-11-23T07:00:00+01:00');
    expect((await s.req('PATCH', `/v1/appointments/${a.id}`, { status: 'in_progress' })).status).toBe(200);
    const ops = await s.req('PATCH', `/v1/appointments/${a.id}`, { operations: [{ opCode: 'OIL-SVC' }] });
    expect(ops.status).toBe(409);
    expect((await s.req('PATCH', `/v1/appointments/${a.id}`, { status: 'ready' })).body.readyAt).toBe('2026-11-23T07:00:00+01:00'); // the clock
    expect((await s.req('PATCH', `/v1/appointments/${a.id}`, { status: 'delivered' })).body.status).toBe('delivered');
    const closed = await s.req('PATCH', `/v1/appointments/${a.id}`, { notes: 'late edit' });
    expect(closed.status).toBe(409);
    expect(closed.body.allowed).toEqual([]);
  });

  it('updates fields of a booked appointment and deletes it', async () => {
    const a = (await s.req('POST', `/v1/workshops/${w.id}/appointments`, APPOINTMENT)).body;
    const u = await s.req('PATCH', `/v1/appointments/${a.id}`, { transport: 'drop_off', promisedAt: '2026-11-24T12:00:00+01:00', notes: 'Rattle' });
    expect(u.status).toBe(200);
    expect(u.body).toMatchObject({ transport: 'drop_off', promisedAt: '2026-11-24T12:00:00+01:00', notes: 'Rattle', version: 2 });
    const unknown = await s.req('PATCH', `/v1/appointments/${a.id}`, { operations: [{ opCode: 'MISSING' }] });
    expect(unknown.status).toBe(422);
    expect((await s.req('DELETE', `/v1/appointments/${a.id}`)).status).toBe(204);
    expect((await s.req('GET', `/v1/appointments/${a.id}`)).status).toBe(404);
  });
});
