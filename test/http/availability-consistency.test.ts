/**
 * What availability offers, the booking accepts: the availability search screens slots with few
 * samples and keeps a margin (rules/verdict.ts SCREENING_MARGIN, SCREENING_WAIT_MARGIN_MINUTES), so
 * the full quote a booking makes agrees. Measured on the demo dealership as a newcomer opens it
 * (on a fixed Monday, so every run is the same): an offered slot that the booking then refuses is the "offered, then refused"
 * experience the README walk-through ran into. The booking decides at the target itself; only the
 * screen keeps margins.
 */
import { DateTime } from 'luxon';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixedClock, startTestServer, type TestServer } from '../helpers.js';

let s: TestServer;
let ws: { id: string; timeZone: string };
beforeAll(async () => {
  // a fixed clock (a Monday morning): the demo's book and every draw are the same on every run
  s = await startTestServer({ DEMO: 'true', SOLVER_MAX_ITERATIONS: '2000' }, { clock: fixedClock(Date.parse('2026-11-23T06:30:00Z')) });
  ws = (await s.req('GET', '/v1/workshops')).body.items[0];
});
afterAll(() => s.close());

// Two Monte Carlo estimates (the screen's 384 samples, the quote's 2000) can still disagree right at
// a boundary (a waiter's promise at closing time): at most one of the 40 slots checked may be refused.
// Without the margins about one slot in twenty was (3 of 52 on the demo).
const refused: string[] = [];
describe('availability and booking agree', () => {
  afterAll(() => expect(refused.length, refused.join('; ')).toBeLessThanOrEqual(1));
  for (const waiter of [true, false])
    it(`the ${waiter ? 'waiter' : 'drop-off'} slots offered from tomorrow on are bookable by the full quote`, async () => {
      let day = DateTime.fromISO('2026-11-24', { zone: ws.timeZone });
      while (day.weekday > 5) day = day.plus({ days: 1 });
      const ops = [{ opCode: 'OIL-SVC' }, { opCode: 'BRK-PADS-F' }];
      const av = await s.req('GET', `/v1/workshops/${ws.id}/availability?from=${day.toISODate()}&opCodes=OIL-SVC,BRK-PADS-F&waiter=${waiter}`);
      expect(av.status).toBe(200);
      expect(av.body.slots.length).toBeGreaterThanOrEqual(5);
      for (const slot of av.body.slots.slice(0, 20)) {
        const q = await s.req('POST', `/v1/workshops/${ws.id}/quotes`, { plannedArrival: slot.start, transport: waiter ? 'waiter' : 'drop_off', operations: ops });
        expect(q.status).toBe(200);
        if (!q.body.bookable) refused.push(`${waiter ? 'waiter' : 'drop-off'} ${slot.start}: ${q.body.refusal}`);
      }
    });
});
