/**
 * The planning engine off the HTTP thread (issue 10, "bounded work"): with a database file the
 * service plans, quotes, books and forecasts in a worker thread. The same API answers the same way;
 * the HTTP thread keeps answering while a heavy call runs; a call past ENGINE_DEADLINE_MS ends its
 * worker and answers 503, and the next call gets a fresh worker.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { APPOINTMENT, seedSmallWorkshop, startTestServer, WORKSHOP, type TestServer } from '../helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'baywise-engine-'));
let n = 0;
const fileServer = (env: Record<string, string> = {}) => startTestServer({ DATA_PATH: join(dir, `e${n++}.db`), ENGINE_THREADS: '1', ...env });
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('the API through the engine worker', () => {
  let s: TestServer;
  let ws: Awaited<ReturnType<typeof seedSmallWorkshop>>;
  beforeAll(async () => {
    s = await fileServer();
    ws = await seedSmallWorkshop(s);
  });
  afterAll(() => s.close());

  it('runs in a worker, and plan, board, quote, availability, booking, events, ETA and at-risk answer as in-process', async () => {
    expect(s.ctx.engine?.kind).toBe('worker');
    const plan = await s.req('GET', `/v1/workshops/${ws.id}/plan`);
    expect(plan.status).toBe(200);
    expect(plan.body.assignments.length).toBe(1);
    const board = await s.req('GET', `/v1/workshops/${ws.id}/board?date=2026-11-24`);
    expect(board.status).toBe(200);
    expect(board.body.technicians[0].operations[0].appointmentId).toBe(ws.aptId);
    const q = await s.req('POST', `/v1/workshops/${ws.id}/quotes`, { plannedArrival: '2026-11-25T09:00:00+01:00', transport: 'drop_off', operations: [{ opCode: 'OIL-SVC' }] });
    expect(q.status).toBe(200);
    expect(q.body.bookable).toBe(true);
    const av = await s.req('GET', `/v1/workshops/${ws.id}/availability?opCodes=OIL-SVC&from=2026-11-25&to=2026-11-25`);
    expect(av.status).toBe(200);
    expect(av.body.slots.length).toBeGreaterThan(0);
    const b = await s.req('POST', `/v1/workshops/${ws.id}/appointments`, { ...APPOINTMENT, plannedArrival: av.body.slots[0].start, transport: 'drop_off' }, { 'idempotency-key': 'engine-test-0001' });
    expect(b.status).toBe(201);
    expect(b.body.quote.bookable).toBe(true);
    // the booking's plan was installed in the worker: the next plan read has it without a replan
    const after = await s.req('GET', `/v1/workshops/${ws.id}/plan`);
    expect(after.body.assignments.map((a: { appointmentId: string }) => a.appointmentId)).toContain(b.body.id);
    const replay = await s.req('POST', `/v1/workshops/${ws.id}/appointments`, { ...APPOINTMENT, plannedArrival: av.body.slots[0].start, transport: 'drop_off' }, { 'idempotency-key': 'engine-test-0001' });
    expect(replay.body.id).toBe(b.body.id);
    const ev = await s.req('POST', `/v1/appointments/${b.body.id}/events`, { type: 'checked_in', at: '2026-11-23T05:55:00Z' });
    expect(ev.status).toBe(201);
    expect(ev.body.eta.appointmentId).toBe(b.body.id);
    const eta = await s.req('GET', `/v1/appointments/${b.body.id}/eta`);
    expect(eta.status).toBe(200);
    expect(eta.body.forecast.p50).toBeTruthy();
    const risk = await s.req('GET', `/v1/workshops/${ws.id}/at-risk`);
    expect(risk.status).toBe(200);
  });

  it('domain errors cross the thread as the same problems', async () => {
    const unknown = await s.req('POST', `/v1/workshops/${ws.id}/quotes`, { plannedArrival: '2026-11-25T09:00:00+01:00', transport: 'drop_off', operations: [{ opCode: 'NOPE' }] });
    expect(unknown.status).toBe(422);
    expect(unknown.body.errors[0].path).toBe('operations[0].opCode');
    const past = await s.req('POST', `/v1/workshops/${ws.id}/appointments`, { ...APPOINTMENT, plannedArrival: '2026-11-20T09:00:00+01:00' });
    expect(past.status).toBe(422);
    expect(past.body.code).toBe('arrival_in_past');
  });
});

describe('bounded and isolated', () => {
  let s: TestServer | undefined;
  afterEach(async () => {
    await s?.close();
    s = undefined;
  });

  it('a call past ENGINE_DEADLINE_MS answers 503 naming the setting, and the next call gets a fresh worker', async () => {
    // 300 ms: a tiny workshop's plan read stays far inside it on a loaded machine, the busy availability search far beyond
    s = await fileServer({ ENGINE_DEADLINE_MS: '300' });
    const small = await seedSmallWorkshop(s);
    // the worker's start-up is not counted against a call: a cheap first call answers
    expect((await s.req('GET', `/v1/workshops/${small.id}/plan`)).status).toBe(200);
    const big = await busyWorkshop(s);
    const slow = await s.req('GET', `/v1/workshops/${big}/availability?opCodes=OIL-SVC`);
    expect(slow.status).toBe(503);
    expect(slow.body.detail).toMatch(/ENGINE_DEADLINE_MS/);
    const next = await s.req('GET', `/v1/workshops/${small.id}/plan`);
    expect(next.status).toBe(200);
  });

  it('the HTTP thread answers health checks and the catalogue while an availability search runs', async () => {
    s = await fileServer();
    const w = await busyWorkshop(s);
    await s.req('GET', `/v1/workshops/${w}/plan`);
    const order: string[] = [];
    const heavy = s.req('GET', `/v1/workshops/${w}/availability?opCodes=OIL-SVC`).then((r) => {
      order.push('availability');
      return r;
    });
    await new Promise((r) => setTimeout(r, 20));
    const light = Promise.all([
      s.req('GET', '/healthz').then(() => order.push('healthz')),
      s.req('GET', `/v1/workshops/${w}/technicians?limit=5`).then(() => order.push('catalogue')),
    ]);
    await Promise.all([heavy, light]);
    expect((await heavy).status).toBe(200);
    // sent while the search ran, answered before it ended
    expect(order.at(-1)).toBe('availability');
    expect(order).toHaveLength(3);
  });
});

/** 12 technicians and bays, 200 open orders of two operations: a second or so of availability search. */
async function busyWorkshop(s: TestServer): Promise<string> {
  const w = (await s.req('POST', '/v1/workshops', WORKSHOP)).body.id as string;
  for (let i = 0; i < 12; i++) {
    await s.req('POST', `/v1/workshops/${w}/bays`, { name: `Bay ${i}`, capabilities: ['lift'] });
    await s.req('POST', `/v1/workshops/${w}/technicians`, {
      name: `Tech ${i}`, skills: { maintenance: 'B' },
      shifts: ['mon', 'tue', 'wed', 'thu', 'fri'].map((weekday) => ({ weekday, start: '07:00', end: '18:00' })),
    });
  }
  await s.req('POST', `/v1/workshops/${w}/operations`, { opCode: 'OIL-SVC', name: 'Oil service', standardHours: 0.8, skill: 'maintenance', bayCapability: 'lift' });
  for (let i = 0; i < 200; i++) {
    const day = 24 + (i % 4);
    await s.req('POST', `/v1/workshops/${w}/appointments`, {
      customer: { name: `C${i}` }, vehicle: {}, transport: 'drop_off', operations: [{ opCode: 'OIL-SVC' }, { opCode: 'OIL-SVC' }],
      plannedArrival: `2026-11-${day}T0${7 + (i % 3)}:00:00+01:00`, promisedAt: `2026-11-${day}T17:00:00+01:00`,
    });
  }
  return w;
}
