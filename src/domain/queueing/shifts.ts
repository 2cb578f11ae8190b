/**
 * Shift planning: how many people start on each allowed shift pattern so that every period's
 * requirement is covered at least cost. Integer program
 *     min Σ cost_p·x_p   s.t.  Σ_p covers(p, h)·x_p ≥ need_h  ∀h,   0 ≤ x_p ≤ max_p, x integer,
 * solved by javascript-lp-solver (src/lib/lp.ts) in a worker under a deadline. Fallback when the
 * IP times out / errors / is aborted: the LP relaxation rounded up (feasible by construction),
 * else a greedy cover; both followed by a trim pass that removes people while coverage holds.
 * When the requirement cannot be covered at all (a period no pattern covers, or caps too low) the
 * reason is 'infeasible' and the heuristic covers what it can; `uncovered` lists the shortfall.
 */
import { type LpModel, solveLp } from '../../lib/lp.js';
import { QueueingInputError, nonNegative, nonNegativeInt, positiveInt } from './errors.js';

export interface ShiftPattern {
  id: string;
  /** first period of the shift (0-based period index, e.g. hour of the day's profile) */
  start: number;
  /** number of periods from start, breaks included */
  length: number;
  /** period indexes (absolute, within the shift) when the person is on break */
  breaks?: number[];
  /** cost of one person on this pattern (any currency or unit, e.g. paid hours) */
  cost: number;
  /** at most this many people on the pattern */
  max?: number;
}

export interface PlanShiftsInput {
  /** people needed per period (e.g. the staffing result's servers) */
  requirement: number[];
  patterns: ShiftPattern[];
}

export interface PlanShiftsOptions {
  /** total time budget, ms (default 2,000); the IP gets 75%, the LP relaxation the rest */
  deadlineMs?: number;
  signal?: AbortSignal;
}

export interface PlanShiftsResult {
  solvedBy: 'ip' | 'heuristic';
  reason?: 'timeout' | 'infeasible' | 'error' | 'aborted';
  heuristic?: 'lp-round-up' | 'greedy';
  counts: { id: string; count: number }[];
  totalCost: number;
  /** people on duty per period */
  coverage: number[];
  /** coverage − requirement per period (negative = shortfall) */
  surplus: number[];
  /** periods with a shortfall */
  uncovered: number[];
  /** LP relaxation bound when known (the IP optimum when solvedBy = 'ip') */
  lowerBound?: number;
  ms: number;
}

interface Prepared {
  need: number[];
  patterns: ShiftPattern[];
  cover: Uint8Array[]; // cover[p][h]
  max: number[];
}

function prepare(input: PlanShiftsInput): Prepared {
  if (input === null || typeof input !== 'object') throw new QueueingInputError('', 'must be an object');
  if (!Array.isArray(input.requirement) || input.requirement.length === 0) throw new QueueingInputError('requirement', 'must be a non-empty array');
  const need = input.requirement.map((r, i) => nonNegativeInt(r, `requirement.${i}`));
  const H = need.length;
  if (!Array.isArray(input.patterns) || input.patterns.length === 0) throw new QueueingInputError('patterns', 'must be a non-empty array');
  const ids = new Set<string>();
  const cover: Uint8Array[] = [];
  const max: number[] = [];
  input.patterns.forEach((p, i) => {
    const f = `patterns.${i}`;
    if (p === null || typeof p !== 'object') throw new QueueingInputError(f, 'must be an object');
    if (typeof p.id !== 'string' || p.id.length === 0) throw new QueueingInputError(`${f}.id`, 'must be a non-empty string');
    if (ids.has(p.id)) throw new QueueingInputError(`${f}.id`, 'must be unique');
    ids.add(p.id);
    const start = nonNegativeInt(p.start, `${f}.start`);
    const length = positiveInt(p.length, `${f}.length`);
    nonNegative(p.cost, `${f}.cost`);
    const row = new Uint8Array(H);
    for (let h = start; h < Math.min(H, start + length); h++) row[h] = 1;
    (p.breaks ?? []).forEach((b, j) => {
      const bh = nonNegativeInt(b, `${f}.breaks.${j}`);
      if (bh < start || bh >= start + length) throw new QueueingInputError(`${f}.breaks.${j}`, 'must lie within the shift');
      if (bh < H) row[bh] = 0;
    });
    cover.push(row);
    max.push(p.max === undefined ? Infinity : nonNegativeInt(p.max, `${f}.max`));
  });
  return { need, patterns: input.patterns, cover, max };
}

function lpModel(prep: Prepared, integer: boolean): LpModel {
  const constraints: LpModel['constraints'] = {};
  prep.need.forEach((n, h) => {
    if (n > 0) constraints[`h${h}`] = { min: n };
  });
  const variables: LpModel['variables'] = {};
  const ints: Record<string, 1> = {};
  prep.patterns.forEach((p, i) => {
    const v: Record<string, number> = { cost: p.cost };
    prep.cover[i].forEach((x, h) => {
      if (x && prep.need[h] > 0) v[`h${h}`] = 1;
    });
    if (Number.isFinite(prep.max[i])) {
      constraints[`max${i}`] = { max: prep.max[i] };
      v[`max${i}`] = 1;
    }
    variables[`x${i}`] = v;
    if (integer) ints[`x${i}`] = 1;
  });
  return { optimize: 'cost', opType: 'min', constraints, variables, ...(integer ? { ints } : {}) };
}

function summarise(prep: Prepared, x: number[], solvedBy: 'ip' | 'heuristic', ms: number): PlanShiftsResult {
  const H = prep.need.length;
  const coverage = new Array(H).fill(0);
  x.forEach((n, i) => {
    for (let h = 0; h < H; h++) coverage[h] += n * prep.cover[i][h];
  });
  const surplus = coverage.map((c, h) => c - prep.need[h]);
  return {
    solvedBy,
    counts: prep.patterns.map((p, i) => ({ id: p.id, count: x[i] })),
    totalCost: x.reduce((s, n, i) => s + n * prep.patterns[i].cost, 0),
    coverage,
    surplus,
    uncovered: surplus.flatMap((s, h) => (s < 0 ? [h] : [])),
    ms,
  };
}

/** Remove people (most expensive patterns first) while every period stays covered. */
function trim(prep: Prepared, x: number[]): void {
  const H = prep.need.length;
  const coverage = new Array(H).fill(0);
  x.forEach((n, i) => {
    for (let h = 0; h < H; h++) coverage[h] += n * prep.cover[i][h];
  });
  const order = prep.patterns.map((_, i) => i).sort((a, b) => prep.patterns[b].cost - prep.patterns[a].cost);
  for (const i of order) {
    while (x[i] > 0) {
      let can = true;
      for (let h = 0; h < H && can; h++) if (prep.cover[i][h] && coverage[h] - 1 < prep.need[h]) can = false;
      if (!can) break;
      x[i]--;
      for (let h = 0; h < H; h++) coverage[h] -= prep.cover[i][h];
    }
  }
}

/** Greedy set multicover: repeatedly add the pattern with the most uncovered demand per unit cost. */
function greedyCover(prep: Prepared): number[] {
  const H = prep.need.length;
  const x = new Array(prep.patterns.length).fill(0);
  const deficit = prep.need.slice();
  for (;;) {
    let best = -1;
    let bestScore = 0;
    prep.patterns.forEach((p, i) => {
      if (x[i] >= prep.max[i]) return;
      let gain = 0;
      for (let h = 0; h < H; h++) if (prep.cover[i][h] && deficit[h] > 0) gain++;
      if (gain === 0) return;
      const score = gain / Math.max(p.cost, 1e-9);
      if (score > bestScore) {
        bestScore = score;
        best = i;
      }
    });
    if (best < 0) break;
    x[best]++;
    for (let h = 0; h < H; h++) if (prep.cover[best][h]) deficit[h]--;
  }
  trim(prep, x);
  return x;
}

function roundValues(prep: Prepared, values: Record<string, number>, up: boolean): number[] {
  return prep.patterns.map((_, i) => {
    const v = values[`x${i}`] ?? 0;
    const r = up ? Math.ceil(v - 1e-7) : Math.round(v);
    return Math.min(Math.max(0, r), prep.max[i]);
  });
}

export async function planShifts(input: PlanShiftsInput, options: PlanShiftsOptions = {}): Promise<PlanShiftsResult> {
  const prep = prepare(input);
  const t0 = performance.now();
  const elapsed = () => Math.round((performance.now() - t0) * 10) / 10;
  const deadline = options.deadlineMs === undefined ? 2_000 : nonNegative(options.deadlineMs, 'options.deadlineMs');
  // structural infeasibility: a needed period no pattern can cover, or caps too small
  let infeasible = false;
  prep.need.forEach((n, h) => {
    let cap = 0;
    prep.cover.forEach((row, i) => (cap += row[h] ? prep.max[i] : 0));
    if (cap < n) infeasible = true;
  });
  let reason: PlanShiftsResult['reason'];
  if (infeasible) reason = 'infeasible';
  else {
    const ip = await solveLp(lpModel(prep, true), { deadlineMs: Math.max(1, deadline * 0.75), signal: options.signal });
    if (ip.status === 'optimal') {
      const r = summarise(prep, roundValues(prep, ip.values, false), 'ip', elapsed());
      if (r.uncovered.length === 0) return { ...r, lowerBound: ip.objective };
      reason = 'error';
    } else if (ip.status === 'infeasible' || ip.status === 'unbounded') reason = 'infeasible';
    else reason = ip.status === 'timeout' ? 'timeout' : ip.status === 'aborted' ? 'aborted' : 'error';
  }
  // fallback 1: LP relaxation rounded up (needs some budget left and a feasible model)
  const left = deadline - elapsed();
  if (!infeasible && left > 20 && !options.signal?.aborted) {
    const lp = await solveLp(lpModel(prep, false), { deadlineMs: left, signal: options.signal });
    if (lp.status === 'optimal') {
      const x = roundValues(prep, lp.values, true);
      trim(prep, x);
      const r = summarise(prep, x, 'heuristic', elapsed());
      if (r.uncovered.length === 0) return { ...r, reason, heuristic: 'lp-round-up', lowerBound: lp.objective };
    }
  }
  const r = summarise(prep, greedyCover(prep), 'heuristic', elapsed());
  return { ...r, reason, heuristic: 'greedy' };
}
