/**
 * SQLite adapter of the store port (better-sqlite3): WAL journal, foreign keys, versioned
 * migrations run on open inside one transaction each, documents stored as JSON with indexed
 * filter columns. Synchronous by nature, so one request's writes are atomic without locks.
 */
import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import type { Appointment, AppointmentStatus, Bay, Operation, Technician, Workshop } from '../model/workshop.js';
import type { AppointmentQuery, ChildRepo, Page, PageQuery, PromiseRecord, SimulationRecord, Store } from './port.js';

/** Ordered, append-only. Never edit a shipped migration: add the next one. */
export const MIGRATIONS: { version: number; name: string; sql: string }[] = [
  {
    version: 1,
    name: 'workshop model',
    sql: `
      CREATE TABLE workshops (
        id TEXT PRIMARY KEY, data TEXT NOT NULL, version INTEGER NOT NULL,
        revision INTEGER NOT NULL DEFAULT 1, created_at TEXT NOT NULL, updated_at TEXT NOT NULL);
      CREATE TABLE bays (
        id TEXT PRIMARY KEY, workshop_id TEXT NOT NULL REFERENCES workshops(id) ON DELETE CASCADE,
        data TEXT NOT NULL, version INTEGER NOT NULL, created_at TEXT NOT NULL);
      CREATE INDEX bays_ws ON bays(workshop_id, created_at, id);
      CREATE TABLE technicians (
        id TEXT PRIMARY KEY, workshop_id TEXT NOT NULL REFERENCES workshops(id) ON DELETE CASCADE,
        data TEXT NOT NULL, version INTEGER NOT NULL, created_at TEXT NOT NULL);
      CREATE INDEX technicians_ws ON technicians(workshop_id, created_at, id);
      CREATE TABLE operations (
        id TEXT PRIMARY KEY, workshop_id TEXT NOT NULL REFERENCES workshops(id) ON DELETE CASCADE,
        op_code TEXT NOT NULL, data TEXT NOT NULL, version INTEGER NOT NULL, created_at TEXT NOT NULL,
        UNIQUE (workshop_id, op_code));
      CREATE TABLE appointments (
        id TEXT PRIMARY KEY, workshop_id TEXT NOT NULL REFERENCES workshops(id) ON DELETE CASCADE,
        planned_arrival INTEGER NOT NULL, status TEXT NOT NULL, data TEXT NOT NULL,
        version INTEGER NOT NULL, created_at TEXT NOT NULL);
      CREATE INDEX appointments_ws_arrival ON appointments(workshop_id, planned_arrival);
      CREATE INDEX appointments_ws_status ON appointments(workshop_id, status, planned_arrival);
    `,
  },
  {
    version: 2,
    name: 'plans, idempotency keys, floor events, duration observations',
    sql: `
      CREATE TABLE plans (
        workshop_id TEXT PRIMARY KEY REFERENCES workshops(id) ON DELETE CASCADE,
        revision INTEGER NOT NULL, as_of TEXT NOT NULL, data TEXT NOT NULL, created_at TEXT NOT NULL);
      CREATE TABLE idempotency_keys (
        scope TEXT NOT NULL, key TEXT NOT NULL, request_hash TEXT NOT NULL, status INTEGER NOT NULL,
        body TEXT NOT NULL, created_at TEXT NOT NULL, PRIMARY KEY (scope, key));
      CREATE TABLE events (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        appointment_id TEXT NOT NULL REFERENCES appointments(id) ON DELETE CASCADE,
        workshop_id TEXT NOT NULL, type TEXT NOT NULL, at TEXT NOT NULL, data TEXT NOT NULL);
      CREATE INDEX events_apt ON events(appointment_id, id);
      CREATE TABLE duration_observations (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        workshop_id TEXT NOT NULL REFERENCES workshops(id) ON DELETE CASCADE,
        op_code TEXT NOT NULL, technician_id TEXT, planned_minutes REAL NOT NULL,
        actual_minutes REAL NOT NULL, at TEXT NOT NULL);
      CREATE INDEX observations_ws ON duration_observations(workshop_id, op_code);
    `,
  },
  {
    version: 3,
    name: 'simulation jobs',
    sql: `
      CREATE TABLE simulations (
        id TEXT PRIMARY KEY, status TEXT NOT NULL, request TEXT NOT NULL, progress REAL NOT NULL,
        result TEXT, error TEXT, created_at TEXT NOT NULL, updated_at TEXT NOT NULL);
    `,
  },
  {
    version: 4,
    name: 'promise records: each promise Baywise made, and its outcome (calibration)',
    sql: `
      CREATE TABLE promise_records (
        appointment_id TEXT PRIMARY KEY REFERENCES appointments(id) ON DELETE CASCADE,
        workshop_id TEXT NOT NULL REFERENCES workshops(id) ON DELETE CASCADE,
        segment TEXT NOT NULL, quoted_at INTEGER NOT NULL, arrival INTEGER NOT NULL,
        raw_lead_min REAL NOT NULL, scale REAL NOT NULL, promised_at INTEGER NOT NULL, ready_at INTEGER);
      CREATE INDEX promise_records_ws ON promise_records(workshop_id, segment, ready_at);
    `,
  },
];

export function migrate(db: Database.Database): { from: number; to: number } {
  const from = db.pragma('user_version', { simple: true }) as number;
  for (const m of MIGRATIONS) {
    if (m.version <= from) continue;
    db.transaction(() => {
      db.exec(m.sql);
      db.pragma(`user_version = ${m.version}`);
    })();
  }
  return { from, to: db.pragma('user_version', { simple: true }) as number };
}

type Row = { data: string };
const parse = <T>(r: Row | undefined): T | undefined => (r ? (JSON.parse(r.data) as T) : undefined);

export function openSqliteStore(path: string): Store & { db: Database.Database; migrated: { from: number; to: number } } {
  if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
  const db = new Database(path);
  db.pragma('journal_mode = WAL');
  // FULL: a commit is fsynced (WAL) before it returns, so a 2xx survives power loss too (bench/durability.ts measures the cost)
  db.pragma('synchronous = FULL');
  db.pragma('foreign_keys = ON');
  db.pragma('busy_timeout = 5000');
  const migrated = migrate(db);

  const child = <T extends { id: string; workshopId: string; version: number; createdAt: string }>(
    table: 'bays' | 'technicians' | 'operations',
    extraCols: (e: T) => Record<string, unknown> = () => ({}),
  ): ChildRepo<T> => {
    const get = db.prepare(`SELECT data FROM ${table} WHERE workshop_id = ? AND id = ?`);
    const list = db.prepare(`SELECT data FROM ${table} WHERE workshop_id = ? ORDER BY created_at, rowid LIMIT ? OFFSET ?`);
    const all = db.prepare(`SELECT data FROM ${table} WHERE workshop_id = ? ORDER BY created_at, rowid`);
    const count = db.prepare(`SELECT count(*) AS n FROM ${table} WHERE workshop_id = ?`);
    const del = db.prepare(`DELETE FROM ${table} WHERE workshop_id = ? AND id = ?`);
    const sample = extraCols({} as T);
    const extra = Object.keys(sample);
    const ins = db.prepare(
      `INSERT INTO ${table} (id, workshop_id, data, version, created_at${extra.map((c) => ', ' + c).join('')})
       VALUES (@id, @workshop_id, @data, @version, @created_at${extra.map((c) => ', @' + c).join('')})`,
    );
    const upd = db.prepare(
      `UPDATE ${table} SET data = @data, version = @version${extra.map((c) => `, ${c} = @${c}`).join('')}
       WHERE workshop_id = @workshop_id AND id = @id AND version = @version - 1`,
    );
    const bind = (e: T) => ({
      id: e.id,
      workshop_id: e.workshopId,
      data: JSON.stringify(e),
      version: e.version,
      created_at: e.createdAt,
      ...extraCols(e),
    });
    return {
      get: (w, id) => parse<T>(get.get(w, id) as Row | undefined),
      list: (w, q: PageQuery): Page<T> => ({
        items: (list.all(w, q.limit, q.offset) as Row[]).map((r) => JSON.parse(r.data) as T),
        total: (count.get(w) as { n: number }).n,
        limit: q.limit,
        offset: q.offset,
      }),
      all: (w) => (all.all(w) as Row[]).map((r) => JSON.parse(r.data) as T),
      insert: (e) => void ins.run(bind(e)),
      update: (e) => upd.run(bind(e)).changes === 1,
      delete: (w, id) => del.run(w, id).changes === 1,
    };
  };

  const ws = {
    get: db.prepare(`SELECT data FROM workshops WHERE id = ?`),
    list: db.prepare(`SELECT data FROM workshops ORDER BY created_at, id LIMIT ? OFFSET ?`),
    count: db.prepare(`SELECT count(*) AS n FROM workshops`),
    ins: db.prepare(
      `INSERT INTO workshops (id, data, version, created_at, updated_at) VALUES (@id, @data, @version, @created_at, @updated_at)`,
    ),
    upd: db.prepare(
      `UPDATE workshops SET data = @data, version = @version, updated_at = @updated_at, revision = revision + 1
       WHERE id = @id AND version = @version - 1`,
    ),
    del: db.prepare(`DELETE FROM workshops WHERE id = ?`),
    rev: db.prepare(`SELECT revision FROM workshops WHERE id = ?`),
    bump: db.prepare(`UPDATE workshops SET revision = revision + 1 WHERE id = ?`),
  };
  const wsBind = (w: Workshop) => ({
    id: w.id,
    data: JSON.stringify(w),
    version: w.version,
    created_at: w.createdAt,
    updated_at: w.updatedAt,
  });

  const opsRepo = child<Operation>('operations', (e) => ({ op_code: e.opCode }));
  const opByCode = db.prepare(`SELECT data FROM operations WHERE workshop_id = ? AND op_code = ?`);

  const apt = {
    get: db.prepare(`SELECT data FROM appointments WHERE id = ?`),
    ins: db.prepare(
      `INSERT INTO appointments (id, workshop_id, planned_arrival, status, data, version, created_at)
       VALUES (@id, @workshop_id, @planned_arrival, @status, @data, @version, @created_at)`,
    ),
    upd: db.prepare(
      `UPDATE appointments SET planned_arrival = @planned_arrival, status = @status, data = @data, version = @version
       WHERE id = @id AND version = @version - 1`,
    ),
    del: db.prepare(`DELETE FROM appointments WHERE id = ?`),
    opUse: db.prepare(
      `SELECT count(*) AS n FROM appointments, json_each(appointments.data, '$.operations') AS o
       WHERE workshop_id = ? AND json_extract(o.value, '$.opCode') = ? AND status IN (SELECT value FROM json_each(?))`,
    ),
  };
  const aptBind = (a: Appointment) => ({
    id: a.id,
    workshop_id: a.workshopId,
    planned_arrival: Date.parse(a.plannedArrival),
    status: a.status,
    data: JSON.stringify(a),
    version: a.version,
    created_at: a.createdAt,
  });
  const aptWhere = (workshopId: string, q: { from?: number; to?: number; status?: AppointmentStatus[] }) => {
    const cond = ['workshop_id = ?'];
    const args: unknown[] = [workshopId];
    if (q.from !== undefined) (cond.push('planned_arrival >= ?'), args.push(q.from));
    if (q.to !== undefined) (cond.push('planned_arrival < ?'), args.push(q.to));
    if (q.status && q.status.length) (cond.push('status IN (SELECT value FROM json_each(?))'), args.push(JSON.stringify(q.status)));
    return { where: cond.join(' AND '), args };
  };

  const plans = {
    get: db.prepare(`SELECT workshop_id, revision, as_of, data, created_at FROM plans WHERE workshop_id = ?`),
    put: db.prepare(
      `INSERT INTO plans (workshop_id, revision, as_of, data, created_at) VALUES (?, ?, ?, ?, ?)
       ON CONFLICT(workshop_id) DO UPDATE SET revision = excluded.revision, as_of = excluded.as_of, data = excluded.data, created_at = excluded.created_at`,
    ),
  };
  const idem = {
    get: db.prepare(`SELECT scope, key, request_hash, status, body, created_at FROM idempotency_keys WHERE scope = ? AND key = ?`),
    put: db.prepare(`INSERT INTO idempotency_keys (scope, key, request_hash, status, body, created_at) VALUES (?, ?, ?, ?, ?, ?)`),
  };
  const obs = {
    add: db.prepare(
      `INSERT INTO duration_observations (workshop_id, op_code, technician_id, planned_minutes, actual_minutes, at) VALUES (?, ?, ?, ?, ?, ?)`,
    ),
    list: db.prepare(
      `SELECT workshop_id, op_code, technician_id, planned_minutes, actual_minutes, at FROM duration_observations WHERE workshop_id = ? ORDER BY id`,
    ),
  };
  const ev = {
    add: db.prepare(`INSERT INTO events (appointment_id, workshop_id, type, at, data) VALUES (?, ?, ?, ?, ?)`),
    list: db.prepare(`SELECT id, appointment_id, workshop_id, type, at, data FROM events WHERE appointment_id = ? ORDER BY id`),
  };
  const prom = {
    add: db.prepare(
      `INSERT OR REPLACE INTO promise_records (appointment_id, workshop_id, segment, quoted_at, arrival, raw_lead_min, scale, promised_at, ready_at)
       VALUES (@appointmentId, @workshopId, @segment, @quotedAt, @arrival, @rawLeadMinutes, @scale, @promisedAt, NULL)`,
    ),
    ready: db.prepare(`UPDATE promise_records SET ready_at = ? WHERE appointment_id = ? AND ready_at IS NULL`),
    get: db.prepare(`SELECT * FROM promise_records WHERE appointment_id = ?`),
    // the latest outcomes, newest first
    outcomes: db.prepare(
      `SELECT * FROM promise_records WHERE workshop_id = ? AND ready_at IS NOT NULL ORDER BY ready_at DESC LIMIT ?`,
    ),
    open: db.prepare(`SELECT * FROM promise_records WHERE workshop_id = ? AND ready_at IS NULL`),
  };
  type PromRow = { appointment_id: string; workshop_id: string; segment: string; quoted_at: number; arrival: number; raw_lead_min: number; scale: number; promised_at: number; ready_at: number | null };
  const promOf = (r: PromRow): PromiseRecord => ({
    appointmentId: r.appointment_id, workshopId: r.workshop_id, segment: r.segment, quotedAt: r.quoted_at, arrival: r.arrival,
    rawLeadMinutes: r.raw_lead_min, scale: r.scale, promisedAt: r.promised_at, readyAt: r.ready_at,
  });
  const sim = {
    get: db.prepare(`SELECT id, status, request, progress, result, error, created_at, updated_at FROM simulations WHERE id = ?`),
    // statuses as a JSON array: one statement whatever their number
    byStatus: db.prepare(
      `SELECT id, status, request, progress, result, error, created_at, updated_at FROM simulations
       WHERE status IN (SELECT value FROM json_each(?)) ORDER BY created_at, id`,
    ),
    put: db.prepare(
      `INSERT INTO simulations (id, status, request, progress, result, error, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT(id) DO UPDATE SET status = excluded.status, progress = excluded.progress, result = excluded.result,
       error = excluded.error, updated_at = excluded.updated_at`,
    ),
  };

  return {
    kind: 'sqlite',
    db,
    migrated,
    workshops: {
      get: (id) => parse<Workshop>(ws.get.get(id) as Row | undefined),
      list: (q) => ({
        items: (ws.list.all(q.limit, q.offset) as Row[]).map((r) => JSON.parse(r.data) as Workshop),
        total: (ws.count.get() as { n: number }).n,
        limit: q.limit,
        offset: q.offset,
      }),
      insert: (w) => void ws.ins.run(wsBind(w)),
      update: (w) => ws.upd.run(wsBind(w)).changes === 1,
      delete: (id) => ws.del.run(id).changes === 1,
      revision: (id) => ((ws.rev.get(id) as { revision: number } | undefined)?.revision ?? 0),
      bumpRevision: (id) => void ws.bump.run(id),
      count: () => (ws.count.get() as { n: number }).n,
    },
    bays: child<Bay>('bays'),
    technicians: child<Technician>('technicians'),
    operations: { ...opsRepo, byCode: (w, code) => parse<Operation>(opByCode.get(w, code) as Row | undefined) },
    appointments: {
      get: (id) => parse<Appointment>(apt.get.get(id) as Row | undefined),
      list: (workshopId, q: AppointmentQuery) => {
        const { where, args } = aptWhere(workshopId, q);
        const items = (
          db.prepare(`SELECT data FROM appointments WHERE ${where} ORDER BY planned_arrival, rowid LIMIT ? OFFSET ?`).all(...args, q.limit, q.offset) as Row[]
        ).map((r) => JSON.parse(r.data) as Appointment);
        const total = (db.prepare(`SELECT count(*) AS n FROM appointments WHERE ${where}`).get(...args) as { n: number }).n;
        return { items, total, limit: q.limit, offset: q.offset };
      },
      find: (workshopId, q) => {
        const { where, args } = aptWhere(workshopId, q);
        return (db.prepare(`SELECT data FROM appointments WHERE ${where} ORDER BY planned_arrival, rowid`).all(...args) as Row[]).map(
          (r) => JSON.parse(r.data) as Appointment,
        );
      },
      insert: (a) => void apt.ins.run(aptBind(a)),
      update: (a) => apt.upd.run(aptBind(a)).changes === 1,
      delete: (id) => apt.del.run(id).changes === 1,
      countUsingOpCode: (w, code, statuses) => (apt.opUse.get(w, code, JSON.stringify(statuses)) as { n: number }).n,
    },
    plans: {
      get: (w) => {
        const r = plans.get.get(w) as { workshop_id: string; revision: number; as_of: string; data: string; created_at: string } | undefined;
        return r && { workshopId: r.workshop_id, revision: r.revision, asOf: r.as_of, createdAt: r.created_at, data: JSON.parse(r.data) };
      },
      put: (p) => void plans.put.run(p.workshopId, p.revision, p.asOf, JSON.stringify(p.data), p.createdAt),
    },
    idempotency: {
      get: (scope, key) => {
        const r = idem.get.get(scope, key) as
          | { scope: string; key: string; request_hash: string; status: number; body: string; created_at: string }
          | undefined;
        return r && { scope: r.scope, key: r.key, requestHash: r.request_hash, status: r.status, body: r.body, createdAt: r.created_at };
      },
      put: (r) => void idem.put.run(r.scope, r.key, r.requestHash, r.status, r.body, r.createdAt),
    },
    promises: {
      record: (r) => void prom.add.run(r),
      markReady: (id, at) => void prom.ready.run(at, id),
      get: (id) => {
        const r = prom.get.get(id) as PromRow | undefined;
        return r && promOf(r);
      },
      outcomes: (w, limit) => (prom.outcomes.all(w, limit) as PromRow[]).map(promOf),
      open: (w) => (prom.open.all(w) as PromRow[]).map(promOf),
    },
    observations: {
      add: (o) => void obs.add.run(o.workshopId, o.opCode, o.technicianId, o.plannedMinutes, o.actualMinutes, o.at),
      list: (w) =>
        (
          obs.list.all(w) as {
            workshop_id: string;
            op_code: string;
            technician_id: string | null;
            planned_minutes: number;
            actual_minutes: number;
            at: string;
          }[]
        ).map((r) => ({
          workshopId: r.workshop_id,
          opCode: r.op_code,
          technicianId: r.technician_id,
          plannedMinutes: r.planned_minutes,
          actualMinutes: r.actual_minutes,
          at: r.at,
        })),
    },
    events: {
      add: (e) => Number(ev.add.run(e.appointmentId, e.workshopId, e.type, e.at, JSON.stringify(e.data)).lastInsertRowid),
      list: (aptId) =>
        (ev.list.all(aptId) as { id: number; appointment_id: string; workshop_id: string; type: string; at: string; data: string }[]).map(
          (r) => ({ id: r.id, appointmentId: r.appointment_id, workshopId: r.workshop_id, type: r.type, at: r.at, data: JSON.parse(r.data) }),
        ),
    },
    simulations: {
      get: (id) => {
        const r = sim.get.get(id) as SimRow | undefined;
        return r && simRecord(r);
      },
      listByStatus: (statuses) => (sim.byStatus.all(JSON.stringify(statuses)) as SimRow[]).map(simRecord),
      put: (s) =>
        void sim.put.run(s.id, s.status, JSON.stringify(s.request), s.progress, s.result === null ? null : JSON.stringify(s.result), s.error, s.createdAt, s.updatedAt),
    },
    transaction: <T>(fn: () => T): T => (db.inTransaction ? fn() : db.transaction(fn).immediate()),
    ping: () => (db.prepare('SELECT 1 AS ok').get() as { ok: number }).ok === 1,
    close: () => {
      if (db.open) db.close();
    },
  };
}

type SimRow = { id: string; status: string; request: string; progress: number; result: string | null; error: string | null; created_at: string; updated_at: string };
const simRecord = (r: SimRow): SimulationRecord => ({
  id: r.id,
  status: r.status as SimulationRecord['status'],
  request: JSON.parse(r.request),
  progress: r.progress,
  result: r.result === null ? null : JSON.parse(r.result),
  error: r.error,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
});
