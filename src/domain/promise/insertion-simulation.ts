/**
 * Forecast of a plan with a new job inserted, derived from the base plan's simulation.
 *
 * The extended plan keeps the base ops' indices and appends the new ops (ExtendedPlan). The new
 * ops are linked into the base sequences (sequences.ts `linkNewOps`): each waits for the op before
 * it on its technician / bay and for its own job's predecessors; the base op right after a new op
 * now waits for it. Only the new ops and the base ops downstream of them are re-simulated, with
 * the base ops' own random numbers (common random numbers), one propagation in planned order (a
 * topological order of every edge):
 *   a new op is always sampled;
 *   a base op is re-sampled when one of its inputs changed; when its sampled ends are identical to
 *   the base (bit for bit) the change stops there, otherwise its successors are queued.
 * So the work is the affected cone, not the plan. The constructor runs the propagation up to the
 * last new op (the new job's forecast is exact at once); `propagate()` runs the rest, optionally
 * bounded by an assessment window (base ops planned to start at or after it are left as the
 * frontier) or ended early by `stop` after a changed base op. An insertion only adds constraints,
 * so ends can only grow: what is known at any point is a lower bound of every affected completion.
 * PromiseSimulation.extend adopts an insertion without simulating the plan again.
 */
import type { Plan, SchedulingModel } from '../scheduling/model.js';
import TinyQueue from 'tinyqueue';
import { buildForecast, JobForecast } from './job-forecast.js';
import type { PromiseSimulation } from './promise-simulation.js';
import { sampledDurations, sampleOp, Slab, streamOf, type OpSamples, type SamplingFacts } from './sampling.js';
import { linkNewOps, plannedOrder } from './sequences.js';

export interface ExtendedPlan {
  model: SchedulingModel;
  plan: Pick<Plan, 'assignments'>;
  /** indices (≥ base n) of the appended ops */
  newOps: readonly number[];
  /** op codes of the appended ops (aligned with newOps) */
  newOpCodes: readonly string[];
}

/**
 * The base simulation with extra ops appended (same indices for the base ops). Only the new ops
 * and the base ops downstream of them are re-simulated; propagation stops at an op whose sampled
 * ends are identical to the base (common random numbers make that exact), so the work is the
 * affected cone, not the plan.
 */
export class InsertionSimulation {
  /** re-simulated base ops whose ends changed, and the new ops */
  readonly changed = new Map<number, OpSamples>();
  /** base ops re-simulated whose sampled ends came out identical to the base (kept for extend()) */
  readonly unchanged = new Map<number, OpSamples>();
  /**
   * ops whose inputs may have changed but that were not re-simulated: planned to start after the
   * assessment window, or after the op where a `stop` ended the propagation
   */
  readonly frontier = new Set<number>();
  /** base ops re-simulated (changed or not) */
  resimulated = 0;

  constructor(readonly base: PromiseSimulation, readonly ext: ExtendedPlan) {
    const { model, plan, newOps } = ext;
    const n = base.n;
    const cmp = plannedOrder(plan);
    const isNew = (o: number) => o >= n;
    // sequences with the new ops merged in: new preds for the new ops and the ops right after them
    const { newPreds, techOver, bayOver, newSorted } = linkNewOps(base, model, plan, newOps);

    const facts = new Map<number, SamplingFacts>();
    newOps.forEach((o, i) => {
      const a = plan.assignments[o];
      const nf = newPreds.get(o)!;
      facts.set(o, base.opFacts(o, a.tech, a.bay, a, ext.newOpCodes[i] ?? '', nf.preds, nf.kinds, model));
    });
    const overridden = new Set<number>([...techOver.keys(), ...bayOver.keys()]);
    for (const o of overridden) {
      const { preds, kinds } = base.predList(o, techOver.get(o) ?? base.techPrev[o], bayOver.get(o) ?? base.bayPrev[o]);
      facts.set(o, { ...base.facts[o]!, preds, kinds });
    }

    this.facts = facts;
    // successors of the new ops, and the new ops that wait for a base op (the base may change first)
    facts.forEach((f, o) => {
      for (const p of f.preds) if (isNew(p) || isNew(o)) (this.newSucc.get(p) ?? this.newSucc.set(p, []).get(p)!).push(o);
    });
    // one propagation in planned (topological) order: the new ops, the re-linked ops after them and
    // whatever changes downstream; run now up to the last new op (so the new job's forecast is exact)
    this.queue = new TinyQueue<number>([], cmp);
    for (const o of newOps) this.enqueue(o);
    for (const o of overridden) this.enqueue(o);
    this.lastNew = newSorted[newSorted.length - 1];
    this.run(Infinity, undefined, this.lastNew);
  }

  private readonly queue: TinyQueue<number>;
  private slab?: Slab;
  private readonly queued = new Set<number>();
  /** successors that are not in base.succ: of a new op, and new ops waiting for a base op */
  private readonly newSucc = new Map<number, number[]>();
  private readonly lastNew: number;

  private enqueue(o: number): void {
    if (this.queued.has(o)) return;
    this.queued.add(o);
    this.queue.push(o);
  }

  /**
   * Processes queued ops in planned order (a topological order of every edge): re-samples each,
   * keeps it when its ends differ from the base (new ops always), queues its successors. Stops
   * before ops after `until` (in planned order); base ops planned to start at or after
   * `effectUntil` are left as frontier; `stop` may end it after a changed base op.
   */
  private run(effectUntil: number, stop: ((op: number) => boolean) | undefined, until: number): boolean {
    const { base } = this;
    const { model, plan } = this.ext;
    const S = base.S, n = base.n;
    const q = this.queue;
    const cmp = plannedOrder(plan);
    let spare: OpSamples | null = null; // the arrays of an op that came out unchanged, for the next one
    while (q.length) {
      const o = q.peek()!;
      if (until >= 0 && cmp(o, until) > 0) return false;
      q.pop();
      if (o < n && plan.assignments[o].start >= effectUntil) { this.frontier.add(o); continue; }
      const f = this.facts.get(o) ?? base.facts[o]!;
      if (o < n && this.facts.has(o) && !f.dur) f.dur = sampledDurations(S, base.z(streamOf(model.ops[o])), base.facts[o]!);
      const r: OpSamples = spare ?? (this.slab ??= new Slab(S, 4)).out();
      spare = null;
      sampleOp(S, base.z(streamOf(model.ops[o])), f, this.getEnd, r);
      if (o >= n) this.changed.set(o, r);
      else {
        this.resimulated++;
        const be = base.ends(o), end = r.end;
        let same = true;
        for (let s = 0; s < S; s++) if (end[s] !== be[s]) { same = false; break; }
        if (same) { if (this.facts.has(o)) this.unchanged.set(o, r); else spare = r; continue; }
        this.changed.set(o, r);
        if (stop?.(o)) { for (const x of base.succ[o]) this.frontier.add(x); return true; }
        for (const x of base.succ[o]) this.enqueue(x);
      }
      const extra = this.newSucc.get(o);
      if (extra) for (const x of extra) this.enqueue(x);
    }
    return false;
  }

  /** sampling facts of the new ops and of the base ops re-linked after them (read by PromiseSimulation.extend) */
  readonly facts: Map<number, SamplingFacts>;
  private propagated = false;
  private truncated = false;
  /** propagate() has run to the end (changed/unchanged/frontier describe the whole downstream effect) */
  get wasPropagated(): boolean { return this.propagated && !this.truncated; }

  /**
   * ops whose ends may differ from the base but were not (yet) re-simulated: the frontier and the
   * ops still queued. Everything re-simulated so far is exact; only these and their descendants are not.
   */
  unsettled(): number[] { return [...this.frontier, ...this.queue.data.slice(0, this.queue.length)]; }
  private readonly getEnd = (p: number) => this.changed.get(p)?.end ?? this.base.ends(p);

  /**
   * A signature of everything the base ops downstream depend on: the new ops' placements and their
   * sampled ends. Two insertions with the same signature have exactly the same effect on existing
   * jobs (lets availability reuse the propagation across slots).
   */
  signature(): string {
    let h1 = 0x811c9dc5, h2 = 0x1b873593;
    const parts: string[] = [];
    for (const o of this.ext.newOps) {
      const a = this.ext.plan.assignments[o];
      parts.push(`${a.tech}/${a.bay}/${a.start}/${a.end}`);
      const u = new Uint32Array(this.changed.get(o)!.end.buffer);
      for (let i = 0; i < u.length; i++) {
        h1 = Math.imul(h1 ^ u[i], 0x01000193);
        h2 = Math.imul(h2 ^ u[i], 0x5bd1e995) ^ (h2 >>> 15);
      }
    }
    return `${parts.join(',')}|${(h1 >>> 0).toString(36)}.${(h2 >>> 0).toString(36)}`;
  }

  /**
   * Re-simulates the base ops downstream of the new ops (once). Propagation stops at ops whose
   * sampled ends are identical to the base; ops planned to start at or after `effectUntil` are not
   * re-simulated (treated as unchanged: an assessment window, e.g. up to the next replan).
   * `stop(op)` is asked after each base op whose ends changed; true ends the propagation there
   * (a caller that only needs to know whether some promise is hurt). Ops are re-simulated in
   * planned order and an insertion only adds constraints, so ends can only grow: what is known at
   * any point is a lower bound of every affected completion.
   */
  propagate(effectUntil = Infinity, stop?: (op: number) => boolean): this {
    if (this.truncated) throw new Error('the propagation of this insertion was stopped early: its effects are incomplete');
    if (this.propagated) return this;
    this.propagated = true;
    if (this.run(effectUntil, stop, -1)) this.truncated = true;
    return this;
  }

  private res(o: number): OpSamples { return this.changed.get(o) ?? this.base.result(o); }

  /** base jobs with at least one op whose sampled ends changed (propagates first) */
  affectedJobs(): number[] {
    this.propagate();
    const jobs = new Set<number>();
    for (const o of this.changed.keys()) if (o < this.base.n) jobs.add(this.base.model.ops[o].job);
    return [...jobs].sort((a, b) => a - b);
  }

  /** sampled completion of a job after the insertion (unsorted) */
  jobCompletion(job: number): Float64Array | null {
    if (job < this.base.model.jobs.length) this.propagate();
    return this.completionSoFar(job);
  }

  /** sampled completion of a job from what has been simulated so far (a lower bound until propagate() has run) */
  completionSoFar(job: number): Float64Array | null {
    const ops = this.ext.model.jobs[job].ops;
    const S = this.base.S;
    const c = new Float64Array(S).fill(-Infinity);
    for (const o of ops) {
      if (o < this.base.n && !this.base.scheduled[o]) return null;
      const e = this.res(o).end;
      for (let s = 0; s < S; s++) if (e[s] > c[s]) c[s] = e[s];
    }
    return c;
  }

  /** completion of the job after the insertion, sorted, as a forecast without bottleneck analysis (screening) */
  completionForecast(job: number, bufferMinutes = 0): JobForecast | null {
    const c = this.jobCompletion(job);
    if (!c) return null;
    c.sort();
    return new JobForecast(job, this.ext.model.jobs[job].key, c, bufferMinutes, []);
  }

  /**
   * Forecast of a job after the insertion. For the new job with the bottleneck analysis; for an
   * existing job the propagation keeps no binding records, so its forecast has no bottlenecks.
   */
  forecastJob(job: number, bufferMinutes = 0): JobForecast | null {
    if (job < this.base.model.jobs.length) return this.completionForecast(job, bufferMinutes);
    const ops = this.ext.model.jobs[job].ops;
    if (ops.some((o) => o < this.base.n && !this.base.scheduled[o])) return null;
    return buildForecast(this.ext.model, this.ext.plan, job, ops, this.base.S, bufferMinutes, (o) => this.res(o));
  }
}
