import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { APPOINTMENT, fixedClock, seedSmallWorkshop, startTestServer, type TestServer } from '../helpers.js';

const clock = fixedClock(Date.parse('2026-11-24T07:00:00Z')); // Tuesday 08:00 Berlin
let s: TestServer;
let w: Awaited<ReturnType<typeof seedSmallWorkshop>>;
beforeAll(async () => {
  s = await startTestServer({}, { clock });
  w = await seedSmallWorkshop(s);
  await s.req('POST', `/v1/workshops/${w.id}/operations`, { opCode: 'BRAKES', name: 'Brakes', standardHours: 1.2, skill: 'brakes', bayCapability: 'lift' });
});
afterAll(() => s.close());

const ev = (id: string, body: unknown) => s.req('POST', `/v1/appointments/${id}/events`, body);

describe('floor events and the job clock', () => {
  it('runs a repair order through check-in, start, pause for parts, resume and finish', async () => {
    const a = (await s.req('POST', `/v1/workshops/${w.id}/appointments`, { ...APPOINTMENT, operations: [{ opCode: 'OIL-SVC' }, { opCode: 'BRAKES' }], promisedAt: '2026-11-24T12:00:00+01:00' })).body;
    const early = await ev(a.id, { type: 'op_started', opIndex: 0, technicianId: w.techId });
    expect(early.status).toBe(409);
    expect(early.body.allowed).toEqual(['checked_in']);
    expect((await ev(a.id, { type: 'checked_in', at: '2026-11-24T08:00:00+01:00' })).body.appointment.status).toBe('checked_in');
    const st = await ev(a.id, { type: 'op_started', opIndex: 0, technicianId: w.techId, bayId: w.bayId, at: '2026-11-24T08:05:00+01:00' });
    expect(st.status).toBe(201);
    expect(st.body.appointment.status).toBe('in_progress');
    expect(st.body.appointment.operations[0]).toMatchObject({ status: 'in_progress', technicianId: w.techId, bayId: w.bayId });
    clock.set(Date.parse('2026-11-24T07:40:00Z'));
    const fin = await ev(a.id, { type: 'op_finished', opIndex: 0, at: '2026-11-24T08:40:00+01:00' });
    expect(fin.body.appointment.operations[0]).toMatchObject({ status: 'done', workedMinutes: 35 });
    await ev(a.id, { type: 'op_started', opIndex: 1, technicianId: w.techId, at: '2026-11-24T08:40:00+01:00' });
    clock.set(Date.parse('2026-11-24T07:55:00Z'));
    const pause = await ev(a.id, { type: 'op_paused', opIndex: 1, reason: 'waiting_parts', at: '2026-11-24T08:50:00+01:00' });
    expect(pause.status, JSON.stringify(pause.body)).toBe(201);
    expect(pause.body.appointment.operations[1]).toMatchObject({ status: 'paused', pausedReason: 'waiting_parts', workedMinutes: 10 });
    expect((await ev(a.id, { type: 'op_finished', opIndex: 1 })).status).toBe(409);
    clock.set(Date.parse('2026-11-24T09:30:00Z'));
    const parts = await ev(a.id, { type: 'parts_arrived', at: '2026-11-24T09:30:00+01:00' });
    expect(parts.body.appointment.operations[1].partsEta).toBe('2026-11-24T09:30:00+01:00');
    await ev(a.id, { type: 'op_resumed', opIndex: 1, at: '2026-11-24T09:40:00+01:00' });
    const done = await ev(a.id, { type: 'op_finished', opIndex: 1, at: '2026-11-24T10:30:00+01:00' });
    expect(done.body.appointment.status).toBe('ready');
    expect(done.body.appointment.readyAt).toBe('2026-11-24T10:30:00+01:00');
    expect(done.body.appointment.operations[1].workedMinutes).toBe(60);
    // actual durations feed the duration history
    const obs = s.store.observations.list(w.id);
    expect(obs.map((o) => [o.opCode, Math.round(o.actualMinutes)])).toEqual([
      ['OIL-SVC', 35],
      ['BRAKES', 60],
    ]);
    expect(obs[0].plannedMinutes).toBe(Math.ceil(30 / 1.1)); // as the planner compiles it
    const list = await s.req('GET', `/v1/appointments/${a.id}/events`);
    expect(list.body.items.map((e: { type: string }) => e.type)).toEqual([
      'checked_in', 'op_started', 'op_finished', 'op_started', 'op_paused', 'parts_arrived', 'op_resumed', 'op_finished',
    ]);
  });

  it('rejects bad events without changing the repair order', async () => {
    const a = (await s.req('POST', `/v1/workshops/${w.id}/appointments`, { ...APPOINTMENT, plannedArrival: '2026-11-25T08:00:00+01:00' })).body;
    await ev(a.id, { type: 'checked_in' });
    const before = (await s.req('GET', `/v1/appointments/${a.id}`)).body;
    const cases: [unknown, number][] = [
      [{ type: 'op_started', opIndex: 5, technicianId: w.techId }, 400],
      [{ type: 'op_started', opIndex: 0, technicianId: 'tech_nobody' }, 404],
      [{ type: 'op_started', opIndex: 0, technicianId: w.techId, bayId: 'bay_nowhere' }, 422],
      [{ type: 'op_finished', opIndex: 0 }, 409],
      [{ type: 'op_resumed', opIndex: 0 }, 409],
      [{ type: 'teleported' }, 400],
      [{ type: 'op_paused', opIndex: 0, reason: 'coffee' }, 400],
      [{ type: 'checked_in', at: '2030-01-01T00:00:00Z' }, 400],
    ];
    for (const [body, status] of cases) {
      const r = await ev(a.id, body);
      expect(r.status, JSON.stringify(body)).toBe(status);
      expect(r.headers.get('content-type')).toContain('application/problem+json');
    }
    expect((await s.req('GET', `/v1/appointments/${a.id}`)).body).toEqual(before);
    expect((await ev('apt_missing', { type: 'checked_in' })).status).toBe(404);
  });

  it('records an absence and replans around it', async () => {
    const a = (await s.req('POST', `/v1/workshops/${w.id}/appointments`, { ...APPOINTMENT, plannedArrival: '2026-11-25T08:00:00+01:00' })).body;
    const plan1 = await s.req('GET', `/v1/workshops/${w.id}/plan`);
    const mine1 = plan1.body.assignments.find((x: { appointmentId: string }) => x.appointmentId === a.id);
    expect(mine1.start.slice(0, 10)).toBe('2026-11-25');
    const r = await s.req('POST', `/v1/workshops/${w.id}/technicians/${w.techId}/absence`, { from: '2026-11-25T00:00:00+01:00', to: '2026-11-26T00:00:00+01:00', reason: 'sick' });
    expect(r.status).toBe(201);
    expect(r.body.absences).toHaveLength(1);
    const plan2 = await s.req('GET', `/v1/workshops/${w.id}/plan`);
    const mine2 = plan2.body.assignments.find((x: { appointmentId: string }) => x.appointmentId === a.id);
    expect(mine2.start.slice(0, 10)).toBe('2026-11-26'); // the only technician is off on the 25th
    const bad = await s.req('POST', `/v1/workshops/${w.id}/technicians/${w.techId}/absence`, { from: '2026-11-25T10:00:00+01:00', to: '2026-11-25T09:00:00+01:00' });
    expect(bad.status).toBe(400);
    expect(bad.body.errors[0].path).toBe('to');
  });
});

describe('job clock of work in progress across a night', () => {
  it('counts only working minutes: an operation started yesterday afternoon is not finished by the night', async () => {
    const clock = fixedClock(Date.parse('2026-11-24T14:00:00Z')); // Tuesday 15:00 Berlin
    const s2 = await startTestServer({}, { clock });
    try {
      const w2 = await seedSmallWorkshop(s2);
      await s2.req('POST', `/v1/workshops/${w2.id}/operations`, { opCode: 'ENGINE', name: 'Engine', standardHours: 4.4, skill: 'maintenance', bayCapability: 'lift', splittable: true });
      const a = (await s2.req('POST', `/v1/workshops/${w2.id}/appointments`, { ...APPOINTMENT, plannedArrival: '2026-11-24T14:30:00+01:00', operations: [{ opCode: 'ENGINE' }], promisedAt: '2026-11-25T17:00:00+01:00' })).body;
      await s2.req('POST', `/v1/appointments/${a.id}/events`, { type: 'checked_in' });
      await s2.req('POST', `/v1/appointments/${a.id}/events`, { type: 'op_started', opIndex: 0, technicianId: w2.techId, bayId: w2.bayId });
      // next morning 08:30: 1.5 h worked yesterday (15:00–16:30) + 1 h today (07:30–08:30) of 4 h planned (4.4 h ÷ 1.1)
      clock.set(Date.parse('2026-11-25T07:30:00Z'));
      const plan = await s2.req('POST', `/v1/workshops/${w2.id}/plan`, {}); // SOLVER_MAX_ITERATIONS, not a wall-clock budget
      const mine = plan.body.assignments.find((x: { appointmentId: string }) => x.appointmentId === a.id);
      expect(mine.end).toBe('2026-11-25T10:00:00+01:00'); // 1.5 h left, not the 10% floor a wall clock would give
    } finally {
      await s2.close();
    }
  });
});
