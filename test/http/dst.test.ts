/**
 * The autumn DST fall-back in the workshop's zone (Europe/Berlin, Sunday 2026-10-25: 03:00 CEST
 * becomes 02:00 CET, the day has 25 hours) through HTTP: shifts and opening hours count real
 * minutes, the slot grid follows the wall clock, the board's day is the 25-hour local day, and the
 * job clock counts real minutes across the repeated hour. The clock stands before the change.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixedClock, startTestServer, WORKSHOP, type TestServer } from '../helpers.js';

const clock = fixedClock(Date.parse('2026-10-23T06:00:00Z')); // Friday 08:00 CEST
const ALL = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'];
let s: TestServer;
let wid: string;
let tech: string;
let bay: string;
beforeAll(async () => {
  s = await startTestServer({}, { clock });
  // a night workshop: open 00:00–08:00 every day, the technician works 01:00–05:00 (through the change)
  wid = (await s.req('POST', '/v1/workshops', { ...WORKSHOP, openingHours: Object.fromEntries(ALL.map((d) => [d, [{ start: '00:00', end: '08:00' }]])) })).body.id;
  bay = (await s.req('POST', `/v1/workshops/${wid}/bays`, { name: 'Lift', capabilities: ['lift'] })).body.id;
  tech = (
    await s.req('POST', `/v1/workshops/${wid}/technicians`, {
      name: 'Night',
      skills: { maintenance: 'A' },
      efficiency: 1,
      shifts: ALL.map((weekday) => ({ weekday, start: '01:00', end: '05:00', breaks: [] })),
    })
  ).body.id;
  expect((await s.req('POST', `/v1/workshops/${wid}/operations`, { opCode: 'SVC', name: 'Service', standardHours: 1, skill: 'maintenance', bayCapability: 'lift', cv: 0.2 })).status).toBe(201);
  // 4.5 h in one piece: fits only in the 5-hour shift of the 25th (other nights have 4 hours)
  expect((await s.req('POST', `/v1/workshops/${wid}/operations`, { opCode: 'LONG', name: 'Long job', standardHours: 4.5, skill: 'maintenance', bayCapability: 'lift', cv: 0.2 })).status).toBe(201);
});
afterAll(() => s.close());

const localHm = (iso: string) => iso.slice(11, 16);

describe('the autumn fall-back (Europe/Berlin, 2026-10-25)', () => {
  it('counts the repeated hour in shifts and opening hours: 300 technician and 540 bay minutes that day', async () => {
    const sat = await s.req('GET', `/v1/workshops/${wid}/availability?from=2026-10-24&to=2026-10-24&opCodes=SVC`);
    const sun = await s.req('GET', `/v1/workshops/${wid}/availability?from=2026-10-25&to=2026-10-25&opCodes=SVC`);
    expect(sat.status).toBe(200);
    expect(sun.status).toBe(200);
    expect(sat.body.days[0]).toMatchObject({ date: '2026-10-24', freeTechnicianMinutesBySkill: { maintenance: 240 }, freeBayMinutesByCapability: { lift: 480 } });
    expect(sun.body.days[0]).toMatchObject({ date: '2026-10-25', freeTechnicianMinutesBySkill: { maintenance: 300 }, freeBayMinutesByCapability: { lift: 540 } });
  });

  it('lays the slot grid on the wall clock: the same local times as on a normal day, up to 07:45 CET', async () => {
    const slots = async (date: string) => (await s.req('GET', `/v1/workshops/${wid}/availability?from=${date}&to=${date}&opCodes=SVC`)).body.slots as { start: string }[];
    const sat = await slots('2026-10-24');
    const sun = await slots('2026-10-25');
    // the workshop is idle: every grid point is offered, so the grid is visible in the slots
    expect(sat.map((x) => localHm(x.start))).toEqual(Array.from({ length: 32 }, (_, i) => `${String(Math.floor(i / 4)).padStart(2, '0')}:${String((i % 4) * 15).padStart(2, '0')}`));
    // the 25th: every local grid time of a normal day is there (02:xx may come twice), nothing else
    expect(new Set(sun.map((x) => localHm(x.start)))).toEqual(new Set(sat.map((x) => localHm(x.start))));
    expect(sun.at(-1)!.start).toBe('2026-10-25T07:45:00+01:00');
    expect(sun[0].start).toBe('2026-10-25T00:00:00+02:00');
    const instants = sun.map((x) => Date.parse(x.start));
    for (let i = 1; i < instants.length; i++) expect(instants[i]).toBeGreaterThan(instants[i - 1]); // no slot twice
    for (const x of sun) expect(x.start.slice(0, 10)).toBe('2026-10-25');
  });

  it('plans a 4.5-hour job into the 5-hour shift of the change and shows it on the board of that 25-hour day', async () => {
    const a = await s.req('POST', `/v1/workshops/${wid}/appointments`, {
      customer: { name: 'Nacht' },
      vehicle: { plate: 'B-DST 25' },
      plannedArrival: '2026-10-25T00:30:00+02:00',
      transport: 'drop_off',
      operations: [{ opCode: 'LONG' }],
      promisedAt: '2026-10-25T07:00:00+01:00',
    });
    expect(a.status).toBe(201);
    const plan = await s.req('POST', `/v1/workshops/${wid}/plan`, { seed: 1 });
    expect(plan.status).toBe(200);
    expect(plan.body.unscheduled).toEqual([]);
    const mine = plan.body.assignments.find((x: { appointmentId: string }) => x.appointmentId === a.body.id);
    expect(mine).toMatchObject({ technicianId: tech, bayId: bay, start: '2026-10-25T01:00:00+02:00', end: '2026-10-25T04:30:00+01:00' });
    const board = await s.req('GET', `/v1/workshops/${wid}/board?date=2026-10-25`);
    expect(board.status).toBe(200);
    expect(board.body.date).toBe('2026-10-25');
    const ops = board.body.technicians.find((t: { technicianId: string }) => t.technicianId === tech).operations;
    expect(ops.map((o: { appointmentId: string; start: string; end: string }) => [o.appointmentId, o.start, o.end])).toEqual([[a.body.id, '2026-10-25T01:00:00+02:00', '2026-10-25T04:30:00+01:00']]);
    expect(ops[0].lateRisk).not.toBe('late'); // ready 04:30 CET, promised 07:00 CET
    for (const date of ['2026-10-24', '2026-10-26']) {
      const other = await s.req('GET', `/v1/workshops/${wid}/board?date=${date}`);
      expect(other.body.technicians.flatMap((t: { operations: { appointmentId: string }[] }) => t.operations).map((o: { appointmentId: string }) => o.appointmentId)).not.toContain(a.body.id);
    }
  });

  it('runs the job clock in real minutes across the repeated hour (a resume at 02:10 CET follows a pause at 02:30 CEST)', async () => {
    const a = (
      await s.req('POST', `/v1/workshops/${wid}/appointments`, {
        customer: { name: 'Uhr' },
        vehicle: { plate: 'B-DST 2' },
        plannedArrival: '2026-10-25T00:30:00+02:00',
        transport: 'drop_off',
        operations: [{ opCode: 'SVC' }],
        promisedAt: '2026-10-25T07:00:00+01:00',
      })
    ).body;
    const ev = async (at: string, body: Record<string, unknown>) => {
      clock.set(Date.parse(at));
      const r = await s.req('POST', `/v1/appointments/${a.id}/events`, { ...body, at });
      expect(r.status, JSON.stringify(r.body)).toBe(201);
      return r.body.appointment;
    };
    try {
      await ev('2026-10-25T00:30:00+02:00', { type: 'checked_in' });
      await ev('2026-10-25T01:00:00+02:00', { type: 'op_started', opIndex: 0, technicianId: tech, bayId: bay });
      const paused = await ev('2026-10-25T02:30:00+02:00', { type: 'op_paused', opIndex: 0, reason: 'waiting_approval' });
      expect(paused.operations[0].workedMinutes).toBe(90);
      await ev('2026-10-25T02:10:00+01:00', { type: 'op_resumed', opIndex: 0 }); // 40 real minutes after the pause
      const done = await ev('2026-10-25T04:30:00+01:00', { type: 'op_finished', opIndex: 0 });
      // 01:00 CEST → 02:30 CEST is 90 minutes, 02:10 CET → 04:30 CET is 140: 230 worked, not 150 or 210 of wall-clock arithmetic
      expect(done.operations[0]).toMatchObject({ status: 'done', workedMinutes: 230, startedAt: '2026-10-25T01:00:00+02:00', finishedAt: '2026-10-25T04:30:00+01:00' });
      expect(done.status).toBe('ready');
      const obs = s.store.observations.list(wid).filter((o) => o.opCode === 'SVC');
      expect(obs.map((o) => Math.round(o.actualMinutes))).toEqual([230]);
    } finally {
      clock.set(Date.parse('2026-10-23T06:00:00Z'));
    }
  });
});

describe('the spring change (Europe/Berlin, 2027-03-28: 02:00 CET becomes 03:00 CEST)', () => {
  it('offers no slot at a wall-clock time that does not exist, and no slot twice', async () => {
    const spring = await startTestServer({}, { clock: fixedClock(Date.parse('2027-03-26T07:00:00Z')) }); // Friday 08:00 CET
    try {
      const w = (await spring.req('POST', '/v1/workshops', { ...WORKSHOP, openingHours: Object.fromEntries(ALL.map((d) => [d, [{ start: '00:00', end: '08:00' }]])) })).body.id;
      await spring.req('POST', `/v1/workshops/${w}/bays`, { name: 'Lift', capabilities: ['lift'] });
      await spring.req('POST', `/v1/workshops/${w}/technicians`, { name: 'Night', skills: { maintenance: 'A' }, shifts: ALL.map((weekday) => ({ weekday, start: '00:00', end: '08:00', breaks: [] })) });
      await spring.req('POST', `/v1/workshops/${w}/operations`, { opCode: 'SVC', name: 'Service', standardHours: 0.5, skill: 'maintenance', bayCapability: 'lift', cv: 0.2 });
      const r = await spring.req('GET', `/v1/workshops/${w}/availability?from=2027-03-28&to=2027-03-28&opCodes=SVC`);
      expect(r.status).toBe(200);
      const starts = (r.body.slots as { start: string }[]).map((x) => x.start);
      const expected = Array.from({ length: 32 }, (_, i) => `${String(Math.floor(i / 4)).padStart(2, '0')}:${String((i % 4) * 15).padStart(2, '0')}`).filter((hm) => !hm.startsWith('02:'));
      expect(starts.map(localHm)).toEqual(expected);
      expect(new Set(starts.map((x) => Date.parse(x))).size).toBe(starts.length);
      expect(r.body.days[0]).toMatchObject({ date: '2027-03-28', slots: 28, freeBayMinutesByCapability: { lift: 420 } });
    } finally {
      await spring.close();
    }
  });
});
