import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { startTestServer } from '../helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'baywise-demo-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('demo workshop on first start', () => {
  it('loads the demo dealership into an empty store once, with two weeks of appointments', async () => {
    const path = join(dir, 'demo.db');
    const s = await startTestServer({ DATA_PATH: path, DEMO: 'true' });
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
    expect(apts.body.total).toBeGreaterThan(200);
    const days = new Set(apts.body.items.map((a: { plannedArrival: string }) => a.plannedArrival.slice(0, 10)));
    expect(days.size).toBeGreaterThanOrEqual(10); // two weeks of open days (Sundays closed)
    const last = apts.body.items[apts.body.items.length - 1].plannedArrival;
    expect(Date.parse(last) - Date.parse('2026-11-23T00:00:00Z')).toBeGreaterThan(11 * 86400_000);
    await s.close();

    const again = await startTestServer({ DATA_PATH: path, DEMO: 'true' });
    expect((await again.req('GET', '/v1/workshops')).body.total).toBe(1);
    await again.close();
  });
});
