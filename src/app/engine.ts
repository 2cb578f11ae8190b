/**
 * The planning engine's host: the use cases that plan and forecast (plan, board, quote,
 * availability, booking, ETA, at-risk) are CPU-heavy — at the size caps an availability answer
 * simulates for about a second — so in the service they run off the HTTP event loop, in worker
 * threads that own the plan and promise caches and read the same database over their own
 * connection (the way a second node would). The HTTP thread keeps answering health checks, the
 * catalogue, floor events and every other workshop's requests meanwhile.
 *
 * Two hosts with one contract:
 *  - `inProcessEngine(ctx)`: calls the use cases directly (an in-memory store cannot be shared
 *    with another thread; the demo loader and CLI tools run this way);
 *  - `workerEngine(...)`: a pool of worker threads, each workshop pinned to one (its caches stay
 *    warm), calls served one at a time per worker, each bounded by a deadline (the worker is
 *    terminated and replaced when it is exceeded) and by a heap limit; a full queue is refused.
 *
 * Every op takes plain JSON in and gives plain JSON out; "now" travels with each call, so a test
 * clock or a replay's clock drives the worker exactly as it drives the HTTP thread.
 */
import type { Worker } from 'node:worker_threads';
import { moduleWorker } from '../lib/worker.js';
import type { AppContext, Clock } from './context.js';
import { DomainError, type ErrorCode } from './errors.js';
import { buildBoard, currentPlan, presentPlan, replan } from './planning.js';
import { atRisk, availability, boardForecast, book, eta, quote, type AvailabilityQuery, type QuoteInput } from './promises.js';
import type { AppointmentInput } from '../model/workshop.js';

/** The use cases the engine runs: each (ctx, workshopId, ...args) → JSON. */
export const ENGINE_OPS = {
  plan: async (ctx: AppContext, workshopId: string, asOfMs?: number) => {
    const state = await currentPlan(ctx, workshopId, asOfMs);
    return (state.view ??= presentPlan(state));
  },
  replan: async (ctx: AppContext, workshopId: string, opts: { asOfMs?: number; timeLimitMs?: number; seed?: number }) =>
    presentPlan(await replan(ctx, workshopId, opts)),
  board: async (ctx: AppContext, workshopId: string, date: string, asOfMs: number) => {
    const { plan, onTime } = await boardForecast(ctx, workshopId, date, asOfMs);
    return buildBoard(plan, date, onTime);
  },
  quote: async (ctx: AppContext, workshopId: string, job: QuoteInput, asOfMs?: number) => {
    const r = await quote(ctx, workshopId, job, asOfMs);
    return r.ok ? { ok: true as const, body: r.body } : { ok: false as const, reason: r.reason, message: r.message };
  },
  availability: (ctx: AppContext, workshopId: string, q: AvailabilityQuery) => availability(ctx, workshopId, q),
  book: (ctx: AppContext, workshopId: string, body: AppointmentInput, opts: { idempotencyKey?: string; asOfMs?: number }) => book(ctx, workshopId, body, opts),
  eta: (ctx: AppContext, _workshopId: string, appointmentId: string, asOfMs?: number) => eta(ctx, appointmentId, asOfMs),
  atRisk: (ctx: AppContext, workshopId: string, q: { threshold?: number; days?: number; asOfMs?: number }) => atRisk(ctx, workshopId, q),
} as const;

export type EngineOps = typeof ENGINE_OPS;
export type OpName = keyof EngineOps;
type Args<K extends OpName> = EngineOps[K] extends (ctx: AppContext, workshopId: string, ...a: infer A) => unknown ? A : never;
type Result<K extends OpName> = Awaited<ReturnType<EngineOps[K]>>;

export interface Engine {
  readonly kind: 'in-process' | 'worker';
  /** Runs op for the workshop (the workshop picks the worker). */
  run<K extends OpName>(workshopId: string, op: K, ...args: Args<K>): Promise<Result<K>>;
  /** The same engine with "now" read from another clock (a request's own: api.ts, CLIENT_CLOCK). */
  withClock?(clock: Clock): Engine;
  close(): Promise<void>;
}

export function inProcessEngine(ctx: AppContext): Engine {
  return {
    kind: 'in-process',
    run: (workshopId, op, ...args) => (ENGINE_OPS[op] as (c: AppContext, ...a: unknown[]) => Promise<never>)(ctx, workshopId, ...args),
    close: async () => undefined,
  };
}

/** The context's engine: the worker pool when the service started one, else the use cases in this thread (stateless: the caches are the context's). */
export function engineOf(ctx: AppContext): Engine {
  if (!ctx.engine) return inProcessEngine(ctx);
  return ctx.engine.withClock ? ctx.engine.withClock(ctx.clock) : ctx.engine;
}

// --- the wire --------------------------------------------------------------------------------------
export interface EngineCall { id: number; op: OpName; workshopId: string; args: unknown[]; now: number }
export type EngineReply =
  | { id: number; ok: true; value: unknown }
  | { id: number; ok: false; domain?: { code: ErrorCode; message: string; extra: Record<string, unknown> }; message: string; stack?: string };

export interface EngineWorkerData {
  baywiseEngineWorker: true;
  dataPath: string;
  solverTimeLimitMs: number;
  solverMaxIterations?: number;
}

export interface WorkerEngineOptions {
  dataPath: string;
  threads: number;
  /** a call still running after this long ends its worker (and every call queued on it): 503 */
  deadlineMs: number;
  heapMb: number;
  /** calls waiting per worker beyond this are refused (503 with Retry-After) */
  maxQueue: number;
  solverTimeLimitMs: number;
  solverMaxIterations?: number;
  clock: { now(): number };
  onWorkerLost?: (info: { worker: number; reason: string }) => void;
}

interface Pending { resolve(v: unknown): void; reject(e: unknown): void; op: OpName; clock: Clock }

class EngineThread {
  private worker: Worker | null = null;
  /** the worker has loaded its modules and opened its store (its start-up is not counted against a call) */
  private ready = false;
  private startup: NodeJS.Timeout | null = null;
  private pending = new Map<number, Pending>();
  private queue: EngineCall[] = [];
  private running: { call: EngineCall; timer: NodeJS.Timeout } | null = null;
  private nextId = 1;
  private closed = false;

  constructor(private readonly index: number, private readonly opts: WorkerEngineOptions) {}

  get depth(): number {
    return this.queue.length + (this.running ? 1 : 0);
  }

  call(workshopId: string, op: OpName, args: unknown[], clock: Clock = this.opts.clock): Promise<unknown> {
    if (this.closed) return Promise.reject(new DomainError('unavailable', 'the service is shutting down'));
    if (this.queue.length >= this.opts.maxQueue)
      return Promise.reject(new DomainError('unavailable', `the planning engine has ${this.queue.length} requests waiting; retry shortly`, { retryAfterSeconds: 2 }));
    const call: EngineCall = { id: this.nextId++, op, workshopId, args, now: 0 };
    return new Promise((resolve, reject) => {
      this.pending.set(call.id, { resolve, reject, op, clock });
      this.queue.push(call);
      this.pump();
    });
  }

  /** One call at a time per worker: the use cases share the worker's caches and "now" is per call. */
  private pump(): void {
    if (this.running || !this.queue.length || this.closed) return;
    const w = this.ensureWorker();
    if (!this.ready) return; // pumped again when the worker says it is ready
    const call = this.queue.shift()!;
    call.now = (this.pending.get(call.id)?.clock ?? this.opts.clock).now();
    const timer = setTimeout(() => this.lose(`a ${call.op} call exceeded the engine deadline of ${this.opts.deadlineMs} ms (ENGINE_DEADLINE_MS)`), this.opts.deadlineMs);
    this.running = { call, timer };
    w.postMessage(call);
  }

  private ensureWorker(): Worker {
    if (this.worker) return this.worker;
    const data: EngineWorkerData = {
      baywiseEngineWorker: true,
      dataPath: this.opts.dataPath,
      solverTimeLimitMs: this.opts.solverTimeLimitMs,
      solverMaxIterations: this.opts.solverMaxIterations,
    };
    const w = spawnEngineWorker(data, this.opts.heapMb);
    this.ready = false;
    this.startup = setTimeout(() => this.lose('the engine worker did not start within 60 s'), 60_000);
    w.on('message', (m: EngineReply | { ready: true }) => {
      if ('ready' in m) {
        if (this.startup) clearTimeout(this.startup);
        this.startup = null;
        this.ready = true;
        this.pump();
      } else this.settle(m);
    });
    w.on('error', (e) => this.lose(`the engine worker failed: ${e.message}`));
    w.on('exit', (code) => {
      if (this.worker === w) this.lose(`the engine worker exited (code ${code})`);
    });
    this.worker = w;
    return w;
  }

  private settle(m: EngineReply): void {
    const p = this.pending.get(m.id);
    if (!p) return;
    this.pending.delete(m.id);
    if (this.running?.call.id === m.id) {
      clearTimeout(this.running.timer);
      this.running = null;
    }
    if (m.ok) p.resolve(m.value);
    else if (m.domain) p.reject(new DomainError(m.domain.code, m.domain.message, m.domain.extra));
    else p.reject(Object.assign(new Error(`engine ${p.op}: ${m.message}`), { stack: m.stack }));
    this.pump();
  }

  /** The worker is gone or must go: every call on it fails with 503, a fresh worker takes the next one. */
  private lose(reason: string): void {
    const w = this.worker;
    this.worker = null;
    this.ready = false;
    if (this.startup) clearTimeout(this.startup);
    this.startup = null;
    if (this.running) clearTimeout(this.running.timer);
    this.running = null;
    const failed = [...this.pending.values()];
    this.pending.clear();
    this.queue = [];
    if (w) void w.terminate();
    if (this.closed) return;
    this.opts.onWorkerLost?.({ worker: this.index, reason });
    for (const p of failed) p.reject(new DomainError('unavailable', reason, { retryAfterSeconds: 1 }));
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.startup) clearTimeout(this.startup);
    const w = this.worker;
    this.worker = null;
    if (this.running) clearTimeout(this.running.timer);
    for (const p of this.pending.values()) p.reject(new DomainError('unavailable', 'the service is shutting down'));
    this.pending.clear();
    this.queue = [];
    if (w) await w.terminate();
  }
}

/** FNV-1a of the workshop id: a workshop always lands on the same worker. */
function pin(workshopId: string, n: number): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < workshopId.length; i++) h = Math.imul(h ^ workshopId.charCodeAt(i), 0x01000193);
  return (h >>> 0) % n;
}

export function workerEngine(opts: WorkerEngineOptions): Engine & { depth(): number[] } {
  const threads = Array.from({ length: Math.max(1, opts.threads) }, (_, i) => new EngineThread(i, opts));
  const engine: Engine & { depth(): number[] } = {
    kind: 'worker',
    run: (workshopId, op, ...args) => threads[pin(workshopId, threads.length)].call(workshopId, op, args) as Promise<never>,
    withClock: (clock) =>
      clock === opts.clock
        ? engine
        : { ...engine, run: (workshopId, op, ...args) => threads[pin(workshopId, threads.length)].call(workshopId, op, args, clock) as Promise<never> },
    depth: () => threads.map((t) => t.depth),
    close: async () => {
      await Promise.all(threads.map((t) => t.close()));
    },
  };
  return engine;
}

/** The engine worker's entry beside this module (.ts from sources, .js compiled). */
function spawnEngineWorker(data: EngineWorkerData, heapMb: number): Worker {
  const entry = new URL(import.meta.url.endsWith('.ts') ? './engine-worker.ts' : './engine-worker.js', import.meta.url);
  return moduleWorker(entry, { ...data }, { maxOldGenerationSizeMb: heapMb });
}
