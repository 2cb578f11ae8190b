import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DateTime } from 'luxon';
import { afterAll, describe, expect, it } from 'vitest';
import { systemClock } from '../../src/app/context.js';
import { startTestServer } from '../helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'baywise-demo-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const WEEKDAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;
const minutes = (hhmm: string) => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));

/**
 * At most this share of the promises due within 3 days may be below target right after the load.
 * Every promise was quoted by Baywise at the target (plus headroom) on the plan it is installed
 * on, and each later booking was refused if it hurt one; what can still slip is what the booking's
 * check does not look at by design: effects beyond 24 h after the new job's planned finish, and a
 * promise already below target dropping by less than 0.005. So a few percent, not none. (With the
 * fixed industry rule the demo used before, 62 of 75 were below target and 7 at probability 0.)
 */
const MAX_BELOW_TARGET_SHARE = 0.05;

// The demo as a newcomer gets it: today's real date and clock, not a fixed one.
describe('demo workshop on first start', () => {
  it('opens with a book Baywise made: promises inside opening hours and on target', async () => {
    const s = await startTestServer({ DEMO: 'true', DATA_PATH: ':memory:' }, { clock: systemClock });
    try {
      const w = (await s.req('GET', '/v1/workshops')).body.items[0];
      const apts = await s.req('GET', `/v1/workshops/${w.id}/appointments?limit=500`);
      expect(apts.status).toBe(200);
      const items = apts.body.items as { id: string; plannedArrival: string; promisedAt: string | null }[];
      expect(items.length).toBeGreaterThan(100);
      for (const a of items) {
        expect(a.promisedAt, a.id).not.toBeNull();
        for (const at of [a.plannedArrival, a.promisedAt!]) {
          const t = DateTime.fromISO(at, { zone: w.timeZone });
          const open = w.openingHours[WEEKDAYS[t.weekday - 1]] as { start: string; end: string }[];
          const m = t.hour * 60 + t.minute;
          const inside = !w.closedDates.includes(t.toISODate()) && open.some((r) => m >= minutes(r.start) && m <= minutes(r.end));
          expect(inside, `${a.id}: ${at} is outside opening hours`).toBe(true);
        }
      }

      const risk = await s.req('GET', `/v1/workshops/${w.id}/at-risk`);
      expect(risk.status).toBe(200);
      expect(risk.body.threshold).toBe(w.policy.targetOnTime);
      // the list sees the promises just booked (not only those of a replanned book)
      expect(risk.body.checked).toBeGreaterThanOrEqual(20);
      const below = risk.body.items as { appointmentId: string; probabilityOnTime: number }[];
      expect(below.length, JSON.stringify(below)).toBeLessThanOrEqual(Math.floor(MAX_BELOW_TARGET_SHARE * risk.body.checked));
      expect(below.filter((x) => x.probabilityOnTime === 0)).toEqual([]);
    } finally {
      await s.close();
    }
  }, 120_000);

  it('loads the demo dealership into an empty store once, with two weeks of appointments', async () => {
    const path = join(dir, 'demo.db');
    const s = await startTestServer({ DATA_PATH: path, DEMO: 'true' }, { clock: systemClock });
    const list = await s.req('GET', '/v1/workshops');
    expect(list.body.total).toBe(1);
    const w = list.body.items[0];
    expect(w.timeZone).toBe('Europe/Berlin');
    const bays = await s.req('GET', `/v1/workshops/${w.id}/bays?limit=100`);
    expect(bays.body.total).toBe(12);
    const techs = await s.req('GET', `/v1/workshops/${w.id}/technicians?limit=100`);
    expect(techs.body.total).toBeGreaterThanOrEqual(12);
    expect(techs.body.total).toBeLessThanOrEqual(15);
    const ops = await s.req('GET', `/v1/workshops/${w.id}/operations?limit=100`);
    expect(ops.body.total).toBeGreaterThanOrEqual(25);
    const oil = ops.body.items.find((o: { opCode: string }) => o.opCode === 'OIL-SVC');
    expect(oil.standardHours).toBeGreaterThanOrEqual(0.4);
    expect(oil.standardHours).toBeLessThanOrEqual(0.5);
    const apts = await s.req('GET', `/v1/workshops/${w.id}/appointments?limit=500`);
    expect(apts.body.total).toBeGreaterThan(100);
    const days = new Set(apts.body.items.map((a: { plannedArrival: string }) => a.plannedArrival.slice(0, 10)));
    expect(days.size).toBeGreaterThanOrEqual(10); // two weeks of open days (Sundays closed)
    const arrivals = apts.body.items.map((a: { plannedArrival: string }) => Date.parse(a.plannedArrival)) as number[];
    expect(Math.min(...arrivals)).toBeGreaterThanOrEqual(Date.now() - 20 * 60_000); // nothing booked in the past
    expect(Math.max(...arrivals) - Date.now()).toBeGreaterThan(11 * 86400_000);
    await s.close();

    const again = await startTestServer({ DATA_PATH: path, DEMO: 'true' }, { clock: systemClock });
    expect((await again.req('GET', '/v1/workshops')).body.total).toBe(1);
    await again.close();
  }, 120_000);
});
