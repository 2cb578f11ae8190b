/**
 * Plan repair: the last line of defence when a plan fails the independent checker. Every planned
 * operation the checker names is taken off the plan (with its successors, which cannot start
 * before it), listed as unscheduled with the checker's message, and the plan is checked again,
 * until it passes or nothing more can be taken off (operations in progress are facts: they stay).
 * The objective is recomputed for what is left. Pure; never throws.
 */
import { DEFAULT_CHANGE_TOLERANCE_MIN, DEFAULT_WEIGHTS, type Plan, type SchedulingModel } from './model.js';
import { buildCtx, evaluate, Sched, type ObjectiveKind } from './engine.js';
import { verifyPlan, type Violation } from './verify.js';

export interface RepairResult {
  plan: Plan;
  /** what the checker still finds (empty: the repaired plan keeps every hard rule) */
  violations: Violation[];
  /** operations taken off the plan */
  removed: number;
}

export function repairPlan(model: SchedulingModel, plan: Plan, objective: ObjectiveKind = 'workshop'): RepairResult {
  const n = model.ops.length;
  const byKey = new Map<string, number[]>();
  model.ops.forEach((o, i) => (byKey.get(o.key) ?? byKey.set(o.key, []).get(o.key)!).push(i));
  const succ: number[][] = model.ops.map(() => []);
  model.ops.forEach((o, i) => { for (const p of o.preds) if (Number.isInteger(p) && p >= 0 && p < n && p !== i) succ[p].push(i); });
  const assignments = model.ops.map((_, i) => {
    const a = plan.assignments[i];
    return a && a.op === i ? { ...a } : { op: i, tech: -1, bay: -1, start: -1, end: -1 };
  });
  const unscheduled = new Map(plan.unscheduled.filter((u) => u.op >= 0 && u.op < n).map((u) => [u.op, u.reason]));
  for (const [op] of unscheduled) if (!model.ops[op].fixed) assignments[op] = { op, tech: -1, bay: -1, start: -1, end: -1 };
  let removed = 0;
  let violations = verifyPlan(model, { assignments, unscheduled: [...unscheduled].map(([op, reason]) => ({ op, reason })) });
  for (let round = 0; violations.length && round <= n; round++) {
    const drop = new Map<number, string>();
    for (const v of violations) for (const i of byKey.get(v.op) ?? []) if (!model.ops[i].fixed && !unscheduled.has(i)) drop.set(i, `plan check: ${v.code}: ${v.message}`);
    if (!drop.size) break;
    const stack = [...drop.keys()];
    while (stack.length) {
      const v = stack.pop()!;
      for (const w of succ[v]) if (!model.ops[w].fixed && !drop.has(w) && !unscheduled.has(w)) { drop.set(w, `predecessor ${model.ops[v].key} was taken off the plan`); stack.push(w); }
    }
    for (const [op, reason] of drop) {
      assignments[op] = { op, tech: -1, bay: -1, start: -1, end: -1 };
      unscheduled.set(op, reason);
      removed++;
    }
    violations = verifyPlan(model, { assignments, unscheduled: [...unscheduled].map(([op, reason]) => ({ op, reason })) });
  }
  // the objective of what is left, by the solver's own evaluation
  const ctx = buildCtx(model, model.ops.map(() => null), DEFAULT_WEIGHTS, objective, null, DEFAULT_CHANGE_TOLERANCE_MIN);
  const s = new Sched(n);
  assignments.forEach((a, i) => {
    if (a.tech < 0 || !Number.isFinite(a.start) || !Number.isFinite(a.end)) return;
    s.tech[i] = a.tech; s.bay[i] = a.bay; s.start[i] = a.start; s.end[i] = a.end; s.ok[i] = 1;
  });
  const { weightedTardiness, sumCompletion, overtimeMinutes, changes, makespan, total } = evaluate(ctx, s);
  return {
    plan: {
      assignments,
      objective: { weightedTardiness, sumCompletion, overtimeMinutes, changes, makespan, total },
      lowerBound: plan.lowerBound,
      unscheduled: [...unscheduled].sort((a, b) => a[0] - b[0]).map(([op, reason]) => ({ op, reason })),
    },
    violations,
    removed,
  };
}
