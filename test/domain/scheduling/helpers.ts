import type { OpFact, SchedulingModel } from '../../../src/domain/scheduling/model.js';

/**
 * A wall-clock budget no test run reaches: tests end the search with maxIterations, so the plan is
 * the same on a loaded CI machine as on a quiet one.
 */
export const NO_CLOCK = 600_000;

/** one tech, optional bay; ops given as partial facts */
export function tinyModel(over: Partial<Omit<SchedulingModel, 'ops'>> & { ops: Partial<OpFact>[] }): SchedulingModel {
  const ops: OpFact[] = over.ops.map((o, i) => ({
    key: o.key ?? `op${i}`,
    job: o.job ?? 0,
    release: o.release ?? 0,
    splittable: o.splittable ?? false,
    alternatives: o.alternatives ?? [{ tech: 0, minutes: 10 }],
    bays: o.bays === undefined ? null : o.bays,
    preds: o.preds ?? [],
    ...(o.parallel ? { parallel: true } : {}),
    ...(o.fixed ? { fixed: o.fixed } : {}),
  }));
  const nJobs = Math.max(...ops.map((o) => o.job)) + 1;
  const jobs = over.jobs ?? Array.from({ length: nJobs }, (_, j) => ({ key: `J${j}`, release: 0, due: null, weight: 1, ops: ops.map((o, i) => (o.job === j ? i : -1)).filter((i) => i >= 0) }));
  return {
    horizonEnd: over.horizonEnd ?? 10_000,
    techs: over.techs ?? [{ key: 'T0', work: [0, 10_000] }],
    bays: over.bays ?? [],
    jobs,
    ops,
  };
}
