/**
 * Promise calibration through the API: a booking records its promise and the forecast it came from,
 * the event that makes the vehicle ready records the outcome, and once a segment has enough
 * outcomes its scale corrects the next promises — shorter when the forecast was too cautious,
 * longer when it was too bold — while the probabilities of open promises are read consistently.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MIN_OUTCOMES } from '../../src/domain/rules/calibration.js';
import { fixedClock, startTestServer, WORKSHOP, type TestServer } from '../helpers.js';

const clock = fixedClock(Date.parse('2026-11-23T06:00:00Z')); // Monday 07:00 Berlin
let s: TestServer;
let ws: string;
let tech: string;

beforeAll(async () => {
  s = await startTestServer({}, { clock });
  ws = (await s.req('POST', '/v1/workshops', { ...WORKSHOP, policy: { targetOnTime: 0.9 } })).body.id;
  for (const name of ['Anna', 'Ben']) {
    const t = await s.req('POST', `/v1/workshops/${ws}/technicians`, {
      name, skills: { maintenance: 'A' }, shifts: ['mon', 'tue', 'wed', 'thu', 'fri'].map((weekday) => ({ weekday, start: '07:00', end: '18:00' })),
    });
    tech ??= t.body.id;
  }
  await s.req('POST', `/v1/workshops/${ws}/bays`, { name: 'Lift', capabilities: ['lift'] });
  await s.req('POST', `/v1/workshops/${ws}/operations`, { opCode: 'SVC', name: 'Service', standardHours: 2, skill: 'maintenance', bayCapability: 'lift' });
});
afterAll(() => s.close());

const quote = () => s.req('POST', `/v1/workshops/${ws}/quotes`, { plannedArrival: '2026-11-24T09:00:00+01:00', transport: 'drop_off', operations: [{ opCode: 'SVC' }] });
const lead = (q: { body: { promisedReadyBy: string } }) => (Date.parse(q.body.promisedReadyBy) - Date.parse('2026-11-24T09:00:00+01:00')) / 60_000;

describe('promise calibration', () => {
  it('records a booked promise and its outcome when the vehicle is ready', async () => {
    const b = await s.req('POST', `/v1/workshops/${ws}/appointments`, {
      customer: { name: 'C' }, vehicle: {}, plannedArrival: '2026-11-23T08:00:00+01:00', transport: 'drop_off', operations: [{ opCode: 'SVC' }],
    });
    expect(b.status).toBe(201);
    const rec = s.store.promises.get(b.body.id)!;
    expect(rec).toMatchObject({ segment: 'drop_off/same_day', scale: 1, readyAt: null, promisedAt: Date.parse(b.body.promisedAt) });
    expect(rec.rawLeadMinutes).toBeGreaterThan(100);
    clock.set(Date.parse('2026-11-23T07:00:00Z'));
    await s.req('POST', `/v1/appointments/${b.body.id}/events`, { type: 'checked_in' });
    await s.req('POST', `/v1/appointments/${b.body.id}/events`, { type: 'op_started', opIndex: 0, technicianId: b.body.quote.plannedOperations[0].technicianId });
    clock.set(Date.parse('2026-11-23T08:10:00Z'));
    const done = await s.req('POST', `/v1/appointments/${b.body.id}/events`, { type: 'op_finished', opIndex: 0 });
    expect(done.body.appointment.status).toBe('ready');
    expect(s.store.promises.get(b.body.id)!.readyAt).toBe(Date.parse('2026-11-23T08:10:00Z'));
    const report = await s.req('GET', `/v1/workshops/${ws}/promise-calibration`);
    expect(report.status).toBe(200);
    expect(report.body.overall).toMatchObject({ outcomes: 1, onTime: 1, onTimeRate: 1 });
    expect(report.body.segments.find((x: { segment: string }) => x.segment === 'drop_off/same_day')).toMatchObject({ outcomes: 1, scale: 1, scaleSource: 'none' });
  });

  it('a forecast too cautious for this workshop gives shorter promises once enough outcomes are in, and a too bold one longer', async () => {
    const before = await quote();
    expect(before.status).toBe(200);
    // the outcomes of a workshop whose vehicles took a third of the forecast lead
    const write = (ratio: (i: number) => number, prefix: string) => {
      for (let i = 0; i < MIN_OUTCOMES + 10; i++) {
        const arrival = Date.parse('2026-11-02T08:00:00+01:00') + i * 3600_000;
        s.store.promises.record({ appointmentId: `${prefix}${i}`, workshopId: ws, segment: 'drop_off/ahead', quotedAt: arrival - 86400_000, arrival, rawLeadMinutes: 600, scale: 1, promisedAt: arrival + 600 * 60_000 });
        s.store.promises.markReady(`${prefix}${i}`, arrival + ratio(i) * 600 * 60_000);
      }
    };
    // (records reference appointments: store the ids as appointments first)
    const ids = (prefix: string) => Array.from({ length: MIN_OUTCOMES + 10 }, (_, i) => `${prefix}${i}`);
    const db = (s.store as unknown as { db: import('better-sqlite3').Database }).db;
    const insert = db.prepare(`INSERT INTO appointments (id, workshop_id, planned_arrival, status, data, version, created_at) VALUES (?, ?, 0, 'delivered', '{}', 1, '2026-11-02T00:00:00Z')`);
    for (const id of ids('fast')) insert.run(id, ws);
    write((i) => 0.2 + (i % 10) * 0.01, 'fast'); // 0.20 … 0.29 of the forecast lead
    const after = await quote();
    const report = await s.req('GET', `/v1/workshops/${ws}/promise-calibration`);
    const seg = report.body.segments.find((x: { segment: string }) => x.segment === 'drop_off/ahead');
    expect(seg.scaleSource).toBe('segment');
    expect(seg.scale).toBeGreaterThan(0.27);
    expect(seg.scale).toBeLessThan(0.3);
    // the next promise made ahead for a drop-off: its lead is scaled down (to the 5-minute grid)
    expect(lead(after)).toBeLessThan(lead(before) * 0.35);
    expect(after.body.onTimeProbability).toBeGreaterThanOrEqual(0.9);
    // the same-day segment borrows the drop-off transport's pooled scale
    expect(report.body.segments.find((x: { segment: string }) => x.segment === 'drop_off/same_day').scaleSource).toBe('transport');

    // a workshop whose vehicles took twice the forecast lead: promises grow
    db.prepare(`DELETE FROM promise_records WHERE appointment_id LIKE 'fast%'`).run();
    for (const id of ids('slow')) insert.run(id, ws);
    write((i) => 1.8 + (i % 10) * 0.04, 'slow');
    const slower = await quote();
    expect(lead(slower)).toBeGreaterThan(lead(before) * 1.8);
  });
});
