/** OpenAPI 3.1 document generated from the endpoint declarations and their zod schemas. */
import { z } from 'zod';
import type { AnyEndpoint } from './api.js';
import { Problem } from '../model/common.js';

type Json = Record<string, unknown>;

function schemaOf(s: z.ZodType, io: 'input' | 'output'): Json {
  const j = z.toJSONSchema(s, { io, unrepresentable: 'any', target: 'draft-2020-12' }) as Json;
  delete j.$schema;
  return j;
}

/** Turns a strict object schema into the documented shape of a merge-patch (every field optional). */
function optionalAll(j: Json): Json {
  const { required: _r, ...rest } = j;
  return rest;
}

export function buildOpenApi(endpoints: AnyEndpoint[], info: { title: string; version: string }): Json {
  const paths: Record<string, Json> = {};
  for (const e of endpoints) {
    const oaPath = e.path.replace(/:([A-Za-z0-9_]+)/g, '{$1}');
    const params: Json[] = [...e.path.matchAll(/:([A-Za-z0-9_]+)/g)].map((m) => ({
      name: m[1],
      in: 'path',
      required: true,
      schema: { type: 'string', maxLength: 100 },
    }));
    if (e.query) {
      const q = schemaOf(e.query, 'input') as { properties?: Record<string, Json>; required?: string[] };
      for (const [name, schema] of Object.entries(q.properties ?? {}))
        params.push({ name, in: 'query', required: (q.required ?? []).includes(name), schema });
    }
    for (const h of e.headers ?? []) params.push({ name: h, in: 'header', required: false, schema: { type: 'string', maxLength: 200 } });
    const success = e.status ?? 200;
    // response headers go on the response that carries them (OpenAPI: responses.<status>.headers), not in parameters
    const headersOf = (status: number) => {
      const hs = (e.responseHeaders ?? []).filter((h) => (h.status ?? success) === status);
      return hs.length ? { headers: Object.fromEntries(hs.map((h) => [h.name, { description: h.description, schema: { type: 'string' } }])) } : {};
    };
    const op: Json = {
      summary: e.summary,
      tags: [e.tag],
      operationId: `${e.method}${oaPath.replace(/[{}]/g, '').replace(/[^A-Za-z0-9]+(.)/g, (_, c: string) => c.toUpperCase())}`,
      ...(e.description ? { description: e.description } : {}),
      parameters: params,
      responses: {
        [String(success)]: {
          description: 'Success',
          ...headersOf(success),
          ...(e.response ? { content: { 'application/json': { schema: schemaOf(e.response, 'output') } } } : {}),
        },
        ...Object.fromEntries(
          [400, ...(e.errors ?? [])].map((s) => [
            String(s),
            { description: 'Problem', ...headersOf(s), content: { 'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } } } },
          ]),
        ),
      },
    };
    if (e.body || e.bodyDoc) {
      const doc = e.bodyDoc ? schemaOf(e.bodyDoc, 'input') : schemaOf(e.body!, 'input');
      op.requestBody = {
        required: !(e.body && e.body.safeParse(undefined).success), // e.g. POST …/plan may be sent empty
        content: { 'application/json': { schema: e.method === 'patch' ? optionalAll(doc) : doc } },
      };
    }
    (paths[oaPath] ??= {})[e.method] = op;
  }
  return {
    openapi: '3.1.0',
    info: { ...info, description: 'Baywise: workshop scheduling, promised ready-by times and capacity-safe booking.' },
    jsonSchemaDialect: 'https://json-schema.org/draft/2020-12/schema',
    paths,
    components: { schemas: { Problem: schemaOf(Problem, 'output') } },
  };
}
