/** Size caps per workshop (issue 10, finding 3): the write past a cap is a 422 naming it, and stores nothing. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LIMITS } from '../../src/model/limits.js';
import { APPOINTMENT, BAY, OP, seedSmallWorkshop, snapshot, startTestServer, TECH, type TestServer } from '../helpers.js';

let s: TestServer;
beforeAll(async () => {
  s = await startTestServer();
});
afterAll(() => s.close());

async function refusedAt(path: string, body: unknown, limit: string) {
  const before = snapshot(s);
  const r = await s.req('POST', path, body);
  expect(r.status).toBe(422);
  expect(r.headers.get('content-type')).toMatch(/problem\+json/);
  expect(r.body).toMatchObject({ code: 'limit_exceeded', limit, max: LIMITS[limit as keyof typeof LIMITS] });
  expect(snapshot(s)).toBe(before);
}

describe('size caps', () => {
  it('technicians, bays and the catalogue stop at their caps', async () => {
    const { id } = await seedSmallWorkshop(s); // one of each already
    for (let i = 1; i < LIMITS.technicians; i++) expect((await s.req('POST', `/v1/workshops/${id}/technicians`, { ...TECH, name: `T${i}` })).status).toBe(201);
    await refusedAt(`/v1/workshops/${id}/technicians`, { ...TECH, name: 'One too many' }, 'technicians');
    for (let i = 1; i < LIMITS.bays; i++) expect((await s.req('POST', `/v1/workshops/${id}/bays`, { ...BAY, name: `B${i}` })).status).toBe(201);
    await refusedAt(`/v1/workshops/${id}/bays`, { ...BAY, name: 'One too many' }, 'bays');
    for (let i = 1; i < LIMITS.catalogue; i++) expect((await s.req('POST', `/v1/workshops/${id}/operations`, { ...OP, opCode: `OP-${i}` })).status).toBe(201);
    await refusedAt(`/v1/workshops/${id}/operations`, { ...OP, opCode: 'OP-MORE' }, 'catalogue');
    // a cap is per workshop
    const other = await seedSmallWorkshop(s);
    expect((await s.req('POST', `/v1/workshops/${other.id}/technicians`, TECH)).status).toBe(201);
  });

  it('open repair orders and their operations stop at their caps, for bookings and recorded promises alike', async () => {
    const { id } = await seedSmallWorkshop(s); // one open order with one operation
    const order = (ops: number, i: number) => ({
      ...APPOINTMENT, customer: { name: `C${i}` }, promisedAt: '2026-11-24T17:00:00+01:00', operations: Array.from({ length: ops }, () => ({ opCode: 'OIL-SVC' })),
    });
    const perOrder = LIMITS.operationsPerOrder;
    const full = Math.floor((LIMITS.openOperations - 1) / perOrder);
    for (let i = 0; i < full; i++) expect((await s.req('POST', `/v1/workshops/${id}/appointments`, order(perOrder, i))).status).toBe(201);
    const left = LIMITS.openOperations - 1 - full * perOrder;
    if (left > 0) expect((await s.req('POST', `/v1/workshops/${id}/appointments`, order(left, -1))).status).toBe(201);
    await refusedAt(`/v1/workshops/${id}/appointments`, order(1, 999), 'openOperations');
    const { promisedAt: _p, ...booking } = order(1, 1000);
    await refusedAt(`/v1/workshops/${id}/appointments`, { ...booking, plannedArrival: '2026-11-25T08:00:00+01:00' }, 'openOperations');
    // a closed order frees its share
    const list = await s.req('GET', `/v1/workshops/${id}/appointments?limit=1`);
    expect((await s.req('PATCH', `/v1/appointments/${list.body.items[0].id}`, { status: 'cancelled' })).status).toBe(200);
    expect((await s.req('POST', `/v1/workshops/${id}/appointments`, order(1, 1001))).status).toBe(201);
  });

  it('the number of open repair orders is capped too, and more operations per order than allowed is a 400', async () => {
    const { id } = await seedSmallWorkshop(s);
    for (let i = 1; i < LIMITS.openRepairOrders; i++)
      expect((await s.req('POST', `/v1/workshops/${id}/appointments`, { ...APPOINTMENT, customer: { name: `C${i}` }, promisedAt: '2026-11-24T17:00:00+01:00' })).status).toBe(201);
    await refusedAt(`/v1/workshops/${id}/appointments`, { ...APPOINTMENT, promisedAt: '2026-11-24T17:00:00+01:00' }, 'openRepairOrders');
    const many = await s.req('POST', `/v1/workshops/${id}/quotes`, { plannedArrival: '2026-11-24T08:00:00+01:00', transport: 'drop_off', operations: Array.from({ length: LIMITS.operationsPerOrder + 1 }, () => ({ opCode: 'OIL-SVC' })) });
    expect(many.status).toBe(400);
    expect(many.body.errors[0].path).toBe('operations');
  });
});
