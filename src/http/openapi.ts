/**
 * The OpenAPI 3.1 document, generated from the endpoint declarations and their zod schemas.
 *
 * One document, every `$ref` resolving inside it: a zod schema with `.meta({ id })` becomes
 * `components/schemas/<id>` and every use of it a `$ref` there. zod's `toJSONSchema` puts such
 * schemas in a `$defs` of the schema being converted (with `#/$defs/<id>` references, which would
 * resolve only inside that schema, not in the document); they are lifted out into the document's
 * components and the references rewritten. A schema whose request (input) form differs from its
 * response (output) form, e.g. through defaults, gets a second component `<id>Input`.
 *
 * Also declared here: the tags with their descriptions (api.ts TAGS), the Problem schema of every
 * error response (RFC 9457: extension members allowed), the bearer security scheme that access
 * control will require (today every operation is open: see SECURITY below), and the examples of
 * each route's request, response and problems.
 */
import { isDeepStrictEqual } from 'node:util';
import { z } from 'zod';
import { NO_CONTENT, TAGS, type AnyEndpoint, type ResponseDoc } from './api.js';
import { Problem } from '../model/common.js';

type Json = Record<string, unknown>;
type Io = 'input' | 'output';

const COMPONENTS = '#/components/schemas/';
const LOCAL_DEFS = '#/$defs/';

/**
 * Security of the operations. The bearer scheme is declared so that clients generated from this
 * document already carry a token setting; it is not checked yet, so every operation accepts a
 * request without credentials (`{}`) as well as one with a token. Access control will replace this
 * with `[{ bearerAuth: [] }]` and mark the public routes (probes, the documents) `security: []`.
 */
const SECURITY = [{}, { bearerAuth: [] }];
const PUBLIC = new Set(['/healthz', '/readyz', '/openapi.json', '/docs', '/docs/redoc.standalone.js']);

/**
 * Converts zod schemas in two passes: the first collects the `$defs` of every schema of the
 * document, `seal()` then names the components, and the second pass returns schemas whose
 * references point at them.
 */
class SchemaCollector {
  private readonly defs: Record<Io, Map<string, Json>> = { input: new Map(), output: new Map() };
  private readonly inputOwn = new Set<string>();
  private sealed = false;

  private raw(s: z.ZodType, io: Io): Json {
    const j = z.toJSONSchema(s, { io, unrepresentable: 'any', target: 'draft-2020-12' }) as Json;
    delete j.$schema;
    const defs = (j.$defs ?? {}) as Record<string, Json>;
    delete j.$defs;
    if (!this.sealed)
      for (const [id, d] of Object.entries(defs)) {
        // zod names a recursive schema without an id `__schema0`…: such names would collide across routes
        if (id.startsWith('__')) throw new Error(`openapi: a recursive schema needs .meta({ id }) (found $defs/${id})`);
        const prev = this.defs[io].get(id);
        if (prev && !isDeepStrictEqual(prev, d)) throw new Error(`openapi: two different schemas carry the id ${id}`);
        this.defs[io].set(id, d);
      }
    return j;
  }

  /** JSON Schema of a zod schema (references to components are final only after seal()). */
  convert(s: z.ZodType, io: Io): Json {
    const j = this.raw(s, io);
    return this.sealed ? rewrite(j, (id) => this.nameOf(id, io)) : j;
  }

  private nameOf(id: string, io: Io): string {
    return io === 'input' && this.inputOwn.has(id) ? `${id}Input` : id;
  }

  /** Names the components: an id whose input form differs from its output form gets `<id>Input`. */
  seal(): Record<string, Json> {
    this.sealed = true;
    const ids = new Set([...this.defs.input.keys(), ...this.defs.output.keys()]);
    // decided until stable: a schema whose own body is the same in both forms still differs when a
    // schema it refers to does
    for (let changed = true; changed; ) {
      changed = false;
      for (const id of ids) {
        const i = this.defs.input.get(id);
        const o = this.defs.output.get(id);
        if (!i || !o || this.inputOwn.has(id)) continue;
        if (!isDeepStrictEqual(rewrite(i, (r) => this.nameOf(r, 'input')), rewrite(o, (r) => this.nameOf(r, 'output')))) {
          this.inputOwn.add(id);
          changed = true;
        }
      }
    }
    const components: Record<string, Json> = {};
    for (const io of ['output', 'input'] as const)
      for (const [id, d] of this.defs[io]) components[this.nameOf(id, io)] ??= rewrite(d, (r) => this.nameOf(r, io));
    return Object.fromEntries(Object.entries(components).sort(([a], [b]) => a.localeCompare(b)));
  }
}

/** A copy of a JSON Schema with each `#/$defs/<id>` reference turned into one to components. */
function rewrite(j: Json, name: (id: string) => string): Json {
  const walk = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(walk);
    if (typeof v !== 'object' || v === null) return v;
    const out: Json = {};
    for (const [k, x] of Object.entries(v)) {
      out[k] = k === '$ref' && typeof x === 'string' && x.startsWith(LOCAL_DEFS) ? COMPONENTS + name(decodeURIComponent(x.slice(LOCAL_DEFS.length))) : walk(x);
    }
    return out;
  };
  return walk(j) as Json;
}

/** Turns a strict object schema into the documented shape of a merge-patch (every field optional). */
function optionalAll(j: Json): Json {
  const { required: _r, ...rest } = j;
  return rest;
}

const isZod = (r: ResponseDoc): r is z.ZodType => r instanceof z.ZodType;

export function buildOpenApi(endpoints: AnyEndpoint[], info: { title: string; version: string }): Json {
  const schemas = new SchemaCollector();
  schemas.convert(Problem, 'output'); // the component every error response refers to
  buildPaths(endpoints, schemas); // first pass: collects the components
  const components = schemas.seal();
  const paths = buildPaths(endpoints, schemas);
  const used = new Set(endpoints.map((e) => e.tag));
  return {
    openapi: '3.1.0',
    info: {
      ...info,
      description:
        'Baywise: workshop scheduling, promised ready-by times and capacity-safe booking. ' +
        'Times are ISO 8601 instants with an offset; dates are local to the workshop\'s time zone. ' +
        'Every error is an RFC 9457 problem (application/problem+json) with a stable `code`.',
    },
    jsonSchemaDialect: 'https://json-schema.org/draft/2020-12/schema',
    servers: [{ url: '/', description: 'this server' }],
    security: SECURITY,
    tags: Object.entries(TAGS)
      .filter(([name]) => used.has(name as keyof typeof TAGS))
      .map(([name, description]) => ({ name, description })),
    paths,
    components: {
      schemas: components,
      securitySchemes: {
        bearerAuth: {
          type: 'http',
          scheme: 'bearer',
          description: 'Reserved for access control: not checked yet (every operation also accepts a request without credentials).',
        },
      },
    },
  };
}

function buildPaths(endpoints: AnyEndpoint[], schemas: SchemaCollector): Record<string, Json> {
  const problemRef = { $ref: `${COMPONENTS}Problem` };
  const paths: Record<string, Json> = {};
  const operationIds = new Set<string>();
  for (const e of endpoints) {
    if (!(e.tag in TAGS)) throw new Error(`openapi: ${e.method} ${e.path} has the undeclared tag ${e.tag}`);
    if (typeof e.operationId !== 'string' || !/^[a-z][A-Za-z0-9]*$/.test(e.operationId))
      throw new Error(`openapi: ${e.method} ${e.path} needs a camelCase operationId (has ${e.operationId})`);
    if (!e.response) throw new Error(`openapi: ${e.method} ${e.path} declares no response`);
    if (operationIds.has(e.operationId)) throw new Error(`openapi: operationId ${e.operationId} is declared twice`);
    operationIds.add(e.operationId);
    const oaPath = e.path.replace(/:([A-Za-z0-9_]+)/g, '{$1}');
    const params: Json[] = [...e.path.matchAll(/:([A-Za-z0-9_]+)/g)].map((m) => ({
      name: m[1],
      in: 'path',
      required: true,
      schema: { type: 'string', maxLength: 100 },
    }));
    if (e.query) {
      const q = schemas.convert(e.query, 'input') as { properties?: Record<string, Json>; required?: string[] };
      for (const [name, schema] of Object.entries(q.properties ?? {})) {
        const { description, ...rest } = schema;
        params.push({ name, in: 'query', required: (q.required ?? []).includes(name), ...(description ? { description } : {}), schema: rest });
      }
    }
    for (const h of e.headers ?? []) params.push({ name: h, in: 'header', required: false, schema: { type: 'string', maxLength: 200 } });
    const success = e.status ?? 200;
    // response headers go on the response that carries them (OpenAPI: responses.<status>.headers), not in parameters
    const headersOf = (status: number) => {
      const hs = (e.responseHeaders ?? []).filter((h) => (h.status ?? success) === status);
      return hs.length ? { headers: Object.fromEntries(hs.map((h) => [h.name, { description: h.description, schema: { type: 'string' } }])) } : {};
    };
    const ex = e.examples ?? {};
    const successResponse: Json = { description: successDescription(e.response, success), ...headersOf(success) };
    if (isZod(e.response))
      successResponse.content = { 'application/json': { schema: schemas.convert(e.response, 'output'), ...(ex.response !== undefined ? { example: ex.response } : {}) } };
    else if (e.response !== NO_CONTENT && 'mediaType' in e.response) successResponse.content = { [e.response.mediaType]: { schema: { type: 'string' } } };
    const op: Json = {
      operationId: e.operationId,
      summary: e.summary,
      tags: [e.tag],
      ...(e.description ? { description: e.description } : {}),
      ...(PUBLIC.has(e.path) ? { security: [] } : {}),
      parameters: params,
      responses: {
        [String(success)]: successResponse,
        ...Object.fromEntries(
          [...new Set([400, ...(e.errors ?? []), ...Object.keys(ex.errors ?? {}).map(Number)])].sort().map((s) => [
            String(s),
            {
              description: PROBLEM_DESCRIPTION[s] ?? 'Problem',
              ...headersOf(s),
              content: { 'application/problem+json': { schema: problemRef, ...(ex.errors?.[s] ? { example: ex.errors[s] } : {}) } },
            },
          ]),
        ),
      },
    };
    if (e.body || e.bodyDoc) {
      const doc = schemas.convert(e.bodyDoc ?? e.body!, 'input');
      op.requestBody = {
        required: !(e.body && e.body.safeParse(undefined).success), // e.g. POST …/plan may be sent empty
        content: { 'application/json': { schema: e.method === 'patch' ? optionalAll(doc) : doc, ...(ex.request !== undefined ? { example: ex.request } : {}) } },
      };
    }
    (paths[oaPath] ??= {})[e.method] = op;
  }
  return paths;
}

function successDescription(r: ResponseDoc, status: number): string {
  if (r === NO_CONTENT) return 'Done; no content';
  if (!isZod(r)) return (r as { description: string }).description;
  return status === 201 ? 'Created' : status === 202 ? 'Accepted' : 'Success';
}

const PROBLEM_DESCRIPTION: Record<number, string> = {
  400: 'The request is not valid (`errors` names each field)',
  404: 'No such resource',
  409: 'Conflict with the current state (e.g. no capacity: with alternatives; an illegal status change: with the allowed ones)',
  422: 'Understood but not processable (unknown reference, size or computation limit)',
  429: 'Too many jobs; retry after Retry-After',
  503: 'Temporarily unavailable; retry after Retry-After when given',
};
