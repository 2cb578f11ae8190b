/**
 * Standard flexible job shop (.fjs, Brandimarte/FJSPLib) ⇄ SchedulingModel.
 * Machines become technicians available over one long interval, no bays; each job is a chain.
 */
import type { Plan, SchedulingModel } from './model.js';

export class FjspParseError extends Error {}

export interface FjspInstance { model: SchedulingModel; jobs: number; machines: number }

/** Parse .fjs text. Throws FjspParseError with the line number on malformed input. */
export function parseFjs(text: string): FjspInstance {
  const lines = text.split(/\r?\n/).map((l) => l.trim()).filter((l) => l.length > 0);
  if (lines.length === 0) throw new FjspParseError('empty .fjs file');
  const head = lines[0].split(/\s+/).map(Number);
  const nJobs = head[0], nMach = head[1];
  if (!Number.isInteger(nJobs) || !Number.isInteger(nMach) || nJobs <= 0 || nMach <= 0) throw new FjspParseError('line 1: expected "<jobs> <machines> ..."');
  if (lines.length - 1 < nJobs) throw new FjspParseError(`expected ${nJobs} job lines, found ${lines.length - 1}`);
  const model: SchedulingModel = { horizonEnd: 0, techs: [], bays: [], jobs: [], ops: [] };
  let sumMax = 0;
  const opsAlts: { tech: number; minutes: number }[][][] = [];
  for (let j = 0; j < nJobs; j++) {
    const tok = lines[j + 1].split(/\s+/).map(Number);
    let k = 0;
    const next = (what: string): number => {
      if (k >= tok.length) throw new FjspParseError(`line ${j + 2}: truncated (expected ${what})`);
      const v = tok[k++];
      if (!Number.isInteger(v)) throw new FjspParseError(`line ${j + 2}: "${v}" is not an integer (${what})`);
      return v;
    };
    const nOps = next('operation count');
    const jobOps: { tech: number; minutes: number }[][] = [];
    for (let o = 0; o < nOps; o++) {
      const nAlt = next('alternative count');
      if (nAlt <= 0) throw new FjspParseError(`line ${j + 2}: operation ${o + 1} has no machine`);
      const alts: { tech: number; minutes: number }[] = [];
      let mx = 0;
      for (let a = 0; a < nAlt; a++) {
        const mach = next('machine');
        const d = next('duration');
        if (mach < 1 || mach > nMach) throw new FjspParseError(`line ${j + 2}: machine ${mach} out of range 1..${nMach}`);
        if (d <= 0) throw new FjspParseError(`line ${j + 2}: duration ${d} must be positive`);
        const existing = alts.find((x) => x.tech === mach - 1);
        if (existing) existing.minutes = Math.min(existing.minutes, d);
        else alts.push({ tech: mach - 1, minutes: d });
        mx = Math.max(mx, d);
      }
      sumMax += mx;
      jobOps.push(alts);
    }
    opsAlts.push(jobOps);
  }
  const horizon = Math.max(1, sumMax) * 2;
  model.horizonEnd = horizon;
  for (let t = 0; t < nMach; t++) model.techs.push({ key: `M${t + 1}`, work: [0, horizon] });
  opsAlts.forEach((jobOps, j) => {
    const ids: number[] = [];
    jobOps.forEach((alts, o) => {
      const idx = model.ops.length;
      model.ops.push({ key: `J${j + 1}#${o + 1}`, job: j, release: 0, splittable: false, alternatives: alts, bays: null, preds: o > 0 ? [idx - 1] : [] });
      ids.push(idx);
    });
    model.jobs.push({ key: `J${j + 1}`, release: 0, due: null, weight: 1, ops: ids });
  });
  return { model, jobs: nJobs, machines: nMach };
}

export interface FjspScheduleRow { job: number; op: number; machine: number; start: number; end: number }

/** Map a plan back to 1-based job/op/machine rows, sorted by job then op. */
export function toFjspSchedule(model: SchedulingModel, plan: Plan): FjspScheduleRow[] {
  const rows: FjspScheduleRow[] = [];
  model.jobs.forEach((j, ji) => {
    j.ops.forEach((o, k) => {
      const a = plan.assignments[o];
      rows.push({ job: ji + 1, op: k + 1, machine: a.tech + 1, start: a.start, end: a.end });
    });
  });
  return rows;
}
