/** Entry point: configuration from the environment, start, and graceful shutdown on signals. */
import { loadConfig } from './config.js';
import { startServer } from './server.js';

const config = loadConfig();
const running = await startServer(config);
running.logger.info({ url: running.url, data: config.DATA_PATH }, 'Baywise listening');

let stopping = false;
for (const sig of ['SIGTERM', 'SIGINT'] as const) {
  process.on(sig, () => {
    if (stopping) return;
    stopping = true;
    running.logger.info({ signal: sig }, 'shutting down: finishing in-flight requests');
    running.close().then(
      () => {
        running.logger.info('stopped');
        process.exit(0);
      },
      (err) => {
        running.logger.error({ err }, 'shutdown failed');
        process.exit(1);
      },
    );
  });
}
