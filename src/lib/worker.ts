/**
 * A worker thread that runs a module of this project. Compiled (.js) it is a plain module worker;
 * from sources (.ts, under tsx or vitest) `execArgv: ['--import', 'tsx']` does not register tsx's
 * hooks for the worker's entry on Node 20 ("Unknown file extension .ts"), so a tiny CommonJS
 * bootstrap imports the entry through tsx's API instead.
 */
import { Worker, type ResourceLimits } from 'node:worker_threads';

export function moduleWorker(entry: URL, workerData: Record<string, unknown>, resourceLimits?: ResourceLimits): Worker {
  if (!entry.pathname.endsWith('.ts')) return new Worker(entry, { workerData, resourceLimits });
  let api = 'tsx/esm/api';
  try {
    api = import.meta.resolve('tsx/esm/api');
  } catch {
    /* resolved from the working directory by the worker */
  }
  const code =
    "const { workerData } = require('node:worker_threads');" +
    'import(workerData.api).then((m) => (m.tsImport ?? m.default.tsImport)(workerData.entry, workerData.entry))' +
    '.catch((e) => { console.error(e); process.exit(1); });';
  return new Worker(code, { eval: true, workerData: { ...workerData, api, entry: entry.href }, resourceLimits });
}
