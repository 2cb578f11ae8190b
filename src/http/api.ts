/**
 * Declarative endpoints: every route states its path, zod schemas for query and body and its
 * responses. The same declarations validate requests and generate the OpenAPI document, so the
 * two cannot drift apart.
 *
 * Time is an input, decided here once for every route: a request on a workshop or a repair order
 * may carry `?asOf` (an instant), and its handler then gets a context whose clock stands still at
 * that instant, so every "now" of the request (checks such as "in the past", the replan, the
 * forecast, createdAt/updatedAt stamps, the accepted dates) is the client's. Reads take it always;
 * a write (something is stored) takes it only when the deployment lets the client hold the clock
 * (CLIENT_CLOCK=true: tests, replays, demos), else it is a 400 naming the setting.
 */
import type { Request, RequestHandler, Response, Router } from 'express';
import { z } from 'zod';
import type { AppContext, Clock } from '../app/context.js';
import { DomainError } from '../app/errors.js';
import { parseOrThrow } from '../app/validate.js';
import { QInstant } from './routes/query.js';

export type Method = 'get' | 'post' | 'patch' | 'put' | 'delete';

export interface Reply {
  status?: number;
  body?: unknown;
  headers?: Record<string, string>;
}

/** The groups of the API, in the order the documentation shows them, with what each is for. */
export const TAGS = {
  system: 'Probes, this API\'s OpenAPI document and its rendered documentation.',
  workshops: 'A workshop: time zone, opening hours, closed dates, promise policy, reception and lanes.',
  bays: 'Places where work is done, with their capabilities (lift, alignment, EV, wash, diagnosis…).',
  technicians: 'Technicians: skills with levels (A > B > C), EV certification, efficiency, weekly shifts and absences.',
  catalogue: 'The operation catalogue by op code: standard (flat-rate) hours, skill and level, bay capability, variability.',
  appointments: 'Repair orders: capacity-safe booking with a computed promise, reading, lifecycle changes.',
  promises: 'Promised ready-by times: quotes, drop-off availability, live ETAs and the at-risk list.',
  planning: 'The schedule: replanning, the current plan and the dispatch board of a day.',
  floor: 'What happens on the shop floor: job-clock events on repair orders and technician absences.',
  queueing: 'Queueing models: raw estimates, the reception forecast, walk-in ETAs and the capacity outlook.',
  scenarios: 'Scenario files (a workshop and its demand): their JSON Schema.',
  simulation: 'What-if simulations of scenarios as background jobs.',
} as const;
export type Tag = keyof typeof TAGS;

/** The success response of a route that sends no body (204). */
export const NO_CONTENT = { noContent: true } as const;
/** A success response that is not JSON (e.g. the HTML documentation). */
export interface OtherMedia {
  mediaType: string;
  description: string;
}
export type ResponseDoc = z.ZodType | typeof NO_CONTENT | OtherMedia;

export interface EndpointDef<Q extends z.ZodType, B extends z.ZodType> {
  method: Method;
  path: string;
  /**
   * The operation's name in the OpenAPI document and in clients generated from it: a verb first,
   * camelCase, unique across the API (bookAppointment, getAvailability, listTechnicians).
   */
  operationId: string;
  summary: string;
  tag: Tag;
  description?: string;
  query?: Q;
  body?: B;
  /** Documented JSON schema of the body when it differs from the validating schema (PATCH). */
  bodyDoc?: z.ZodType;
  status?: number;
  /**
   * The body of the success response, required on every route: a zod schema (a test parses real
   * responses with it), NO_CONTENT for a 204, or a media type that is not JSON.
   */
  response: ResponseDoc;
  /**
   * Examples shown in the documentation (a test checks the request against `body` and the
   * response against `response`); `errors` are problem bodies by status.
   */
  examples?: { request?: z.input<B>; response?: unknown; errors?: Record<number, Record<string, unknown>> };
  /** error statuses worth documenting besides 400/500 */
  errors?: number[];
  /** request headers the route reads (documented as header parameters) */
  headers?: string[];
  /** response headers the route sets, documented on the response of their status (default: the success status) */
  responseHeaders?: { name: string; description: string; status?: number }[];
  /**
   * Whether the handler runs in its workshop's critical section (app/serial.ts). Default: every
   * write (POST, PATCH, PUT, DELETE) on a path with a workshop or repair-order id; a write that
   * changes nothing stored (a quote) says `false`.
   */
  serial?: boolean;
  handler: (input: {
    /** the request's context: the service's, with the request's own clock when it sent `asOf` */
    ctx: AppContext;
    params: Record<string, string>;
    query: z.output<Q>;
    body: z.output<B>;
    req: Request;
    res: Response;
  }) => Reply | unknown | Promise<Reply | unknown>;
}

export type AnyEndpoint = EndpointDef<z.ZodType, z.ZodType>;

const EMPTY_QUERY = z.strictObject({});
const isReply = (v: unknown): v is Reply & { __reply: true } =>
  typeof v === 'object' && v !== null && (v as { __reply?: boolean }).__reply === true;

export const reply = (status: number, body?: unknown, headers?: Record<string, string>) => ({ __reply: true as const, status, body, headers });

/** Runs a handler in the critical section of the workshop addressed by the path parameters. */
export type Serializer = <T>(params: Record<string, string>, fn: () => Promise<T>) => Promise<T>;

/** Whether an endpoint's handler is serialised per workshop (see EndpointDef.serial). */
export function isSerial(e: AnyEndpoint): boolean {
  if (e.serial !== undefined) return e.serial;
  return e.method !== 'get' && /:(workshopId|appointmentId)\b/.test(e.path);
}

/** Routes whose requests may carry the client's clock (`asOf`): the workshops and repair orders. */
const CLOCKED_PATH = /^\/v1\/(workshops|appointments)(\/|$)/;

/** Whether an endpoint stores something (a quote, `serial: false` on a POST, is a read). */
function isWrite(e: AnyEndpoint): boolean {
  return e.method !== 'get' && e.serial !== false;
}

/** The name of the setting that lets a client hold the clock on writes (config.ts). */
const CLIENT_CLOCK_SETTING = 'CLIENT_CLOCK';

const AS_OF = QInstant.optional().meta({
  description: `the request's "now" (default: the server clock): on a write only when the service runs with ${CLIENT_CLOCK_SETTING}=true`,
});

/** A clock that stands still at ms: the clock of a request that said what time it is. */
const fixedAt = (ms: number): Clock => ({ now: () => ms });

/** The query schema of a clocked route, with `asOf` (routes that declare their own keep it). */
function withAsOf(path: string, q: z.ZodType | undefined): z.ZodType | undefined {
  if (!CLOCKED_PATH.test(path)) return q;
  if (!q) return z.strictObject({ asOf: AS_OF });
  if (!(q instanceof z.ZodObject)) throw new Error(`api: the query of ${path} must be an object schema to take asOf`);
  return 'asOf' in q.shape ? q : q.extend({ asOf: AS_OF });
}

export class Api {
  readonly endpoints: AnyEndpoint[] = [];

  add<Q extends z.ZodType = z.ZodType, B extends z.ZodType = z.ZodType>(def: EndpointDef<Q, B>): this {
    this.endpoints.push({ ...def, query: withAsOf(def.path, def.query) } as unknown as AnyEndpoint);
    return this;
  }

  /**
   * ctx: the service's context (each request gets a shallow copy with its own clock when it sends
   * `asOf`: the services, caches and queues stay the one shared set);
   * clientClock: writes may carry `asOf` (CLIENT_CLOCK);
   * serialize: runs the handlers of writes in their workshop's critical section;
   * window: the accepted range of dates (epoch ms) around a now, for every instant and date in a
   * query or body (`asOf` itself around the server clock, everything else around the request's now).
   */
  mount(
    router: Router,
    opts: { ctx: AppContext; clientClock?: boolean; serialize?: Serializer; window?: (nowMs: number) => [number, number] },
  ): void {
    const outOfWindow = (path: string, lo: number, hi: number) =>
      new DomainError('validation_failed', 'The request is not valid', {
        errors: [{ path, message: `outside the accepted dates (${new Date(lo).toISOString().slice(0, 10)} to ${new Date(hi).toISOString().slice(0, 10)})`, code: 'out_of_window' }],
      });
    for (const e of this.endpoints) {
      const serial = isSerial(e) && opts.serialize ? opts.serialize : null;
      const write = isWrite(e);
      const handler: RequestHandler = async (req, res, next) => {
        try {
          for (const [k, v] of Object.entries(req.params)) {
            if (typeof v !== 'string' || v.length > 100) throw new DomainError('not_found', `no resource with that ${k}`);
          }
          const query = parseOrThrow(e.query ?? EMPTY_QUERY, { ...(req.query as object) }, 'query');
          // the request's clock: the client's when it sent asOf (on a write only with CLIENT_CLOCK)
          const asOf = (query as { asOf?: unknown }).asOf;
          let ctx = opts.ctx;
          if (typeof asOf === 'string') {
            if (write && !opts.clientClock)
              throw new DomainError('validation_failed', `asOf on a write needs the setting ${CLIENT_CLOCK_SETTING}=true (the service keeps the clock)`, {
                errors: [{ path: 'query.asOf', message: `allowed on writes only with ${CLIENT_CLOCK_SETTING}=true`, code: 'client_clock_disabled' }],
              });
            if (opts.window) {
              const [lo, hi] = opts.window(opts.ctx.clock.now());
              if (findOutOfWindow(asOf, lo, hi, 'query.asOf') !== null) throw outOfWindow('query.asOf', lo, hi);
            }
            ctx = { ...opts.ctx, clock: fixedAt(Date.parse(asOf)) };
          }
          let body: unknown = undefined;
          if (e.body) {
            const reserved = findReservedKey(req.body);
            if (reserved !== null)
              throw new DomainError('validation_failed', 'The request is not valid', {
                errors: [{ path: reserved, message: 'reserved key', code: 'reserved_key' }],
              });
            body = parseOrThrow(e.body, req.body); // undefined when no body was sent
          }
          if (opts.window) {
            const [lo, hi] = opts.window(ctx.clock.now());
            const bad = findOutOfWindow(query, lo, hi, 'query') ?? findOutOfWindow(body, lo, hi, '');
            if (bad !== null) throw outOfWindow(bad, lo, hi);
          }
          const params = req.params as Record<string, string>;
          const run = () => Promise.resolve(e.handler({ ctx, params, query, body, req, res }));
          const out = serial ? await serial(params, run) : await run();
          if (res.headersSent) return;
          if (isReply(out)) {
            for (const [h, v] of Object.entries(out.headers ?? {})) res.setHeader(h, v);
            if (out.status === 204 || out.body === undefined) res.status(out.status ?? 204).end();
            else res.status(out.status ?? 200).json(out.body);
          } else res.status(e.status ?? 200).json(out);
        } catch (err) {
          next(err);
        }
      };
      router[e.method](e.path, handler);
    }
  }
}

const DATE_RE = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2}))?$/;

/**
 * Path of the first date or instant (validated input: every such string has passed its schema)
 * outside [lo, hi], or null. A workshop plans a few weeks ahead and keeps a few years of history:
 * a promise in year 0001 or an arrival in 9999 is a typo, and would stretch calendars and plans.
 */
export function findOutOfWindow(v: unknown, lo: number, hi: number, path: string, depth = 0): string | null {
  if (typeof v === 'string') {
    if (!DATE_RE.test(v)) return null;
    const t = Date.parse(v.length === 10 ? `${v}T12:00:00Z` : v);
    return Number.isFinite(t) && (t < lo || t > hi) ? path || '(body)' : null;
  }
  if (depth > 16 || typeof v !== 'object' || v === null) return null;
  for (const [k, x] of Object.entries(v)) {
    const p = Array.isArray(v) ? `${path}[${k}]` : path ? `${path}.${k}` : k;
    const bad = findOutOfWindow(x, lo, hi, p, depth + 1);
    if (bad !== null) return bad;
  }
  return null;
}

const RESERVED = new Set(['__proto__', 'constructor', 'prototype']);

/** Path of the first own key that could pollute prototypes when merged, or null. */
export function findReservedKey(v: unknown, path = '', depth = 0): string | null {
  if (depth > 64 || typeof v !== 'object' || v === null) return null;
  for (const k of Object.keys(v)) {
    const p = Array.isArray(v) ? `${path}[${k}]` : path ? `${path}.${k}` : k;
    if (!Array.isArray(v) && RESERVED.has(k)) return p;
    const inner = findReservedKey((v as Record<string, unknown>)[k], p, depth + 1);
    if (inner !== null) return inner;
  }
  return null;
}
