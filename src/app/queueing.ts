/**
 * Queueing use cases over the stored workshop: reception forecast (time-varying check-in queue
 * and advisors needed), walk-in ETA for a lane, and the capacity outlook (load vs capacity by
 * skill and bay capability with a queueing estimate of lead time for unplanned work).
 *
 * Bounded work: every model run goes through `runQueueing`, which estimates its cost first
 * (domain/queueing/cost.ts): cheap work runs here on the event loop, heavier work in a worker
 * under QUEUEING_DEADLINE_MS and a heap limit (at most QUEUEING_WORKERS at once, the rest get 503
 * with Retry-After), and work beyond WORK_LIMIT is refused up front with a 422 naming the field.
 */
import { DateTime } from 'luxon';
import { policyOf } from './promises.js';
import { promiseLevel, roundUpToGrid, standardMinutes } from '../domain/rules/index.js';
import { QueueingInputError, type EstimateRequest } from '../domain/queueing/index.js';
import { CHEAP_WORK, estimateWork, WORK_LIMIT, type WorkEstimate } from '../domain/queueing/cost.js';
import { ComputeGate } from '../lib/compute.js';
import * as tasks from './queueing-tasks.js';
import { toMinutes, WEEKDAYS } from '../model/common.js';
import type { Appointment, Workshop } from '../model/workshop.js';
import type { AppContext } from './context.js';
import { getWorkshop, msToZoned } from './catalog.js';
import { DomainError } from './errors.js';

/** Engine input errors become validation problems naming the field (engine paths use dots). */
export function queueingError(e: unknown, prefix = ''): never {
  if (e instanceof QueueingInputError) {
    const path = [prefix, e.field.replace(/\.(\d+)/g, '[$1]')].filter(Boolean).join('.');
    throw new DomainError('validation_failed', e.message, { errors: [{ path, message: e.message.replace(/^[^:]*: /, ''), code: 'invalid_value' }] });
  }
  throw e;
}

/** concurrent queueing workers per process (each with a heap of at most WORKER_HEAP_MB) */
export const QUEUEING_WORKERS = 2;
export const WORKER_HEAP_MB = 128;
export const DEFAULT_QUEUEING_DEADLINE_MS = 5000;
const gate = new ComputeGate(QUEUEING_WORKERS);

/**
 * Warms the event loop's copy of the engines (~0.1 s): until V8 has optimised their loops a small
 * request costs ~10× more and would hold /healthz. The server calls it once before it listens.
 */
export function warmQueueing(): void {
  for (let i = 0; i < 3; i++) {
    tasks.estimateModel({ model: 'time_varying', arrivalRates: [0.5, 0.3, 0.1], servers: 3, serviceRate: 0.125 });
    tasks.estimateModel({ model: 'staffing', arrivalRates: [0.5, 0.2], serviceRate: 0.125, target: { kind: 'wait_within', maxWait: 10, probability: 0.8 } });
    tasks.estimateModel({ model: 'conditional_wait', servers: 2, busy: 2, queueAhead: 3, service: { mean: 30, cv: 0.5 }, samples: 5000 });
  }
}

type TaskName = 'estimateModel' | 'receptionModels' | 'walkInModel' | 'outlookModel';
type TaskResult<K extends TaskName> = ReturnType<(typeof tasks)[K]>;

const sci = (x: number) => x.toExponential(1).replace('e+', 'e');

/**
 * Run one queueing task within the limits: refused when its estimated work exceeds WORK_LIMIT
 * (422 computation_limit naming `path`), on the event loop when cheap, else in a bounded worker.
 */
export async function runQueueing<K extends TaskName>(
  ctx: AppContext,
  fn: K,
  input: Parameters<(typeof tasks)[K]>[0],
  cost: WorkEstimate,
  opts: { path: string; signal?: AbortSignal; prefix?: string },
): Promise<TaskResult<K>> {
  if (cost.work > WORK_LIMIT) {
    const message = `estimated work ${sci(cost.work)} exceeds the limit ${sci(WORK_LIMIT)} (${cost.measure})`;
    throw new DomainError('computation_limit', `this request is too large to compute: ${message}`, {
      limit: { name: 'work', max: WORK_LIMIT, estimated: Math.round(cost.work) },
      errors: [{ path: opts.path, message, code: 'too_costly' }],
    });
  }
  const call = tasks[fn] as (i: typeof input) => TaskResult<K>;
  if (cost.work <= CHEAP_WORK) {
    try {
      return call(input);
    } catch (e) {
      queueingError(e, opts.prefix);
    }
  }
  const deadlineMs = ctx.queueingDeadlineMs ?? DEFAULT_QUEUEING_DEADLINE_MS;
  const out = await gate.tryRun<TaskResult<K>>({ module: tasks.TASKS_MODULE, fn, input }, { deadlineMs, maxOldGenerationSizeMb: WORKER_HEAP_MB, signal: opts.signal });
  if (out === null)
    throw new DomainError('unavailable', `all ${QUEUEING_WORKERS} queueing workers are busy; retry shortly`, { retryAfterSeconds: Math.ceil(deadlineMs / 1000) });
  switch (out.status) {
    case 'ok':
      return out.value;
    case 'timeout':
      throw new DomainError('computation_limit', `the computation did not finish within QUEUEING_DEADLINE_MS (${deadlineMs} ms) and was stopped`, {
        limit: { name: 'QUEUEING_DEADLINE_MS', max: deadlineMs },
      });
    case 'out_of_memory':
      throw new DomainError('computation_limit', `the computation exceeded its heap limit (${WORKER_HEAP_MB} MB) and was stopped`, {
        limit: { name: 'heap', max: WORKER_HEAP_MB },
      });
    case 'aborted':
      throw new DomainError('unavailable', 'the request was abandoned by the client');
    case 'error':
      if (out.error.name === 'QueueingInputError' && out.error.field !== undefined)
        queueingError(new QueueingInputError(out.error.field, out.error.message.replace(/^[^:]*: /, '')), opts.prefix);
      throw new Error(`queueing worker failed: ${out.error.message}`);
  }
}

/** POST /v1/queueing/estimate (all models but shift_plan) */
export function estimateQueue(ctx: AppContext, request: EstimateRequest, signal?: AbortSignal) {
  const cost = estimateWork(request as unknown as { model: string } & Record<string, unknown>);
  return runQueueing(ctx, 'estimateModel', request, cost, { path: cost.path, signal });
}

function openHours(w: Workshop, day: DateTime): { startHour: number; endHour: number } | null {
  if (w.closedDates.includes(day.toISODate()!)) return null;
  const ranges = w.openingHours[WEEKDAYS[day.weekday - 1]];
  if (!ranges.length) return null;
  const s = Math.min(...ranges.map((r) => toMinutes(r.start)));
  const e = Math.max(...ranges.map((r) => toMinutes(r.end)));
  return { startHour: Math.floor(s / 60), endHour: Math.ceil(e / 60) };
}

export async function receptionForecast(
  ctx: AppContext,
  workshopId: string,
  date: string,
  overrides: { advisors?: number; walkInsPerDay?: number; noShowRate?: number },
  signal?: AbortSignal,
) {
  const w = getWorkshop(ctx, workshopId);
  const r = w.reception;
  const day = DateTime.fromISO(date, { zone: w.timeZone }).startOf('day');
  const hours = openHours(w, day);
  if (!hours) return { workshopId, date, open: false, hours: [] as unknown[] };
  const { startHour, endHour } = hours;
  const n = endHour - startHour;
  const apts = ctx.store.appointments
    .find(workshopId, { from: day.toMillis(), to: day.plus({ days: 1 }).toMillis() })
    .filter((a) => a.status !== 'cancelled');
  const noShow = overrides.noShowRate ?? r.noShowRate;
  const booked = new Array(n).fill(0);
  for (const a of apts) {
    const h = DateTime.fromISO(a.plannedArrival, { setZone: true }).setZone(w.timeZone).hour - startHour;
    booked[Math.min(n - 1, Math.max(0, h))] += 1;
  }
  // walk-ins follow the shape of booked arrivals (they pile up at opening too), or spread evenly
  const walkIns = overrides.walkInsPerDay ?? r.walkInsPerDay;
  const totalBooked = booked.reduce((a, b) => a + b, 0);
  const shape = totalBooked > 0 ? booked.map((b) => b / totalBooked) : booked.map(() => 1 / n);
  const expected = booked.map((b, i) => b * (1 - noShow) + walkIns * shape[i]);
  const advisors = overrides.advisors ?? r.advisors;
  const mu = 1 / r.checkInMinutes;
  const input: tasks.ReceptionInput = {
    rates: expected.map((x) => x / 60),
    advisors,
    serviceRate: mu,
    waitTargetMinutes: r.waitTargetMinutes,
    waitTargetShare: r.waitTargetShare,
  };
  const tvCost = estimateWork({ model: 'time_varying', arrivalRates: input.rates, servers: advisors, serviceRate: mu, waitThresholds: [r.waitTargetMinutes] });
  const stCost = estimateWork({ model: 'staffing', ...tasks.receptionStaffing(input) });
  const cost = { work: tvCost.work + stCost.work, path: 'query.date', measure: `the day's expected arrivals: ${stCost.measure}` };
  const { tv, st } = await runQueueing(ctx, 'receptionModels', input, cost, { path: overrides.advisors ? 'query.advisors' : 'query.date', signal });
  {
    return {
      workshopId,
      date: day.toISODate(),
      open: true,
      method: tv.method,
      advisorsOnDuty: advisors,
      checkInMinutes: r.checkInMinutes,
      target: { maxWaitMinutes: r.waitTargetMinutes, share: r.waitTargetShare },
      hours: tv.periods.map((p, i) => ({
        hour: `${String(startHour + i).padStart(2, '0')}:00`,
        bookedArrivals: booked[i],
        expectedNoShows: Math.round(booked[i] * noShow * 100) / 100,
        expectedWalkIns: Math.round(walkIns * shape[i] * 100) / 100,
        expectedArrivals: Math.round(expected[i] * 100) / 100,
        meanWaitMinutes: p.meanWait,
        probWaitOverTarget: p.waitTail[0]?.p ?? null,
        utilisation: p.utilisation,
        advisorsNeeded: st.ode?.periods[i]?.servers ?? null,
      })),
      advisorsNeededPeak: st.ode ? Math.max(...st.ode.periods.map((p) => p.servers)) : null,
      squareRootRule: st.squareRoot.periods.map((p) => p.servers),
    };
  }
}

const isLaneJob = (a: Appointment, codes: Set<string>) => a.operations.every((o) => codes.has(o.opCode));

export async function walkInEta(ctx: AppContext, workshopId: string, q: { opCodes: string[]; atMs: number; lane?: string; seed?: number }, signal?: AbortSignal) {
  const w = getWorkshop(ctx, workshopId);
  const lane = q.lane ? w.lanes.find((l) => l.id === q.lane) : w.lanes.find((l) => q.opCodes.every((c) => l.opCodes.includes(c)));
  if (!lane)
    throw new DomainError('validation_failed', q.lane ? `unknown lane ${q.lane}` : 'no lane of this workshop takes all these op codes', {
      errors: [{ path: q.lane ? 'query.lane' : 'query.opCodes', message: q.lane ? `unknown lane; lanes: ${w.lanes.map((l) => l.id).join(', ') || 'none'}` : 'no lane takes all of them', code: 'unknown_lane' }],
    });
  const missing = q.opCodes.filter((c) => !lane.opCodes.includes(c));
  if (missing.length)
    throw new DomainError('validation_failed', `lane ${lane.id} does not take ${missing.join(', ')}`, {
      errors: [{ path: 'query.opCodes', message: `not in lane ${lane.id}: ${missing.join(', ')}`, code: 'not_in_lane' }],
    });
  const catalogue = new Map(ctx.store.operations.all(workshopId).map((o) => [o.opCode, o]));
  const unknown = q.opCodes.filter((c) => !catalogue.has(c));
  if (unknown.length)
    throw new DomainError('unknown_reference', `unknown op code(s) ${unknown.join(', ')}`, { errors: [{ path: 'query.opCodes', message: 'not in the catalogue', code: 'unknown_op_code' }] });
  const codes = new Set(lane.opCodes);
  const day = DateTime.fromMillis(q.atMs, { zone: w.timeZone }).startOf('day');
  const live = ctx.store.appointments
    .find(workshopId, { from: day.minus({ days: 1 }).toMillis(), to: q.atMs + 1, status: ['checked_in', 'in_progress'] })
    .filter((a) => isLaneJob(a, codes));
  const stdOf = (a: Appointment) => a.operations.reduce((s, o) => s + standardMinutes(o.hours ?? catalogue.get(o.opCode)?.standardHours ?? 0), 0);
  const inService = live.filter((a) => a.status === 'in_progress');
  const queued = live.filter((a) => a.status === 'checked_in');
  const ownStd = q.opCodes.reduce((s, c) => s + standardMinutes(catalogue.get(c)!.standardHours), 0);
  const ownCv = q.opCodes.reduce((s, c) => s + catalogue.get(c)!.cv, 0) / q.opCodes.length;
  const laneJobs = [...inService, ...queued];
  const meanService = laneJobs.length ? laneJobs.reduce((s, a) => s + stdOf(a), 0) / laneJobs.length : ownStd;
  const elapsed = inService.slice(0, lane.servers).map((a) => {
    const started = a.operations.map((o) => (o.startedAt ? Date.parse(o.startedAt) : Infinity)).reduce((x, y) => Math.min(x, y), Infinity);
    return Number.isFinite(started) ? Math.max(0, (q.atMs - started) / 60_000) : 0;
  });
  const levels = Array.from({ length: 99 }, (_, i) => (i + 1) / 100);
  const wait = {
    servers: lane.servers,
    busy: Math.min(lane.servers, inService.length),
    queueAhead: queued.length + Math.max(0, inService.length - lane.servers),
    elapsed,
    service: { mean: meanService, cv: ownCv, distribution: 'lognormal' as const },
    quantiles: levels,
    thresholds: [10, 30, 60],
    samples: 20_000,
    seed: q.seed ?? 1,
  };
  // the queue model knows no closing time: say whether the work fits before the lane closes today
  const hours = openHours(w, day);
  const closeMs = hours ? day.plus({ hours: hours.endHour }).toMillis() : q.atMs;
  const N = 20_000;
  const input: tasks.WalkInInput = {
    wait,
    ownStd,
    ownCv,
    handoverBufferMinutes: policyOf(w).handoverBufferMinutes,
    minutesToClose: Math.max(0, (closeMs - q.atMs) / 60_000),
    // the promise's level: the workshop's target plus its headroom (rules/promise.ts)
    levels: [0.5, 0.8, 0.9, 0.95, promiseLevel(policyOf(w).targetOnTime, policyOf(w).promiseHeadroom)],
    samples: N,
    seed: q.seed ?? 1,
  };
  const waitCost = estimateWork({ model: 'conditional_wait', ...wait });
  const cost = { work: waitCost.work + N * 40, path: 'query.lane', measure: `${wait.queueAhead} repair orders ahead at lane ${lane.id}: ${waitCost.measure}` };
  const r = await runQueueing(ctx, 'walkInModel', input, cost, { path: 'query.lane', signal, prefix: 'query' });
  const at = (min: number) => msToZoned(q.atMs + Math.ceil(min) * 60_000, w.timeZone);
  const pick = (p: number) => r.wait.quantiles.find((x) => Math.abs(x.q - p) < 1e-9)!.t;
  const ready = (i: number) => at(r.ready[i].t);
  return {
    workshopId,
    lane: { id: lane.id, name: lane.name, servers: lane.servers },
    at: msToZoned(q.atMs, w.timeZone),
    state: { inService: inService.length, queued: queued.length },
    method: r.wait.method,
    wait: {
      meanMinutes: r.wait.meanWait,
      quantiles: { p50: pick(0.5), p80: pick(0.8), p90: pick(0.9), p95: pick(0.95) },
      within: r.wait.waitWithin,
    },
    readyBy: { p50: ready(0), p80: ready(1), p90: ready(2), p95: ready(3) },
    // the promise rule on the wall-clock grid: epoch minutes rounded up
    promise: msToZoned(roundUpToGrid(q.atMs / 60_000 + r.ready[4].t) * 60_000, w.timeZone),
    target: policyOf(w).targetOnTime,
    closesAt: msToZoned(closeMs, w.timeZone),
    probReadyBeforeClose: Math.round(r.probReadyBeforeClose * 1000) / 1000,
  };
}

export async function capacityOutlook(ctx: AppContext, workshopId: string, fromMs: number, toMs: number, signal?: AbortSignal) {
  const w = getWorkshop(ctx, workshopId);
  const input: tasks.OutlookInput = {
    workshop: w,
    techs: ctx.store.technicians.all(workshopId).filter((t) => t.active),
    bays: ctx.store.bays.all(workshopId).filter((b) => b.active),
    catalogue: ctx.store.operations.all(workshopId),
    apts: ctx.store.appointments.find(workshopId, { from: fromMs, to: toMs, status: ['booked', 'checked_in', 'in_progress'] }),
    fromMs,
    toMs,
  };
  const cost = { work: tasks.outlookWork(input), path: 'query.to', measure: 'days × active technicians calendar builds' };
  return runQueueing(ctx, 'outlookModel', input, cost, { path: 'query.to', signal });
}
