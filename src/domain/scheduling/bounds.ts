/**
 * Lower bounds. Combinatorial ones are cheap and always computed; the LP relaxation of the
 * machine-load problem (fractional assignment of ops to qualified technicians) runs through
 * solveLp with a deadline and is used only if it answers in time.
 */
import { solveLp, type LpModel } from '../../lib/lp.js';
import type { SchedulingModel } from './model.js';
import { INF, Timetable } from './timetable.js';

export interface CombinatorialBounds {
  /** per job: earliest possible completion (chains of min durations from releases; one-at-a-time work) */
  jobCompletion: number[];
  makespan: number;
  weightedTardiness: number;
}

/** `timetable`: a timetable of the model with nothing but its fixed ops placed (the solver's, before its first decode) */
export function combinatorialBounds(model: SchedulingModel, skip: (string | null)[], timetable?: Timetable): CombinatorialBounds {
  const n = model.ops.length;
  const minDur = model.ops.map((o) => (o.fixed ? o.fixed.end - o.fixed.start : o.alternatives.length ? Math.min(...o.alternatives.map((a) => a.minutes)) : 0));
  const rel = model.ops.map((o) => Math.max(o.release, model.jobs[o.job]?.release ?? 0));
  // earliest finish along precedence chains (topological by DFS memo; ops on cycles are skipped)
  const ef = new Float64Array(n).fill(NaN);
  const calendarsBind = model.techs.some((t) => t.work.length !== 2 || (t.overtime?.length ?? 0) > 0) || model.ops.some((o) => o.bays !== null || o.fixed);
  const tt = calendarsBind ? (timetable ?? new Timetable(model)) : null;
  const visiting = new Uint8Array(n);
  const finish = (v: number): number => {
    if (!Number.isNaN(ef[v])) return ef[v];
    if (visiting[v]) return 0;
    visiting[v] = 1;
    const o = model.ops[v];
    let val: number;
    if (o.fixed) val = o.fixed.end;
    else {
      let s = rel[v];
      for (const p of o.preds) if (p >= 0 && p < n && !skip[p]) s = Math.max(s, finish(p));
      val = s + minDur[v];
      // calendars: the earliest end on any qualified technician (and eligible bay) with nothing else
      // planned (only in-progress ops block) is still a valid bound, and far tighter across nights
      if (tt && !skip[v] && o.alternatives.length) {
        const slot = tt.best(v, -1, s, false);
        if (slot && slot.end < INF && slot.end > val) val = slot.end;
      }
    }
    visiting[v] = 0;
    ef[v] = val;
    return val;
  };
  const jobCompletion = model.jobs.map((j) => {
    let c = 0;
    let work = 0, minRel = Infinity, fixedEnd = 0, any = false;
    for (const o of j.ops) {
      if (skip[o]) continue;
      any = true;
      c = Math.max(c, finish(o));
      const op = model.ops[o];
      if (op.fixed) fixedEnd = Math.max(fixedEnd, op.fixed.end);
      else if (!op.parallel) { work += minDur[o]; minRel = Math.min(minRel, rel[o]); }
    }
    if (!any) return 0;
    // non-parallel ops of a vehicle run one at a time
    if (work > 0) c = Math.max(c, minRel + work);
    return Math.max(c, fixedEnd);
  });
  let makespan = Math.max(0, ...jobCompletion);
  // total work over all technicians, and work that only one technician can do
  let minRel = Infinity, total = 0;
  const only = new Float64Array(model.techs.length);
  const onlyRel = new Float64Array(model.techs.length).fill(Infinity);
  model.ops.forEach((o, i) => {
    if (o.fixed || skip[i] || o.alternatives.length === 0) return;
    total += minDur[i];
    minRel = Math.min(minRel, rel[i]);
    if (o.alternatives.length === 1) {
      const t = o.alternatives[0].tech;
      only[t] += o.alternatives[0].minutes;
      onlyRel[t] = Math.min(onlyRel[t], rel[i]);
    }
  });
  if (total > 0 && model.techs.length > 0) makespan = Math.max(makespan, minRel + Math.ceil(total / model.techs.length));
  for (let t = 0; t < only.length; t++) if (only[t] > 0) makespan = Math.max(makespan, onlyRel[t] + only[t]);
  let wt = 0;
  model.jobs.forEach((j, ji) => {
    if (j.due !== null && jobCompletion[ji] > j.due) wt += j.weight * (jobCompletion[ji] - j.due);
  });
  return { jobCompletion, makespan, weightedTardiness: wt };
}

/**
 * LP relaxation for the makespan: fractional assignment x[o,t] (Σ_t x = 1), every technician's load
 * Σ_o p[o,t]·x[o,t] ≤ C − r_min. Returns the bound (ceil) or null with the LP status.
 */
export async function lpMakespanBound(model: SchedulingModel, skip: (string | null)[], deadlineMs: number, signal?: AbortSignal): Promise<{ bound: number | null; status: string; ms: number }> {
  const constraints: LpModel['constraints'] = {};
  const variables: LpModel['variables'] = {};
  let minRel = Infinity;
  let count = 0;
  const cVar: Record<string, number> = { cost: 1 };
  model.ops.forEach((o, i) => {
    if (o.fixed || skip[i] || o.alternatives.length === 0) return;
    minRel = Math.min(minRel, Math.max(o.release, model.jobs[o.job]?.release ?? 0));
    constraints[`o${i}`] = { equal: 1 };
    for (const a of o.alternatives) {
      variables[`x${i}_${a.tech}`] = { [`o${i}`]: 1, [`t${a.tech}`]: a.minutes };
      count++;
    }
  });
  if (count === 0) return { bound: null, status: 'empty', ms: 0 };
  if (count > 20000) return { bound: null, status: 'too_large', ms: 0 };
  model.techs.forEach((_, t) => {
    constraints[`t${t}`] = { max: 0 };
    cVar[`t${t}`] = -1;
  });
  variables.C = cVar;
  const out = await solveLp({ optimize: 'cost', opType: 'min', constraints, variables }, { deadlineMs, signal });
  if (out.status !== 'optimal') return { bound: null, status: out.status, ms: out.ms };
  // guard against round-off in the simplex: shave a tiny epsilon before rounding up
  return { bound: minRel + Math.ceil(out.objective - 1e-6), status: 'optimal', ms: out.ms };
}
