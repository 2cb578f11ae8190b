/**
 * Route-wide guarantees, checked on every declared endpoint: unknown ids are 404 problems (or 400
 * when the request itself is invalid), never a 500; the OpenAPI document lists every route.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pino from 'pino';
import type { AddressInfo } from 'node:net';
import { createApp } from '../../src/http/app.js';
import { openSqliteStore } from '../../src/store/sqlite.js';
import { createContext, newId } from '../../src/app/context.js';
import { fixedClock, startTestServer, type TestServer } from '../helpers.js';

let s: TestServer;
beforeAll(async () => {
  s = await startTestServer();
});
afterAll(() => s.close());

describe('every route', () => {
  it('answers unknown ids with a 404 problem (400 when the request is invalid anyway), never a 500', async () => {
    const { api } = createApp({ ctx: s.ctx, logger: pino({ level: 'silent' }) });
    const withIds = api.endpoints.filter((e) => e.path.includes(':'));
    expect(withIds.length).toBeGreaterThan(20);
    for (const e of withIds) {
      const path = e.path.replace(/:[A-Za-z]+/g, (m) => (m === ':opCode' ? 'NOPE' : 'missing_id'));
      const needsQuery = e.path.endsWith('/availability') || e.path.endsWith('/walk-in-eta');
      const r = await s.req(e.method.toUpperCase(), path + (needsQuery ? '?opCodes=OIL-SVC' : ''), e.method === 'get' || e.method === 'delete' ? undefined : {});
      expect(r.headers.get('content-type'), `${e.method} ${e.path}`).toContain('application/problem+json');
      if (e.method === 'get' || e.method === 'delete') expect(r.status, `${e.method} ${e.path}`).toBe(404);
      else expect([400, 404], `${e.method} ${e.path}: ${r.status}`).toContain(r.status);
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
