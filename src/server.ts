/**
 * Composition of a running service: store + clock + app + HTTP server, with graceful shutdown.
 * main.ts calls it with the environment's configuration; tests call it with :memory: and port 0.
 */
import { createServer, type ServerResponse, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import pino, { type Logger } from 'pino';
import type { Config } from './config.js';
import { createContext, newId, systemClock, type AppContext, type Clock } from './app/context.js';
import { loadScenario, readScenarioFile } from './app/demo.js';
import { initSimulationJobs, jobLimitsOf, stopSimulationJobs } from './app/simulations.js';
import { workerEngine } from './app/engine.js';
import { warmQueueing } from './app/queueing.js';
import { createApp } from './http/app.js';
import { answerClientError } from './http/early-errors.js';
import { openSqliteStore } from './store/sqlite.js';
import type { Store } from './store/port.js';

export interface Running {
  url: string;
  port: number;
  ctx: AppContext;
  store: Store;
  server: Server;
  logger: Logger;
  close(opts?: CloseOptions): Promise<CloseOutcome>;
}

export interface CloseOptions {
  /** how long to keep serving with readiness 503 before the listener closes (default 0) */
  drainMs?: number;
  /** bound of the whole close, drain included (default SHUTDOWN_TIMEOUT_MS) */
  timeoutMs?: number;
}
export interface CloseOutcome {
  /** requests still running at the deadline, whose connections were cut (0: nothing lost) */
  cut: number;
  drainMs: number;
  ms: number;
}

export async function startServer(config: Config, opts: { clock?: Clock; logger?: Logger; store?: Store } = {}): Promise<Running> {
  const logger = opts.logger ?? pino({ level: config.LOG_LEVEL, base: { service: 'baywise' } });
  const store = opts.store ?? openSqliteStore(config.DATA_PATH === ':memory:' ? ':memory:' : resolve(config.DATA_PATH));
  const ctx: AppContext = createContext({ store, clock: opts.clock ?? systemClock, newId, solverTimeLimitMs: config.SOLVER_TIME_LIMIT_MS, solverMaxIterations: config.SOLVER_MAX_ITERATIONS, queueingDeadlineMs: config.QUEUEING_DEADLINE_MS });
  // simulation jobs a restart interrupted are marked failed before the service answers
  const sims = initSimulationJobs(ctx, jobLimitsOf(config));
  if (sims.recovered) logger.warn({ jobs: sims.recovered }, 'marked simulation jobs interrupted by a restart as failed');

  if (config.DEMO && store.workshops.count() === 0) {
    const scenario = readScenarioFile(resolveFromProject(config.DEMO_SCENARIO));
    const w = await loadScenario(ctx, scenario, { withBookings: true, fill: config.DEMO_BOOKING_FILL });
    logger.info({ workshopId: w.id, scenario: scenario.name, seeded: w.seeded }, 'empty store: loaded the demo workshop');
  }

  // planning and forecasting leave the HTTP thread when the store can be shared with a worker
  if (config.ENGINE_THREADS > 0 && config.DATA_PATH !== ':memory:' && !opts.store)
    ctx.engine = workerEngine({
      dataPath: resolve(config.DATA_PATH),
      threads: config.ENGINE_THREADS,
      deadlineMs: config.ENGINE_DEADLINE_MS,
      heapMb: config.ENGINE_HEAP_MB,
      maxQueue: config.ENGINE_MAX_QUEUE,
      solverTimeLimitMs: config.SOLVER_TIME_LIMIT_MS,
      solverMaxIterations: config.SOLVER_MAX_ITERATIONS,
      clock: ctx.clock,
      onWorkerLost: (info) => logger.error(info, 'planning engine worker replaced'),
    });

  warmQueueing();
  let ready = true;
  const { app } = createApp({ ctx, logger, bodyLimit: config.BODY_LIMIT, clientClock: config.CLIENT_CLOCK, isReady: () => ready });
  const headersTimeout = Math.min(10_000, config.REQUEST_TIMEOUT_MS);
  const server = createServer(
    {
      requestTimeout: config.REQUEST_TIMEOUT_MS,
      headersTimeout,
      // how often Node looks for requests over those timeouts (its default, 30 s, would let a stalled request live 40 s)
      connectionsCheckingInterval: Math.max(100, Math.min(1_000, Math.floor(headersTimeout / 4))),
    },
    app,
  );
  server.keepAliveTimeout = 5_000;
  // Node's own early answers (400/408/431) as problem+json with a request id
  server.on('clientError', (err: NodeJS.ErrnoException, socket) => answerClientError(err, socket, logger));
  // requests in flight: counted for the shutdown report; once stopping, their responses close the connection
  const inFlight = new Set<ServerResponse>();
  server.prependListener('request', (_req, res: ServerResponse) => {
    inFlight.add(res);
    res.once('close', () => inFlight.delete(res));
    if (!ready) res.setHeader('connection', 'close');
  });
  server.listen(config.PORT, config.HOST);
  await new Promise<void>((res, rej) => {
    server.once('listening', () => res());
    server.once('error', rej);
  });
  const port = (server.address() as AddressInfo).port;
  const url = `http://${config.HOST.includes(':') ? `[${config.HOST}]` : config.HOST}:${port}`;

  /**
   * Graceful stop: readiness answers 503 at once; for drainMs everything else is still served
   * (load balancers see the 503 and move away, in-flight requests go on); then the listener closes,
   * idle keep-alive connections are closed, in-flight requests finish (their responses say
   * `connection: close`), simulation workers and the store stop. timeoutMs bounds the whole: at the
   * deadline the remaining connections are cut, and the outcome says how many requests that cost.
   */
  let closing: Promise<CloseOutcome> | undefined;
  const close = (o: CloseOptions = {}) =>
    (closing ??= (async () => {
      const t0 = performance.now();
      const timeoutMs = o.timeoutMs ?? config.SHUTDOWN_TIMEOUT_MS;
      const drainMs = Math.max(0, Math.min(o.drainMs ?? 0, timeoutMs - 100));
      ready = false;
      for (const res of inFlight) if (!res.headersSent) res.setHeader('connection', 'close');
      if (drainMs > 0) {
        logger.info({ drainMs, inFlight: inFlight.size }, 'draining: /readyz answers 503, requests are still served');
        await new Promise((r) => setTimeout(r, drainMs));
      }
      let cut = 0;
      await new Promise<void>((resolve) => {
        const done = () => {
          clearTimeout(force);
          clearInterval(sweep);
          resolve();
        };
        const left = Math.max(0, timeoutMs - (performance.now() - t0));
        const force = setTimeout(() => {
          cut = inFlight.size;
          if (cut) logger.warn({ requests: cut }, 'shutdown deadline: cutting the requests still running');
          server.closeAllConnections();
          // the listener's callback follows the sockets' close events; do not wait on it forever
          setTimeout(done, 1_000).unref();
        }, left);
        // a response finishing leaves its connection idle for a moment: close those as they appear
        const sweep = setInterval(() => server.closeIdleConnections(), 100);
        server.close(done);
        server.closeIdleConnections();
      });
      stopSimulationJobs(ctx);
      await ctx.engine?.close();
      store.close();
      return { cut, drainMs, ms: Math.round(performance.now() - t0) };
    })());
  return { url, port, ctx, store, server, logger, close };
}

/** A relative path from the working directory if it exists there, else from the project root (where package.json is). */
export function resolveFromProject(p: string): string {
  if (isAbsolute(p) || existsSync(resolve(p))) return resolve(p);
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json')) && dirname(dir) !== dir) dir = dirname(dir);
  return join(dir, p);
}
