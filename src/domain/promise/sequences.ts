/**
 * The plan's sequences, the part of a plan the forecast keeps fixed.
 *
 * A plan fixes WHO does WHAT in WHICH ORDER; times float. The order is the planned order
 *   x before y  ⇔  (start, end, op index) of x < that of y
 * which is a topological order of every edge the forecast follows (job precedence, the vehicle's
 * own sequence, the technician's and the bay's sequences). From it:
 *   techSeq[t] / baySeq[b]  the scheduled ops of technician t / bay b, in planned order
 *   techPrev / bayPrev      the op just before each op on its technician / bay (-1 none)
 *   jobPrev                 the previous non-parallel op of the same vehicle (-1 none)
 *   binding candidates      what an op waits for: its job predecessors, jobPrev, techPrev, bayPrev
 *                           (scheduled ones only; none for an in-progress op)
 * An op is scheduled when its assignment has a technician, a start ≥ 0 and end ≥ start.
 * Inserting new ops merges them into these rows by binary search: a new op waits for the op before
 * it in its row, and the base op after it now waits for the new op (`linkNewOps` for a tentative
 * insertion, `insertIntoSequences` when the insertion is adopted).
 */
import type { OpFact, Plan, SchedulingModel } from '../scheduling/model.js';
import { KIND_BAY, KIND_JOB, KIND_TECH } from './sampling.js';

type Assignments = Pick<Plan, 'assignments'>;

/** comparator of the planned order of `plan`'s ops: (start, end, index) */
export const plannedOrder = (plan: Assignments) => (x: number, y: number) => {
  const a = plan.assignments[x], b = plan.assignments[y];
  return a.start - b.start || a.end - b.end || x - y;
};

/** the assignment places the op (technician, start ≥ 0, end ≥ start) */
export function isScheduled(a: Plan['assignments'][number] | undefined): boolean {
  return !!(a && a.tech >= 0 && a.start >= 0 && a.end >= a.start);
}

/** where op o goes in a sequence kept in planned order: the index of the first op after it (search from `from`) */
export function sequenceIndex(row: readonly number[], o: number, cmp: (x: number, y: number) => number, from = 0): number {
  let lo = from, hi = row.length;
  while (lo < hi) { const m = (lo + hi) >> 1; if (cmp(row[m], o) < 0) lo = m + 1; else hi = m; }
  return lo;
}

/** sequenceIndex for an op of `plan` (e.g. a new op of an insertion against the base simulation's techSeq/baySeq) */
export function sequencePosition(row: readonly number[], o: number, plan: Assignments): number {
  return sequenceIndex(row, o, plannedOrder(plan));
}

export interface PlanSequences {
  /** 1 for each op the plan schedules */
  scheduled: Uint8Array;
  /** scheduled ops per technician / bay in planned order */
  techSeq: number[][];
  baySeq: number[][];
  /** planned predecessors on the same technician / bay / vehicle (-1 none) */
  techPrev: Int32Array;
  bayPrev: Int32Array;
  jobPrev: Int32Array;
}

/** the sequences of a plan, and its scheduled ops in planned order */
export function planSequences(model: SchedulingModel, plan: Assignments): PlanSequences & { order: number[] } {
  const n = model.ops.length;
  const scheduled = new Uint8Array(n);
  for (let i = 0; i < n; i++) if (isScheduled(plan.assignments[i])) scheduled[i] = 1;
  const order: number[] = [];
  for (let i = 0; i < n; i++) if (scheduled[i]) order.push(i);
  order.sort(plannedOrder(plan));
  const techSeq: number[][] = model.techs.map(() => []);
  const baySeq: number[][] = model.bays.map(() => []);
  const jobLast = new Int32Array(model.jobs.length).fill(-1);
  const techPrev = new Int32Array(n).fill(-1), bayPrev = new Int32Array(n).fill(-1), jobPrev = new Int32Array(n).fill(-1);
  for (const o of order) {
    const a = plan.assignments[o];
    const ts = techSeq[a.tech];
    if (ts.length) techPrev[o] = ts[ts.length - 1];
    ts.push(o);
    if (a.bay >= 0) {
      const bs = baySeq[a.bay];
      if (bs.length) bayPrev[o] = bs[bs.length - 1];
      bs.push(o);
    }
    const op = model.ops[o];
    if (!op.parallel) {
      jobPrev[o] = jobLast[op.job];
      jobLast[op.job] = o;
    }
  }
  return { scheduled, order, techSeq, baySeq, techPrev, bayPrev, jobPrev };
}

/**
 * Binding candidates of an op (none when it is in progress): its job predecessors, then the
 * previous op of the vehicle, then its technician and bay predecessors; unscheduled ops (index
 * < n) and repeats are left out.
 */
export function bindingCandidates(
  op: OpFact, jobPrev: number, techPrev: number, bayPrev: number, scheduled: Uint8Array, n: number,
): { preds: number[]; kinds: number[] } {
  const preds: number[] = [], kinds: number[] = [];
  if (op.fixed) return { preds, kinds };
  const add = (p: number, k: number) => {
    if (p < 0 || (p < n && !scheduled[p]) || preds.includes(p)) return;
    preds.push(p); kinds.push(k);
  };
  for (const p of op.preds) add(p, KIND_JOB);
  add(jobPrev, KIND_JOB);
  add(techPrev, KIND_TECH);
  add(bayPrev, KIND_BAY);
  return { preds, kinds };
}

export interface NewOpLinks {
  /** binding candidates of each new op */
  newPreds: Map<number, { preds: number[]; kinds: number[] }>;
  /** base op → the new op now just before it on its technician / bay */
  techOver: Map<number, number>;
  bayOver: Map<number, number>;
  /** the new ops in planned order */
  newSorted: number[];
}

/**
 * A tentative insertion's links into the base sequences (which stay untouched): job precedence
 * first (binding ties then name the vehicle's own op), then the technician rows, then the bays.
 */
export function linkNewOps(base: Pick<PlanSequences, 'techSeq' | 'baySeq'>, model: SchedulingModel, plan: Assignments, newOps: readonly number[]): NewOpLinks {
  const cmp = plannedOrder(plan);
  const techOver = new Map<number, number>(), bayOver = new Map<number, number>();
  const newPreds = new Map<number, { preds: number[]; kinds: number[] }>();
  for (const o of newOps) newPreds.set(o, { preds: [], kinds: [] });
  const addPred = (o: number, p: number, k: number) => {
    const f = newPreds.get(o)!;
    if (p >= 0 && !f.preds.includes(p)) { f.preds.push(p); f.kinds.push(k); }
  };
  const mergeSeq = (seqs: number[][], res: (o: number) => number, kind: number, over: Map<number, number>) => {
    const groups = new Map<number, number[]>();
    for (const o of newOps) {
      const r = res(o);
      if (r < 0) continue;
      (groups.get(r) ?? groups.set(r, []).get(r)!).push(o);
    }
    for (const [r, list] of groups) {
      // the row is in planned order: merge the (few) new ops in by binary search
      const row = seqs[r];
      let from = 0, prevNew = -1;
      for (const o of list.sort(cmp)) {
        const lo = sequenceIndex(row, o, cmp, from);
        // its predecessor: the previous new op when both sit in the same gap, else the base op before it
        addPred(o, prevNew >= 0 && lo === from ? prevNew : lo > 0 ? row[lo - 1] : -1, kind);
        if (lo < row.length) over.set(row[lo], o);
        prevNew = o;
        from = lo;
      }
    }
  };
  const newSorted = [...newOps].sort(cmp);
  let lastNonPar = -1;
  for (const o of newSorted) {
    const op = model.ops[o];
    for (const p of op.preds) addPred(o, p, KIND_JOB);
    if (!op.parallel) { addPred(o, lastNonPar, KIND_JOB); lastNonPar = o; }
  }
  mergeSeq(base.techSeq, (o) => plan.assignments[o].tech, KIND_TECH, techOver);
  mergeSeq(base.baySeq, (o) => plan.assignments[o].bay, KIND_BAY, bayOver);
  return { newPreds, techOver, bayOver, newSorted };
}

/**
 * The sequences of `prev`'s plan with the scheduled ones of `newOps` (indices ≥ prev's op count)
 * merged in, as `planSequences` would build them on the extended plan. Rows and arrays are copied,
 * never changed in place: `prev` stays valid.
 */
export function insertIntoSequences(prev: PlanSequences, model: SchedulingModel, plan: Assignments, newOps: readonly number[]): PlanSequences {
  const n = model.ops.length;
  const cmp = plannedOrder(plan);
  const scheduled = new Uint8Array(n);
  scheduled.set(prev.scheduled);
  const added: number[] = [];
  newOps.forEach((o) => {
    if (isScheduled(plan.assignments[o])) { scheduled[o] = 1; added.push(o); }
  });
  added.sort(cmp);
  const grow = (x: Int32Array) => { const y = new Int32Array(n).fill(-1); y.set(x); return y; };
  const techPrev = grow(prev.techPrev), bayPrev = grow(prev.bayPrev), jobPrev = grow(prev.jobPrev);
  const techSeq = prev.techSeq.slice(), baySeq = prev.baySeq.slice();
  const merge = (seqs: number[][], prevOf: Int32Array, r: number, o: number) => {
    const row = seqs[r].slice();
    const k = sequenceIndex(row, o, cmp);
    row.splice(k, 0, o);
    seqs[r] = row;
    prevOf[o] = k > 0 ? row[k - 1] : -1;
    if (k + 1 < row.length) prevOf[row[k + 1]] = o;
  };
  const jobLast = new Map<number, number>();
  for (const o of added) {
    const a = plan.assignments[o];
    merge(techSeq, techPrev, a.tech, o);
    if (a.bay >= 0) merge(baySeq, bayPrev, a.bay, o);
    const op = model.ops[o];
    if (!op.parallel) { jobPrev[o] = jobLast.get(op.job) ?? -1; jobLast.set(op.job, o); }
  }
  return { scheduled, techSeq, baySeq, techPrev, bayPrev, jobPrev };
}
