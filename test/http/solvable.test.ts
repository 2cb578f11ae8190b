/**
 * Random solvable workshops through HTTP: a seeded generator builds a few technicians, bays and
 * repair orders whose every operation any technician can do, with the work well inside the
 * horizon's capacity (at most ~35% of the technicians' shift minutes over three days, each
 * operation shorter than any working segment). Such a workshop has a plan that schedules every
 * operation, so the replan must: `unscheduled` is asserted empty unconditionally, and the plan
 * passes the independent check of plan-check.ts (not the service's own verifier).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Rng } from '../../src/lib/random.js';
import { startTestServer, WORKSHOP, type TestServer } from '../helpers.js';
import { checkPlan, type AptFact, type BayFact, type OpFact, type TechFact } from './plan-check.js';

let s: TestServer;
beforeAll(async () => {
  s = await startTestServer(); // clock: Monday 2026-11-23 07:00 Berlin
});
afterAll(() => s.close());

const CATALOGUE: OpFact[] = [
  { opCode: 'OIL', standardHours: 0.5, skill: 'maintenance', bayCapability: 'lift' },
  { opCode: 'BRAKES', standardHours: 1.2, skill: 'maintenance', bayCapability: 'lift' },
  { opCode: 'ALIGN', standardHours: 1.0, skill: 'maintenance', bayCapability: 'alignment' },
  { opCode: 'WIPERS', standardHours: 0.2, skill: 'maintenance' },
  { opCode: 'DIAG', standardHours: 0.8, skill: 'maintenance', minLevel: 'C' },
];
const DAYS = ['2026-11-23', '2026-11-24', '2026-11-25'];

async function randomWorkshop(seed: number) {
  const rng = new Rng(seed);
  const wid = (await s.req('POST', '/v1/workshops', { ...WORKSHOP, name: `Random ${seed}` })).body.id as string;
  const bays: BayFact[] = [];
  const nBays = 2 + rng.int(3);
  for (let i = 0; i < nBays; i++) {
    // at least one bay can align, every bay has a lift
    const capabilities = i === 0 || rng.next() < 0.3 ? ['lift', 'alignment'] : ['lift'];
    const r = await s.req('POST', `/v1/workshops/${wid}/bays`, { name: `Bay ${i}`, capabilities });
    expect(r.status).toBe(201);
    bays.push({ id: r.body.id, capabilities });
  }
  const techs: TechFact[] = [];
  const nTechs = 2 + rng.int(3);
  for (let i = 0; i < nTechs; i++) {
    const start = ['07:30', '08:00', '09:00'][rng.int(3)];
    const end = start === '07:30' ? '16:30' : start === '08:00' ? '17:00' : '18:00';
    const t = {
      name: `Tech ${i}`,
      skills: { maintenance: ['A', 'B', 'C'][rng.int(3)] },
      efficiency: [0.9, 1, 1.1, 1.25][rng.int(4)],
      shifts: ['mon', 'tue', 'wed', 'thu', 'fri'].map((weekday) => ({ weekday, start, end, breaks: [{ start: '12:00', end: '12:30' }] })),
    };
    const r = await s.req('POST', `/v1/workshops/${wid}/technicians`, t);
    expect(r.status).toBe(201);
    techs.push({ id: r.body.id, ...t });
  }
  for (const op of CATALOGUE) expect((await s.req('POST', `/v1/workshops/${wid}/operations`, { ...op, name: op.opCode })).status).toBe(201);
  // work: ≤ 35% of three days of the slowest technician's minutes times the team size
  const capacity = nTechs * 3 * 8.5 * 60 * 0.9;
  const appointments: AptFact[] = [];
  let load = 0;
  for (let i = 0; ; i++) {
    const ops = Array.from({ length: 1 + rng.int(3) }, () => ({ opCode: CATALOGUE[rng.int(CATALOGUE.length)].opCode }));
    const minutes = ops.reduce((m, o) => m + CATALOGUE.find((c) => c.opCode === o.opCode)!.standardHours * 60, 0);
    if (load + minutes > 0.35 * capacity) break;
    load += minutes;
    const day = DAYS[rng.int(DAYS.length)];
    const hh = 7 + rng.int(5); // 07:xx–11:xx, after the clock on the first day too
    const plannedArrival = `${day}T${String(hh).padStart(2, '0')}:${['00', '15', '30', '45'][rng.int(4)]}:00+01:00`;
    // imported promises (no capacity check at booking): the planner must place all of them anyway
    const r = await s.req('POST', `/v1/workshops/${wid}/appointments`, {
      customer: { name: `Customer ${i}` },
      vehicle: { plate: `R-${seed}-${i}` },
      plannedArrival,
      transport: rng.next() < 0.6 ? 'waiter' : 'drop_off',
      operations: ops,
      promisedAt: `${day}T17:00:00+01:00`,
    });
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    appointments.push({ id: r.body.id, plannedArrival, operations: ops });
  }
  return { wid, facts: { techs, bays, ops: CATALOGUE, appointments } };
}

describe('random solvable workshops', () => {
  it('schedule every operation, and the plan passes an independent check', async () => {
    for (let seed = 1; seed <= 5; seed++) {
      const { wid, facts } = await randomWorkshop(seed);
      expect(facts.appointments.length).toBeGreaterThan(3);
      const r = await s.req('POST', `/v1/workshops/${wid}/plan`, { seed });
      expect(r.status).toBe(200);
      expect(r.body.unscheduled, `seed ${seed}`).toEqual([]);
      expect(r.body.assignments).toHaveLength(facts.appointments.reduce((n, a) => n + a.operations.length, 0));
      expect(checkPlan(r.body, facts), `seed ${seed}`).toEqual([]);
      if (seed === 1) {
        // the check has teeth: a dropped operation, a stretched one, two on one technician at once
        const [a0, a1] = r.body.assignments;
        const tampered = (assignments: unknown[]) => checkPlan({ ...r.body, assignments }, facts);
        expect(tampered(r.body.assignments.slice(1))).toEqual([expect.stringContaining('not planned')]);
        expect(tampered([{ ...a0, end: new Date(Date.parse(a0.end) + 60_000).toISOString() }, ...r.body.assignments.slice(1)]).join()).toContain('lasts');
        expect(tampered([a0, { ...a1, technicianId: a0.technicianId, start: a0.start }, ...r.body.assignments.slice(2)]).join()).toContain('overlaps');
      }
      // the board of each day shows exactly that day's share of the plan
      let onBoards = 0;
      for (const date of DAYS) {
        const b = await s.req('GET', `/v1/workshops/${wid}/board?date=${date}`);
        onBoards += b.body.technicians.reduce((n: number, t: { operations: unknown[] }) => n + t.operations.length, 0);
      }
      expect(onBoards).toBe(r.body.assignments.filter((a: { start: string }) => DAYS.includes(a.start.slice(0, 10))).length);
    }
  });
});
