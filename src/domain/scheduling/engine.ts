/**
 * General engine for workshop models (calendars, bays, releases, fixed ops, any precedence DAG):
 * a schedule is a topological priority list + a technician per op, decoded by a serial schedule
 * generator (earliest slot, greedy bay) on the Timetable. Construction is priority dispatch with a
 * heap; improvement is a seeded local search on the list and the technician choice.
 */
import { Pacer } from './pacer.js';
import TinyQueue from 'tinyqueue';
import type { Rng } from '../../lib/random.js';
import type { Assignment, PlanObjective, SchedulingModel, Weights } from './model.js';
import { Timetable, type Slot } from './timetable.js';

export type ObjectiveKind = 'workshop' | 'makespan';

export interface PrevInfo { tech: number; bay: number; start: number }

export interface Ctx {
  model: SchedulingModel;
  tt: Timetable;
  n: number;
  /** ops that cannot be scheduled (invalid, or waiting on one that is) with the reason */
  skip: (string | null)[];
  succ: number[][];
  rel: Float64Array;
  minDur: Float64Array;
  /** longest chain of min durations from the op's start to the end of its successors */
  tail: Float64Array;
  weights: Weights;
  objective: ObjectiveKind;
  prev: (PrevInfo | null)[] | null;
  tol: number;
  hasOvertime: boolean;
}

export function buildCtx(model: SchedulingModel, skipIn: (string | null)[], weights: Weights, objective: ObjectiveKind, prev: (PrevInfo | null)[] | null, tol: number): Ctx {
  const n = model.ops.length;
  const succ: number[][] = model.ops.map(() => []);
  model.ops.forEach((o, i) => { for (const p of o.preds) if (p >= 0 && p < n) succ[p].push(i); });
  const rel = new Float64Array(n);
  const minDur = new Float64Array(n);
  model.ops.forEach((o, i) => {
    rel[i] = Math.max(o.release, model.jobs[o.job]?.release ?? 0);
    minDur[i] = o.fixed ? o.fixed.end - o.fixed.start : o.alternatives.length ? Math.min(...o.alternatives.map((a) => a.minutes)) : 0;
  });
  // topological order (skip-marked cycle ops are excluded from it)
  const skip = skipIn.slice();
  const topo = topoOrder(model, skip);
  // propagate skip to successors
  for (const v of topo) {
    if (skip[v]) continue;
    for (const p of model.ops[v].preds) if (skip[p]) { skip[v] = `predecessor ${model.ops[p].key} cannot be scheduled`; break; }
  }
  const tail = new Float64Array(n);
  for (let k = topo.length - 1; k >= 0; k--) {
    const v = topo[k];
    let t = 0;
    for (const s of succ[v]) if (tail[s] > t) t = tail[s];
    tail[v] = t + minDur[v];
  }
  return {
    model, tt: new Timetable(model), n, skip, succ, rel, minDur, tail, weights, objective, prev, tol,
    hasOvertime: model.techs.some((t) => t.overtime && t.overtime.length > 0),
  };
}

/** topological order of ops not marked in skip; ops on cycles get marked */
export function topoOrder(model: SchedulingModel, skip: (string | null)[]): number[] {
  const n = model.ops.length;
  const indeg = new Int32Array(n);
  const succ: number[][] = model.ops.map(() => []);
  model.ops.forEach((o, i) => { for (const p of o.preds) if (p >= 0 && p < n && p !== i) { succ[p].push(i); indeg[i]++; } });
  const out: number[] = [];
  const stack: number[] = [];
  for (let i = n - 1; i >= 0; i--) if (indeg[i] === 0) stack.push(i);
  while (stack.length) {
    const v = stack.pop()!;
    out.push(v);
    for (const w of succ[v]) if (--indeg[w] === 0) stack.push(w);
  }
  for (let i = 0; i < n; i++) if (indeg[i] > 0 && !skip[i]) skip[i] = 'on a precedence cycle';
  return out;
}

/** Decoded schedule (typed arrays, reused across decodes). */
export class Sched {
  start: Float64Array;
  end: Float64Array;
  tech: Int32Array;
  bay: Int32Array;
  ok: Uint8Array;
  constructor(n: number) {
    this.start = new Float64Array(n);
    this.end = new Float64Array(n);
    this.tech = new Int32Array(n);
    this.bay = new Int32Array(n);
    this.ok = new Uint8Array(n);
  }
  copyFrom(o: Sched): void {
    this.start.set(o.start); this.end.set(o.end); this.tech.set(o.tech); this.bay.set(o.bay); this.ok.set(o.ok);
  }
}

function placeFixed(ctx: Ctx, s: Sched): void {
  s.ok.fill(0);
  ctx.model.ops.forEach((o, i) => {
    if (!o.fixed) return;
    s.start[i] = o.fixed.start; s.end[i] = o.fixed.end; s.tech[i] = o.fixed.tech; s.bay[i] = o.fixed.bay; s.ok[i] = 1;
  });
}

function estOf(ctx: Ctx, s: Sched, op: number): number {
  let est = ctx.rel[op];
  for (const p of ctx.model.ops[op].preds) {
    if (!s.ok[p]) return -1;
    if (s.end[p] > est) est = s.end[p];
  }
  return est;
}

function record(s: Sched, op: number, tech: number, bay: number, start: number, end: number): void {
  s.start[op] = start; s.end[op] = end; s.tech[op] = tech; s.bay[op] = bay; s.ok[op] = 1;
}

/**
 * Serial decode of a topological list; assign[op] = tech or -1 (choose). With `prefix` (the decode
 * of a list and assignment identical to these before position `from`), the first `from` ops take
 * their slots from it: a serial decode's prefix depends only on the prefix, so only the changed
 * tail is searched again. When the ops up to position `to` (the last one a move touched) all get
 * the slots they have in `prefix`, the timetable is then exactly the prefix's, so is the rest:
 * it is copied and decode returns true (the move changed nothing).
 */
export function decode(ctx: Ctx, order: ArrayLike<number>, assign: Int32Array, append: boolean, s: Sched, from = 0, prefix?: Sched, to = -1): boolean {
  const tt = ctx.tt;
  tt.reset();
  placeFixed(ctx, s);
  let k = 0;
  if (prefix) {
    for (; k < from; k++) {
      const op = order[k];
      if (ctx.skip[op] || !prefix.ok[op]) continue;
      tt.reserveAt(op, prefix.tech[op], prefix.bay[op], prefix.start[op], prefix.end[op]);
      record(s, op, prefix.tech[op], prefix.bay[op], prefix.start[op], prefix.end[op]);
    }
  }
  let same = !!prefix && to >= from;
  for (; k < order.length; k++) {
    const op = order[k];
    if (same && k > to) {
      // nothing differed up to the last touched position: the rest is the prefix schedule's
      for (; k < order.length; k++) {
        const x = order[k];
        if (prefix!.ok[x]) record(s, x, prefix!.tech[x], prefix!.bay[x], prefix!.start[x], prefix!.end[x]);
      }
      return true;
    }
    if (ctx.skip[op]) continue;
    const est = estOf(ctx, s, op);
    let slot: Slot | null = null;
    if (est >= 0) {
      const pb = append && ctx.prev?.[op] && ctx.prev[op]!.tech === assign[op] ? ctx.prev[op]!.bay : -1;
      slot = tt.best(op, assign[op], est, append, pb, ctx.tol);
      if (!slot && assign[op] >= 0) slot = tt.best(op, -1, est, append);
    }
    if (same && (slot ? !prefix!.ok[op] || prefix!.start[op] !== slot.start || prefix!.end[op] !== slot.end || prefix!.tech[op] !== slot.tech || prefix!.bay[op] !== slot.bay : prefix!.ok[op])) same = false;
    if (!slot) continue;
    tt.reserve(op, slot);
    record(s, op, slot.tech, slot.bay, slot.start, slot.end);
  }
  return same;
}

export interface Eval extends PlanObjective { unscheduled: number; score: number; jobC: Float64Array }

export function evaluate(ctx: Ctx, s: Sched): Eval {
  const { model, weights } = ctx;
  const J = model.jobs.length;
  const jobC = new Float64Array(J).fill(-1);
  let unscheduled = 0, makespan = 0, overtime = 0, changes = 0;
  for (let i = 0; i < ctx.n; i++) {
    if (!s.ok[i]) {
      unscheduled++;
      if (ctx.prev?.[i] && !model.ops[i].fixed) changes++; // planned before, dropped now
      continue;
    }
    const e = s.end[i];
    const j = model.ops[i].job;
    if (e > jobC[j]) jobC[j] = e;
    if (e > makespan) makespan = e;
    if (ctx.hasOvertime && !model.ops[i].fixed) overtime += ctx.tt.overtimeOf(i, { tech: s.tech[i], bay: s.bay[i], start: s.start[i], end: s.end[i] });
    const p = ctx.prev?.[i];
    if (p && !model.ops[i].fixed && (p.tech !== s.tech[i] || p.bay !== s.bay[i] || Math.abs(p.start - s.start[i]) > ctx.tol)) changes++;
  }
  let wt = 0, sumC = 0;
  for (let j = 0; j < J; j++) {
    if (jobC[j] < 0) continue;
    sumC += jobC[j];
    const due = model.jobs[j].due;
    if (due !== null && jobC[j] > due) wt += model.jobs[j].weight * (jobC[j] - due);
  }
  const total = ctx.objective === 'makespan'
    ? makespan
    : weights.tardiness * wt + weights.completion * sumC + weights.overtime * overtime + weights.changes * changes;
  const tie = ctx.objective === 'makespan' ? sumC * 1e-9 + changes * 1e-12 : 0;
  return { weightedTardiness: wt, sumCompletion: sumC, overtimeMinutes: overtime, changes, makespan, total, unscheduled, score: unscheduled * 1e15 + total + tie, jobC };
}

export function toAssignments(ctx: Ctx, s: Sched): Assignment[] {
  const out: Assignment[] = [];
  for (let i = 0; i < ctx.n; i++) {
    out.push(s.ok[i] ? { op: i, tech: s.tech[i], bay: s.bay[i], start: s.start[i], end: s.end[i] } : { op: i, tech: -1, bay: -1, start: -1, end: -1 });
  }
  return out;
}

export type Rule = 'workshop' | 'makespan' | 'fifo';

/**
 * Priority dispatch (serial schedule generation with a ready heap): pops the most urgent ready op
 * and puts it on the earliest-finishing (technician, bay) pair.
 *  - workshop: least slack first (due − remaining chain of min durations), waiters/priority (weight) earlier
 *  - makespan: most work remaining first
 *  - fifo: the op that became ready first, then job order
 * Returns the dispatch order and technician choices so the local search can continue from them.
 */
export function dispatch(ctx: Ctx, rule: Rule, s: Sched, prefer?: Int32Array, boost?: Set<number>): { order: number[]; assign: Int32Array } {
  const { model, tt } = ctx;
  const n = ctx.n;
  tt.reset();
  placeFixed(ctx, s);
  const indeg = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    if (model.ops[i].fixed) continue;
    for (const p of model.ops[i].preds) if (!model.ops[p].fixed) indeg[i]++;
  }
  const horizon = model.horizonEnd;
  const key = (op: number, est: number): number => {
    if (boost?.has(op)) return -1e15 + est; // ops a previous pass could not fit go first once ready
    if (rule === 'fifo') return est;
    if (rule === 'makespan') return -ctx.tail[op];
    const job = model.jobs[model.ops[op].job];
    const due = job.due ?? Math.max(horizon, ctx.rel[op] + 7 * 1440);
    return due - ctx.tail[op] - 60 * (job.weight - 1);
  };
  type Item = { op: number; k: number; est: number };
  const q = new TinyQueue<Item>([], (a, b) => a.k - b.k || a.est - b.est || model.ops[a.op].job - model.ops[b.op].job || a.op - b.op);
  const pushIfReady = (op: number) => {
    if (ctx.skip[op] || model.ops[op].fixed) return;
    const est = estOf(ctx, s, op);
    q.push({ op, k: key(op, Math.max(0, est)), est: Math.max(0, est) });
  };
  for (let i = 0; i < n; i++) if (!model.ops[i].fixed && indeg[i] === 0) pushIfReady(i);
  const order: number[] = [];
  const assign = new Int32Array(n).fill(-1);
  while (q.length) {
    const { op } = q.pop()!;
    order.push(op);
    const est = estOf(ctx, s, op);
    if (est >= 0) {
      let slot: Slot | null = null;
      if (prefer && prefer[op] >= 0) slot = tt.best(op, prefer[op], est, false);
      if (!slot) slot = tt.best(op, -1, est, false);
      if (slot) {
        tt.reserve(op, slot);
        record(s, op, slot.tech, slot.bay, slot.start, slot.end);
        assign[op] = slot.tech;
      }
    }
    for (const w of ctx.succ[op]) if (--indeg[w] === 0) pushIfReady(w);
  }
  return { order, assign };
}

export interface SearchOpts {
  deadline: number;
  maxIterations: number;
  rng: Rng;
  signal?: AbortSignal;
  append: boolean;
  onBest?: (score: number) => void;
  /** per job: lower bound on completion (guides which jobs to pull earlier) */
  jobLowerBound?: number[];
  /** the schedule the construction made of (order0, assign0): the search starts from it instead of decoding them again */
  initial?: Sched;
  /** a lower bound on the score: the search stops when its best reaches it (nothing left to gain) */
  scoreLowerBound?: number;
  /**
   * convergence: every `window` iterations the best score must have improved by more than
   * `relativeGain` × |score| (and by more than `minGain`), else the search has converged and stops
   */
  converge?: Convergence;
}

export interface Convergence { window: number; relativeGain: number; minGain: number }

/** Why a search stopped before its iteration cap and its deadline; null when one of those ended it. */
export type Converged = 'lower_bound' | 'stalled' | null;

export interface SearchOut { order: number[]; assign: Int32Array; best: Sched; bestEval: Eval; iterations: number; timeToBest: number; aborted: boolean; converged: Converged }


/**
 * Seeded local search over (list, technician). Moves: pull an op of a late job earlier in the list,
 * push a random op later, give an op another qualified technician, swap neighbours. Accepts
 * non-worsening moves (plateaus are walked). Deterministic for a seed and an iteration count.
 */
export async function localSearch(ctx: Ctx, order0: number[], assign0: Int32Array, opts: SearchOpts): Promise<SearchOut> {
  const t0 = performance.now();
  const { model } = ctx;
  const rng = opts.rng;
  const order = order0.slice();
  const assign = assign0.slice();
  const cur = new Sched(ctx.n);
  if (opts.initial) cur.copyFrom(opts.initial);
  else decode(ctx, order, assign, opts.append, cur);
  for (let i = 0; i < ctx.n; i++) if (cur.ok[i] && !model.ops[i].fixed) assign[i] = cur.tech[i];
  let curEval = evaluate(ctx, cur);
  const best = new Sched(ctx.n);
  best.copyFrom(cur);
  let bestEval = curEval;
  let bestOrder = order.slice();
  let bestAssign = assign.slice();
  let timeToBest = performance.now() - t0;
  const trial = new Sched(ctx.n);
  const pos = new Int32Array(ctx.n).fill(-1);
  const reindex = (a: number, b: number) => { for (let k = Math.min(a, b); k <= Math.max(a, b); k++) pos[order[k]] = k; };
  reindex(0, order.length - 1);
  const jobOps: number[][] = model.jobs.map(() => []);
  for (const op of order) jobOps[model.ops[op].job].push(op);
  const movableJobs = jobOps.map((l, j) => (l.length ? j : -1)).filter((j) => j >= 0);
  const multiAlt = order.filter((op) => model.ops[op].alternatives.length > 1);
  let iterations = 0;
  const pacer = new Pacer(opts.deadline, opts.signal);
  if (order.length === 0) return { order, assign, best, bestEval, iterations, timeToBest, aborted: false, converged: 'lower_bound' };
  let converged: Converged = null;
  let windowStart = 0;
  let windowBest = bestEval.score;
  const lbScore = opts.scoreLowerBound ?? -Infinity;

  const pickJob = (): number => {
    const r = rng.next();
    if (ctx.objective === 'workshop' && r < 0.45) {
      // a tardy job
      const tardy: number[] = [];
      for (const j of movableJobs) { const d = model.jobs[j].due; if (d !== null && curEval.jobC[j] > d) tardy.push(j); }
      if (tardy.length) return tardy[rng.int(tardy.length)];
    }
    if (ctx.objective === 'workshop' && r < 0.8 && opts.jobLowerBound) {
      // a job that finishes well after its own bound, with probability ∝ the excess
      const lb = opts.jobLowerBound;
      let total = 0;
      for (const j of movableJobs) total += Math.max(0, curEval.jobC[j] - lb[j]);
      if (total > 0) {
        let x = rng.next() * total;
        for (const j of movableJobs) { x -= Math.max(0, curEval.jobC[j] - lb[j]); if (x < 0) return j; }
      }
    }
    if (ctx.objective === 'makespan' && r < 0.5) {
      let bj = movableJobs[0];
      for (const j of movableJobs) if (curEval.jobC[j] > curEval.jobC[bj]) bj = j;
      return bj;
    }
    return movableJobs[rng.int(movableJobs.length)];
  };

  const moveTo = (i: number, j: number) => {
    const [op] = order.splice(i, 1);
    order.splice(j, 0, op);
    reindex(i, j);
  };

  while (iterations < opts.maxIterations && (await pacer.proceed())) {
    if (bestEval.score <= lbScore + 1e-6 * Math.max(1, Math.abs(lbScore))) { converged = 'lower_bound'; break; }
    if (opts.converge && iterations - windowStart >= opts.converge.window) {
      const gain = windowBest - bestEval.score;
      if (gain <= Math.max(opts.converge.minGain, opts.converge.relativeGain * Math.abs(bestEval.score))) { converged = 'stalled'; break; }
      windowStart = iterations;
      windowBest = bestEval.score;
    }
    iterations++;
    const r = rng.next();
    let undo: () => void;
    let from: number, to: number; // first and last list positions the move changes
    let reassigned = -1;
    if (r < 0.6 || multiAlt.length === 0) {
      // list move
      const late = r < 0.45;
      const jl = jobOps[pickJob()];
      const op = late ? jl[rng.int(jl.length)] : order[rng.int(order.length)];
      const i = pos[op];
      const span = 1 + rng.int(Math.max(1, Math.min(60, order.length >> 3)));
      let j: number;
      if (late || r < 0.5) {
        let lo = 0;
        for (const p of model.ops[op].preds) if (pos[p] >= 0 && pos[p] + 1 > lo) lo = pos[p] + 1;
        if (lo >= i) continue;
        j = Math.max(lo, i - span);
        if (late && cur.ok[op] && rng.next() < 0.7) {
          // pull the op in front of one that holds its technician or bay between its earliest start and its start
          let e = ctx.rel[op];
          for (const p of model.ops[op].preds) if (cur.ok[p] && cur.end[p] > e) e = cur.end[p];
          const t = cur.tech[op], b = cur.bay[op], st = cur.start[op];
          let cnt = 0, pick = -1;
          for (let k = lo; k < i; k++) {
            const x = order[k];
            if (!cur.ok[x] || cur.end[x] <= e || cur.start[x] >= st) continue;
            if (cur.tech[x] === t || (b >= 0 && cur.bay[x] === b)) { if (rng.int(++cnt) === 0) pick = k; }
          }
          if (pick >= 0) j = pick;
        }
      } else {
        let hi = order.length - 1;
        for (const w of ctx.succ[op]) if (pos[w] >= 0 && pos[w] - 1 < hi) hi = pos[w] - 1;
        if (hi <= i) continue;
        j = Math.min(hi, i + span);
      }
      moveTo(i, j);
      undo = () => moveTo(j, i);
      from = Math.min(i, j);
      to = Math.max(i, j);
    } else {
      // reassignment
      let op: number;
      if (r < 0.8) {
        const jl = jobOps[pickJob()].filter((o) => model.ops[o].alternatives.length > 1);
        op = jl.length ? jl[rng.int(jl.length)] : multiAlt[rng.int(multiAlt.length)];
      } else op = multiAlt[rng.int(multiAlt.length)];
      const alts = model.ops[op].alternatives;
      const old = assign[op];
      let t = alts[rng.int(alts.length)].tech;
      if (t === old) t = alts[(alts.findIndex((a) => a.tech === old) + 1) % alts.length].tech;
      if (rng.next() < 0.5) t = -1; // let the decoder take the earliest-finishing technician
      assign[op] = t;
      undo = () => { assign[op] = old; };
      from = to = pos[op];
      reassigned = op;
    }
    if (decode(ctx, order, assign, opts.append, trial, from, cur, to)) {
      // the same schedule: accepted as it stands (the technician choice normalised as on acceptance)
      if (reassigned >= 0 && cur.ok[reassigned]) assign[reassigned] = cur.tech[reassigned];
      continue;
    }
    const ev = evaluate(ctx, trial);
    if (ev.score <= curEval.score) {
      cur.copyFrom(trial);
      curEval = ev;
      for (let i = 0; i < ctx.n; i++) if (cur.ok[i] && !model.ops[i].fixed) assign[i] = cur.tech[i];
      if (ev.score < bestEval.score) {
        best.copyFrom(cur);
        bestEval = ev;
        bestOrder = order.slice();
        bestAssign = assign.slice();
        timeToBest = performance.now() - t0;
        opts.onBest?.(ev.score);
      }
    } else undo();
  }
  return { order: bestOrder, assign: bestAssign, best, bestEval, iterations, timeToBest, aborted: pacer.aborted, converged };
}
