/**
 * javascript-lp-solver behind a deadline it cannot overrun.
 *
 * The solver's own `timeout` option is only checked between branch-and-bound steps and a single
 * degenerate simplex can spin forever, so every call runs in a worker thread that is terminated
 * at the deadline (src/lib/compute.ts). The caller always gets an answer: a solution, or a reason to fall back.
 * Pure computation (no I/O, no clock inside the engines: the deadline is a budget in ms).
 */
import { createRequire } from 'node:module';
import { runBounded } from './compute.js';

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
  parentPort.postMessage({ ok: true, value: solver.Solve(workerData.model) });
} catch (e) {
  parentPort.postMessage({ ok: false, error: { name: 'Error', message: String(e && e.message || e) } });
}
`;

export async function solveLp(model: LpModel, opts: { deadlineMs: number; signal?: AbortSignal }): Promise<LpOutcome> {
  const out = await runBounded<Record<string, unknown>>(
    { source: WORKER_SOURCE, workerData: { solverPath: SOLVER_PATH, model } },
    { deadlineMs: opts.deadlineMs, signal: opts.signal, maxOldGenerationSizeMb: 256 },
  );
  const ms = out.ms;
  if (out.status === 'timeout' || out.status === 'aborted') return { status: out.status, ms };
  if (out.status === 'out_of_memory') return { status: 'error', message: 'the solver ran out of memory', ms };
  if (out.status === 'error') return { status: 'error', message: out.error.message, ms };
  const r = out.value;
  if (r.feasible === false) return { status: 'infeasible', ms };
  if (r.bounded === false) return { status: 'unbounded', ms };
  const values: Record<string, number> = {};
  for (const [k, v] of Object.entries(r)) {
    if (k !== 'feasible' && k !== 'result' && k !== 'bounded' && k !== 'isIntegral' && typeof v === 'number') values[k] = v;
  }
  return { status: 'optimal', objective: Number(r.result), values, ms };
}
