/**
 * Entry point: configuration from the environment, start, and graceful shutdown on signals.
 *
 * SIGTERM (container runtimes, systemd, `npm start` forwarding it): /readyz answers 503 for
 * SHUTDOWN_DRAIN_MS while every other request is still served, then the listener closes and the
 * requests in flight finish; SHUTDOWN_TIMEOUT_MS bounds the whole. SIGINT (Ctrl-C) skips the drain.
 * A second signal exits at once. Exit code 0 when nothing was cut, 1 otherwise.
 * A signal during start-up (the demo load) is kept and honoured as soon as the service is up.
 */
import pino from 'pino';
import { loadConfig } from './config.js';
import { startServer, type Running } from './server.js';

const config = loadConfig();
const logger = pino({ level: config.LOG_LEVEL, base: { service: 'baywise' } });

let running: Running | undefined;
let stopSignal: NodeJS.Signals | undefined;

function stop(sig: NodeJS.Signals): void {
  if (!running) return; // still starting: honoured once started
  const drainMs = sig === 'SIGTERM' ? config.SHUTDOWN_DRAIN_MS : 0;
  logger.info({ signal: sig, drainMs, timeoutMs: config.SHUTDOWN_TIMEOUT_MS }, 'shutting down: finishing in-flight requests');
  running.close({ drainMs }).then(
    (r) => {
      logger.info({ ...r }, 'stopped');
      process.exit(r.cut ? 1 : 0);
    },
    (err) => {
      logger.error({ err }, 'shutdown failed');
      process.exit(1);
    },
  );
}

for (const sig of ['SIGTERM', 'SIGINT'] as const) {
  process.on(sig, () => {
    if (stopSignal) {
      logger.warn({ signal: sig }, 'second signal: exiting now');
      process.exit(1);
    }
    stopSignal = sig;
    stop(sig);
  });
}

running = await startServer(config, { logger });
running.logger.info({ url: running.url, data: config.DATA_PATH, pid: process.pid }, 'Baywise listening');
if (stopSignal) stop(stopSignal);
