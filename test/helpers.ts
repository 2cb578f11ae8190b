/** Test harness: the real server on an ephemeral port over a real SQLite store (memory or file). */
import pino from 'pino';
import { loadConfig } from '../src/config.js';
import { startServer, type Running } from '../src/server.js';
import type { Clock } from '../src/app/context.js';

export const FIXED_NOW = Date.parse('2026-11-23T06:00:00Z'); // Monday 07:00 in Berlin

export function fixedClock(ms = FIXED_NOW): Clock & { set(ms: number): void; advance(ms: number): void } {
  let now = ms;
  return { now: () => now, set: (m) => void (now = m), advance: (d) => void (now += d) };
}

export interface TestServer extends Running {
  req(method: string, path: string, body?: unknown, headers?: Record<string, string>): Promise<{ status: number; body: any; headers: Headers }>;
}

export async function startTestServer(
  env: Record<string, string> = {},
  opts: { clock?: Clock } = {},
): Promise<TestServer> {
  // replans capped by iterations, not time: the same plan on a busy CI machine as on a quiet one
  const config = loadConfig({ PORT: '0', DATA_PATH: ':memory:', DEMO: 'false', LOG_LEVEL: 'silent', SOLVER_MAX_ITERATIONS: '300', ...env });
  const running = await startServer(config, { clock: opts.clock ?? fixedClock(), logger: pino({ level: 'silent' }) });
  const req: TestServer['req'] = async (method, path, body, headers = {}) => {
    const init: RequestInit = { method, headers: { ...headers } };
    if (body !== undefined) {
      init.body = typeof body === 'string' ? body : JSON.stringify(body);
      (init.headers as Record<string, string>)['content-type'] ??= 'application/json';
    }
    const res = await fetch(running.url + path, init);
    const text = await res.text();
    let parsed: unknown = text;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      /* keep text */
    }
    return { status: res.status, body: parsed as any, headers: res.headers };
  };
  return Object.assign(running, { req });
}

export const WORKSHOP = {
  name: 'Test Garage',
  timeZone: 'Europe/Berlin',
  openingHours: {
    mon: [{ start: '07:00', end: '18:00' }],
    tue: [{ start: '07:00', end: '18:00' }],
    wed: [{ start: '07:00', end: '18:00' }],
    thu: [{ start: '07:00', end: '18:00' }],
    fri: [{ start: '07:00', end: '18:00' }],
  },
};
export const BAY = { name: 'Lift 1', capabilities: ['lift'] };
export const TECH = {
  name: 'Anna',
  skills: { maintenance: 'A', brakes: 'B' },
  efficiency: 1.1,
  shifts: ['mon', 'tue', 'wed', 'thu', 'fri'].map((weekday) => ({
    weekday,
    start: '07:30',
    end: '16:30',
    breaks: [{ start: '12:00', end: '12:30' }],
  })),
};
export const OP = { opCode: 'OIL-SVC', name: 'Oil service', standardHours: 0.5, skill: 'maintenance', bayCapability: 'lift' };
export const APPOINTMENT = {
  customer: { name: 'Eva Schmidt', phone: '+49 30 1234567' },
  vehicle: { plate: 'B-XY 123', vin: 'WVWZZZ1JZXW000001' },
  plannedArrival: '2026-11-24T08:00:00+01:00',
  transport: 'waiter',
  operations: [{ opCode: 'OIL-SVC' }],
};

/** Creates a workshop with one bay, technician and catalogue operation. */
export async function seedSmallWorkshop(s: TestServer) {
  const w = await s.req('POST', '/v1/workshops', WORKSHOP);
  const id = w.body.id as string;
  const bay = await s.req('POST', `/v1/workshops/${id}/bays`, BAY);
  const tech = await s.req('POST', `/v1/workshops/${id}/technicians`, TECH);
  const op = await s.req('POST', `/v1/workshops/${id}/operations`, OP);
  const apt = await s.req('POST', `/v1/workshops/${id}/appointments`, APPOINTMENT);
  return { id, bayId: bay.body.id as string, techId: tech.body.id as string, opCode: op.body.opCode as string, aptId: apt.body.id as string };
}

/** Every row of every table: a snapshot to prove bad requests change nothing. */
export function snapshot(s: Running): string {
  const db = (s.store as unknown as { db: import('better-sqlite3').Database }).db;
  const tables = db.prepare(`SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name`).all() as { name: string }[];
  return JSON.stringify(tables.map((t) => [t.name, db.prepare(`SELECT * FROM ${t.name} ORDER BY rowid`).all()]));
}
