/**
 * A catalogue of malformed inputs sent to every write endpoint: each must get a 4xx
 * problem+json and leave the stored data byte-for-byte unchanged.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { APPOINTMENT, BAY, OP, seedSmallWorkshop, snapshot, startTestServer, TECH, WORKSHOP, type TestServer } from '../helpers.js';

let s: TestServer;
let w: Awaited<ReturnType<typeof seedSmallWorkshop>>;
beforeAll(async () => {
  s = await startTestServer({ BODY_LIMIT: '256kb' });
  w = await seedSmallWorkshop(s);
});
afterAll(() => s.close());

type Case = { name: string; body: unknown; raw?: string; contentType?: string };

const NULLABLE = new Set(['bayCapability', 'promisedAt']);
const junk = 'x\u0000y\uD800z';
function wrongTypes(valid: Record<string, unknown>): Case[] {
  const out: Case[] = [];
  for (const k of Object.keys(valid)) {
    for (const bad of [12345, 'junk', true, null, [], {}]) {
      if (typeof valid[k] === typeof bad && !Array.isArray(valid[k]) && bad !== null) continue;
      if (Array.isArray(valid[k]) && Array.isArray(bad)) continue; // an empty list is a valid list
      if (bad === null && NULLABLE.has(k)) continue;
      out.push({ name: `${k} = ${JSON.stringify(bad)}`, body: { ...valid, [k]: bad } });
    }
  }
  return out;
}

function common(valid: Record<string, unknown>): Case[] {
  return [
    { name: 'invalid JSON', body: undefined, raw: '{"name": ' },
    { name: 'trailing garbage', body: undefined, raw: JSON.stringify(valid) + '}}' },
    { name: 'text/plain', body: undefined, raw: JSON.stringify(valid), contentType: 'text/plain' },
    { name: 'form encoded', body: undefined, raw: 'name=x', contentType: 'application/x-www-form-urlencoded' },
    { name: 'array body', body: [valid] },
    { name: 'string body', body: '"hello"' },
    { name: 'null body', body: undefined, raw: 'null' },
    { name: 'number body', body: undefined, raw: '42' },
    { name: 'unknown field', body: { ...valid, surprise: 1 } },
    { name: 'prototype pollution', body: undefined, raw: JSON.stringify(valid).replace(/^\{/, '{"__proto__":{"admin":true},') },
    { name: 'unicode junk in text', body: { ...valid, name: junk } },
    { name: 'huge string', body: { ...valid, name: 'x'.repeat(50_000) } },
    { name: 'body too large', body: { ...valid, notes: 'y'.repeat(300_000) } },
    { name: 'deep nesting', body: undefined, raw: '['.repeat(5000) + ']'.repeat(5000) },
    ...wrongTypes(valid),
  ];
}

const badShift = (shift: Record<string, unknown>) => ({ ...TECH, shifts: [shift] });
const ENDPOINTS: { method: string; path: () => string; valid: Record<string, unknown>; extra: Case[]; create: boolean }[] = [
  {
    method: 'POST',
    path: () => '/v1/workshops',
    valid: WORKSHOP,
    create: true,
    extra: [
      { name: 'missing fields', body: {} },
      { name: 'invalid time zone', body: { ...WORKSHOP, timeZone: 'Europe/Atlantis' } },
      { name: 'opening end before start', body: { ...WORKSHOP, openingHours: { mon: [{ start: '18:00', end: '07:00' }] } } },
      { name: 'unknown weekday', body: { ...WORKSHOP, openingHours: { funday: [] } } },
      { name: 'bad slot grid', body: { ...WORKSHOP, slotMinutes: 7 } },
      { name: 'target probability > 1', body: { ...WORKSHOP, policy: { targetOnTime: 1.5 } } },
      { name: 'huge closed dates', body: { ...WORKSHOP, closedDates: Array.from({ length: 5000 }, () => '2026-12-24') } },
      { name: 'invalid date', body: { ...WORKSHOP, closedDates: ['2026-02-30'] } },
    ],
  },
  {
    method: 'PATCH',
    path: () => `/v1/workshops/${w.id}`,
    valid: { name: 'New name' },
    create: false,
    extra: [
      { name: 'invalid time zone', body: { timeZone: 'UTC+25' } },
      { name: 'id override', body: { id: 'ws_hijack' } },
      { name: 'negative buffer', body: { policy: { handoverBufferMinutes: -5 } } },
    ],
  },
  {
    method: 'POST',
    path: () => `/v1/workshops/${w.id}/bays`,
    valid: BAY,
    create: true,
    extra: [
      { name: 'capability with spaces', body: { ...BAY, capabilities: ['big lift'] } },
      { name: 'huge capabilities', body: { ...BAY, capabilities: Array.from({ length: 10000 }, (_, i) => `c${i}`) } },
    ],
  },
  { method: 'PATCH', path: () => `/v1/workshops/${w.id}/bays/${w.bayId}`, valid: { name: 'Lift X' }, create: false, extra: [{ name: 'active string', body: { active: 'yes' } }] },
  {
    method: 'POST',
    path: () => `/v1/workshops/${w.id}/technicians`,
    valid: TECH,
    create: true,
    extra: [
      { name: 'shift end before start', body: badShift({ weekday: 'mon', start: '17:00', end: '08:00' }) },
      { name: 'break outside shift', body: badShift({ weekday: 'mon', start: '08:00', end: '12:00', breaks: [{ start: '13:00', end: '13:30' }] }) },
      { name: 'time 25:00', body: badShift({ weekday: 'mon', start: '08:00', end: '25:00' }) },
      { name: 'negative efficiency', body: { ...TECH, efficiency: -1 } },
      { name: 'absence to before from', body: { ...TECH, absences: [{ from: '2026-11-25T10:00:00+01:00', to: '2026-11-25T08:00:00+01:00' }] } },
      { name: 'absence without offset', body: { ...TECH, absences: [{ from: '2026-11-25T10:00:00', to: '2026-11-26T10:00:00' }] } },
      { name: 'level D', body: { ...TECH, skills: { brakes: 'D' } } },
      { name: 'huge shifts', body: { ...TECH, shifts: Array.from({ length: 3000 }, () => ({ weekday: 'mon', start: '08:00', end: '09:00' })) } },
    ],
  },
  { method: 'PATCH', path: () => `/v1/workshops/${w.id}/technicians/${w.techId}`, valid: { efficiency: 1.2 }, create: false, extra: [{ name: 'efficiency 0', body: { efficiency: 0 } }] },
  {
    method: 'POST',
    path: () => `/v1/workshops/${w.id}/operations`,
    valid: { ...OP, opCode: 'NEW-OP' },
    create: true,
    extra: [
      { name: 'negative hours', body: { ...OP, opCode: 'NEG', standardHours: -1 } },
      { name: 'zero hours', body: { ...OP, opCode: 'ZERO', standardHours: 0 } },
      { name: 'NaN-like hours', body: undefined, raw: JSON.stringify({ ...OP, opCode: 'NAN' }).replace('0.5', 'NaN') },
      { name: 'lower-case op code', body: { ...OP, opCode: 'oil' } },
      { name: 'duplicate op code', body: OP },
      { name: 'cv negative', body: { ...OP, opCode: 'CVN', cv: -0.2 } },
    ],
  },
  { method: 'PATCH', path: () => `/v1/workshops/${w.id}/operations/${w.opCode}`, valid: { standardHours: 0.6 }, create: false, extra: [{ name: 'rename', body: { opCode: 'X' } }] },
  {
    method: 'POST',
    path: () => `/v1/workshops/${w.id}/appointments`,
    valid: APPOINTMENT,
    create: true,
    extra: [
      { name: 'no operations', body: { ...APPOINTMENT, operations: [] } },
      { name: 'unknown op code', body: { ...APPOINTMENT, operations: [{ opCode: 'NOPE' }] } },
      { name: 'negative hours override', body: { ...APPOINTMENT, operations: [{ opCode: 'OIL-SVC', hours: -2 }] } },
      { name: 'arrival without offset', body: { ...APPOINTMENT, plannedArrival: '2026-11-24T08:00:00' } },
      { name: 'arrival not a date', body: { ...APPOINTMENT, plannedArrival: '2026-13-45T99:00:00+01:00' } },
      { name: 'bad VIN', body: { ...APPOINTMENT, vehicle: { vin: 'IOQ' } } },
      { name: 'bad transport', body: { ...APPOINTMENT, transport: 'teleport' } },
      { name: 'huge operations', body: { ...APPOINTMENT, operations: Array.from({ length: 5000 }, () => ({ opCode: 'OIL-SVC' })) } },
      { name: 'status on create', body: { ...APPOINTMENT, status: 'delivered' } },
    ],
  },
  {
    method: 'PATCH',
    path: () => `/v1/appointments/${w.aptId}`,
    valid: { notes: 'ok' },
    create: false,
    extra: [
      { name: 'illegal transition', body: { status: 'delivered' } },
      { name: 'in progress before check-in', body: { status: 'in_progress' } },
      { name: 'unknown status', body: { status: 'teleported' } },
      { name: 'unknown op code', body: { operations: [{ opCode: 'NOPE' }] } },
      { name: 'workshop move', body: { workshopId: 'other' } },
    ],
  },
  {
    method: 'POST',
    path: () => `/v1/workshops/${w.id}/plan`,
    valid: { timeLimitMs: 50, seed: 1 },
    create: false,
    extra: [
      { name: 'negative budget', body: { timeLimitMs: -1 } },
      { name: 'budget too large', body: { timeLimitMs: 10_000_000 } },
      { name: 'as-of without offset', body: { asOf: '2026-11-24T08:00:00' } },
    ],
  },
  {
    method: 'POST',
    path: () => `/v1/workshops/${w.id}/quotes`,
    valid: { plannedArrival: '2026-11-24T08:00:00+01:00', operations: [{ opCode: 'OIL-SVC' }], transport: 'waiter' },
    create: false,
    extra: [
      { name: 'unknown op code', body: { plannedArrival: '2026-11-24T08:00:00+01:00', operations: [{ opCode: 'NOPE' }] } },
      { name: 'no operations', body: { plannedArrival: '2026-11-24T08:00:00+01:00', operations: [] } },
      { name: 'negative hours', body: { plannedArrival: '2026-11-24T08:00:00+01:00', operations: [{ opCode: 'OIL-SVC', hours: -1 }] } },
    ],
  },
  {
    method: 'POST',
    path: () => `/v1/appointments/${w.aptId}/events`,
    valid: { type: 'op_resumed', opIndex: 0 },
    create: false,
    extra: [
      { name: 'unknown event', body: { type: 'exploded' } },
      { name: 'start without technician', body: { type: 'op_started', opIndex: 0 } },
      { name: 'op index out of range', body: { type: 'op_finished', opIndex: 99 } },
      { name: 'finish before start', body: { type: 'op_finished', opIndex: 0 } },
      { name: 'event in the future', body: { type: 'checked_in', at: '2031-01-01T00:00:00Z' } },
    ],
  },
  {
    method: 'POST',
    path: () => `/v1/workshops/${w.id}/technicians/${w.techId}/absence`,
    valid: { from: '2026-11-30T08:00:00+01:00', to: '2026-11-30T12:00:00+01:00' },
    create: false,
    extra: [
      { name: 'to before from', body: { from: '2026-11-30T12:00:00+01:00', to: '2026-11-30T08:00:00+01:00' } },
      { name: 'unknown reason', body: { from: '2026-11-30T08:00:00+01:00', to: '2026-11-30T12:00:00+01:00', reason: 'fishing' } },
    ],
  },
  {
    method: 'POST',
    path: () => '/v1/queueing/estimate',
    valid: { model: 'mmc', arrivalRate: 0.2, serviceRate: 0.05, servers: 5 },
    create: false,
    extra: [
      { name: 'zero servers', body: { model: 'mmc', arrivalRate: 0.2, serviceRate: 0.05, servers: 0 } },
      { name: 'negative rate', body: { model: 'mmc', arrivalRate: -0.2, serviceRate: 0.05, servers: 5 } },
      { name: 'capacity below servers', body: { model: 'mmck', arrivalRate: 0.2, serviceRate: 0.05, servers: 5, capacity: 3 } },
      { name: 'huge profile', body: { model: 'time_varying', arrivalRates: Array.from({ length: 5000 }, () => 0.1), servers: 2, serviceRate: 0.1 } },
      { name: 'unknown model', body: { model: 'm/m/inf' } },
    ],
  },
];

describe('malformed input catalogue on every write endpoint', () => {
  for (const ep of ENDPOINTS) {
    it(`${ep.method} ${ep.path.toString().replace(/^\(\) => /, '')}: every bad input is a 4xx problem and changes nothing`, async () => {
      const cases = [...common(ep.valid), ...ep.extra];
      const before = snapshot(s);
      const failures: string[] = [];
      for (const c of cases) {
        const headers: Record<string, string> = { 'content-type': c.contentType ?? 'application/json' };
        const body = c.raw ?? (typeof c.body === 'string' ? c.body : JSON.stringify(c.body));
        const res = await fetch(s.url + ep.path(), { method: ep.method, headers, body });
        const text = await res.text();
        const ct = res.headers.get('content-type') ?? '';
        let parsed: { code?: string; status?: number; errors?: unknown[] } = {};
        try {
          parsed = JSON.parse(text);
        } catch {
          /* reported below */
        }
        if (res.status < 400 || res.status >= 500 || !ct.includes('application/problem+json') || typeof parsed.code !== 'string' || parsed.status !== res.status)
          failures.push(`${c.name}: ${res.status} ${ct} ${text.slice(0, 200)}`);
        else if (parsed.code === 'validation_failed' && !(Array.isArray(parsed.errors) && parsed.errors.length > 0))
          failures.push(`${c.name}: validation problem without field paths`);
      }
      expect(failures).toEqual([]);
      expect(snapshot(s)).toBe(before);
      // and the endpoint still works with the valid body (the server is healthy, data intact)
      if (ep.create) {
        const ok = await s.req(ep.method, ep.path(), ep.valid);
        expect(ok.status).toBe(201);
      }
    });
  }

  it('maps the specific errors to their statuses', async () => {
    const tooBig = await s.req('POST', `/v1/workshops/${w.id}/appointments`, { ...APPOINTMENT, notes: 'y'.repeat(300_000) });
    expect(tooBig.status).toBe(413);
    expect(tooBig.body.code).toBe('payload_too_large');
    const media = await s.req('POST', '/v1/workshops', 'name=x', { 'content-type': 'text/plain' });
    expect(media.status).toBe(415);
    const json = await s.req('POST', '/v1/workshops', '{"name":', { 'content-type': 'application/json' });
    expect(json.status).toBe(400);
    expect(json.body.code).toBe('invalid_json');
    const tz = await s.req('POST', '/v1/workshops', { ...WORKSHOP, timeZone: 'Mars/Olympus' });
    expect(tz.body.errors).toEqual([expect.objectContaining({ path: 'timeZone' })]);
    const unknown = await s.req('POST', '/v1/workshops', { ...WORKSHOP, colour: 'red' });
    expect(unknown.body.errors).toEqual([expect.objectContaining({ path: 'colour', code: 'unrecognized_keys' })]);
  });
});
