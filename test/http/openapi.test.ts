/**
 * The contract as declared: every route has a readable unique operationId and a response schema,
 * every `$ref` of the served document resolves inside it, tags are declared, the examples are
 * valid for the very schemas that validate requests and describe responses, problems allow
 * extension members, the security scheme is declared, and /docs renders from local assets only.
 */
import pino from 'pino';
import { z } from 'zod';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../src/http/app.js';
import { Api, NO_CONTENT, TAGS, type AnyEndpoint } from '../../src/http/api.js';
import { buildOpenApi } from '../../src/http/openapi.js';
import { Problem } from '../../src/model/common.js';
import { FloorEventList, FloorEventResult, CapacityOutlook, QueueEstimate, ReceptionForecast, JsonSchemaDocument } from '../../src/model/responses.js';
import { seedSmallWorkshop, startTestServer, type TestServer } from '../helpers.js';

let s: TestServer;
let endpoints: AnyEndpoint[];
let doc: any;
beforeAll(async () => {
  s = await startTestServer();
  endpoints = createApp({ ctx: s.ctx, logger: pino({ level: 'silent' }) }).api.endpoints;
  doc = (await s.req('GET', '/openapi.json')).body;
});
afterAll(() => s.close());

type Json = Record<string, any>;
const operations = () =>
  Object.entries(doc.paths as Record<string, Record<string, Json>>).flatMap(([path, item]) => Object.entries(item).map(([method, op]) => ({ path, method, op })));

describe('route declarations', () => {
  it('require an operationId and a response (type-level)', () => {
    const api = new Api();
    // @ts-expect-error a route without a response schema does not compile
    api.add({ method: 'get', path: '/x', operationId: 'getX', tag: 'system', summary: 'x', handler: () => ({}) });
    // @ts-expect-error a route without an operationId does not compile
    api.add({ method: 'get', path: '/y', tag: 'system', summary: 'y', response: z.object({}), handler: () => ({}) });
    // @ts-expect-error a tag must be declared in TAGS
    api.add({ method: 'get', path: '/z', operationId: 'getZ', tag: 'misc', summary: 'z', response: z.object({}), handler: () => ({}) });
    expect(api.endpoints).toHaveLength(3);
    // forced past the types, the document refuses them: an undeclared tag, a missing operationId
    expect(() => buildOpenApi(api.endpoints.slice(2), { title: 't', version: '1' })).toThrow(/undeclared tag/);
    expect(() => buildOpenApi(api.endpoints.slice(1, 2), { title: 't', version: '1' })).toThrow(/operationId/);
    expect(() => buildOpenApi([endpoints[0], endpoints[0]], { title: 't', version: '1' })).toThrow(/declared twice/);
  });

  it('every route has a unique camelCase operationId and a response; the document carries them', () => {
    const ids = endpoints.map((e) => e.operationId);
    expect(new Set(ids).size).toBe(ids.length);
    for (const e of endpoints) {
      expect(e.operationId, `${e.method} ${e.path}`).toMatch(/^[a-z][A-Za-z0-9]*$/);
      expect(e.response, `${e.method} ${e.path}`).toBeDefined();
    }
    expect(operations().map((o) => o.op.operationId).sort()).toEqual([...ids].sort());
    expect(ids).toEqual(expect.arrayContaining(['bookAppointment', 'getAvailability', 'listTechnicians', 'quotePromise', 'recordFloorEvent', 'replan']));
    // no path-derived names are left
    expect(ids.filter((id) => /^(get|post|patch|delete)V1/.test(id))).toEqual([]);
  });

  it('POST …/appointments is declared once (the booking)', () => {
    const posts = endpoints.filter((e) => e.method === 'post' && e.path === '/v1/workshops/:workshopId/appointments');
    expect(posts.map((e) => e.operationId)).toEqual(['bookAppointment']);
  });

  it('every success response has a body schema, except a 204 which has none', () => {
    for (const { path, method, op } of operations()) {
      const [status, res] = Object.entries(op.responses as Record<string, Json>).find(([k]) => k.startsWith('2'))!;
      if (status === '204') expect(res.content, `${method} ${path}`).toBeUndefined();
      else expect(Object.values(res.content ?? {}).map((m: any) => m.schema), `${method} ${path}`).toEqual([expect.any(Object)]);
    }
    expect(endpoints.filter((e) => e.response === NO_CONTENT).every((e) => e.status === 204)).toBe(true);
  });
});

describe('the served document', () => {
  it('resolves every $ref inside itself, into components/schemas, with no $defs left', () => {
    const refs: string[] = [];
    const defs: string[] = [];
    const walk = (v: unknown, at: string) => {
      if (Array.isArray(v)) v.forEach((x, i) => walk(x, `${at}/${i}`));
      else if (v && typeof v === 'object')
        for (const [k, x] of Object.entries(v)) {
          if (k === '$ref') refs.push(x as string);
          if (k === '$defs') defs.push(at);
          walk(x, `${at}/${k}`);
        }
    };
    walk(doc, '#');
    expect(defs).toEqual([]);
    expect(refs.length).toBeGreaterThan(100);
    const resolve = (ref: string) => ref.slice(2).split('/').reduce<any>((cur, p) => cur?.[p.replace(/~1/g, '/').replace(/~0/g, '~')], doc);
    expect(refs.filter((r) => !r.startsWith('#/components/schemas/') || resolve(r) === undefined)).toEqual([]);
    // and a component is a schema, not a reference to somewhere else
    for (const [name, c] of Object.entries(doc.components.schemas as Record<string, Json>)) expect(c.$ref, name).toBeUndefined();
    expect(Object.keys(doc.components.schemas)).toEqual(expect.arrayContaining(['Appointment', 'Problem', 'Quote', 'Workshop', 'SimulationJob', 'CapacityOutlook']));
  });

  it('declares every tag it uses, with a description', () => {
    const declared = new Map((doc.tags as { name: string; description: string }[]).map((t) => [t.name, t.description]));
    for (const { path, method, op } of operations()) for (const t of op.tags) expect(declared.get(t), `${method} ${path}: ${t}`).toBeTruthy();
    expect([...declared.keys()].every((t) => t in TAGS)).toBe(true);
  });

  it('lets problems carry extension members (RFC 9457) and documents errors[].path', async () => {
    const p = doc.components.schemas.Problem;
    expect(p.additionalProperties).not.toBe(false);
    expect(p.properties.errors.items.properties.path.description).toMatch(/field/);
    // a real 409 with its extension members is a valid Problem
    const w = await seedSmallWorkshop(s);
    const r = await s.req('PATCH', `/v1/appointments/${w.aptId}`, { status: 'delivered' });
    expect(r.status).toBe(409);
    expect(r.body.allowed).toBeDefined();
    expect(Problem.safeParse(r.body).success).toBe(true);
  });

  it('declares a bearer security scheme, and every operation may still be called without credentials', () => {
    expect(doc.components.securitySchemes.bearerAuth).toMatchObject({ type: 'http', scheme: 'bearer' });
    expect(doc.security).toEqual([{}, { bearerAuth: [] }]);
    expect(operations().filter(({ op }) => op.security !== undefined && !(Array.isArray(op.security) && op.security.length === 0))).toEqual([]);
  });
});

describe('examples', () => {
  it('every request, response and problem example is valid for the route\'s own schemas', () => {
    let n = 0;
    for (const e of endpoints) {
      const ex = e.examples ?? {};
      const where = `${e.method} ${e.path}`;
      if (ex.request !== undefined) {
        // a PATCH body is a merge of some top-level fields of bodyDoc
        const schema = e.method === 'patch' && e.bodyDoc instanceof z.ZodObject ? e.bodyDoc.partial() : e.body!;
        expect(schema.safeParse(ex.request).error?.issues ?? [], `${where} request`).toEqual([]);
        n++;
      }
      if (ex.response !== undefined) {
        const schema = e.response as z.ZodType;
        expect(schema.safeParse(ex.response).error?.issues ?? [], `${where} response`).toEqual([]);
        n++;
      }
      for (const [status, body] of Object.entries(ex.errors ?? {})) {
        expect(Problem.safeParse(body).success, `${where} ${status}`).toBe(true);
        expect(body.status, `${where} ${status}`).toBe(Number(status));
        n++;
      }
    }
    expect(n).toBeGreaterThan(25);
  });

  it('the document shows them on the requests and responses', () => {
    const book = doc.paths['/v1/workshops/{workshopId}/appointments'].post;
    expect(book.requestBody.content['application/json'].example.plannedArrival).toBe('2026-11-25T08:00:00+01:00');
    expect(book.responses['201'].content['application/json'].example.quote.promisedReadyBy).toBeDefined();
    expect(book.responses['409'].content['application/problem+json'].example.code).toBe('capacity_exhausted');
  });
});

describe('responses of the routes that had no schema', () => {
  it('floor events, queueing and the scenario schema answer what their schemas say', async () => {
    const w = await seedSmallWorkshop(s);
    const conforms = (schema: z.ZodType, body: unknown, what: string) => expect(schema.safeParse(body).error?.issues ?? [], what).toEqual([]);
    const ev = await s.req('POST', `/v1/appointments/${w.aptId}/events`, { type: 'checked_in', at: '2026-11-23T06:00:00Z' });
    expect(ev.status).toBe(201);
    conforms(FloorEventResult.strict(), ev.body, 'event');
    conforms(FloorEventList, (await s.req('GET', `/v1/appointments/${w.aptId}/events`)).body, 'events');
    conforms(QueueEstimate, (await s.req('POST', '/v1/queueing/estimate', { model: 'mmc', arrivalRate: 0.5, serviceRate: 0.125, servers: 5 })).body, 'estimate');
    const outlook = await s.req('GET', `/v1/workshops/${w.id}/capacity-outlook?from=2026-11-24&to=2026-11-25`);
    expect(outlook.status).toBe(200);
    conforms(CapacityOutlook.strict(), outlook.body, 'outlook');
    const reception = await s.req('GET', `/v1/workshops/${w.id}/reception-forecast?date=2026-11-24`);
    expect(reception.status).toBe(200);
    conforms(ReceptionForecast.strict(), reception.body, 'reception');
    conforms(JsonSchemaDocument, (await s.req('GET', '/v1/scenarios/schema')).body, 'scenario schema');
  });
});

describe('/docs', () => {
  it('answers an HTML page that loads only this server\'s assets, and serves the asset', async () => {
    const r = await fetch(`${s.url}/docs`);
    expect(r.status).toBe(200);
    expect(r.headers.get('content-type')).toMatch(/^text\/html/);
    const html = await r.text();
    expect(html).toContain('spec-url="/openapi.json"');
    const assets = [...html.matchAll(/(?:src|href)="([^"]+)"/g)].map((m) => m[1]);
    expect(assets.length).toBeGreaterThan(0);
    expect(assets.filter((a) => !a.startsWith('/') || a.startsWith('//'))).toEqual([]);
    expect(html).not.toMatch(/https?:\/\//);
    for (const a of assets) {
      const js = await fetch(`${s.url}${a}`);
      expect(js.status, a).toBe(200);
      expect(js.headers.get('content-type'), a).toMatch(/javascript/);
      const text = await js.text();
      expect(text.length, a).toBeGreaterThan(100_000);
      expect(text, a).toContain('Redoc');
    }
  });
});
