/**
 * When the solver fails or returns a plan the independent checker refuses (a defect of ours), the
 * workshop keeps being answered — plan, board, ETA, availability, quotes — from a checked
 * fallback plan; the defect is reported and the plan says so in `degraded`. Never a 500.
 * The solver is replaced through planningSeams (the real solver, its result corrupted); store and
 * server are the real ones.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { planningSeams, type PlanDefect } from '../../src/app/planning.js';
import { solve } from '../../src/domain/scheduling/index.js';
import { PlanResponse } from '../../src/model/responses.js';
import { APPOINTMENT, BAY, OP, TECH, fixedClock, seedSmallWorkshop, startTestServer, type TestServer } from '../helpers.js';
import { checkPlan, type AptFact } from './plan-check.js';

const clock = fixedClock(Date.parse('2026-11-24T07:00:00Z')); // Tuesday 08:00 Berlin
let s: TestServer;
let w: Awaited<ReturnType<typeof seedSmallWorkshop>>;
const apts: AptFact[] = [];
const real = { ...planningSeams };
const reported: PlanDefect[] = [];

beforeAll(async () => {
  s = await startTestServer({}, { clock });
  w = await seedSmallWorkshop(s);
  apts.push({ id: w.aptId, plannedArrival: APPOINTMENT.plannedArrival, operations: APPOINTMENT.operations });
  for (const [i, at] of ['2026-11-24T08:00:00+01:00', '2026-11-24T09:00:00+01:00', '2026-11-25T08:00:00+01:00'].entries()) {
    const r = await s.req('POST', `/v1/workshops/${w.id}/appointments`, { ...APPOINTMENT, plannedArrival: at, promisedAt: `2026-11-2${4 + (i >> 1)}T15:00:00+01:00` });
    apts.push({ id: r.body.id, plannedArrival: at, operations: APPOINTMENT.operations });
  }
});
afterEach(() => Object.assign(planningSeams, real));
afterAll(() => s.close());

const facts = () => ({
  techs: [{ id: w.techId, skills: TECH.skills, efficiency: TECH.efficiency, shifts: TECH.shifts }],
  bays: [{ id: w.bayId, capabilities: BAY.capabilities }],
  ops: [OP],
  appointments: apts,
});

/** the reads a client makes, all answering */
async function everyReadAnswers() {
  const statuses = {
    plan: (await s.req('GET', `/v1/workshops/${w.id}/plan`)).status,
    board: (await s.req('GET', `/v1/workshops/${w.id}/board`)).status,
    eta: (await s.req('GET', `/v1/appointments/${apts[1].id}/eta`)).status,
    availability: (await s.req('GET', `/v1/workshops/${w.id}/availability?opCodes=OIL-SVC&from=2026-11-25&to=2026-11-25`)).status,
    quote: (await s.req('POST', `/v1/workshops/${w.id}/quotes`, { plannedArrival: '2026-11-25T09:00:00+01:00', operations: [{ opCode: 'OIL-SVC' }], transport: 'drop_off' })).status,
  };
  expect(statuses).toEqual({ plan: 200, board: 200, eta: 200, availability: 200, quote: 200 });
}

function capture() {
  reported.length = 0;
  planningSeams.reportDefect = (d) => void reported.push(d);
}

describe('a solver plan the checker refuses', () => {
  it('is replaced by the checked construction, reported, and flagged in the plan; every read answers', async () => {
    capture();
    // the real solver, with one operation's end moved off the minute grid (the old defect's symptom)
    planningSeams.solve = async (model, opts) => {
      const r = await solve(model, opts);
      const a = r.plan.assignments.find((x) => x.tech >= 0)!;
      a.end += 0.5;
      return r;
    };
    const r = await s.req('POST', `/v1/workshops/${w.id}/plan`, {});
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    expect(PlanResponse.parse(r.body)).toBeTruthy();
    expect(r.body.degraded).toMatchObject({ fallback: 'construction', violations: [] });
    expect(r.body.degraded.reason).toMatch(/^solver produced an infeasible plan: bad_reference .*non-integer/);
    // the fallback is a real plan: every operation planned, and it keeps every rule (checked without the service's code)
    expect(r.body.unscheduled).toEqual([]);
    expect(r.body.assignments).toHaveLength(apts.length);
    expect(checkPlan(r.body, facts())).toEqual([]);
    expect(reported).toHaveLength(1);
    expect(reported[0]).toMatchObject({ workshopId: w.id, fallback: 'construction' });
    expect(reported[0].violations.map((v) => v.code)).toEqual(['bad_reference']);
    // reads served from the degraded plan, which is cached (no second report)
    await everyReadAnswers();
    expect((await s.req('GET', `/v1/workshops/${w.id}/plan`)).body.degraded.fallback).toBe('construction');
    expect(reported).toHaveLength(1);
  });

  it('a solver that throws is a defect too: the construction answers', async () => {
    capture();
    planningSeams.solve = async () => {
      throw new Error('boom in the search');
    };
    const r = await s.req('POST', `/v1/workshops/${w.id}/plan`, {});
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    expect(r.body.degraded).toMatchObject({ reason: 'solver failed: boom in the search', fallback: 'construction' });
    expect(checkPlan(r.body, facts())).toEqual([]);
    expect(reported.map((d) => d.reason)).toEqual(['solver failed: boom in the search']);
    await everyReadAnswers();
  });

  it('once the solver is sound again the next replan is not degraded', async () => {
    capture();
    const r = await s.req('POST', `/v1/workshops/${w.id}/plan`, {});
    expect(r.status).toBe(200);
    expect(r.body.degraded).toBeUndefined();
    expect((await s.req('GET', `/v1/workshops/${w.id}/plan`)).body.degraded).toBeUndefined();
    expect(reported).toEqual([]);
  });
});
