/**
 * Composition of a running service: store + clock + app + HTTP server, with graceful shutdown.
 * main.ts calls it with the environment's configuration; tests call it with :memory: and port 0.
 */
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import pino, { type Logger } from 'pino';
import type { Config } from './config.js';
import { newId, systemClock, type AppContext, type Clock } from './app/context.js';
import { loadScenario, readScenarioFile } from './app/demo.js';
import { initSimulationJobs, jobLimitsOf, stopSimulationJobs } from './app/simulations.js';
import { createApp } from './http/app.js';
import { openSqliteStore } from './store/sqlite.js';
import type { Store } from './store/port.js';

export interface Running {
  url: string;
  port: number;
  ctx: AppContext;
  store: Store;
  server: Server;
  logger: Logger;
  close(): Promise<void>;
}

export async function startServer(config: Config, opts: { clock?: Clock; logger?: Logger; store?: Store } = {}): Promise<Running> {
  const logger = opts.logger ?? pino({ level: config.LOG_LEVEL, base: { service: 'baywise' } });
  const store = opts.store ?? openSqliteStore(config.DATA_PATH === ':memory:' ? ':memory:' : resolve(config.DATA_PATH));
  const ctx: AppContext = { store, clock: opts.clock ?? systemClock, newId, solverTimeLimitMs: config.SOLVER_TIME_LIMIT_MS, solverMaxIterations: config.SOLVER_MAX_ITERATIONS, queueingDeadlineMs: config.QUEUEING_DEADLINE_MS };
  // simulation jobs a restart interrupted are marked failed before the service answers
  const sims = initSimulationJobs(ctx, jobLimitsOf(config));
  if (sims.recovered) logger.warn({ jobs: sims.recovered }, 'marked simulation jobs interrupted by a restart as failed');

  if (config.DEMO && store.workshops.count() === 0) {
    const scenario = readScenarioFile(resolveFromProject(config.DEMO_SCENARIO));
    const w = await loadScenario(ctx, scenario, { withBookings: true, fill: config.DEMO_BOOKING_FILL });
    logger.info({ workshopId: w.id, scenario: scenario.name, seeded: w.seeded }, 'empty store: loaded the demo workshop');
  }

  let ready = true;
  const { app } = createApp({ ctx, logger, bodyLimit: config.BODY_LIMIT, isReady: () => ready });
  const server = app.listen(config.PORT, config.HOST);
  await new Promise<void>((res, rej) => {
    server.once('listening', () => res());
    server.once('error', rej);
  });
  server.requestTimeout = 30_000;
  server.headersTimeout = 10_000;
  server.keepAliveTimeout = 5_000;
  const port = (server.address() as AddressInfo).port;
  const url = `http://${config.HOST.includes(':') ? `[${config.HOST}]` : config.HOST}:${port}`;

  let closing: Promise<void> | undefined;
  const close = () =>
    (closing ??= new Promise<void>((res) => {
      ready = false;
      const force = setTimeout(() => server.closeAllConnections(), config.SHUTDOWN_TIMEOUT_MS);
      server.close(() => {
        clearTimeout(force);
        stopSimulationJobs(ctx);
        store.close();
        res();
      });
      server.closeIdleConnections();
    }));
  return { url, port, ctx, store, server, logger, close };
}

/** A relative path from the working directory if it exists there, else from the project root (where package.json is). */
export function resolveFromProject(p: string): string {
  if (isAbsolute(p) || existsSync(resolve(p))) return resolve(p);
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json')) && dirname(dir) !== dir) dir = dirname(dir);
  return join(dir, p);
}
