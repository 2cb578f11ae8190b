import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyPlan } from '../../src/domain/scheduling/index.js';
import { compileWorkshop, loadSnapshot } from '../../src/app/compile.js';
import { APPOINTMENT, startTestServer, TECH, WORKSHOP, type TestServer } from '../helpers.js';

let s: TestServer;
let wid: string;
const techs: Record<string, string> = {};
const bays: Record<string, string> = {};
beforeAll(async () => {
  s = await startTestServer();
  wid = (await s.req('POST', '/v1/workshops', WORKSHOP)).body.id;
  bays.lift = (await s.req('POST', `/v1/workshops/${wid}/bays`, { name: 'Lift', capabilities: ['lift'] })).body.id;
  bays.align = (await s.req('POST', `/v1/workshops/${wid}/bays`, { name: 'Rack', capabilities: ['lift', 'alignment'] })).body.id;
  techs.anna = (await s.req('POST', `/v1/workshops/${wid}/technicians`, { ...TECH, name: 'Anna', skills: { maintenance: 'A', alignment: 'A' } })).body.id;
  techs.ben = (await s.req('POST', `/v1/workshops/${wid}/technicians`, { ...TECH, name: 'Ben', skills: { maintenance: 'C' }, efficiency: 1 })).body.id;
  await s.req('POST', `/v1/workshops/${wid}/operations`, { opCode: 'OIL-SVC', name: 'Oil', standardHours: 0.5, skill: 'maintenance', bayCapability: 'lift' });
  await s.req('POST', `/v1/workshops/${wid}/operations`, { opCode: 'ALIGN', name: 'Alignment', standardHours: 1.2, skill: 'alignment', minLevel: 'B', bayCapability: 'alignment' });
  await s.req('POST', `/v1/workshops/${wid}/operations`, { opCode: 'WIPERS', name: 'Wipers', standardHours: 0.2, skill: 'maintenance' });
  for (let i = 0; i < 6; i++) {
    await s.req('POST', `/v1/workshops/${wid}/appointments`, {
      ...APPOINTMENT,
      plannedArrival: `2026-11-24T0${7 + (i % 3)}:30:00+01:00`,
      operations: i % 2 ? [{ opCode: 'OIL-SVC' }, { opCode: 'ALIGN' }] : [{ opCode: 'OIL-SVC' }, { opCode: 'WIPERS' }],
      promisedAt: `2026-11-24T1${2 + (i % 4)}:00:00+01:00`,
    });
  }
});
afterAll(() => s.close());

describe('planning API', () => {
  it('replans: every operation on a qualified technician and a capable bay, inside shifts, verified', async () => {
    const r = await s.req('POST', `/v1/workshops/${wid}/plan`, { timeLimitMs: 200, seed: 3 });
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
    expect(r.body.lowerBound).toBeGreaterThanOrEqual(0);
    expect(r.body.lowerBound).toBeLessThanOrEqual(r.body.objective.weightedTardiness); // a bound, not a guess
    // independent check of the compiled model and stored plan
    const snap = loadSnapshot(s.store, wid)!;
    const compiled = compileWorkshop(snap, s.ctx.clock.now());
    const stored = s.store.plans.get(wid)!.data as { assignments: { key: string; technicianId: string; bayId: string | null; startMin: number; endMin: number }[] };
    const byKey = new Map(stored.assignments.map((a) => [a.key, a]));
    const plan = {
      assignments: compiled.model.ops.map((o, op) => {
        const a = byKey.get(o.key)!;
        return { op, tech: compiled.techIds.indexOf(a.technicianId), bay: a.bayId ? compiled.bayIds.indexOf(a.bayId) : -1, start: a.startMin, end: a.endMin };
      }),
      objective: r.body.objective,
      lowerBound: 0,
      unscheduled: [],
    };
    expect(verifyPlan(compiled.model, plan)).toEqual([]);
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
    expect(['ok', 'tight', 'at_risk', 'late']).toContain(op.lateRisk);
    expect(op.onTimeProbability).toBeGreaterThanOrEqual(0);
    expect(op.onTimeProbability).toBeLessThanOrEqual(1);
    for (const o of techOps) if (o.lateRisk === 'ok' || o.lateRisk === 'tight') expect(o.onTimeProbability).toBeGreaterThanOrEqual(0.9);
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
