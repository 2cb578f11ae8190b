/**
 * Route-wide guarantees, checked on every declared endpoint: unknown ids are 404 problems, never a
 * 500, also for a request that is otherwise valid (proven by sending the same request to real ids);
 * the OpenAPI document lists every route.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pino from 'pino';
import type { AddressInfo } from 'node:net';
import { createApp } from '../../src/http/app.js';
import { openSqliteStore } from '../../src/store/sqlite.js';
import { createContext, newId } from '../../src/app/context.js';
import { APPOINTMENT, fixedClock, seedSmallWorkshop, startTestServer, TECH, type TestServer } from '../helpers.js';

let s: TestServer;
beforeAll(async () => {
  s = await startTestServer();
});
afterAll(() => s.close());

describe('every route', () => {
  it('answers unknown ids with a 404 problem, never a 500, even to a valid request', async () => {
    const { api } = createApp({ ctx: s.ctx, logger: pino({ level: 'silent' }) });
    const withIds = api.endpoints.filter((e) => e.path.includes(':'));
    expect(withIds.length).toBeGreaterThan(20);
    // a valid body for every write with an id in its path: the 404 is then the unknown id's, not the body's
    const bodies: Record<string, unknown> = {
      'patch /v1/workshops/:workshopId': { name: 'Renamed' },
      'post /v1/workshops/:workshopId/bays': { name: 'Lift 2', capabilities: ['lift'] },
      'patch /v1/workshops/:workshopId/bays/:bayId': { name: 'Lift 1b' },
      'post /v1/workshops/:workshopId/technicians': { ...TECH, name: 'Ben' },
      'patch /v1/workshops/:workshopId/technicians/:technicianId': { efficiency: 1.2 },
      'post /v1/workshops/:workshopId/operations': { opCode: 'NEW-OP', name: 'New', standardHours: 1, skill: 'maintenance' },
      'patch /v1/workshops/:workshopId/operations/:opCode': { standardHours: 0.6 },
      'post /v1/workshops/:workshopId/quotes': { plannedArrival: APPOINTMENT.plannedArrival, operations: [{ opCode: 'OIL-SVC' }] },
      'post /v1/workshops/:workshopId/appointments': { ...APPOINTMENT, promisedAt: '2026-11-24T12:00:00+01:00' },
      'patch /v1/appointments/:appointmentId': { notes: 'call before noon' },
      'post /v1/workshops/:workshopId/plan': { seed: 1 },
      'post /v1/appointments/:appointmentId/events': { type: 'checked_in' },
      'post /v1/workshops/:workshopId/technicians/:technicianId/absence': { from: '2026-11-30T00:00:00+01:00', to: '2026-12-01T00:00:00+01:00', reason: 'training' },
    };
    const writes = withIds.filter((e) => e.method !== 'get' && e.method !== 'delete').map((e) => `${e.method} ${e.path}`);
    expect(writes.sort()).toEqual(Object.keys(bodies).sort()); // a new write route needs its valid body here
    const w = await seedSmallWorkshop(s);
    const real: Record<string, string> = { ':workshopId': w.id, ':bayId': w.bayId, ':technicianId': w.techId, ':opCode': w.opCode, ':appointmentId': w.aptId };
    for (const e of withIds) {
      const key = `${e.method} ${e.path}`;
      const needsQuery = e.path.endsWith('/availability') || e.path.endsWith('/walk-in-eta');
      const query = needsQuery ? '?opCodes=OIL-SVC' : '';
      const body = bodies[key];
      const missing = e.path.replace(/:[A-Za-z]+/g, (m) => (m === ':opCode' ? 'NOPE' : 'missing_id')) + query;
      const r = await s.req(e.method.toUpperCase(), missing, body);
      expect(r.status, `${key}: ${JSON.stringify(r.body)}`).toBe(404);
      expect(r.headers.get('content-type'), key).toContain('application/problem+json');
      expect(r.body.code, key).toBe('not_found');
      // the same body on the real resources is accepted: it was valid, so the 404 was the id's
      if (body !== undefined) {
        const ok = await s.req(e.method.toUpperCase(), e.path.replace(/:[A-Za-z]+/g, (m) => real[m]) + query, body);
        expect(ok.status, `${key} on real ids: ${JSON.stringify(ok.body)}`).toBeGreaterThanOrEqual(200);
        expect(ok.status, `${key} on real ids: ${JSON.stringify(ok.body)}`).toBeLessThan(300);
      }
    }
  });

  it('documents every route in the OpenAPI document', async () => {
    const { api } = createApp({ ctx: s.ctx, logger: pino({ level: 'silent' }) });
    const doc = (await s.req('GET', '/openapi.json')).body;
    for (const e of api.endpoints) {
      const p = e.path.replace(/:([A-Za-z0-9_]+)/g, '{$1}');
      expect(doc.paths[p]?.[e.method], `${e.method} ${p}`).toBeDefined();
    }
  });

  it('reports not ready (503) while shutting down', async () => {
    const { app } = createApp({ ctx: createContext({ store: openSqliteStore(':memory:'), clock: fixedClock(), newId, solverTimeLimitMs: 100 }), logger: pino({ level: 'silent' }), isReady: () => false });
    const server = app.listen(0, '127.0.0.1');
    await new Promise((r) => server.once('listening', r));
    try {
      const r = await fetch(`http://127.0.0.1:${(server.address() as AddressInfo).port}/readyz`);
      expect(r.status).toBe(503);
      expect(((await r.json()) as { code: string }).code).toBe('unavailable');
    } finally {
      server.close();
    }
  });
});
