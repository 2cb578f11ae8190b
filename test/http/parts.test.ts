/**
 * Parts (issue 12, item 6): a parts ETA can be set or moved on any operation that has not started —
 * also once another operation of the same repair order is in progress — by the floor event
 * `parts_delayed` (pending or paused operations) or by a PATCH of the operations (pending ones, in
 * every open status of the order). The plan and the forecast follow: the operation is not planned to
 * start before its parts.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { APPOINTMENT, fixedClock, seedSmallWorkshop, startTestServer, type TestServer } from '../helpers.js';

const clock = fixedClock(Date.parse('2026-11-24T08:00:00Z')); // Tuesday 09:00 Berlin
let s: TestServer;
let w: Awaited<ReturnType<typeof seedSmallWorkshop>>;
beforeAll(async () => {
  s = await startTestServer({}, { clock });
  w = await seedSmallWorkshop(s);
  await s.req('POST', `/v1/workshops/${w.id}/operations`, { opCode: 'BRAKES', name: 'Brakes', standardHours: 1.2, skill: 'brakes', bayCapability: 'lift' });
});
afterAll(() => s.close());

const T = (hhmm: string) => `2026-11-24T${hhmm}:00+01:00`;
const ev = (id: string, body: Record<string, unknown>) => s.req('POST', `/v1/appointments/${id}/events`, body);
const OPS = [{ opCode: 'OIL-SVC' }, { opCode: 'BRAKES' }];

/** A repair order for today with an oil service and brakes (a promise made elsewhere: no capacity check). */
async function order(): Promise<string> {
  const r = await s.req('POST', `/v1/workshops/${w.id}/appointments`, { ...APPOINTMENT, plannedArrival: T('08:00'), operations: OPS, promisedAt: T('17:00') });
  expect(r.status, JSON.stringify(r.body)).toBe(201);
  return r.body.id;
}

async function inProgress(): Promise<string> {
  const id = await order();
  expect((await ev(id, { type: 'checked_in', at: T('08:00') })).status).toBe(201);
  const st = await ev(id, { type: 'op_started', opIndex: 0, technicianId: w.techId, bayId: w.bayId, at: T('08:05') });
  expect(st.status, JSON.stringify(st.body)).toBe(201);
  return id;
}

/** The planned start of an operation, from the ETA and from the plan (they must agree). */
async function plannedStart(id: string, opIndex: number): Promise<number> {
  const eta = await s.req('GET', `/v1/appointments/${id}/eta`);
  expect(eta.status).toBe(200);
  const fromEta = eta.body.operations.find((o: { opIndex: number }) => o.opIndex === opIndex).plannedStart;
  const plan = await s.req('GET', `/v1/workshops/${w.id}/plan`);
  const a = plan.body.assignments.find((x: { appointmentId: string; opIndex: number }) => x.appointmentId === id && x.opIndex === opIndex);
  expect(a, 'the operation is planned').toBeTruthy();
  expect(a.start).toBe(fromEta);
  return Date.parse(fromEta);
}

describe('parts_delayed', () => {
  it('sets and moves the parts ETA of a pending operation while another operation of the order is in progress; the plan follows', async () => {
    const id = await inProgress();
    const before = await plannedStart(id, 1);
    expect(before).toBeLessThan(Date.parse(T('13:00')));

    const set = await ev(id, { type: 'parts_delayed', opIndex: 1, partsEta: T('13:00'), at: T('09:00') });
    expect(set.status, JSON.stringify(set.body)).toBe(201);
    expect(set.body.appointment.operations[1]).toMatchObject({ status: 'pending', partsEta: T('13:00') });
    expect(set.body.appointment.operations[0]).toMatchObject({ status: 'in_progress', startedAt: T('08:05'), technicianId: w.techId });
    const answered = set.body.eta.operations.find((o: { opIndex: number }) => o.opIndex === 1);
    expect(Date.parse(answered.plannedStart)).toBeGreaterThanOrEqual(Date.parse(T('13:00')));
    expect(await plannedStart(id, 1)).toBeGreaterThanOrEqual(Date.parse(T('13:00')));

    // moved later, then earlier again: the release moves both ways
    expect((await ev(id, { type: 'parts_delayed', opIndex: 1, partsEta: T('14:30') })).status).toBe(201);
    expect(await plannedStart(id, 1)).toBeGreaterThanOrEqual(Date.parse(T('14:30')));
    expect((await ev(id, { type: 'parts_delayed', opIndex: 1, partsEta: T('10:00') })).status).toBe(201);
    const earlier = await plannedStart(id, 1);
    expect(earlier).toBeGreaterThanOrEqual(Date.parse(T('10:00')));
    expect(earlier).toBeLessThan(Date.parse(T('14:30')));

    const events = (await s.req('GET', `/v1/appointments/${id}/events`)).body.items;
    expect(events.filter((e: { type: string }) => e.type === 'parts_delayed').map((e: { data: { partsEta: string } }) => e.data.partsEta)).toEqual([T('13:00'), T('14:30'), T('10:00')]);
  });

  it('on a paused operation waiting for parts: it is not planned to resume before the new ETA', async () => {
    const id = await inProgress();
    expect((await ev(id, { type: 'op_paused', opIndex: 0, reason: 'waiting_parts', at: T('08:30') })).status).toBe(201);
    const r = await ev(id, { type: 'parts_delayed', opIndex: 0, partsEta: T('11:00') });
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    expect(r.body.appointment.operations[0]).toMatchObject({ status: 'paused', pausedReason: 'waiting_parts', partsEta: T('11:00'), workedMinutes: 25 });
    expect(await plannedStart(id, 0)).toBeGreaterThanOrEqual(Date.parse(T('11:00')));
  });

  it('is refused on an operation being worked on or done, on a closed order, and for an ETA before the event', async () => {
    const id = await inProgress();
    const running = await ev(id, { type: 'parts_delayed', opIndex: 0, partsEta: T('13:00') });
    expect(running.status).toBe(409);
    expect(running.body).toMatchObject({ code: 'illegal_transition', from: 'in_progress', allowed: ['op_paused', 'op_finished'] });
    const before = await ev(id, { type: 'parts_delayed', opIndex: 1, partsEta: T('08:30'), at: T('09:00') });
    expect(before.status).toBe(400);
    expect(before.body.errors[0]).toMatchObject({ path: 'partsEta', code: 'before_event' });
    const missing = await ev(id, { type: 'parts_delayed', opIndex: 1 });
    expect(missing.status).toBe(400);
    expect((await ev(id, { type: 'parts_delayed', opIndex: 7, partsEta: T('13:00') })).status).toBe(400);
    expect((await ev(id, { type: 'op_finished', opIndex: 0, at: T('08:40') })).status).toBe(201);
    const done = await ev(id, { type: 'parts_delayed', opIndex: 0, partsEta: T('13:00') });
    expect(done.status).toBe(409);
    expect(done.body).toMatchObject({ from: 'done', allowed: [] });
    const cancelled = await order();
    expect((await s.req('PATCH', `/v1/appointments/${cancelled}`, { status: 'cancelled' })).status).toBe(200);
    expect((await ev(cancelled, { type: 'parts_delayed', opIndex: 1, partsEta: T('13:00') })).status).toBe(409);
    // nothing of the refused ones was stored
    const types = (await s.req('GET', `/v1/appointments/${id}/events`)).body.items.map((e: { type: string }) => e.type);
    expect(types).toEqual(['checked_in', 'op_started', 'op_finished']);
  });
});

describe('PATCH of the operations\' parts ETA', () => {
  const withParts = (eta: string | undefined) => [{ opCode: 'OIL-SVC' }, { opCode: 'BRAKES', ...(eta ? { partsEta: eta } : {}) }];

  it('works in every open status while the operation has not started, and the plan follows', async () => {
    const booked = await order();
    const checkedIn = await order();
    expect((await ev(checkedIn, { type: 'checked_in', at: T('08:00') })).status).toBe(201);
    const working = await inProgress();
    for (const [id, status] of [[booked, 'booked'], [checkedIn, 'checked_in'], [working, 'in_progress']] as const) {
      const r = await s.req('PATCH', `/v1/appointments/${id}`, { operations: withParts(T('15:00')) });
      expect(r.status, `${status}: ${JSON.stringify(r.body)}`).toBe(200);
      expect(r.body.status).toBe(status);
      expect(r.body.operations[1]).toMatchObject({ status: 'pending', partsEta: T('15:00') });
      expect(await plannedStart(id, 1), status).toBeGreaterThanOrEqual(Date.parse(T('15:00')));
    }
    // the work in progress survived the edit
    const a = (await s.req('GET', `/v1/appointments/${working}`)).body;
    expect(a.operations[0]).toMatchObject({ status: 'in_progress', startedAt: T('08:05'), technicianId: w.techId, bayId: w.bayId });
    // and the ETA can be removed again (the parts are in stock after all)
    const cleared = await s.req('PATCH', `/v1/appointments/${working}`, { operations: withParts(undefined) });
    expect(cleared.status, JSON.stringify(cleared.body)).toBe(200);
    expect(cleared.body.operations[1]).not.toHaveProperty('partsEta');
    expect(cleared.body.operations[0].status).toBe('in_progress');
  });

  it('is refused for an operation that has started, and other changes of the operations stay refused once work started', async () => {
    const id = await inProgress();
    const started = await s.req('PATCH', `/v1/appointments/${id}`, { operations: [{ opCode: 'OIL-SVC', partsEta: T('15:00') }, { opCode: 'BRAKES' }] });
    expect(started.status).toBe(409);
    expect(started.body).toMatchObject({ code: 'illegal_transition', from: 'in_progress' });
    expect(started.body.errors[0].path).toBe('operations[0].partsEta');
    const replaced = await s.req('PATCH', `/v1/appointments/${id}`, { operations: [{ opCode: 'OIL-SVC' }, { opCode: 'OIL-SVC', partsEta: T('15:00') }] });
    expect(replaced.status).toBe(409);
    const longer = await s.req('PATCH', `/v1/appointments/${id}`, { operations: [...OPS, { opCode: 'OIL-SVC' }] });
    expect(longer.status).toBe(409);
    const a = (await s.req('GET', `/v1/appointments/${id}`)).body;
    expect(a.operations.map((o: { opCode: string; partsEta?: string }) => [o.opCode, o.partsEta])).toEqual([
      ['OIL-SVC', undefined],
      ['BRAKES', undefined],
    ]);
  });
});
