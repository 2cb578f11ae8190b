/**
 * The scheduling engine's entry point: validate → bounds (combinatorial always, LP when asked) →
 * construction (priority dispatch) → improvement within the budget (tabu search on the pure
 * flexible-job-shop fast path for the makespan; local search otherwise) → plan with objective,
 * lower bound and stats. Anytime, seeded, abortable; replans warm-start from the previous plan.
 */
import { yieldNow } from './pacer.js';
import TinyQueue from 'tinyqueue';
import { Rng } from '../../lib/random.js';
import {
  DEFAULT_CHANGE_TOLERANCE_MIN, DEFAULT_WEIGHTS, validateModel,
  type Assignment, type ModelIssue, type Plan, type SchedulingModel, type Weights,
} from './model.js';
import { buildCtx, decode, dispatch, evaluate, localSearch, Sched, toAssignments, type Converged, type Convergence, type Ctx, type Eval, type ObjectiveKind, type PrevInfo } from './engine.js';
import { combinatorialBounds, lpMakespanBound } from './bounds.js';
import { fastPathEligible, fjspTabu } from './tabu.js';

export interface SolveOptions {
  objective: ObjectiveKind;
  weights?: Partial<Weights>;
  /** wall-clock budget; the search stops at the budget, at maxIterations, or on abort */
  timeLimitMs: number;
  seed: number;
  signal?: AbortSignal;
  /** previous plan: warm start + stability term; op indices as in this model unless previousOpKeys is given */
  previous?: Plan | { assignments: Assignment[] };
  /** keys of the ops of the model the previous plan was made for (index-aligned), to match ops by key */
  previousOpKeys?: string[];
  /** LP relaxation bound via solveLp (default: on for the makespan objective) */
  lp?: boolean;
  /** iteration budget: with it, same seed ⇒ same plan regardless of machine speed (if the time limit is not hit first) */
  maxIterations?: number;
  /** start moves up to this many minutes are not counted as a change (default 15) */
  changeToleranceMin?: number;
  /**
   * the local search stops once it has converged (see convergenceFor; default on): a small
   * workshop plans in milliseconds instead of spending its whole budget. `false` searches until
   * the deadline or maxIterations. Iteration-based, so a seed and a cap still give one plan.
   */
  convergence?: Partial<Convergence> | false;
}

/**
 * Default convergence of the local search on n operations: a window of 100 + n/4 iterations in
 * which the best score must improve by more than 1e-4 of itself (and by more than 1, one minute
 * of one vehicle's completion: the objective's grain). Smaller gains are below what a workshop
 * can see, and the next replan (warm-started from this plan) continues from there.
 */
export function convergenceFor(n: number, over: Partial<Convergence> = {}): Convergence {
  return { window: 100 + Math.ceil(n / 4), relativeGain: 1e-4, minGain: 1, ...over };
}

export type LowerBoundSource = 'combinatorial' | 'lp';

export interface SolveStats {
  engine: 'fjsp-tabu' | 'local-search' | 'replan-local-search';
  iterations: number;
  elapsedMs: number;
  constructionMs: number;
  constructionObjective: number;
  timeToBestMs: number;
  lowerBoundSource: LowerBoundSource;
  lpStatus: string | null;
  /** replans: ops whose technician/bay changed or whose start moved more than the tolerance; else null */
  opsMoved: number | null;
  /** why the search stopped early: it reached the lower bound, or stalled (no gain over a window); null: cap, deadline or abort */
  converged: Converged;
  aborted: boolean;
  issues: ModelIssue[];
}

export interface SolveResult { plan: Plan; stats: SolveStats }

/** Ops that cannot be scheduled because of model issues (by key) — reason per op index. */
function skipFromIssues(model: SchedulingModel, issues: ModelIssue[]): (string | null)[] {
  const skip: (string | null)[] = model.ops.map(() => null);
  const byKey = new Map<string, number[]>();
  model.ops.forEach((o, i) => { const l = byKey.get(o.key); if (l) l.push(i); else byKey.set(o.key, [i]); });
  let global: string | null = null;
  for (const is of issues) {
    const ops = byKey.get(is.op);
    if (ops) { for (const i of ops) skip[i] ??= `${is.code}: ${is.message}`; }
    else if (is.code === 'invalid_interval' || is.code === 'invalid_reference') global ??= `${is.code}: ${is.message}`;
  }
  if (global) return skip.map(() => global);
  return skip;
}

function alignPrevious(model: SchedulingModel, opts: SolveOptions): (PrevInfo | null)[] | null {
  if (!opts.previous) return null;
  const pa = opts.previous.assignments;
  const out: (PrevInfo | null)[] = model.ops.map(() => null);
  if (opts.previousOpKeys) {
    const idx = new Map(model.ops.map((o, i) => [o.key, i] as const));
    opts.previousOpKeys.forEach((k, pi) => {
      const i = idx.get(k);
      const a = pa[pi];
      if (i !== undefined && a && a.tech >= 0) out[i] = { tech: a.tech, bay: a.bay, start: a.start };
    });
  } else {
    for (const a of pa) if (a && a.op >= 0 && a.op < model.ops.length && a.tech >= 0) out[a.op] = { tech: a.tech, bay: a.bay, start: a.start };
  }
  return out;
}

function makePlan(ctx: Ctx, s: Sched, ev: Eval, lowerBound: number): Plan {
  const unscheduled: { op: number; reason: string }[] = [];
  for (let i = 0; i < ctx.n; i++) {
    if (s.ok[i]) continue;
    unscheduled.push({ op: i, reason: ctx.skip[i] ?? 'no free slot for a qualified technician (and bay) in the calendars' });
  }
  const { weightedTardiness, sumCompletion, overtimeMinutes, changes, makespan, total } = ev;
  return {
    assignments: toAssignments(ctx, s),
    objective: { weightedTardiness, sumCompletion, overtimeMinutes, changes, makespan, total },
    lowerBound, unscheduled,
  };
}

/** Topological order of the ops to place, by previous start (new ops by release). */
function replanOrder(ctx: Ctx): number[] {
  const { model } = ctx;
  const n = ctx.n;
  // ops the previous plan did not place come last (by release) so they do not displace planned work
  const key = (i: number) => ctx.prev?.[i]?.start ?? 1e12 + ctx.rel[i];
  const indeg = new Int32Array(n);
  for (let i = 0; i < n; i++) for (const p of model.ops[i].preds) if (!model.ops[p].fixed) indeg[i]++;
  const q = new TinyQueue<number>([], (a, b) => key(a) - key(b) || a - b);
  for (let i = 0; i < n; i++) if (!model.ops[i].fixed && indeg[i] === 0) q.push(i);
  const out: number[] = [];
  while (q.length) {
    const v = q.pop()!;
    out.push(v);
    for (const w of ctx.succ[v]) if (!model.ops[w].fixed && --indeg[w] === 0) q.push(w);
  }
  return out.filter((v) => !ctx.skip[v]);
}

/**
 * Plan (or replan) the workshop. Never throws on bad input: invalid ops end up in
 * `plan.unscheduled` with the reason and `stats.issues` lists what validateModel found.
 */
export async function solve(model: SchedulingModel, opts: SolveOptions): Promise<SolveResult> {
  const t0 = performance.now();
  const deadline = t0 + Math.max(0, opts.timeLimitMs);
  const weights: Weights = { ...DEFAULT_WEIGHTS, ...(opts.weights ?? {}) };
  const issues = validateModel(model);
  const skip = skipFromIssues(model, issues);
  const prev = alignPrevious(model, opts);
  const ctx = buildCtx(model, skip, weights, opts.objective, prev, opts.changeToleranceMin ?? DEFAULT_CHANGE_TOLERANCE_MIN);
  const rng = new Rng(opts.seed);
  const maxIterations = opts.maxIterations ?? Number.POSITIVE_INFINITY;

  const cb = combinatorialBounds(model, ctx.skip, ctx.tt);
  let lowerBound = opts.objective === 'makespan' ? cb.makespan : cb.weightedTardiness;
  let lbSource: LowerBoundSource = 'combinatorial';
  let lpStatus: string | null = null;
  const useLp = (opts.lp ?? opts.objective === 'makespan') && opts.objective === 'makespan';
  const lpAbort = new AbortController();
  const onOuterAbort = () => lpAbort.abort();
  opts.signal?.addEventListener('abort', onOuterAbort, { once: true });
  let lpValue: number | null = null;
  const lpPromise = useLp
    ? lpMakespanBound(model, ctx.skip, Math.max(50, opts.timeLimitMs), lpAbort.signal).then((r) => {
        lpStatus = r.status;
        if (r.bound !== null) lpValue = r.bound;
      })
    : null;

  // ---- construction
  // let the event loop breathe between the synchronous phases (each is tens of ms on 1,000 ops)
  await yieldNow();
  const s = new Sched(ctx.n);
  let order: number[];
  let assign: Int32Array;
  let append = false;
  let engine: SolveStats['engine'] = 'local-search';
  if (prev) {
    // warm start: previous technicians and sequences, repaired by decoding in previous-start order
    order = replanOrder(ctx);
    assign = new Int32Array(ctx.n).fill(-1);
    for (let i = 0; i < ctx.n; i++) {
      const p = prev[i];
      if (p && model.ops[i].alternatives.some((a) => a.tech === p.tech)) assign[i] = p.tech;
    }
    append = true;
    engine = 'replan-local-search';
    decode(ctx, order, assign, true, s);
    for (let i = 0; i < ctx.n; i++) if (s.ok[i] && !model.ops[i].fixed) assign[i] = s.tech[i];
  } else {
    // two dispatch rules (urgency/most-work-remaining, and first-come-first-served); keep the better
    const rule = opts.objective === 'makespan' ? 'makespan' : 'workshop';
    let d = dispatch(ctx, rule, s);
    // ops left without a slot (calendar full at the end of the horizon) are given precedence and the
    // dispatch is repeated, a few times at most
    const boost = new Set<number>();
    for (let pass = 0; pass < 3; pass++) {
      const missing = d.order.filter((v) => !ctx.skip[v] && !s.ok[v] && !boost.has(v));
      if (!missing.length) break;
      // boost the op and its whole chain of predecessors (often the predecessor ended too late)
      const stack = [...missing];
      while (stack.length) {
        const v = stack.pop()!;
        if (boost.has(v)) continue;
        boost.add(v);
        for (const p of model.ops[v].preds) if (!model.ops[p].fixed) stack.push(p);
      }
      await yieldNow();
      const s3 = new Sched(ctx.n);
      const d3 = dispatch(ctx, rule, s3, undefined, boost);
      if (evaluate(ctx, s3).score < evaluate(ctx, s).score) { s.copyFrom(s3); d = d3; }
    }
    order = d.order.filter((v) => !ctx.skip[v]);
    assign = d.assign;
    if (!fastPathEligible(model) || opts.objective !== 'makespan') {
      await yieldNow();
      const s2 = new Sched(ctx.n);
      const d2 = dispatch(ctx, 'fifo', s2);
      if (evaluate(ctx, s2).score < evaluate(ctx, s).score) {
        s.copyFrom(s2);
        order = d2.order.filter((v) => !ctx.skip[v]);
        assign = d2.assign;
      }
    }
  }
  const constructionMs = performance.now() - t0;
  const constEval = evaluate(ctx, s);

  let best = s;
  let bestEval = constEval;
  let iterations = 0;
  let converged: Converged = null;
  let timeToBest = constructionMs;
  let aborted = !!opts.signal?.aborted;
  await yieldNow();
  aborted ||= !!opts.signal?.aborted;

  const lbNow = () => Math.max(lowerBound, lpValue ?? -Infinity);
  if (!aborted && !prev && opts.objective === 'makespan' && fastPathEligible(model) && constEval.unscheduled === 0) {
    engine = 'fjsp-tabu';
    const out = await fjspTabu(model, { mach: s.tech, start: s.start }, {
      deadline, maxIterations, rng, signal: opts.signal, lowerBound: lbNow,
    });
    iterations = out.iterations;
    aborted = out.aborted;
    if (out.makespan <= lbNow()) converged = 'lower_bound';
    if (out.makespan < constEval.makespan) {
      const t = new Sched(ctx.n);
      t.tech.set(out.mach); t.start.set(out.start); t.end.set(out.end); t.bay.fill(-1); t.ok.fill(1);
      best = t;
      bestEval = evaluate(ctx, t);
      timeToBest = constructionMs + out.timeToBest;
    }
  } else if (!aborted && order.length > 0) {
    const out = await localSearch(ctx, order, assign, {
      deadline, maxIterations, rng, signal: opts.signal, append, jobLowerBound: cb.jobCompletion, initial: s,
      scoreLowerBound: scoreLowerBound(ctx, cb.jobCompletion, cb.makespan),
      ...(opts.convergence === false ? {} : { converge: convergenceFor(order.length, opts.convergence) }),
    });
    iterations = out.iterations;
    aborted = out.aborted;
    converged = out.converged;
    if (out.bestEval.score < constEval.score) {
      best = out.best;
      bestEval = out.bestEval;
      timeToBest = constructionMs + out.timeToBest;
    }
  }

  // ---- bound: wait for the LP only while budget remains, and not when the plan is already optimal
  if (lpPromise) {
    const primary = bestEval.makespan;
    if (primary > lbNow() && !aborted) {
      const left = deadline - performance.now();
      if (left > 0) await Promise.race([lpPromise, new Promise((r) => setTimeout(r, left))]);
    }
    lpAbort.abort();
    if (lpStatus === null) lpStatus = 'timeout';
  }
  opts.signal?.removeEventListener('abort', onOuterAbort);
  if (lpValue !== null && lpValue > lowerBound) { lowerBound = lpValue; lbSource = 'lp'; }

  const plan = makePlan(ctx, best, bestEval, lowerBound);
  return {
    plan,
    stats: {
      engine, iterations,
      elapsedMs: performance.now() - t0,
      constructionMs,
      constructionObjective: constEval.total,
      timeToBestMs: timeToBest,
      lowerBoundSource: lbSource,
      lpStatus,
      opsMoved: prev ? bestEval.changes : null,
      converged,
      aborted, issues,
    },
  };
}

/**
 * A lower bound on the search's score with every op scheduled: per job, its completion bound's
 * weighted tardiness and completion time (overtime and changes cannot go below 0); for the
 * makespan, the makespan bound.
 */
function scoreLowerBound(ctx: Ctx, jobCompletion: number[], makespan: number): number {
  if (ctx.objective === 'makespan') return makespan;
  let lb = 0;
  ctx.model.jobs.forEach((j, ji) => {
    const c = jobCompletion[ji];
    if (!(c > 0)) return;
    lb += ctx.weights.completion * c + (j.due !== null && c > j.due ? ctx.weights.tardiness * j.weight * (c - j.due) : 0);
  });
  return lb;
}

/** FIFO dispatch baseline: ops in the order they become ready, earliest-finishing technician/bay. */
export function dispatchFifo(model: SchedulingModel, objective: ObjectiveKind = 'makespan', weights?: Partial<Weights>): Plan {
  const issues = validateModel(model);
  const ctx = buildCtx(model, skipFromIssues(model, issues), { ...DEFAULT_WEIGHTS, ...(weights ?? {}) }, objective, null, DEFAULT_CHANGE_TOLERANCE_MIN);
  const s = new Sched(ctx.n);
  dispatch(ctx, 'fifo', s);
  const cb = combinatorialBounds(model, ctx.skip);
  return makePlan(ctx, s, evaluate(ctx, s), objective === 'makespan' ? cb.makespan : cb.weightedTardiness);
}
