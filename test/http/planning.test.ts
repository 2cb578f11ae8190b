import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { APPOINTMENT, startTestServer, TECH, WORKSHOP, type TestServer } from '../helpers.js';
import { checkPlan, type AptFact, type OpFact, type TechFact } from './plan-check.js';

let s: TestServer;
let wid: string;
const techs: Record<string, string> = {};
const bays: Record<string, string> = {};
// what the test sent, for the independent plan check
const CATALOGUE: OpFact[] = [
  { opCode: 'OIL-SVC', standardHours: 0.5, skill: 'maintenance', bayCapability: 'lift' },
  { opCode: 'ALIGN', standardHours: 1.2, skill: 'alignment', minLevel: 'B', bayCapability: 'alignment' },
  { opCode: 'WIPERS', standardHours: 0.2, skill: 'maintenance' },
];
const apts: AptFact[] = [];
beforeAll(async () => {
  s = await startTestServer();
  wid = (await s.req('POST', '/v1/workshops', WORKSHOP)).body.id;
  bays.lift = (await s.req('POST', `/v1/workshops/${wid}/bays`, { name: 'Lift', capabilities: ['lift'] })).body.id;
  bays.align = (await s.req('POST', `/v1/workshops/${wid}/bays`, { name: 'Rack', capabilities: ['lift', 'alignment'] })).body.id;
  techs.anna = (await s.req('POST', `/v1/workshops/${wid}/technicians`, { ...TECH, name: 'Anna', skills: { maintenance: 'A', alignment: 'A' } })).body.id;
  techs.ben = (await s.req('POST', `/v1/workshops/${wid}/technicians`, { ...TECH, name: 'Ben', skills: { maintenance: 'C' }, efficiency: 1 })).body.id;
  for (const op of CATALOGUE) await s.req('POST', `/v1/workshops/${wid}/operations`, { ...op, name: op.opCode });
  for (let i = 0; i < 6; i++) {
    const plannedArrival = `2026-11-24T0${7 + (i % 3)}:30:00+01:00`;
    const operations = i % 2 ? [{ opCode: 'OIL-SVC' }, { opCode: 'ALIGN' }] : [{ opCode: 'OIL-SVC' }, { opCode: 'WIPERS' }];
    const r = await s.req('POST', `/v1/workshops/${wid}/appointments`, { ...APPOINTMENT, plannedArrival, operations, promisedAt: `2026-11-24T1${2 + (i % 4)}:00:00+01:00` });
    apts.push({ id: r.body.id, plannedArrival, operations });
  }
});
afterAll(() => s.close());

describe('planning API', () => {
  it('replans: every operation on a qualified technician and a capable bay, inside shifts, verified', async () => {
    const r = await s.req('POST', `/v1/workshops/${wid}/plan`, { seed: 3 }); // SOLVER_MAX_ITERATIONS ends the search, not the clock
    expect(r.status).toBe(200);
    expect(r.body.assignments).toHaveLength(12);
    expect(r.body.unscheduled).toEqual([]);
    for (const a of r.body.assignments) {
      if (a.opCode === 'ALIGN') {
        expect(a.technicianId).toBe(techs.anna); // Ben's maintenance C has no alignment skill
        expect(a.bayId).toBe(bays.align);
      }
      if (a.opCode === 'WIPERS') expect(a.bayId).toBeNull();
      const start = a.start.slice(11, 16);
      expect(start >= '07:30').toBe(true);
      expect(a.end.slice(11, 16) <= '16:30').toBe(true);
      expect(!(start >= '12:00' && start < '12:30')).toBe(true);
    }
    expect(r.body.objective).toHaveProperty('weightedTardiness');
    expect(typeof r.body.lowerBound).toBe('number');
    expect(r.body.lowerBound).toBeLessThanOrEqual(r.body.objective.weightedTardiness); // a bound, not a guess
    // checked independently of the service's compiler and verifier, against the facts sent above
    const techFacts: TechFact[] = [
      { id: techs.anna, skills: { maintenance: 'A', alignment: 'A' }, efficiency: TECH.efficiency, shifts: TECH.shifts },
      { id: techs.ben, skills: { maintenance: 'C' }, efficiency: 1, shifts: TECH.shifts },
    ];
    const bayFacts = [
      { id: bays.lift, capabilities: ['lift'] },
      { id: bays.align, capabilities: ['lift', 'alignment'] },
    ];
    expect(checkPlan(r.body, { techs: techFacts, bays: bayFacts, ops: CATALOGUE, appointments: apts })).toEqual([]);
    // and what the API serves afterwards is the plan it just returned
    expect((await s.req('GET', `/v1/workshops/${wid}/plan`)).body.assignments).toEqual(r.body.assignments);
  });

  it('serves the dispatch board of a day per technician and per bay, with late risk', async () => {
    const r = await s.req('GET', `/v1/workshops/${wid}/board?date=2026-11-24`);
    expect(r.status).toBe(200);
    const techOps = r.body.technicians.flatMap((t: { operations: unknown[] }) => t.operations);
    expect(techOps).toHaveLength(12);
    const bayOps = r.body.bays.flatMap((b: { operations: unknown[] }) => b.operations);
    expect(bayOps).toHaveLength(9); // 6 oil services + 3 alignments; wipers need no bay
    for (const t of r.body.technicians) {
      const starts = t.operations.map((o: { start: string }) => o.start);
      expect([...starts].sort()).toEqual(starts);
    }
    const op = techOps[0];
    expect(op).toMatchObject({ vehicle: { plate: 'B-XY 123' }, customer: 'Eva Schmidt', status: 'pending' });
    // the flag follows from the fields beside it: late = the plan misses the promise; at_risk = the
    // probability is below the 0.9 target; tight = under 30 minutes of slack; else ok
    for (const o of techOps) {
      const slack = (Date.parse(o.promisedAt) - Date.parse(o.plannedReady)) / 60_000;
      expect(o.slackMinutes).toBe(slack);
      const expected = slack < 0 ? 'late' : o.onTimeProbability < 0.9 ? 'at_risk' : slack < 30 ? 'tight' : 'ok';
      expect(o.lateRisk, JSON.stringify(o)).toBe(expected);
    }
    expect(new Set(techOps.map((o: { lateRisk: string }) => o.lateRisk)).size).toBeGreaterThan(1); // the day shows more than one flag
    const empty = await s.req('GET', `/v1/workshops/${wid}/board?date=2026-11-29`);
    expect(empty.body.technicians.every((t: { operations: unknown[] }) => t.operations.length === 0)).toBe(true);
  });

  it('flags a promise the plan cannot keep as late', async () => {
    const a = await s.req('POST', `/v1/workshops/${wid}/appointments`, {
      ...APPOINTMENT,
      plannedArrival: '2026-11-24T10:00:00+01:00',
      operations: [{ opCode: 'ALIGN' }],
      promisedAt: '2026-11-24T10:15:00+01:00',
    });
    const board = await s.req('GET', `/v1/workshops/${wid}/board?date=2026-11-24`);
    const mine = board.body.technicians.flatMap((t: { operations: { appointmentId: string; lateRisk: string }[] }) => t.operations).find((o: { appointmentId: string }) => o.appointmentId === a.body.id);
    expect(mine.lateRisk).toBe('late');
  });

  it('rejects bad planning input with problem+json', async () => {
    expect((await s.req('POST', `/v1/workshops/${wid}/plan`, { timeLimitMs: -5 })).status).toBe(400);
    expect((await s.req('POST', `/v1/workshops/ws_nope/plan`, {})).status).toBe(404);
    const bad = await s.req('GET', `/v1/workshops/${wid}/board?date=2026-02-30`);
    expect(bad.status).toBe(400);
    expect(bad.body.errors[0].path).toBe('query.date');
  });
});
