import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { MIGRATIONS, openSqliteStore } from '../../src/store/sqlite.js';
import { APPOINTMENT, fixedClock, seedSmallWorkshop, snapshot, startTestServer } from '../helpers.js';

const dirs: string[] = [];
const tmp = () => {
  const d = mkdtempSync(join(tmpdir(), 'baywise-'));
  dirs.push(d);
  return d;
};
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

describe('SQLite store', () => {
  it('keeps everything acknowledged with a 2xx across a restart', async () => {
    const path = join(tmp(), 'nested', 'baywise.db');
    const s1 = await startTestServer({ DATA_PATH: path });
    const w = await seedSmallWorkshop(s1);
    const patched = await s1.req('PATCH', `/v1/appointments/${w.aptId}`, { status: 'checked_in' });
    expect(patched.status).toBe(200);
    const extra = await s1.req('POST', `/v1/workshops/${w.id}/appointments`, { ...APPOINTMENT, notes: 'after patch' });
    const before = {
      ws: (await s1.req('GET', `/v1/workshops/${w.id}`)).body,
      tech: (await s1.req('GET', `/v1/workshops/${w.id}/technicians/${w.techId}`)).body,
      apts: (await s1.req('GET', `/v1/workshops/${w.id}/appointments`)).body,
    };
    await s1.close();

    const s2 = await startTestServer({ DATA_PATH: path });
    expect((await s2.req('GET', `/v1/workshops/${w.id}`)).body).toEqual(before.ws);
    expect((await s2.req('GET', `/v1/workshops/${w.id}/technicians/${w.techId}`)).body).toEqual(before.tech);
    expect((await s2.req('GET', `/v1/workshops/${w.id}/appointments`)).body).toEqual(before.apts);
    expect((await s2.req('GET', `/v1/appointments/${extra.body.id}`)).body.notes).toBe('after patch');
    expect((await s2.req('GET', `/v1/appointments/${w.aptId}`)).body.status).toBe('checked_in');
    await s2.close();
  });

  it('keeps every table across a restart: bays, operations, events, observations, plans, idempotency keys, simulations', async () => {
    const path = join(tmp(), 'all.db');
    const clock = fixedClock(); // Monday 07:00 Berlin
    const s1 = await startTestServer({ DATA_PATH: path }, { clock });
    const w = await seedSmallWorkshop(s1);
    expect(w.aptId).toBeDefined();
    const base = `/v1/workshops/${w.id}`;
    expect((await s1.req('PATCH', `${base}/bays/${w.bayId}`, { name: 'Lift 1 (renamed)' })).status).toBe(200);
    expect((await s1.req('POST', `${base}/bays`, { name: 'Rack', capabilities: ['lift', 'alignment'] })).status).toBe(201);
    expect((await s1.req('POST', `${base}/operations`, { opCode: 'BRAKES', name: 'Brakes', standardHours: 1.2, skill: 'brakes', bayCapability: 'lift' })).status).toBe(201);
    expect((await s1.req('POST', `${base}/technicians/${w.techId}/absence`, { from: '2026-11-30T00:00:00+01:00', to: '2026-12-01T00:00:00+01:00', reason: 'training' })).status).toBe(201);
    // a booking under an idempotency key
    const key = { 'idempotency-key': 'restart-booking-1' };
    const keyed = await s1.req('POST', `${base}/appointments`, { ...APPOINTMENT, plannedArrival: '2026-11-25T09:00:00+01:00', transport: 'drop_off' }, key);
    expect(keyed.status).toBe(201);
    // the job clock: events and a duration observation (Tuesday 09:00 Berlin)
    clock.set(Date.parse('2026-11-24T08:00:00Z'));
    const ev = (body: object) => s1.req('POST', `/v1/appointments/${w.aptId}/events`, body);
    expect((await ev({ type: 'checked_in', at: '2026-11-24T08:00:00+01:00' })).status).toBe(201);
    expect((await ev({ type: 'op_started', opIndex: 0, technicianId: w.techId, bayId: w.bayId, at: '2026-11-24T08:05:00+01:00' })).status).toBe(201);
    expect((await ev({ type: 'op_finished', opIndex: 0, at: '2026-11-24T08:41:00+01:00' })).status).toBe(201);
    const plan = await s1.req('POST', `${base}/plan`, { seed: 2 });
    expect(plan.status).toBe(200);
    // a finished simulation job
    const sim = await s1.req('POST', '/v1/scenarios/simulations', { scenario: 'small-independent-garage', days: 1, replications: 2, seed: 3 });
    expect(sim.status).toBe(202);
    let job = sim.body;
    for (let i = 0; i < 400 && job.status !== 'done' && job.status !== 'failed'; i++) {
      await new Promise((r) => setTimeout(r, 25));
      job = (await s1.req('GET', `/v1/scenarios/simulations/${sim.body.id}`)).body;
    }
    expect(job.status).toBe('done');

    // every table holds something to lose
    const db1 = (s1.store as unknown as { db: Database.Database }).db;
    const tables = (db1.prepare(`SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name`).all() as { name: string }[]).map((t) => t.name);
    expect(tables).toEqual(expect.arrayContaining(['appointments', 'bays', 'duration_observations', 'events', 'idempotency_keys', 'operations', 'plans', 'simulations', 'technicians', 'workshops']));
    for (const t of tables) expect((db1.prepare(`SELECT count(*) AS n FROM ${t}`).get() as { n: number }).n, t).toBeGreaterThan(0);
    const rows = snapshot(s1);
    const read = async (s: typeof s1) => ({
      workshop: (await s.req('GET', base)).body,
      bays: (await s.req('GET', `${base}/bays`)).body,
      technician: (await s.req('GET', `${base}/technicians/${w.techId}`)).body,
      operations: (await s.req('GET', `${base}/operations`)).body,
      appointments: (await s.req('GET', `${base}/appointments`)).body,
      events: (await s.req('GET', `/v1/appointments/${w.aptId}/events`)).body,
      // the plan without its solver stats: a restarted service replans warm-started from the stored
      // plan (timings differ), and keeps every assignment where it was
      plan: (({ stats: _stats, ...p }) => p)((await s.req('GET', `${base}/plan`)).body),
      simulation: (await s.req('GET', `/v1/scenarios/simulations/${sim.body.id}`)).body,
    });
    const before = await read(s1);
    expect(before.plan.assignments).toEqual(plan.body.assignments);
    await s1.close();

    const s2 = await startTestServer({ DATA_PATH: path }, { clock });
    try {
      expect(snapshot(s2)).toBe(rows); // every row of every table, byte for byte, before any request
      expect(await read(s2)).toEqual(before);
      expect(s2.store.observations.list(w.id).map((o) => [o.opCode, o.actualMinutes])).toEqual([['OIL-SVC', 36]]);
      // the idempotency key still answers the retry with the first booking, and books nothing new
      const retry = await s2.req('POST', `${base}/appointments`, { ...APPOINTMENT, plannedArrival: '2026-11-25T09:00:00+01:00', transport: 'drop_off' }, key);
      expect(retry.status).toBe(201);
      expect(retry.body.id).toBe(keyed.body.id);
      expect((await s2.req('GET', `${base}/appointments`)).body.total).toBe(before.appointments.total);
    } finally {
      await s2.close();
    }
  });

  it('runs versioned migrations once, in order, in WAL mode', () => {
    const path = join(tmp(), 'm.db');
    const a = openSqliteStore(path);
    expect(a.migrated).toEqual({ from: 0, to: MIGRATIONS[MIGRATIONS.length - 1].version });
    expect(a.db.pragma('journal_mode', { simple: true })).toBe('wal');
    a.close();
    const b = openSqliteStore(path);
    expect(b.migrated.from).toBe(b.migrated.to);
    b.close();
    // a database at version 1 is brought forward without touching its data
    const raw = new Database(join(tmp(), 'old.db'));
    raw.exec(MIGRATIONS[0].sql);
    raw.pragma('user_version = 1');
    raw.prepare(`INSERT INTO workshops (id, data, version, created_at, updated_at) VALUES ('ws_old', '{"id":"ws_old"}', 1, 'x', 'x')`).run();
    const file = raw.name;
    raw.close();
    const c = openSqliteStore(file);
    expect(c.migrated).toEqual({ from: 1, to: MIGRATIONS[MIGRATIONS.length - 1].version });
    expect(c.workshops.get('ws_old')).toEqual({ id: 'ws_old' });
    c.close();
  });

  it('rolls back a failed transaction completely', () => {
    const s = openSqliteStore(':memory:');
    const now = new Date().toISOString();
    expect(() =>
      s.transaction(() => {
        s.workshops.insert({ id: 'ws_tx', version: 1, createdAt: now, updatedAt: now } as never);
        throw new Error('boom');
      }),
    ).toThrow('boom');
    expect(s.workshops.get('ws_tx')).toBeUndefined();
    s.close();
  });
});
