/** One reading of date windows in the workshop's zone (routes/query.ts dateWindow), through HTTP. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { APPOINTMENT, seedSmallWorkshop, startTestServer, type TestServer } from '../helpers.js';

let s: TestServer;
let w: Awaited<ReturnType<typeof seedSmallWorkshop>>;
beforeAll(async () => {
  s = await startTestServer();
  w = await seedSmallWorkshop(s); // one appointment arriving 2026-11-24T08:00+01:00 (Berlin)
});
afterAll(() => s.close());

describe('date windows', () => {
  it('a date `to` means the end of that day in the workshop zone, a date `from` its start', async () => {
    const list = (q: string) => s.req('GET', `/v1/workshops/${w.id}/appointments?${q}`).then((r) => r.body.items.map((a: { id: string }) => a.id));
    expect(await list('from=2026-11-24&to=2026-11-24')).toEqual([w.aptId]);
    expect(await list('to=2026-11-23')).toEqual([]);
    // 07:30 UTC is 08:30 in Berlin: after the arrival
    expect(await list('from=2026-11-24T07:30:00Z')).toEqual([]);
    expect(await list('to=2026-11-24T07:30:00Z')).toEqual([w.aptId]);
    expect(APPOINTMENT.plannedArrival).toBe('2026-11-24T08:00:00+01:00');
  });

  it('availability: at most 15 days, to after from, 400 naming query.to', async () => {
    const avail = (q: string) => s.req('GET', `/v1/workshops/${w.id}/availability?opCodes=OIL-SVC&${q}`);
    const long = await avail('from=2026-11-24&to=2026-12-09');
    expect(long.status).toBe(400);
    expect(long.body.errors).toEqual([{ path: 'query.to', message: 'window longer than 15 days', code: 'too_big' }]);
    const reversed = await avail('from=2026-11-25&to=2026-11-24T12:00:00Z');
    expect(reversed.status).toBe(400);
    expect(reversed.body.errors[0]).toMatchObject({ path: 'query.to', code: 'invalid_range' });
    const ok = await avail('from=2026-11-24&to=2026-12-08'); // 15 whole days
    expect(ok.status).toBe(200);
  });

  it('capacity outlook: at most 93 days; the default window is 14 days from today in the workshop zone', async () => {
    const long = await s.req('GET', `/v1/workshops/${w.id}/capacity-outlook?from=2026-11-24&to=2027-02-25`);
    expect(long.status).toBe(400);
    expect(long.body.errors).toEqual([{ path: 'query.to', message: 'window longer than 93 days', code: 'too_big' }]);
    const dflt = await s.req('GET', `/v1/workshops/${w.id}/capacity-outlook`);
    expect(dflt.status).toBe(200);
    expect(dflt.body.from).toBe('2026-11-23T00:00:00+01:00'); // the test clock: Monday 07:00 in Berlin
    expect(dflt.body.to).toBe('2026-12-07T00:00:00+01:00');
  });
});
