/**
 * Planning use cases: replan a workshop (compile, solve warm-started from the stored plan,
 * check, persist), read the current plan (cached by workshop revision), and the dispatch board.
 *
 * Every plan the service keeps passes the independent checker (verify.ts). Should the solver ever
 * fail or return a plan the checker refuses, that is our defect, never the caller's: the workshop
 * keeps being answered from a fallback — the first-come-first-served construction when it passes
 * the checker, else the better plan repaired (what the checker names taken off the plan) — the
 * defect is reported (planningSeams.reportDefect: one error line on stderr) and the plan says so
 * in `degraded` until the next replan.
 */
import { DateTime } from 'luxon';
import { dispatchFifo, repairPlan, solve, verifyPlan, type Assignment, type Plan, type SchedulingModel, type SolveResult, type SolveStats, type Violation } from '../domain/scheduling/index.js';
import type { Appointment } from '../model/workshop.js';
import { compileWorkshop, loadSnapshot, type CompiledWorkshop, type WorkshopSnapshot } from './compile.js';
import type { AppContext } from './context.js';
import { msToZoned } from './catalog.js';
import { notFound } from './errors.js';

export interface StoredAssignment {
  key: string; // "<appointmentId>#<opIndex>"
  appointmentId: string;
  opIndex: number;
  opCode: string;
  technicianId: string;
  bayId: string | null;
  startMin: number;
  endMin: number;
}

export interface PlanData {
  asOfMs: number;
  originMs: number;
  revision: number;
  seed: number;
  assignments: StoredAssignment[];
  unscheduled: { appointmentId: string; opIndex: number; opCode: string; reason: string }[];
  objective: Plan['objective'];
  lowerBound: number;
  stats: Omit<SolveStats, 'issues'> & { issues: number };
  /** set when the plan is a fallback because the solver's plan failed the checker (or the solver failed) */
  degraded?: PlanDegraded;
}

export interface PlanDegraded {
  /** what went wrong, e.g. the checker's first finding on the solver's plan */
  reason: string;
  /** the plan served instead: the construction, or a plan repaired by taking operations off it */
  fallback: 'construction' | 'repaired';
  /** checker findings left on the fallback (empty unless even the repair could not satisfy it) */
  violations: { code: string; op: string; message: string }[];
}

export interface PlanDefect {
  workshopId: string;
  revision: number;
  asOfMs: number;
  reason: string;
  /** what the checker found on the solver's plan */
  violations: Violation[];
  fallback: PlanDegraded['fallback'];
  /** findings left on the fallback */
  left: number;
}

/**
 * Seams of the replan: the solver it calls and where a defect is reported. Tests replace them to
 * force the degraded path (an invalid solver result) and to see what is reported.
 */
export const planningSeams = {
  solve: solve as (model: SchedulingModel, opts: Parameters<typeof solve>[1]) => Promise<SolveResult>,
  reportDefect(d: PlanDefect): void {
    // the app layer has no logger: one pino-shaped error line on stderr (worker threads' stderr is the process's)
    process.stderr.write(`${JSON.stringify({ level: 50, time: new Date().toISOString(), service: 'baywise', msg: 'plan rejected: answering from a fallback plan', ...d, violations: d.violations.slice(0, 10) })}\n`);
  },
};

/** The plan to keep: the solver's when the checker passes it, else a checked fallback. */
export function checkedPlan(model: SchedulingModel, solved: SolveResult | { error: unknown }): { plan: Plan; degraded?: PlanDegraded; rejected: Violation[] } {
  let reason: string;
  let candidate: Plan | null = null;
  let rejected: Violation[] = [];
  if ('plan' in solved) {
    const violations = verifyPlan(model, solved.plan);
    if (!violations.length) return { plan: solved.plan, rejected };
    rejected = violations;
    reason = `solver produced an infeasible plan: ${violations[0].code} ${violations[0].message}`;
    candidate = solved.plan;
  } else reason = `solver failed: ${(solved.error as Error)?.message ?? String(solved.error)}`;
  const constructed = dispatchFifo(model, 'workshop');
  const cv = verifyPlan(model, constructed);
  if (!cv.length) return { plan: constructed, degraded: { reason, fallback: 'construction', violations: [] }, rejected };
  const repairs = [repairPlan(model, constructed), ...(candidate ? [repairPlan(model, candidate)] : [])];
  // the repair that keeps the checker happy and plans the most work
  const best = repairs.sort((a, b) => a.violations.length - b.violations.length || a.plan.unscheduled.length - b.plan.unscheduled.length)[0];
  return { plan: best.plan, degraded: { reason, fallback: 'repaired', violations: best.violations.map(({ code, op, message }) => ({ code, op, message })) }, rejected };
}

export interface PlanState {
  data: PlanData;
  compiled: CompiledWorkshop;
  snapshot: WorkshopSnapshot;
  plan: Plan;
  /** the plan as the API tells it, made once per plan (a plan read with nothing changed only sends it) */
  view?: ReturnType<typeof presentPlan>;
}

/** A stored plan is reused while the workshop is unchanged and it is at most this old. */
export const PLAN_MAX_AGE_MS = 15 * 60_000;

function toStored(c: CompiledWorkshop, a: Assignment): StoredAssignment {
  const ref = c.opRefs[a.op];
  return {
    key: c.model.ops[a.op].key,
    appointmentId: ref.appointmentId,
    opIndex: ref.opIndex,
    opCode: ref.opCode,
    technicianId: c.techIds[a.tech],
    bayId: a.bay >= 0 ? c.bayIds[a.bay] : null,
    startMin: a.start,
    endMin: a.end,
  };
}

/** Maps a stored plan onto a newly compiled model (by op key, technician and bay ids). */
export function previousFor(c: CompiledWorkshop, prev: PlanData | undefined): { assignments: Assignment[] } | undefined {
  if (!prev) return undefined;
  const shift = Math.round((prev.originMs - c.originMs) / 60_000);
  const byKey = new Map(prev.assignments.map((a) => [a.key, a]));
  const tIdx = new Map(c.techIds.map((id, i) => [id, i]));
  const bIdx = new Map(c.bayIds.map((id, i) => [id, i]));
  const assignments: Assignment[] = c.model.ops.map((o, op) => {
    const p = byKey.get(o.key);
    const tech = p ? tIdx.get(p.technicianId) : undefined;
    if (!p || tech === undefined) return { op, tech: -1, bay: -1, start: -1, end: -1 };
    return { op, tech, bay: p.bayId ? (bIdx.get(p.bayId) ?? -1) : -1, start: p.startMin + shift, end: p.endMin + shift };
  });
  return { assignments };
}

export async function replan(
  ctx: AppContext,
  workshopId: string,
  opts: { asOfMs?: number; timeLimitMs?: number; seed?: number; extraAppointments?: Appointment[]; persist?: boolean } = {},
): Promise<PlanState> {
  // the budget bounds the whole replan (loading, compiling and checking included), not only the search;
  // performance.now() measures the budget, it is not the domain's clock
  const started = performance.now();
  const budgetMs = opts.timeLimitMs ?? (ctx.solverMaxIterations ? 60_000 : ctx.solverTimeLimitMs);
  const asOfMs = opts.asOfMs ?? ctx.clock.now();
  const snapshot = loadSnapshot(ctx.store, workshopId);
  if (!snapshot) throw notFound('workshop', workshopId);
  const compiled = compileWorkshop(snapshot, asOfMs, { extraAppointments: opts.extraAppointments });
  const stored = ctx.store.plans.get(workshopId)?.data as PlanData | undefined;
  const seed = opts.seed ?? 1;
  const solveOpts = {
    objective: 'workshop' as const,
    // what compiling took comes off the search, and a tenth of the budget is kept for the plan check
    timeLimitMs: Math.max(5, budgetMs * 0.9 - (performance.now() - started)),
    maxIterations: ctx.solverMaxIterations,
    seed,
    previous: previousFor(compiled, stored),
  };
  const solved = await planningSeams.solve(compiled.model, solveOpts).catch((error: unknown) => ({ error }));
  // the independent checker guards every plan the service stores; a violation is our bug, not the
  // caller's input: the workshop is answered from a checked fallback and the defect reported
  const { plan, degraded, rejected } = checkedPlan(compiled.model, solved);
  if (degraded)
    planningSeams.reportDefect({ workshopId, revision: snapshot.revision, asOfMs, reason: degraded.reason, violations: rejected, left: degraded.violations.length, fallback: degraded.fallback });
  const result: Pick<SolveResult, 'stats'> = 'stats' in solved ? solved : { stats: { ...FAILED_STATS, elapsedMs: performance.now() - started } };
  const data: PlanData = {
    asOfMs,
    originMs: compiled.originMs,
    revision: snapshot.revision,
    seed,
    assignments: plan.assignments.filter((a) => a.tech >= 0).map((a) => toStored(compiled, a)),
    unscheduled: plan.unscheduled.map((u) => ({ ...pick(compiled, u.op), reason: u.reason })),
    objective: plan.objective,
    lowerBound: plan.lowerBound,
    stats: { ...result.stats, issues: result.stats.issues.length },
    ...(degraded ? { degraded } : {}),
  };
  const state = { data, compiled, snapshot, plan };
  // a plan computed from an older revision answers the request that asked for it but is never
  // installed: a write that landed during the solve would otherwise be forgotten
  if (opts.persist !== false && ctx.store.workshops.revision(workshopId) === snapshot.revision) {
    ctx.store.plans.put({ workshopId, revision: snapshot.revision, asOf: new Date(asOfMs).toISOString(), createdAt: new Date(ctx.clock.now()).toISOString(), data });
    ctx.services.plans.set(workshopId, state);
  }
  return state;
}

const FAILED_STATS: SolveStats = {
  engine: 'local-search', iterations: 0, elapsedMs: 0, constructionMs: 0, constructionObjective: 0, timeToBestMs: 0,
  lowerBoundSource: 'combinatorial', lpStatus: null, opsMoved: null, converged: null, aborted: false, issues: [],
};

function pick(c: CompiledWorkshop, op: number) {
  const r = c.opRefs[op];
  return { appointmentId: r.appointmentId, opIndex: r.opIndex, opCode: r.opCode };
}

/** The plan for now: cached while the workshop revision is unchanged and the plan is fresh. */
export async function currentPlan(ctx: AppContext, workshopId: string, asOfMs?: number): Promise<PlanState> {
  const at = asOfMs ?? ctx.clock.now();
  const revision = ctx.store.workshops.revision(workshopId);
  if (!revision) throw notFound('workshop', workshopId);
  const { plans: cache, replans: inflight } = ctx.services;
  const hit = cache.get(workshopId);
  if (hit && hit.data.revision === revision && at >= hit.data.asOfMs && at - hit.data.asOfMs <= PLAN_MAX_AGE_MS) return hit;
  const key = `${workshopId}@${revision}@${Math.floor(at / PLAN_MAX_AGE_MS)}`;
  let p = inflight.get(key);
  if (!p) {
    p = replan(ctx, workshopId, { asOfMs: at }).finally(() => inflight.delete(key));
    inflight.set(key, p);
  }
  return p;
}


// --- presentation -------------------------------------------------------------------------------
export function presentPlan(state: PlanState) {
  const { data, snapshot } = state;
  const zone = snapshot.workshop.timeZone;
  const at = (min: number) => msToZoned(data.originMs + min * 60_000, zone);
  return {
    workshopId: snapshot.workshop.id,
    asOf: msToZoned(data.asOfMs, zone),
    revision: data.revision,
    objective: data.objective,
    lowerBound: data.lowerBound,
    stats: data.stats,
    assignments: data.assignments.map((a) => ({
      appointmentId: a.appointmentId,
      opIndex: a.opIndex,
      opCode: a.opCode,
      technicianId: a.technicianId,
      bayId: a.bayId,
      start: at(a.startMin),
      end: at(a.endMin),
    })),
    unscheduled: data.unscheduled,
    ...(data.degraded ? { degraded: data.degraded } : {}),
  };
}

export type Risk = 'ok' | 'tight' | 'at_risk' | 'late' | 'no_promise';
export const TIGHT_SLACK_MIN = 30;

/** Planned completion (last operation end + handover buffer) vs the promise, per appointment. */
export function jobRisk(state: PlanState): Map<string, { readyMin: number; risk: Risk; slackMin: number | null }> {
  const out = new Map<string, { readyMin: number; risk: Risk; slackMin: number | null }>();
  const buffer = state.snapshot.workshop.policy.handoverBufferMinutes;
  const ends = new Map<string, number>();
  for (const a of state.data.assignments) ends.set(a.appointmentId, Math.max(ends.get(a.appointmentId) ?? -Infinity, a.endMin));
  for (const apt of state.snapshot.appointments) {
    const end = ends.get(apt.id);
    if (end === undefined) continue;
    const readyMin = end + buffer;
    if (!apt.promisedAt) {
      out.set(apt.id, { readyMin, risk: 'no_promise', slackMin: null });
      continue;
    }
    const promiseMin = Math.round((Date.parse(apt.promisedAt) - state.data.originMs) / 60_000);
    const slack = promiseMin - readyMin;
    out.set(apt.id, { readyMin, risk: slack < 0 ? 'late' : slack < TIGHT_SLACK_MIN ? 'tight' : 'ok', slackMin: slack });
  }
  return out;
}

/**
 * The dispatch board of a day. `onTime` (appointment id → probability of meeting the promise, from
 * the promise engine) refines the deterministic flag: late = the plan itself misses the promise;
 * at_risk = the probability is below the workshop target; tight = less than 30 minutes of slack.
 */
export function buildBoard(state: PlanState, date: string, onTime?: Map<string, number>) {
  const { snapshot, data } = state;
  const zone = snapshot.workshop.timeZone;
  const day = DateTime.fromISO(date, { zone }).startOf('day');
  const lo = Math.round((day.toMillis() - data.originMs) / 60_000);
  const hi = Math.round((day.plus({ days: 1 }).toMillis() - data.originMs) / 60_000);
  const apts = new Map(snapshot.appointments.map((a) => [a.id, a]));
  const risk = jobRisk(state);
  const at = (min: number) => msToZoned(data.originMs + min * 60_000, zone);
  const names = new Map(snapshot.operations.map((o) => [o.opCode, o.name]));
  const rows = data.assignments
    .filter((a) => a.endMin > lo && a.startMin < hi)
    .sort((x, y) => x.startMin - y.startMin)
    .map((a) => {
      const apt = apts.get(a.appointmentId)!;
      const r = risk.get(a.appointmentId);
      return {
        technicianId: a.technicianId,
        bayId: a.bayId,
        item: {
          appointmentId: a.appointmentId,
          opIndex: a.opIndex,
          opCode: a.opCode,
          opName: names.get(a.opCode) ?? a.opCode,
          vehicle: { plate: apt.vehicle.plate ?? null, make: apt.vehicle.make ?? null, model: apt.vehicle.model ?? null },
          customer: apt.customer.name,
          transport: apt.transport,
          start: at(a.startMin),
          end: at(a.endMin),
          status: apt.operations[a.opIndex]?.status ?? 'pending',
          appointmentStatus: apt.status,
          promisedAt: apt.promisedAt,
          plannedReady: r ? at(r.readyMin) : null,
          lateRisk: riskOf(r?.risk ?? 'no_promise', onTime?.get(a.appointmentId), snapshot.workshop.policy.targetOnTime),
          onTimeProbability: onTime?.get(a.appointmentId) ?? null,
          slackMinutes: r?.slackMin ?? null,
        },
      };
    });
  return {
    workshopId: snapshot.workshop.id,
    date: day.toISODate(),
    asOf: msToZoned(data.asOfMs, zone),
    technicians: snapshot.technicians.map((t) => ({
      technicianId: t.id,
      name: t.name,
      operations: rows.filter((r) => r.technicianId === t.id).map((r) => ({ ...r.item, bayId: r.bayId })),
    })),
    bays: snapshot.bays.map((b) => ({
      bayId: b.id,
      name: b.name,
      operations: rows.filter((r) => r.bayId === b.id).map((r) => ({ ...r.item, technicianId: r.technicianId })),
    })),
    unscheduled: data.unscheduled,
  };
}

/**
 * Installs a plan extended by a booking (the new job inserted into gaps, nothing else moved) as
 * the current plan of the revision the booking created, so the next quote or booking sees the
 * capacity it took without waiting for a replan. The next replan (on a floor event, or when the
 * plan ages) re-optimises everything, warm-started from this plan.
 *
 * Compare-and-set: `prev` must be the plan of revision `ext.revision - 1` and the store must be at
 * `ext.revision` (the booking's own write and nothing else since `prev` was computed). Returns
 * the installed plan; otherwise nothing is installed and null is returned: the caller recomputes.
 */
export function installPlan(
  ctx: AppContext,
  prev: PlanState,
  ext: { model: CompiledWorkshop['model']; plan: Plan; appointment: Appointment; opRefs: CompiledWorkshop['opRefs']; revision: number },
): PlanState | null {
  const workshopId = prev.snapshot.workshop.id;
  if (prev.data.revision !== ext.revision - 1 || ctx.store.workshops.revision(workshopId) !== ext.revision) return null;
  const compiled: CompiledWorkshop = {
    ...prev.compiled,
    model: ext.model,
    opRefs: [...prev.compiled.opRefs, ...ext.opRefs],
    jobRefs: [...prev.compiled.jobRefs, ext.appointment.id],
  };
  const snapshot: WorkshopSnapshot = { ...prev.snapshot, revision: ext.revision, appointments: [...prev.snapshot.appointments, ext.appointment] };
  const data: PlanData = {
    ...prev.data,
    revision: ext.revision,
    assignments: ext.plan.assignments.filter((a) => a.tech >= 0).map((a) => toStored(compiled, a)),
  };
  const state: PlanState = { data, compiled, snapshot, plan: ext.plan };
  ctx.services.plans.set(workshopId, state);
  ctx.store.plans.put({ workshopId, revision: ext.revision, asOf: new Date(data.asOfMs).toISOString(), createdAt: new Date(ctx.clock.now()).toISOString(), data });
  return state;
}

function riskOf(planned: Risk, p: number | undefined, target: number): Risk {
  if (planned === 'late' || planned === 'no_promise' || p === undefined) return planned;
  return p < target ? 'at_risk' : planned;
}
