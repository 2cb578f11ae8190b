/** The simulation job API over the real HTTP server and SQLite store. */
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../src/http/app.js';
import { createContext, newId, type AppContext } from '../../src/app/context.js';
import { openSqliteStore } from '../../src/store/sqlite.js';
import { fixedClock } from '../helpers.js';
import { readScenarioFile } from '../../src/app/demo.js';

let server: Server;
let url: string;
let ctx: AppContext;

async function req(method: string, path: string, body?: unknown) {
  const res = await fetch(url + path, { method, headers: body === undefined ? {} : { 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await res.text();
  return { status: res.status, headers: res.headers, body: text ? JSON.parse(text) : undefined };
}

async function waitFor(id: string, pred: (b: any) => boolean, ms = 25_000) {
  const t0 = Date.now();
  const seen: number[] = [];
  for (;;) {
    const r = await req('GET', `/v1/scenarios/simulations/${id}`);
    expect(r.status).toBe(200);
    seen.push(r.body.progress);
    if (pred(r.body)) return { body: r.body, seen };
    if (Date.now() - t0 > ms) throw new Error(`timeout, last ${JSON.stringify(r.body).slice(0, 300)}`);
    await new Promise((res) => setTimeout(res, 50));
  }
}

beforeAll(async () => {
  const store = openSqliteStore(':memory:');
  ctx = createContext({ store, clock: fixedClock(), newId, solverTimeLimitMs: 500 });
  const { app } = createApp({ ctx, logger: pino({ level: 'silent' }) });
  server = app.listen(0, '127.0.0.1');
  await new Promise((r) => server.once('listening', r));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
});

describe('scenario schema', () => {
  it('serves the documented JSON Schema of scenario files', async () => {
    const r = await fetch(`${url}/v1/scenarios/schema`);
    const body = (await r.json()) as { properties: Record<string, { properties?: Record<string, { description?: string }> }> };
    expect(r.status).toBe(200);
    expect(Object.keys(body.properties)).toEqual(expect.arrayContaining(['workshop', 'bays', 'technicians', 'operations', 'demand']));
    expect(body.properties.demand.properties!.noShowRate.description).toMatch(/no/i);
  });
});

describe('simulation jobs', () => {
  it('202 with Location → progress → done, results stored', async () => {
    const r = await req('POST', '/v1/scenarios/simulations', {
      scenario: 'small-independent-garage', days: 4, replications: 4, seed: 3,
      variants: [{ name: 'one more walk-in a day', patch: [{ op: 'replace', path: '/demand/walkInsPerDay', value: 3 }] }],
    });
    expect(r.status).toBe(202);
    expect(r.headers.get('location')).toBe(`/v1/scenarios/simulations/${r.body.id}`);
    expect(r.body.status).toBe('running');
    const { body, seen } = await waitFor(r.body.id, (b) => b.status !== 'running');
    expect(body.status).toBe('done');
    expect(body.progress).toBe(1);
    expect(seen.every((p, i) => i === 0 || p >= seen[i - 1])).toBe(true);
    const res = body.result;
    expect(res.base.kpis.onTimeRate.n).toBe(4);
    expect(res.base.kpis.technicianUtilisation.mean).toBeGreaterThan(0);
    expect(res.variants[0].differences.technicianUtilisation).toHaveProperty('significant');
    expect(res.base.byHour.length).toBeGreaterThan(0);
    const stored = ctx.store.simulations.get(r.body.id)!;
    expect(stored.status).toBe('done');
    expect((stored.result as any).base.kpis.onTimeRate.mean).toBe(res.base.kpis.onTimeRate.mean);
  });

  it('accepts an inline scenario and reports its field errors with the scenario prefix', async () => {
    const s = readScenarioFile('scenarios/small-independent-garage.json');
    const ok = await req('POST', '/v1/scenarios/simulations', { scenario: s, days: 2, replications: 2 });
    expect(ok.status).toBe(202);
    await waitFor(ok.body.id, (b) => b.status === 'done');
    const bad = await req('POST', '/v1/scenarios/simulations', { scenario: { ...s, workshop: { ...s.workshop, timeZone: 'Mars/Olympus' } }, days: 2, replications: 2 });
    expect(bad.status).toBe(400);
    expect(bad.body.errors[0].path).toBe('scenario.workshop.timeZone');
  });

  it('DELETE cancels a running job (workers terminated) and it stays cancelled', async () => {
    const r = await req('POST', '/v1/scenarios/simulations', { scenario: 'demo-dealership', days: 30, replications: 20 });
    expect(r.status).toBe(202);
    await waitFor(r.body.id, (b) => b.progress > 0);
    const d = await req('DELETE', `/v1/scenarios/simulations/${r.body.id}`);
    expect(d.status).toBe(200);
    expect(d.body.status).toBe('cancelled');
    await new Promise((res) => setTimeout(res, 300));
    const g = await req('GET', `/v1/scenarios/simulations/${r.body.id}`);
    expect(g.body.status).toBe('cancelled');
    expect(g.body.result).toBeNull();
    expect(ctx.store.simulations.get(r.body.id)!.status).toBe('cancelled');
  });

  it('too large or unknown requests are 4xx naming the field', async () => {
    const cases: [unknown, number, string][] = [
      [{ scenario: 'demo-dealership', days: 61, replications: 10 }, 400, 'days'],
      [{ scenario: 'demo-dealership', days: 10, replications: 101 }, 400, 'replications'],
      [{ scenario: 'demo-dealership', days: 40, replications: 60 }, 400, 'replications'],
      [{ scenario: 'no-such-file', days: 5, replications: 5 }, 404, 'scenario'],
      [{ scenario: '../package', days: 5, replications: 5 }, 400, 'scenario'],
      [{ scenario: 'demo-dealership', variants: [{ name: 'x', patch: [{ op: 'replace', path: '/nope', value: 1 }] }] }, 400, 'variants[0].patch[0].path'],
      [{ scenario: 'demo-dealership', variants: [{ name: 'x', patch: [{ op: 'replace', path: '/demand/noShowRate', value: 5 }] }] }, 400, 'variants[0] → demand.noShowRate'],
    ];
    for (const [body, status, path] of cases) {
      const r = await req('POST', '/v1/scenarios/simulations', body);
      expect(r.status, JSON.stringify(body)).toBe(status);
      expect(r.body.errors.map((e: { path: string }) => e.path)).toContain(path);
    }
    const days = await req('POST', '/v1/scenarios/simulations', { scenario: 'demo-dealership', days: 40, replications: 60 });
    expect(days.body.errors[0].message).toMatch(/days × replications must be at most 2000/);
    expect((await req('GET', '/v1/scenarios/simulations/sim_nope')).status).toBe(404);
    expect((await req('DELETE', '/v1/scenarios/simulations/sim_nope')).status).toBe(404);
  });
});
