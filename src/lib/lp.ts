/**
 * javascript-lp-solver behind a deadline it cannot overrun.
 *
 * The solver's own `timeout` option is only checked between branch-and-bound steps and a single
 * degenerate simplex can spin forever, so every call runs in a worker thread that is terminated
 * at the deadline. The caller always gets an answer: a solution, or a reason to fall back.
 * Pure computation (no I/O, no clock inside the engines: the deadline is a budget in ms).
 */
import { Worker } from 'node:worker_threads';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const SOLVER_PATH = require.resolve('javascript-lp-solver');

/** The model format of javascript-lp-solver (see its README). */
export interface LpModel {
  optimize: string;
  opType: 'max' | 'min';
  constraints: Record<string, { min?: number; max?: number; equal?: number }>;
  variables: Record<string, Record<string, number>>;
  ints?: Record<string, 1 | boolean>;
  binaries?: Record<string, 1 | boolean>;
  options?: { tolerance?: number; timeout?: number; exitOnCycles?: boolean };
}

export type LpOutcome =
  | { status: 'optimal'; objective: number; values: Record<string, number>; ms: number }
  | { status: 'infeasible' | 'unbounded'; ms: number }
  | { status: 'timeout'; ms: number }
  | { status: 'aborted'; ms: number }
  | { status: 'error'; message: string; ms: number };

const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
try {
  const solver = require(workerData.solverPath);
  const r = solver.Solve(workerData.model);
  parentPort.postMessage({ ok: true, r });
} catch (e) {
  parentPort.postMessage({ ok: false, message: String(e && e.message || e) });
}
`;

export function solveLp(
  model: LpModel,
  opts: { deadlineMs: number; signal?: AbortSignal },
): Promise<LpOutcome> {
  const t0 = performance.now();
  const elapsed = () => Math.round((performance.now() - t0) * 10) / 10;
  if (opts.signal?.aborted) return Promise.resolve({ status: 'aborted', ms: 0 });
  return new Promise((resolve) => {
    let settled = false;
    const worker = new Worker(WORKER_SOURCE, {
      eval: true,
      workerData: { solverPath: SOLVER_PATH, model },
      resourceLimits: { maxOldGenerationSizeMb: 256 },
    });
    const finish = (outcome: LpOutcome) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      opts.signal?.removeEventListener('abort', onAbort);
      void worker.terminate();
      resolve(outcome);
    };
    const onAbort = () => finish({ status: 'aborted', ms: elapsed() });
    const timer = setTimeout(() => finish({ status: 'timeout', ms: elapsed() }), Math.max(1, opts.deadlineMs));
    opts.signal?.addEventListener('abort', onAbort, { once: true });
    worker.once('message', (msg: { ok: boolean; r?: Record<string, unknown>; message?: string }) => {
      if (!msg.ok || !msg.r) return finish({ status: 'error', message: msg.message ?? 'unknown', ms: elapsed() });
      const r = msg.r;
      if (r.feasible === false) return finish({ status: 'infeasible', ms: elapsed() });
      if (r.bounded === false) return finish({ status: 'unbounded', ms: elapsed() });
      const values: Record<string, number> = {};
      for (const [k, v] of Object.entries(r)) {
        if (k !== 'feasible' && k !== 'result' && k !== 'bounded' && k !== 'isIntegral' && typeof v === 'number') values[k] = v;
      }
      finish({ status: 'optimal', objective: Number(r.result), values, ms: elapsed() });
    });
    worker.once('error', (e) => finish({ status: 'error', message: e.message, ms: elapsed() }));
    worker.once('exit', (code) => {
      if (!settled) finish({ status: 'error', message: `worker exited with code ${code}`, ms: elapsed() });
    });
  });
}
