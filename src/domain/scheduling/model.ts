/**
 * The compiled scheduling model: plain integer-minute facts, compiled once from the stored
 * workshop by the app layer. The engine never sees luxon, ids from the store or wall-clock time.
 *
 * Intervals are flat sorted disjoint half-open arrays `[s0, e0, s1, e1, ...]` in integer minutes.
 */

export interface TechFact {
  key: string;
  /** working intervals (shifts minus breaks and absences) */
  work: number[];
  /** extra intervals usable at a cost (counted as overtime minutes) */
  overtime?: number[];
}

export interface BayFact {
  key: string;
  open: number[];
}

export interface OpFact {
  /** stable external id, e.g. "<appointmentId>#<index>" */
  key: string;
  /**
   * the key of the op's random numbers in forecasts (default: `key`): what the op is, not its
   * generated id, so the same requests in the same simulated time draw the same samples
   */
  stream?: string;
  /** index into jobs */
  job: number;
  /** earliest start (arrival, parts ETA), minutes */
  release: number;
  splittable: boolean;
  /** qualified technicians and the duration (minutes) on each */
  alternatives: { tech: number; minutes: number }[];
  /** eligible bays; null = needs no bay */
  bays: number[] | null;
  /** op indices that must finish first */
  preds: number[];
  /** may overlap other ops of its job (still respects preds) */
  parallel?: boolean;
  /** in progress: frozen (bay -1 if none) */
  fixed?: { tech: number; bay: number; start: number; end: number };
}

export interface JobFact {
  key: string;
  release: number;
  due: number | null;
  /**
   * the due the forecast reads probabilities at, when the promise was calibrated (rules/calibration.ts:
   * the raw equivalent of promise − buffer); the solver keeps `due`
   */
  forecastDue?: number | null;
  weight: number;
  ops: number[];
}

export interface SchedulingModel {
  horizonEnd: number;
  techs: TechFact[];
  bays: BayFact[];
  jobs: JobFact[];
  ops: OpFact[];
}

export interface Weights {
  tardiness: number;
  completion: number;
  overtime: number;
  changes: number;
}

export interface Assignment {
  op: number;
  tech: number;
  /** -1 none */
  bay: number;
  start: number;
  end: number;
}

export interface PlanObjective {
  weightedTardiness: number;
  sumCompletion: number;
  overtimeMinutes: number;
  changes: number;
  makespan: number;
  total: number;
}

export interface Plan {
  /** index = op; an unscheduled op has tech -1, start -1, end -1 */
  assignments: Assignment[];
  objective: PlanObjective;
  /** lower bound on the primary objective (weighted tardiness, or makespan) */
  lowerBound: number;
  unscheduled: { op: number; reason: string }[];
}

/**
 * Default weights: lexicographic in intent (tardiness ≫ completion ≫ overtime ≫ changes).
 * The gaps are wide enough for realistic weekly workshops (a minute of weighted tardiness outweighs
 * 1,000 minutes of completion time), not a strict lexicographic order for arbitrary sizes.
 */
export const DEFAULT_WEIGHTS: Weights = { tardiness: 1000, completion: 1, overtime: 0.1, changes: 0.01 };

/** Start moves up to this many minutes do not count as a change vs the previous plan. */
export const DEFAULT_CHANGE_TOLERANCE_MIN = 15;

export type ModelIssueCode =
  | 'precedence_cycle'
  | 'no_qualified_technician'
  | 'release_after_horizon'
  | 'invalid_release'
  | 'no_eligible_bay'
  | 'op_longer_than_any_interval'
  | 'not_enough_working_time'
  | 'invalid_reference'
  | 'invalid_duration'
  | 'invalid_interval'
  | 'job_ops_mismatch'
  | 'invalid_fixed';

export interface ModelIssue {
  code: ModelIssueCode;
  /** key of the offending operation (or tech/bay/job key for calendar issues) */
  op: string;
  message: string;
}

/** True when `a` is a flat sorted, disjoint, non-empty-interval array of integers. */
export function isValidIntervals(a: unknown): a is number[] {
  if (!Array.isArray(a) || a.length % 2 !== 0) return false;
  let prev = -Infinity;
  for (let i = 0; i < a.length; i += 2) {
    const s = a[i], e = a[i + 1];
    if (typeof s !== 'number' || typeof e !== 'number' || !Number.isFinite(s) || !Number.isFinite(e)) return false;
    if (!Number.isInteger(s) || !Number.isInteger(e)) return false;
    if (s < prev || e <= s) return false;
    prev = e;
  }
  return true;
}

/** index (even) of the first interval of `a` whose end is > t; a.length if none */
export function firstEndAfter(a: readonly number[], t: number): number {
  let lo = 0, hi = a.length >> 1;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (a[2 * mid + 1] > t) hi = mid;
    else lo = mid + 1;
  }
  return 2 * lo;
}

/** Union of two flat interval arrays (touching intervals merged). */
export function unionIntervals(a: readonly number[], b: readonly number[]): number[] {
  const sorted = (x: readonly number[]) => { for (let i = 2; i < x.length; i += 2) if (x[i] < x[i - 2]) return false; return true; };
  if (!sorted(a) || !sorted(b)) {
    // not a valid calendar (validateModel reports it): sort the pairs first
    const pairs: [number, number][] = [];
    for (let i = 0; i + 1 < a.length; i += 2) pairs.push([a[i], a[i + 1]]);
    for (let i = 0; i + 1 < b.length; i += 2) pairs.push([b[i], b[i + 1]]);
    pairs.sort((x, y) => x[0] - y[0] || x[1] - y[1]);
    return unionIntervals(pairs.flat(), []);
  }
  // both sorted by start: merge them in one pass
  const out: number[] = [];
  let i = 0, j = 0;
  while (i < a.length || j < b.length) {
    let s: number, e: number;
    if (j >= b.length || (i < a.length && (a[i] < b[j] || (a[i] === b[j] && a[i + 1] <= b[j + 1])))) { s = a[i]; e = a[i + 1]; i += 2; }
    else { s = b[j]; e = b[j + 1]; j += 2; }
    const n = out.length;
    if (n > 0 && s <= out[n - 1]) {
      if (e > out[n - 1]) out[n - 1] = e;
    } else out.push(s, e);
  }
  return out;
}

/** Intersection of two flat interval arrays. */
export function intersectIntervals(a: readonly number[], b: readonly number[]): number[] {
  const out: number[] = [];
  let i = 0, j = 0;
  while (i < a.length && j < b.length) {
    const s = Math.max(a[i], b[j]);
    const e = Math.min(a[i + 1], b[j + 1]);
    if (s < e) out.push(s, e);
    if (a[i + 1] < b[j + 1]) i += 2;
    else j += 2;
  }
  return out;
}

/** Technician availability: working time plus overtime. */
export function techAvailability(t: TechFact): number[] {
  return t.overtime && t.overtime.length > 0 ? unionIntervals(t.work, t.overtime) : t.work;
}

/**
 * Checks the model and reports every problem it can name, never throwing.
 * An empty list means the solver can work on the model (it may still leave ops unscheduled
 * when calendars are full; it reports those in `Plan.unscheduled`).
 */
export function validateModel(model: SchedulingModel): ModelIssue[] {
  const issues: ModelIssue[] = [];
  const push = (code: ModelIssueCode, op: string, message: string) => issues.push({ code, op, message });
  if (!model || !Array.isArray(model.ops) || !Array.isArray(model.jobs) || !Array.isArray(model.techs) || !Array.isArray(model.bays)) {
    push('invalid_reference', '', 'model must have arrays ops, jobs, techs and bays');
    return issues;
  }
  const nOps = model.ops.length;
  const techAvail: (number[] | null)[] = model.techs.map((t) => {
    if (!isValidIntervals(t.work)) {
      push('invalid_interval', t.key, `technician ${t.key}: work intervals must be sorted, disjoint [start, end) integer pairs`);
      return null;
    }
    if (t.overtime !== undefined && !isValidIntervals(t.overtime)) {
      push('invalid_interval', t.key, `technician ${t.key}: overtime intervals must be sorted, disjoint [start, end) integer pairs`);
      return null;
    }
    return techAvailability(t);
  });
  const bayOpen: (number[] | null)[] = model.bays.map((b) => {
    if (!isValidIntervals(b.open)) {
      push('invalid_interval', b.key, `bay ${b.key}: open intervals must be sorted, disjoint [start, end) integer pairs`);
      return null;
    }
    return b.open;
  });
  const pairs = new Map<number, number[]>();
  /**
   * technician availability ∩ bay opening, once per pair; null for an unknown bay (reported as a
   * reference); a bay whose calendar is invalid (reported) does not constrain the check
   */
  const pairCal = (t: number, b: number, avail: number[]): number[] | null => {
    const open = bayOpen[b];
    if (open === undefined) return null;
    if (open === null) return avail;
    const k = t * model.bays.length + b;
    let c = pairs.get(k);
    if (!c) { c = intersectIntervals(avail, open); pairs.set(k, c); }
    return c;
  };
  model.jobs.forEach((j, ji) => {
    for (const o of j.ops ?? []) {
      if (!Number.isInteger(o) || o < 0 || o >= nOps) push('invalid_reference', j.key, `job ${j.key} lists unknown operation index ${o}`);
      else if (model.ops[o].job !== ji) push('job_ops_mismatch', model.ops[o].key, `operation ${model.ops[o].key} is listed by job ${j.key} but belongs to job index ${model.ops[o].job}`);
    }
  });

  const refOk: boolean[] = new Array(nOps).fill(true);
  model.ops.forEach((op, oi) => {
    const key = op.key;
    if (!Number.isInteger(op.job) || op.job < 0 || op.job >= model.jobs.length) {
      push('invalid_reference', key, `operation ${key} refers to unknown job index ${op.job}`);
      refOk[oi] = false;
    } else if (!model.jobs[op.job].ops.includes(oi)) {
      push('job_ops_mismatch', key, `operation ${key} is not listed in the ops of its job ${model.jobs[op.job].key}`);
    }
    for (const p of op.preds ?? []) {
      if (!Number.isInteger(p) || p < 0 || p >= nOps || p === oi) {
        push('invalid_reference', key, `operation ${key} has an invalid predecessor index ${p}`);
        refOk[oi] = false;
      }
    }
    if (op.fixed) {
      const f = op.fixed;
      if (!Number.isInteger(f.tech) || f.tech < 0 || f.tech >= model.techs.length || !Number.isInteger(f.bay) || f.bay < -1 || f.bay >= model.bays.length || !(f.end >= f.start)) {
        push('invalid_fixed', key, `operation ${key} is fixed to an unknown technician/bay or has end before start`);
      } else if (!Number.isInteger(f.start) || !Number.isInteger(f.end)) {
        push('invalid_fixed', key, `operation ${key} is fixed to a span that is not in whole minutes (${f.start}-${f.end})`);
      }
      return; // in progress: nothing else to decide
    }
    if (!Array.isArray(op.alternatives) || op.alternatives.length === 0) {
      push('no_qualified_technician', key, `no qualified technician for operation ${key}`);
      refOk[oi] = false;
      return;
    }
    for (const a of op.alternatives) {
      if (!Number.isInteger(a.tech) || a.tech < 0 || a.tech >= model.techs.length) {
        push('invalid_reference', key, `operation ${key} lists unknown technician index ${a.tech}`);
        refOk[oi] = false;
      } else if (!Number.isInteger(a.minutes) || a.minutes <= 0) {
        push('invalid_duration', key, `operation ${key} has a non-positive or non-integer duration ${a.minutes} on technician ${model.techs[a.tech].key}`);
        refOk[oi] = false;
      }
    }
    if (op.bays !== null) {
      if (!Array.isArray(op.bays) || op.bays.length === 0) {
        push('no_eligible_bay', key, `operation ${key} needs a bay but no bay has the required capability`);
        refOk[oi] = false;
      } else if (op.bays.some((b) => !Number.isInteger(b) || b < 0 || b >= model.bays.length)) {
        push('invalid_reference', key, `operation ${key} lists an unknown bay index`);
        refOk[oi] = false;
      }
    }
    const job = refOk[oi] ? model.jobs[op.job] : undefined;
    const release = Math.max(op.release, job?.release ?? -Infinity);
    if (!Number.isInteger(release)) {
      // model minutes are whole minutes: a fractional release would give a plan off the minute grid
      push('invalid_release', key, `operation ${key} is released at ${release}, not a whole minute`);
      return;
    }
    if (release >= model.horizonEnd) {
      push('release_after_horizon', key, `operation ${key} is released at ${release}, at or after the planning horizon end ${model.horizonEnd}`);
      return;
    }
    if (!refOk[oi]) return;
    // Is there any (tech, bay) pair on which the op can fit after its release?
    let fits = false;
    for (const a of op.alternatives) {
      const avail = techAvail[a.tech];
      if (!avail) continue;
      for (const b of op.bays ?? [-1]) {
        const cal = b < 0 ? avail : pairCal(a.tech, b, avail);
        if (!cal) continue;
        // intervals ending after the release only
        const first = firstEndAfter(cal, release);
        if (op.splittable) {
          let total = 0;
          for (let i = first; i < cal.length && total < a.minutes; i += 2) total += cal[i + 1] - Math.max(cal[i], release);
          if (total >= a.minutes) fits = true;
        } else {
          for (let i = first; i < cal.length; i += 2) if (cal[i + 1] - Math.max(cal[i], release) >= a.minutes) { fits = true; break; }
        }
        if (fits) break;
      }
      if (fits) break;
    }
    if (!fits) {
      if (op.splittable) push('not_enough_working_time', key, `operation ${key} needs more working minutes than any qualified technician (with an eligible bay) has after its release`);
      else push('op_longer_than_any_interval', key, `operation ${key} is not splittable and is longer than every working interval of its qualified technicians (and eligible bays) after its release`);
    }
  });

  // precedence cycles (Kahn); report every op left on a cycle
  const indeg = new Int32Array(nOps);
  const succ: number[][] = model.ops.map(() => []);
  model.ops.forEach((op, oi) => {
    for (const p of op.preds ?? []) if (Number.isInteger(p) && p >= 0 && p < nOps && p !== oi) { succ[p].push(oi); indeg[oi]++; }
  });
  const stack: number[] = [];
  for (let i = 0; i < nOps; i++) if (indeg[i] === 0) stack.push(i);
  let seen = 0;
  while (stack.length) {
    const v = stack.pop()!;
    seen++;
    for (const w of succ[v]) if (--indeg[w] === 0) stack.push(w);
  }
  if (seen < nOps) {
    for (let i = 0; i < nOps; i++) if (indeg[i] > 0) push('precedence_cycle', model.ops[i].key, `operation ${model.ops[i].key} is on a precedence cycle (or waits for one)`);
  }
  return issues;
}
