/**
 * Simulation use cases: compile a scenario into the engine's world (the service's own compiler:
 * DST-aware calendars, qualified technicians and eligible bays per op code), run replications on
 * worker threads (single-thread fallback), compare variants (JSON patches) with common random
 * numbers, and background jobs for the HTTP API (progress, cancel, results stored).
 */
import { isMainThread, parentPort, workerData, type Worker } from 'node:worker_threads';
import { moduleWorker } from '../lib/worker.js';
import { availableParallelism, setPriority } from 'node:os';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { DateTime } from 'luxon';
import { Scenario } from '../model/scenario.js';
import { WEEKDAYS } from '../model/common.js';
import type { Appointment, Bay, Operation, Technician, Workshop } from '../model/workshop.js';
import { buildCalendar } from '../domain/calendar/index.js';
import { compileJob, compileWorkshop, type WorkshopSnapshot } from './compile.js';
import { simulateReplication } from '../domain/simulation/engine.js';
import { applyPatch, PatchError, type PatchOperation } from '../domain/simulation/patch.js';
import { comparePaired, summarise, type ScenarioSummary, type VariantComparison } from '../domain/simulation/report.js';
import type { ReplicationResult, SimWorld } from '../domain/simulation/types.js';
import { standardMinutes, type PromisePolicy } from '../domain/rules/index.js';
import { DomainError } from './errors.js';
import { parseOrThrow } from './validate.js';
import type { AppContext } from './context.js';
import type { SimulationRecord } from '../store/port.js';
import { readScenarioFile } from './demo.js';
import { loadConfig, type Config } from '../config.js';

export const DEFAULT_START_DATE = '2027-03-01'; // a Monday; the run crosses the end of DST on 2027-03-28 in Europe

export interface CompileOptions {
  /** open days to simulate */
  days: number;
  startDate?: string;
}

const META = { version: 1, createdAt: '2027-01-01T00:00:00Z', updatedAt: '2027-01-01T00:00:00Z' };

/** The scenario's workshop policy as plain data (every field of rules/policy.ts; the schema fills the defaults). */
function policyOf(p: Scenario['workshop']['policy']): PromisePolicy {
  return {
    targetOnTime: p.targetOnTime,
    handoverBufferMinutes: p.handoverBufferMinutes,
    waiterWeight: p.waiterWeight,
    priorityWeight: p.priorityWeight,
    promiseHeadroom: p.promiseHeadroom,
    waiterMaxWaitMinutes: p.waiterMaxWaitMinutes,
  };
}

/** Scenario → engine world (plain data). */
export function compileScenario(s: Scenario, opts: CompileOptions): SimWorld {
  const zone = s.workshop.timeZone;
  const startDate = opts.startDate ?? s.simulation?.startDate ?? DEFAULT_START_DATE;
  const start = DateTime.fromISO(startDate, { zone }).startOf('day');
  if (!start.isValid) throw new DomainError('validation_failed', 'invalid start date', { errors: [{ path: 'startDate', message: 'not a valid date', code: 'invalid_date' }] });
  const originMs = start.toMillis();
  const closed = new Set(s.workshop.closedDates);
  const d = s.demand;
  const lead = d.bookingLeadDays ?? 3;
  const maxDelay = d.maxDelayDays ?? 2;
  // calendar days until `days` open days, plus the booking horizon
  const simDays: number[] = [];
  let cal = 0;
  for (; simDays.length < opts.days && cal < opts.days * 7 + 400; cal++) {
    const day = start.plus({ days: cal });
    const wd = WEEKDAYS[day.weekday - 1];
    if (s.workshop.openingHours[wd].length && !closed.has(day.toISODate()!)) simDays.push(cal);
  }
  if (simDays.length < opts.days)
    throw new DomainError('validation_failed', 'the workshop has no open days', { errors: [{ path: 'workshop.openingHours', message: 'no open day in a year', code: 'never_open' }] });
  const calendarDays = cal + lead + 2 * maxDelay + 10;
  const dayStart: number[] = [];
  const weekday: number[] = [];
  for (let i = 0; i <= calendarDays; i++) {
    const day = start.plus({ days: i });
    dayStart.push(Math.round((day.toMillis() - originMs) / 60_000));
    weekday.push(day.weekday - 1);
  }
  const toMs = start.plus({ days: calendarDays }).toMillis();

  const workshop: Workshop = { id: 'sim', ...META, ...s.workshop };
  const bays: Bay[] = s.bays.filter((b) => b.active).map((b, i) => ({ id: `bay${i}`, workshopId: 'sim', ...META, ...b }));
  const technicians: Technician[] = s.technicians.filter((t) => t.active).map((t, i) => ({ id: `tech${i}`, workshopId: 'sim', ...META, ...t }));
  const operations: Operation[] = s.operations.map((o, i) => ({ id: `op${i}`, workshopId: 'sim', ...META, ...o }));
  const snap: WorkshopSnapshot = { workshop, revision: 1, bays, technicians, operations, appointments: [] };
  const compiled = compileWorkshop(snap, originMs, { horizonDays: calendarDays });
  const openCal = buildCalendar({ zone, originMs, fromMs: originMs, toMs, weekly: s.workshop.openingHours, closedDates: closed });

  const splitByDay = (c: readonly number[]): number[][] => {
    const out: number[][] = Array.from({ length: calendarDays }, () => []);
    for (let i = 0; i < c.length; i += 2) {
      for (let k = 0; k < calendarDays; k++) {
        const s0 = Math.max(c[i], dayStart[k]), e0 = Math.min(c[i + 1], dayStart[k + 1]);
        if (e0 > s0) out[k].push(s0, e0);
      }
    }
    return out;
  };

  const truth = d.truth;
  const opTypes = s.operations.map((o) => {
    const fake = {
      id: 'probe', workshopId: 'sim', ...META, customer: { name: 'probe' }, vehicle: { ev: o.requiresEv },
      plannedArrival: start.toISO()!, transport: 'drop_off', priority: 'normal', promisedAt: null, status: 'booked',
      operations: [{ opCode: o.opCode, status: 'pending' }],
    } as unknown as Appointment;
    const r = compileJob(compiled.jobContext, fake, 0, 0);
    const fact = r?.ops[0];
    const t = truth?.opCodes[o.opCode];
    return {
      opCode: o.opCode,
      standardMinutes: standardMinutes(o.standardHours),
      cv: o.cv,
      splittable: o.splittable,
      parallel: o.parallel,
      alternatives: fact?.alternatives ?? [],
      bays: fact ? fact.bays : null,
      truthBias: (t?.bias ?? 1) * (truth?.default?.bias ?? 1),
      truthCv: t?.cv ?? truth?.default?.cv ?? o.cv,
      truthDist: truth?.default?.distribution === 'gamma' ? 1 : 0,
    } satisfies SimWorld['opTypes'][number];
  });
  const opIndex = new Map(s.operations.map((o, i) => [o.opCode, i]));
  const lanes = s.workshop.lanes.map((l) => ({ id: l.id, servers: l.servers, codes: new Set(l.opCodes) }));
  const jobKinds = d.jobMix.map((m) => ({
    name: m.name,
    ops: m.opCodes.map((c) => opIndex.get(c)!),
    weight: m.weight,
    standardMinutes: m.opCodes.reduce((a, c) => a + opTypes[opIndex.get(c)!].standardMinutes, 0),
    lane: lanes.findIndex((l) => m.opCodes.every((c) => l.codes.has(c))),
  }));
  const profile = (p: Record<string, number>) => Array.from({ length: 24 }, (_, h) => p[String(h).padStart(2, '0')] ?? 0);

  return {
    name: s.name,
    calendarDays,
    dayStart,
    weekday,
    openByDay: splitByDay(openCal),
    simDays,
    techs: technicians.map((t, i) => ({ key: t.id, efficiency: t.efficiency, workByDay: splitByDay(compiled.model.techs[i].work) })),
    bays: bays.map((b) => ({ key: b.id })),
    opTypes,
    jobKinds,
    lanes: lanes.map((l) => ({ id: l.id, servers: l.servers })),
    slotMinutes: s.workshop.slotMinutes,
    // the workshop's own policy, as the service runs it: the engine applies the rules (src/domain/rules) to it
    policy: policyOf(s.workshop.policy),
    reception: { advisors: s.workshop.reception.advisors, checkInMinutes: s.workshop.reception.checkInMinutes, checkInCv: s.workshop.reception.checkInCv },
    demand: {
      appointmentsPerDay: WEEKDAYS.map((w) => d.appointmentsPerDay[w]),
      arrivalProfile: profile(d.arrivalProfile),
      walkInProfile: profile(d.walkInProfile ?? d.arrivalProfile),
      walkInsPerDay: d.walkInsPerDay,
      waiterShare: d.waiterShare,
      waiterMaxMinutes: d.waiterMaxHours * 60,
      priorityShare: d.priorityShare,
      partsEtaShare: d.partsEtaShare,
      partsDelay: d.partsDelayHours ? { mean: d.partsDelayHours.mean * 60, cv: d.partsDelayHours.cv } : null,
      noShowRate: d.noShowRate,
      absenceRate: d.absenceRate ?? 0,
      comebackRate: d.comebackRate ?? 0,
      bookingLeadDays: lead,
      maxDelayDays: maxDelay,
      arrivalJitterMinutes: d.arrivalJitterMinutes ?? 10,
    },
    replanEveryMinutes: s.simulation?.replanEveryMinutes ?? 60,
    promiseSamples: s.simulation?.promiseSamples ?? 64,
    booking: s.simulation?.booking ?? 'availability',
  };
}

// ------------------------------------------------------------------------------------ running

export interface RunRequest {
  base: Scenario;
  variants: { name: string; patch: PatchOperation[] }[];
  days: number;
  replications: number;
  seed: number;
  startDate?: string;
  solverIterations?: number;
  /** worker threads (default: available parallelism, at most 4; 0 = run on this thread) */
  workers?: number;
  /** run the worker threads at the lowest CPU priority (background jobs next to a server) */
  lowPriority?: boolean;
  /** heap limit (old generation, MB) of each worker thread; reaching it fails the run with a named error */
  workerHeapMb?: number;
}

export interface RunProgress { done: number; total: number }

export interface RunResult {
  base: ScenarioSummary;
  variants: VariantComparison[];
  replications: { base: ReplicationResult[]; variants: ReplicationResult[][] };
  stats: { wallMs: number; events: number; eventsPerSecond: number; replans: number; quotes: number; workers: number };
}

/** Applies the variants' patches and validates every resulting scenario (errors name the variant and field). */
export function buildScenarios(req: Pick<RunRequest, 'base' | 'variants'>): { name: string; scenario: Scenario }[] {
  const out = [{ name: req.base.name, scenario: req.base }];
  req.variants.forEach((v, i) => {
    let patched: unknown;
    try {
      patched = applyPatch(req.base, v.patch);
    } catch (e) {
      if (e instanceof PatchError)
        throw new DomainError('validation_failed', e.message, { errors: [{ path: `variants[${i}].patch[${e.index}].path`, message: e.message, code: 'invalid_patch' }] });
      throw e;
    }
    try {
      out.push({ name: v.name, scenario: parseOrThrow(Scenario, patched) });
    } catch (e) {
      if (e instanceof DomainError && e.extra.errors)
        throw new DomainError('validation_failed', `variant "${v.name}" gives an invalid scenario`, {
          errors: e.extra.errors.map((f) => ({ ...f, path: `variants[${i}] → ${f.path}` })),
        });
      throw e;
    }
  });
  return out;
}

// ------------------------------------------------------------------------------------ worker threads

interface WorkerTask {
  task: number;
  /** scenario index: the worker compiles each scenario once (compiling costs ~80 ms of luxon: off the main thread) */
  worldId: number;
  scenario?: Scenario;
  compile: CompileOptions;
  seed: number;
  replication: number;
  solverIterations?: number;
}

type WorkerMessage =
  | { type: 'progress'; task: number; done: number; total: number }
  | { type: 'result'; task: number; result: ReplicationResult }
  | { type: 'error'; task: number; message: string };

const WORKER_FLAG = 'baywiseSimulationWorker';

/** This module is also the worker's entry: in a worker started by startRun it serves replications. */
function serveReplications(lowPriority: boolean): void {
  const port = parentPort!;
  // on Linux the nice value is per thread: this lowers only this worker, so request handling on the
  // main thread wins the CPU when both want it
  if (lowPriority) try { setPriority(19); } catch { /* not permitted: run at normal priority */ }
  const worlds = new Map<number, SimWorld>();
  const scenarios = new Map<number, Scenario>();
  port.on('message', async (m: WorkerTask) => {
    try {
      if (m.scenario) scenarios.set(m.worldId, m.scenario);
      let world = worlds.get(m.worldId);
      if (!world) {
        world = compileScenario(scenarios.get(m.worldId)!, m.compile);
        worlds.set(m.worldId, world);
      }
      const result = await simulateReplication(world, {
        seed: m.seed, replication: m.replication, solverIterations: m.solverIterations,
        onDay: (done, total) => port.postMessage({ type: 'progress', task: m.task, done, total } satisfies WorkerMessage),
      });
      port.postMessage({ type: 'result', task: m.task, result } satisfies WorkerMessage);
    } catch (e) {
      port.postMessage({ type: 'error', task: m.task, message: (e as Error).stack ?? String(e) } satisfies WorkerMessage);
    }
  });
}
if (!isMainThread && (workerData as Record<string, unknown> | null)?.[WORKER_FLAG]) serveReplications(!!(workerData as Record<string, unknown>).lowPriority);

/** Starts a simulation worker running this module (lib/worker.ts: compiled or from sources). */
function spawnWorker(lowPriority: boolean, heapMb?: number): Worker {
  const w = newWorker(lowPriority, heapMb);
  liveWorkers++;
  w.once('exit', () => void liveWorkers--);
  return w;
}

let liveWorkers = 0;
/** Simulation worker threads alive in this process (a cancelled job's workers leave it: tests, diagnostics). */
export const simulationWorkerCount = () => liveWorkers;

function newWorker(lowPriority: boolean, heapMb?: number): Worker {
  return moduleWorker(new URL(import.meta.url), { [WORKER_FLAG]: true, lowPriority }, heapMb ? { maxOldGenerationSizeMb: heapMb } : undefined);
}

export interface RunHandle { promise: Promise<RunResult>; cancel(): void }

/**
 * Runs base and variants × replications (replication r of every scenario uses the same seeds:
 * common random numbers). Tasks are spread over worker threads; cancel() terminates them.
 */
export function startRun(req: RunRequest, onProgress?: (p: RunProgress) => void): RunHandle {
  const scenarios = buildScenarios(req);
  const compile: CompileOptions = { days: req.days, startDate: req.startDate };
  const tasks: WorkerTask[] = [];
  scenarios.forEach((_, si) => {
    for (let r = 0; r < req.replications; r++) tasks.push({ task: tasks.length, worldId: si, compile, seed: req.seed, replication: r, solverIterations: req.solverIterations });
  });
  const scenarioOf = (task: number) => Math.floor(task / req.replications);
  const total = tasks.length * req.days;
  const dayDone = new Array(tasks.length).fill(0);
  const report = () => onProgress?.({ done: dayDone.reduce((a, b) => a + b, 0), total });
  const results: ReplicationResult[] = new Array(tasks.length);
  const t0 = performance.now();
  let cancelled = false;
  const abort = new AbortController();
  let nWorkers = req.workers ?? Math.min(4, availableParallelism());
  nWorkers = Math.min(nWorkers, tasks.length);
  const live: Worker[] = [];

  const finish = (): RunResult => {
    const wallMs = performance.now() - t0;
    const per = scenarios.map((_, si) => results.filter((_, ti) => scenarioOf(ti) === si));
    const base = summarise(scenarios[0].name, per[0]);
    const variants = scenarios.slice(1).map((s, i) => ({ name: s.name, summary: summarise(s.name, per[i + 1]), differences: comparePaired(per[0], per[i + 1]) }));
    const events = results.reduce((a, r) => a + r.events, 0);
    return {
      base, variants, replications: { base: per[0], variants: per.slice(1) },
      stats: { wallMs, events, eventsPerSecond: events / (wallMs / 1000), replans: results.reduce((a, r) => a + r.replans, 0), quotes: results.reduce((a, r) => a + r.quotes, 0), workers: nWorkers },
    };
  };

  const promise = new Promise<RunResult>((resolve, reject) => {
    if (nWorkers === 0) {
      (async () => {
        const worlds = scenarios.map((s) => compileScenario(s.scenario, compile));
        for (const t of tasks) {
          if (cancelled) throw new Error('cancelled');
          results[t.task] = await simulateReplication(worlds[t.worldId], {
            seed: t.seed, replication: t.replication, solverIterations: t.solverIterations, signal: abort.signal,
            onDay: (d) => { dayDone[t.task] = d; report(); },
          });
          // let the event loop breathe between replications
          await new Promise((r) => setImmediate(r));
        }
        return finish();
      })().then(resolve, reject);
      return;
    }
    let next = 0, doneN = 0, failed = false;
    const sentWorld = new Map<Worker, Set<number>>();
    const retired = new Set<Worker>();
    const fail = (e: Error) => { failed = true; for (const x of live) void x.terminate(); reject(e); };
    const send = (w: Worker) => {
      if (next >= tasks.length) { retired.add(w); void w.terminate(); return; }
      const t = tasks[next++];
      const sent = sentWorld.get(w)!;
      w.postMessage(sent.has(t.worldId) ? t : { ...t, scenario: scenarios[t.worldId].scenario });
      sent.add(t.worldId);
    };
    for (let i = 0; i < nWorkers; i++) {
      const w = spawnWorker(!!req.lowPriority, req.workerHeapMb);
      live.push(w);
      sentWorld.set(w, new Set());
      w.on('message', (m: WorkerMessage) => {
        if (m.type === 'progress') { dayDone[m.task] = m.done; report(); return; }
        if (m.type === 'error') { fail(new Error(m.message)); return; }
        results[m.task] = m.result;
        doneN++;
        if (doneN === tasks.length) { for (const x of live) { retired.add(x); void x.terminate(); } resolve(finish()); }
        else send(w);
      });
      w.on('error', (e) => {
        if (failed || cancelled) return;
        fail((e as { code?: string }).code === 'ERR_WORKER_OUT_OF_MEMORY'
          ? new Error(`a simulation worker reached its heap limit of ${req.workerHeapMb} MB`)
          : e);
      });
      w.on('exit', (code) => {
        if (cancelled && !failed) { failed = true; reject(new Error('cancelled')); return; }
        // a worker that dies on its own (not retired, no error event) would otherwise leave the run waiting forever
        if (!failed && !retired.has(w) && doneN < tasks.length) fail(new Error(`a simulation worker exited with code ${code}`));
      });
      send(w);
    }
  });
  return {
    promise,
    cancel() {
      cancelled = true;
      abort.abort();
      for (const w of live) void w.terminate();
    },
  };
}

export function runSimulation(req: RunRequest, onProgress?: (p: RunProgress) => void): Promise<RunResult> {
  return startRun(req, onProgress).promise;
}

// ------------------------------------------------------------------------------------ HTTP jobs

/** Directory of the named scenario files (`{"scenario": "<name>"}` in requests). */
export const SCENARIO_DIR = resolve(process.env.BAYWISE_SCENARIO_DIR ?? 'scenarios');

/** A scenario file of SCENARIO_DIR by name ("ev-specialist" or "ev-specialist.json"); no paths. */
export function loadNamedScenario(name: string, field = 'scenario'): Scenario {
  const fail = (code: 'not_found' | 'validation_failed', message: string) =>
    new DomainError(code, message, { errors: [{ path: field, message, code: code === 'not_found' ? 'unknown_scenario' : 'invalid_scenario' }] });
  if (!/^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/.test(name) || name.includes('..')) throw fail('validation_failed', 'a scenario name is a file name in scenarios/ (letters, digits, ".", "_", "-")');
  const file = resolve(SCENARIO_DIR, name.endsWith('.json') ? name : `${name}.json`);
  if (!existsSync(file)) throw fail('not_found', `no scenario file ${name} in scenarios/`);
  try {
    return readScenarioFile(file);
  } catch (e) {
    throw fail('validation_failed', (e as Error).message);
  }
}

/** An inline scenario, validated; error paths are prefixed with `field`. */
export function parseInlineScenario(value: unknown, field = 'scenario'): Scenario {
  return parseOrThrow(Scenario, value, field);
}

export const LIMITS = { days: 60, replications: 100, dayReplications: 2000, variants: 5 };

/**
 * Bounds of the job API (the SIM_* settings): jobs run `maxRunning` at a time, each on
 * `workersPerJob` worker threads with a `workerHeapMb` heap limit, for at most `timeoutMs`; the
 * others wait in a queue of at most `maxQueued` (status "queued", with their position); one scenario
 * holds at most `maxPerScenario` of the running and queued places. Beyond a bound POST is refused
 * with 429 and Retry-After. So the memory of all jobs is bounded by
 * maxRunning × workersPerJob × (workerHeapMb + a worker's fixed cost).
 */
export interface SimulationJobLimits {
  maxRunning: number;
  maxQueued: number;
  maxPerScenario: number;
  workersPerJob: number;
  workerHeapMb: number;
  timeoutMs: number;
}

export function jobLimitsOf(c: Config): SimulationJobLimits {
  return {
    maxRunning: c.SIM_MAX_RUNNING,
    maxQueued: c.SIM_MAX_QUEUED,
    maxPerScenario: c.SIM_MAX_JOBS_PER_SCENARIO,
    // leave a core to the server (the workers also run at the lowest CPU priority)
    workersPerJob: c.SIM_WORKERS_PER_JOB ?? Math.max(1, Math.min(4, availableParallelism() - 1)),
    workerHeapMb: c.SIM_WORKER_HEAP_MB,
    timeoutMs: c.SIM_JOB_TIMEOUT_MS,
  };
}

export interface SimulationJobRequest {
  scenario: Scenario;
  scenarioName: string;
  days: number;
  replications: number;
  seed: number;
  variants: { name: string; patch: PatchOperation[] }[];
}

/** A job as the API shows it: the stored record, and its place in the queue while it waits (1 = next). */
export type SimulationJobView = SimulationRecord & { queuePosition?: number };

interface Job {
  record: SimulationRecord;
  /** the scenario's name: the scope of SIM_MAX_JOBS_PER_SCENARIO */
  scope: string;
  /** kept while queued (the run holds it once started) */
  req?: SimulationJobRequest;
  handle?: RunHandle;
  startedAt?: number;
  timer?: NodeJS.Timeout;
}

/** The jobs this process runs or queues for one store (one board per AppContext). */
interface JobBoard {
  limits: SimulationJobLimits;
  running: Map<string, Job>;
  queue: Job[];
  /** jobs a restart had interrupted, marked failed when the board was set up */
  recovered: number;
  stopped: boolean;
}

const boards = new WeakMap<AppContext, JobBoard>();
const ENDED = new Set<SimulationRecord['status']>(['done', 'failed', 'cancelled']);
const isoNow = (ctx: AppContext) => new Date(ctx.clock.now()).toISOString();

/**
 * Sets up the job board of a service (called once at start-up, before it serves; a context used
 * without it gets the default limits on first use). Jobs the store says are queued or running
 * were interrupted by a restart (their worker threads died with the old process, and an inline
 * scenario is not kept to run them again): they are marked failed, saying so.
 */
export function initSimulationJobs(ctx: AppContext, limits: SimulationJobLimits = jobLimitsOf(loadConfig({}))): { recovered: number } {
  const existing = boards.get(ctx);
  if (existing) {
    existing.limits = limits;
    return { recovered: existing.recovered };
  }
  const now = isoNow(ctx);
  const interrupted = ctx.store.simulations.listByStatus(['queued', 'running']);
  ctx.store.transaction(() => {
    for (const r of interrupted)
      ctx.store.simulations.put({ ...r, status: 'failed', error: `interrupted by a restart of the service while ${r.status}; submit it again`, updatedAt: now });
  });
  const board: JobBoard = { limits, running: new Map(), queue: [], recovered: interrupted.length, stopped: false };
  boards.set(ctx, board);
  return { recovered: board.recovered };
}

function boardOf(ctx: AppContext): JobBoard {
  if (!boards.has(ctx)) initSimulationJobs(ctx);
  return boards.get(ctx)!;
}

/**
 * Ends every queued and running job of the service (worker threads terminated) as failed, "interrupted
 * by a shutdown"; called when the service closes, before its store does.
 */
export function stopSimulationJobs(ctx: AppContext): void {
  const board = boards.get(ctx);
  if (!board) return;
  board.stopped = true;
  for (const job of [...board.queue, ...board.running.values()])
    end(ctx, board, job, { status: 'failed', error: 'interrupted by a shutdown of the service; submit it again' });
}

/** Presentable result of a run (without the per-replication raw data). */
export function presentRun(r: RunResult) {
  return { base: r.base, variants: r.variants, stats: r.stats };
}

/** Accepts a job: it runs at once if a place is free, else waits in the queue; 429 beyond the bounds. */
export function startSimulationJob(ctx: AppContext, req: SimulationJobRequest): SimulationJobView {
  // validate variants before accepting the job
  buildScenarios({ base: req.scenario, variants: req.variants });
  const board = boardOf(ctx);
  if (board.stopped) throw new DomainError('unavailable', 'the service is shutting down');
  const { limits } = board;
  const scope = req.scenarioName;
  const ofScope = [...board.running.values(), ...board.queue].filter((j) => j.scope === scope);
  if (ofScope.length >= limits.maxPerScenario)
    throw tooMany(
      board,
      `scenario "${scope}" already has ${ofScope.length} simulation jobs queued or running, the most one scenario may have (SIM_MAX_JOBS_PER_SCENARIO = ${limits.maxPerScenario})`,
      'SIM_MAX_JOBS_PER_SCENARIO',
      ofScope,
    );
  const startsNow = board.running.size < limits.maxRunning && board.queue.length === 0;
  if (!startsNow && board.queue.length >= limits.maxQueued)
    throw tooMany(
      board,
      `${board.running.size} simulation jobs are running and ${board.queue.length} waiting, the most this service takes (SIM_MAX_RUNNING = ${limits.maxRunning}, SIM_MAX_QUEUED = ${limits.maxQueued})`,
      'SIM_MAX_QUEUED',
      [...board.running.values()],
    );
  const now = isoNow(ctx);
  const job: Job = {
    scope,
    req,
    record: {
      id: ctx.newId('sim'),
      status: 'queued',
      request: { scenario: req.scenarioName, days: req.days, replications: req.replications, seed: req.seed, variants: req.variants },
      progress: 0,
      result: null,
      error: null,
      createdAt: now,
      updatedAt: now,
    },
  };
  if (startsNow) launch(ctx, board, job);
  else {
    board.queue.push(job);
    save(ctx, job.record);
  }
  return view(board, job);
}

function tooMany(board: JobBoard, message: string, limit: string, waitingOn: Job[]): DomainError {
  const running = waitingOn.filter((j) => j.startedAt !== undefined);
  return new DomainError('too_many_jobs', message, {
    limit,
    retryAfterSeconds: retryAfterSeconds(running.length ? running : [...board.running.values()]),
    running: board.running.size,
    queued: board.queue.length,
  });
}

/** Seconds until the first of these running jobs should end, from its progress so far (1 s – 1 h; 30 s when unknown). */
function retryAfterSeconds(running: Job[]): number {
  let best = Infinity;
  for (const j of running) {
    const p = j.record.progress;
    if (j.startedAt === undefined || p <= 0) continue;
    best = Math.min(best, (((performance.now() - j.startedAt) / 1000) * (1 - p)) / p);
  }
  return Number.isFinite(best) ? Math.min(3600, Math.max(1, Math.ceil(best))) : 30;
}

function launch(ctx: AppContext, board: JobBoard, job: Job): void {
  const { limits } = board;
  const req = job.req!;
  job.req = undefined;
  board.running.set(job.record.id, job);
  Object.assign(job.record, { status: 'running', updatedAt: isoNow(ctx) });
  save(ctx, job.record);
  try {
    job.handle = startRun(
      {
        base: req.scenario, variants: req.variants, days: req.days, replications: req.replications, seed: req.seed,
        workers: limits.workersPerJob, workerHeapMb: limits.workerHeapMb, lowPriority: true,
      },
      (p) => {
        if (job.record.status === 'running') job.record.progress = p.total ? p.done / p.total : 0;
      },
    );
  } catch (e) {
    end(ctx, board, job, { status: 'failed', error: firstLine(e) });
    return;
  }
  job.startedAt = performance.now();
  job.timer = setTimeout(
    () => end(ctx, board, job, { status: 'failed', error: `stopped after ${limits.timeoutMs} ms, the time limit of a simulation job (SIM_JOB_TIMEOUT_MS)` }),
    limits.timeoutMs,
  );
  job.timer.unref();
  job.handle.promise.then(
    (r) => end(ctx, board, job, { status: 'done', progress: 1, result: presentRun(r) }),
    (e) => end(ctx, board, job, { status: 'failed', error: firstLine(e) }),
  );
}

/** Ends a job once (the first ending wins): workers terminated, record saved, the next queued job started. */
function end(ctx: AppContext, board: JobBoard, job: Job, patch: Partial<SimulationRecord> & { status: 'done' | 'failed' | 'cancelled' }): void {
  if (ENDED.has(job.record.status)) return;
  Object.assign(job.record, patch, { updatedAt: isoNow(ctx) });
  clearTimeout(job.timer);
  if (patch.status !== 'done') job.handle?.cancel();
  job.handle = undefined;
  job.req = undefined;
  board.running.delete(job.record.id);
  const q = board.queue.indexOf(job);
  if (q >= 0) board.queue.splice(q, 1);
  save(ctx, job.record);
  while (!board.stopped && board.running.size < board.limits.maxRunning && board.queue.length) launch(ctx, board, board.queue.shift()!);
}

function save(ctx: AppContext, rec: SimulationRecord): void {
  try {
    ctx.store.simulations.put(rec);
  } catch {
    // the store is closed: the service is stopping, and start-up recovery marks the job failed
  }
}

const firstLine = (e: unknown) => String((e as Error)?.message ?? e).split('\n')[0];

function view(board: JobBoard, job: Job): SimulationJobView {
  const pos = board.queue.indexOf(job);
  return { ...job.record, ...(pos >= 0 ? { queuePosition: pos + 1 } : {}) };
}

function liveJob(board: JobBoard, id: string): Job | undefined {
  return board.running.get(id) ?? board.queue.find((j) => j.record.id === id);
}

export function getSimulationJob(ctx: AppContext, id: string): SimulationJobView {
  const board = boardOf(ctx);
  const live = liveJob(board, id);
  if (live) return view(board, live);
  const rec = ctx.store.simulations.get(id);
  if (!rec) throw new DomainError('not_found', `simulation ${id} does not exist`);
  return rec;
}

/**
 * DELETE ends a job whatever its state: a queued one leaves the queue, a running one has its
 * worker threads terminated (their memory is freed), both become "cancelled". A job that has
 * already ended (done, failed — e.g. interrupted by a restart —, cancelled) is returned as it is:
 * its result stays readable, and a repeated DELETE gets the same answer.
 */
export function cancelSimulationJob(ctx: AppContext, id: string): SimulationJobView {
  const board = boardOf(ctx);
  const live = liveJob(board, id);
  if (live) {
    end(ctx, board, live, { status: 'cancelled' });
    return view(board, live);
  }
  const rec = ctx.store.simulations.get(id);
  if (!rec) throw new DomainError('not_found', `simulation ${id} does not exist`);
  if (ENDED.has(rec.status)) return rec;
  // stored as queued or running but run by no job of this process (e.g. written by another process)
  const ended: SimulationRecord = { ...rec, status: 'cancelled', updatedAt: isoNow(ctx) };
  ctx.store.simulations.put(ended);
  return ended;
}
