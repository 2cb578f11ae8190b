/**
 * An engine worker thread: opens its own connection to the service's database, keeps the plan and
 * promise caches of the workshops pinned to it, and serves calls one at a time (engine.ts).
 */
import { parentPort, workerData } from 'node:worker_threads';
import { openSqliteStore } from '../store/sqlite.js';
import { createContext, newId, type AppContext } from './context.js';
import { DomainError } from './errors.js';
import { ENGINE_OPS, type EngineCall, type EngineReply, type EngineWorkerData } from './engine.js';

const data = workerData as EngineWorkerData;
const port = parentPort!;
let now = 0;
const ctx: AppContext = createContext({
  store: openSqliteStore(data.dataPath),
  clock: { now: () => now },
  newId,
  solverTimeLimitMs: data.solverTimeLimitMs,
  solverMaxIterations: data.solverMaxIterations,
});

port.on('message', async (call: EngineCall) => {
  now = call.now;
  let reply: EngineReply;
  try {
    const value = await (ENGINE_OPS[call.op] as (c: AppContext, ...a: unknown[]) => Promise<unknown>)(ctx, call.workshopId, ...call.args);
    reply = { id: call.id, ok: true, value };
  } catch (e) {
    reply =
      e instanceof DomainError
        ? { id: call.id, ok: false, domain: { code: e.code, message: e.message, extra: e.extra }, message: e.message }
        : { id: call.id, ok: false, message: (e as Error)?.message ?? String(e), stack: (e as Error)?.stack };
  }
  try {
    port.postMessage(reply);
  } catch (e) {
    // a value that cannot cross threads is our bug: answer it as an error rather than never
    port.postMessage({ id: call.id, ok: false, message: `the ${call.op} result could not be sent: ${(e as Error).message}` } satisfies EngineReply);
  }
});

// loaded and connected: calls may come (their deadline starts now, not during this start-up)
port.postMessage({ ready: true });
