/**
 * The express application factory (no listen): middleware, routes, problem+json errors.
 * Tests build it over an in-memory store and listen on an ephemeral port.
 */
import express, { type NextFunction, type Request, type Response } from 'express';
import { randomUUID } from 'node:crypto';
import { pinoHttp } from 'pino-http';
import type { Logger } from 'pino';
import { DomainError } from '../app/errors.js';
import type { AppContext } from '../app/context.js';
import { Api } from './api.js';
import { buildOpenApi } from './openapi.js';
import { problem, sendProblem } from './problem.js';
import { registerCatalogRoutes } from './routes/catalog.js';
import { registerAppointmentRoutes } from './routes/appointments.js';
import { registerSystemRoutes } from './routes/system.js';
import { registerPlanningRoutes } from './routes/planning.js';
import { registerQueueingRoutes } from './routes/queueing.js';
import { registerFloorRoutes } from './routes/floor.js';
import { registerPromiseRoutes } from './routes/promises.js';
import { registerSimulationRoutes } from './routes/simulations.js';
import { registerCalibrationRoutes } from './routes/calibration.js';
import { engineOf } from '../app/engine.js';
import { inWorkshop, workshopOfParams } from '../app/serial.js';
import { acceptedDates } from '../app/validate.js';

export interface AppDeps {
  ctx: AppContext;
  logger: Logger;
  bodyLimit?: string;
  /** CLIENT_CLOCK: writes may carry `asOf`, the request's now (api.ts) */
  clientClock?: boolean;
  /** readiness: false while starting up or shutting down */
  isReady?: () => boolean;
  /** extra route groups (later capabilities plug in here) */
  extraRoutes?: ((api: Api, ctx: AppContext) => void)[];
}

const REQUEST_ID_RE = /^[A-Za-z0-9._:-]{1,128}$/;

export function createApp(deps: AppDeps) {
  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);
  app.set('query parser', 'simple');

  app.use((req, res, next) => {
    const incoming = req.header('x-request-id');
    const id = incoming && REQUEST_ID_RE.test(incoming) ? incoming : randomUUID();
    (req as Request & { id: string }).id = id;
    res.setHeader('x-request-id', id);
    next();
  });
  app.use(
    pinoHttp({
      logger: deps.logger,
      genReqId: (req) => (req as unknown as { id: string }).id,
      customLogLevel: (_req, res, err) => (err || res.statusCode >= 500 ? 'error' : res.statusCode >= 400 ? 'warn' : 'info'),
      serializers: {
        req: (r: { id: string; method: string; url: string }) => ({ id: r.id, method: r.method, url: r.url }),
        res: (r: { statusCode: number }) => ({ statusCode: r.statusCode }),
      },
    }),
  );

  // Writes must be JSON: anything else is 415 before the body is read.
  app.use((req, res, next) => {
    if (!['POST', 'PUT', 'PATCH'].includes(req.method)) return next();
    const hasBody = Number(req.headers['content-length'] ?? 0) > 0 || req.headers['transfer-encoding'] !== undefined;
    if (!hasBody) return next();
    if (!req.is(['application/json', 'application/*+json']))
      return sendProblem(req, res, problem('unsupported_media_type', `send application/json, not ${req.headers['content-type'] ?? 'no content type'}`));
    next();
  });
  app.use(express.json({ limit: deps.bodyLimit ?? '1mb', strict: false, type: ['application/json', 'application/*+json'] }));

  const api = new Api();
  registerSystemRoutes(api, deps.ctx, { isReady: deps.isReady ?? (() => true), openapi: () => openapi });
  registerCatalogRoutes(api, deps.ctx);
  registerPromiseRoutes(api, deps.ctx);
  registerAppointmentRoutes(api, deps.ctx);
  registerPlanningRoutes(api, deps.ctx);
  registerQueueingRoutes(api, deps.ctx);
  // a floor event replans and re-forecasts: the response carries the new ETA of the repair order
  registerFloorRoutes(api, deps.ctx, { afterChange: async (ctx, w, appointmentId, atMs) => (appointmentId ? { eta: await engineOf(ctx).run(w, 'eta', appointmentId, atMs) } : {}) });
  registerSimulationRoutes(api, deps.ctx);
  registerCalibrationRoutes(api, deps.ctx);
  for (const r of deps.extraRoutes ?? []) r(api, deps.ctx);
  const router = express.Router();
  // every write of a workshop runs in that workshop's critical section (the capacity guarantee)
  api.mount(router, {
    ctx: deps.ctx,
    clientClock: deps.clientClock,
    serialize: (params, fn) => {
      const workshopId = workshopOfParams(deps.ctx, params);
      return workshopId ? inWorkshop(deps.ctx, workshopId, fn) : fn();
    },
    window: acceptedDates,
  });
  app.use(router);
  const openapi = buildOpenApi(api.endpoints, { title: 'Baywise API', version: '1' });

  const known = api.endpoints.map((e) => ({ method: e.method.toUpperCase(), re: new RegExp('^' + e.path.replace(/:[A-Za-z0-9_]+/g, '[^/]+') + '/?$') }));
  app.use((req: Request, res: Response) => {
    const path = req.path;
    const methods = known.filter((k) => k.re.test(path)).map((k) => k.method);
    if (methods.length) {
      res.setHeader('allow', [...new Set(methods)].join(', '));
      return sendProblem(req, res, problem('method_not_allowed', `${req.method} is not allowed on ${path}`));
    }
    sendProblem(req, res, problem('route_not_found', `no route ${req.method} ${path}`));
  });

  app.use((err: unknown, req: Request, res: Response, _next: NextFunction) => {
    if (err instanceof DomainError) {
      const { errors, ...extra } = err.extra;
      // every refusal that says when to come back (busy workers, job caps, an overtaken booking) says it in the header too
      if (typeof extra.retryAfterSeconds === 'number' && !res.headersSent) res.setHeader('retry-after', String(Math.ceil(extra.retryAfterSeconds)));
      return sendProblem(req, res, problem(err.code, err.message, { ...extra, ...(errors ? { errors } : {}) }));
    }
    const e = err as { type?: string; status?: number; message?: string };
    if (e?.type === 'entity.too.large') return sendProblem(req, res, problem('payload_too_large', `the body limit is ${deps.bodyLimit ?? '1mb'}`));
    if (e?.type === 'entity.parse.failed') return sendProblem(req, res, problem('invalid_json', e.message));
    if (e?.type === 'encoding.unsupported' || e?.type === 'charset.unsupported')
      return sendProblem(req, res, problem('unsupported_media_type', e.message));
    if (e?.type === 'request.aborted') return;
    if (typeof e?.status === 'number' && e.status >= 400 && e.status < 500)
      return sendProblem(req, res, { ...problem('validation_failed', e.message), status: e.status });
    req.log?.error({ err }, 'unhandled error');
    sendProblem(req, res, problem('internal_error', 'an unexpected error occurred; the request id identifies it in the logs'));
  });

  return { app, api, openapi };
}
