import type { OpFact, Plan, SchedulingModel } from '../../../src/domain/scheduling/model.js';

/** a tiny model: techs with the given work calendars, bays always open, ops one per job unless given */
export function tinyModel(techWork: number[][], ops: (Partial<OpFact> & { job: number; alternatives: OpFact['alternatives'] })[], jobs?: { due?: number | null; release?: number }[], bays = 0): SchedulingModel {
  const nJobs = Math.max(...ops.map((o) => o.job)) + 1;
  const model: SchedulingModel = {
    horizonEnd: 100000,
    techs: techWork.map((w, i) => ({ key: `T${i}`, work: w })),
    bays: Array.from({ length: bays }, (_, i) => ({ key: `B${i}`, open: [0, 100000] })),
    jobs: Array.from({ length: nJobs }, (_, j) => ({ key: `J${j}`, release: jobs?.[j]?.release ?? 0, due: jobs?.[j]?.due ?? null, weight: 1, ops: [] as number[] })),
    ops: ops.map((o, i) => ({ key: `J${o.job}#${i}`, release: 0, splittable: false, bays: null, preds: [], ...o })),
  };
  model.ops.forEach((o, i) => model.jobs[o.job].ops.push(i));
  for (const j of model.jobs) j.release = Math.min(j.release, ...j.ops.map((o) => model.ops[o].release));
  return model;
}

export function planOf(rows: [tech: number, bay: number, start: number, end: number][]): Plan {
  return {
    assignments: rows.map(([tech, bay, start, end], op) => ({ op, tech, bay, start, end })),
    objective: { weightedTardiness: 0, sumCompletion: 0, overtimeMinutes: 0, changes: 0, makespan: 0, total: 0 },
    lowerBound: 0,
    unscheduled: [],
  };
}

/** standard normal quantiles */
export const Z = { p50: 0, p80: 0.8416212335729143, p90: 1.2815515655446004, p95: 1.6448536269514722 };
