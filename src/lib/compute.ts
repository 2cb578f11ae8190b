/**
 * Bounded computation off the event loop: run one function in a worker thread under a deadline
 * and a heap limit, and always get an outcome back.
 *
 * - The worker is terminated at the deadline (a loop that never yields cannot overrun it), when
 *   the signal aborts, or when V8 stops it at its heap limit (`resourceLimits`); the promise
 *   settles only after the worker has exited, so a caller counting running workers counts memory.
 * - A task is either a module and the name of one of its exports, called with a structured-clone
 *   copy of the input (the export may be async), or a CommonJS source evaluated in the worker
 *   that posts `{ ok, value | error }` itself (src/lib/lp.ts uses this for the LP solver).
 *   Errors thrown by the task come back with their name, message and a `field` if they had one.
 * - A TypeScript module (running under tsx or vitest) is loaded through tsx's loader; compiled
 *   JavaScript needs nothing.
 * - `ComputeGate` caps how many bounded computations run at once: memory stays bounded by
 *   slots × heap limit whatever the request rate.
 */
import { Worker } from 'node:worker_threads';
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { dirname, join } from 'node:path';

export type ComputeTask =
  | { module: string | URL; fn: string; input: unknown }
  | { source: string; workerData: unknown };

export interface ComputeLimits {
  /** wall-clock budget from spawn to answer, ms */
  deadlineMs: number;
  /** V8 old-generation heap of the worker, MB (default 128) */
  maxOldGenerationSizeMb?: number;
  /** V8 young-generation heap of the worker, MB (default 16) */
  maxYoungGenerationSizeMb?: number;
  signal?: AbortSignal;
}

export interface ComputeFailure {
  name: string;
  message: string;
  field?: string;
}

export type ComputeOutcome<T> =
  | { status: 'ok'; value: T; ms: number }
  | { status: 'timeout'; ms: number }
  | { status: 'out_of_memory'; ms: number }
  | { status: 'aborted'; ms: number }
  | { status: 'error'; error: ComputeFailure; ms: number };

const DEFAULT_HEAP_MB = 128;

const MODULE_RUNNER = `
const { parentPort, workerData } = require('node:worker_threads');
const fail = (e) => parentPort.postMessage({ ok: false, error: { name: String((e && e.name) || 'Error'), message: String((e && e.message) || e), ...(e && typeof e.field === 'string' ? { field: e.field } : {}) } });
// TypeScript: register tsx's ESM hooks in this thread first
(workerData.tsx ? import(workerData.tsx).then((t) => t.register()) : Promise.resolve())
  .then(() => import(workerData.module))
  .then((m) => {
    if (typeof m[workerData.fn] !== 'function') throw new Error('no export ' + workerData.fn + ' in ' + workerData.module);
    return m[workerData.fn](workerData.input);
  })
  .then((value) => parentPort.postMessage({ ok: true, value }), fail);
`;

/** The URL of tsx's ESM API when the module is TypeScript (tsx is a dev dependency: compiled code never asks). */
function tsxFor(moduleUrl: string): string | undefined {
  if (!/\.[cm]?ts$/.test(moduleUrl)) return undefined;
  const require = createRequire(import.meta.url);
  return pathToFileURL(join(dirname(require.resolve('tsx/package.json')), 'dist/esm/api/index.mjs')).href;
}

export function runBounded<T>(task: ComputeTask, limits: ComputeLimits): Promise<ComputeOutcome<T>> {
  const t0 = performance.now();
  const elapsed = () => Math.round((performance.now() - t0) * 10) / 10;
  if (limits.signal?.aborted) return Promise.resolve({ status: 'aborted', ms: 0 });
  const resourceLimits = {
    maxOldGenerationSizeMb: limits.maxOldGenerationSizeMb ?? DEFAULT_HEAP_MB,
    maxYoungGenerationSizeMb: limits.maxYoungGenerationSizeMb ?? 16,
  };
  let worker: Worker;
  if ('source' in task) {
    worker = new Worker(task.source, { eval: true, workerData: task.workerData, resourceLimits });
  } else {
    const module = String(task.module);
    worker = new Worker(MODULE_RUNNER, {
      eval: true,
      workerData: { module, fn: task.fn, input: task.input, tsx: tsxFor(module) },
      resourceLimits,
    });
  }
  return new Promise((resolve) => {
    let settled = false;
    const finish = (outcome: ComputeOutcome<T>) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      limits.signal?.removeEventListener('abort', onAbort);
      // settle once the worker is gone: its heap is released and a slot can be reused
      worker.terminate().then(
        () => resolve(outcome),
        () => resolve(outcome),
      );
    };
    const onAbort = () => finish({ status: 'aborted', ms: elapsed() });
    const timer = setTimeout(() => finish({ status: 'timeout', ms: elapsed() }), Math.max(1, limits.deadlineMs));
    limits.signal?.addEventListener('abort', onAbort, { once: true });
    worker.once('message', (msg: { ok: boolean; value?: T; error?: ComputeFailure }) => {
      if (msg.ok) finish({ status: 'ok', value: msg.value as T, ms: elapsed() });
      else finish({ status: 'error', error: msg.error ?? { name: 'Error', message: 'unknown' }, ms: elapsed() });
    });
    worker.once('error', (e: Error & { code?: string }) => {
      if (e.code === 'ERR_WORKER_OUT_OF_MEMORY') finish({ status: 'out_of_memory', ms: elapsed() });
      else finish({ status: 'error', error: { name: e.name, message: e.message }, ms: elapsed() });
    });
    worker.once('exit', (code) => {
      if (!settled) finish({ status: 'error', error: { name: 'Error', message: `worker exited with code ${code}` }, ms: elapsed() });
    });
  });
}

/** At most `slots` bounded computations at once; `tryRun` answers null at once when all are taken. */
export class ComputeGate {
  private running = 0;
  constructor(readonly slots: number) {}

  get busy(): number {
    return this.running;
  }

  async tryRun<T>(task: ComputeTask, limits: ComputeLimits): Promise<ComputeOutcome<T> | null> {
    if (this.running >= this.slots) return null;
    this.running++;
    try {
      return await runBounded<T>(task, limits);
    } finally {
      this.running--;
    }
  }
}
