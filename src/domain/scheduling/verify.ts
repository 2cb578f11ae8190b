/**
 * Independent plan checker: every hard rule, written from the rules and not from the solver's
 * timing code (no shared slot search, no shared interval helpers), so a solver bug cannot hide
 * behind the same bug in the checker.
 */
import type { Plan, SchedulingModel, Assignment } from './model.js';

export type ViolationCode =
  | 'missing_assignment'
  | 'bad_reference'
  | 'not_qualified'
  | 'wrong_duration'
  | 'bay_missing'
  | 'bay_not_allowed'
  | 'bay_not_eligible'
  | 'tech_overlap'
  | 'bay_overlap'
  | 'job_overlap'
  | 'precedence'
  | 'before_release'
  | 'outside_working_time'
  | 'outside_bay_open'
  | 'fixed_moved';

export interface Violation {
  code: ViolationCode;
  op: string;
  message: string;
}

/** minutes of [s, e) covered by the flat interval list `iv` (plain scan, no search tricks) */
function coveredMinutes(iv: readonly number[], s: number, e: number): number {
  let m = 0;
  for (let i = 0; i + 1 < iv.length; i += 2) {
    const lo = Math.max(s, iv[i]);
    const hi = Math.min(e, iv[i + 1]);
    if (hi > lo) m += hi - lo;
  }
  return m;
}

/** true when [s, e) lies inside one single interval of `iv` */
function insideOne(iv: readonly number[], s: number, e: number): boolean {
  for (let i = 0; i + 1 < iv.length; i += 2) if (iv[i] <= s && e <= iv[i + 1]) return true;
  return false;
}

/** Minute-level set of a calendar for a span, as sorted boundary pieces (for intersections). */
function piecesIn(iv: readonly number[], s: number, e: number): [number, number][] {
  const out: [number, number][] = [];
  for (let i = 0; i + 1 < iv.length; i += 2) {
    const lo = Math.max(s, iv[i]);
    const hi = Math.min(e, iv[i + 1]);
    if (hi > lo) out.push([lo, hi]);
  }
  return out;
}

function mergePieces(p: [number, number][]): [number, number][] {
  p.sort((a, b) => a[0] - b[0]);
  const out: [number, number][] = [];
  for (const [s, e] of p) {
    const last = out[out.length - 1];
    if (last && s <= last[1]) last[1] = Math.max(last[1], e);
    else out.push([s, e]);
  }
  return out;
}

/** Every violated hard rule of `plan` against `model` (empty = feasible). */
export function verifyPlan(model: SchedulingModel, plan: Pick<Plan, 'assignments'> & { unscheduled?: Plan['unscheduled'] }): Violation[] {
  const out: Violation[] = [];
  const v = (code: ViolationCode, op: string, message: string) => out.push({ code, op, message });
  const unscheduled = new Set((plan.unscheduled ?? []).map((u) => u.op));
  const placed: (Assignment | null)[] = model.ops.map(() => null);

  model.ops.forEach((op, i) => {
    if (unscheduled.has(i) && !op.fixed) return;
    const a = plan.assignments[i];
    if (!a || a.op !== i || a.tech < 0 || !Number.isFinite(a.start) || !Number.isFinite(a.end)) {
      v('missing_assignment', op.key, `operation ${op.key} has no assignment at index ${i}`);
      return;
    }
    if (a.tech >= model.techs.length || a.bay < -1 || a.bay >= model.bays.length || !Number.isInteger(a.start) || !Number.isInteger(a.end) || a.end < a.start) {
      v('bad_reference', op.key, `operation ${op.key}: assignment refers to unknown tech/bay or has non-integer/negative span`);
      return;
    }
    placed[i] = a;
    if (op.fixed) {
      const f = op.fixed;
      if (a.tech !== f.tech || a.bay !== f.bay || a.start !== f.start || a.end !== f.end) {
        v('fixed_moved', op.key, `operation ${op.key} is in progress and frozen at tech ${f.tech}, bay ${f.bay}, ${f.start}-${f.end} but the plan has tech ${a.tech}, bay ${a.bay}, ${a.start}-${a.end}`);
      }
      return;
    }
    const alt = op.alternatives.find((x) => x.tech === a.tech);
    const tech = model.techs[a.tech];
    if (!alt) {
      v('not_qualified', op.key, `technician ${tech.key} is not qualified for operation ${op.key}`);
      return;
    }
    // bay
    let open: readonly number[] | null = null;
    if (op.bays === null) {
      if (a.bay !== -1) v('bay_not_allowed', op.key, `operation ${op.key} needs no bay but holds bay ${model.bays[a.bay].key}`);
    } else if (a.bay === -1) {
      v('bay_missing', op.key, `operation ${op.key} needs a bay but none is assigned`);
    } else if (!op.bays.includes(a.bay)) {
      v('bay_not_eligible', op.key, `bay ${model.bays[a.bay].key} lacks the capability operation ${op.key} needs`);
    } else open = model.bays[a.bay].open;
    // release
    const job = model.jobs[op.job];
    const rel = Math.max(op.release, job ? job.release : -Infinity);
    if (a.start < rel) v('before_release', op.key, `operation ${op.key} starts at ${a.start}, before its release ${rel}`);
    // calendars and duration
    const techPieces = mergePieces([...piecesIn(tech.work, a.start, a.end), ...piecesIn(tech.overtime ?? [], a.start, a.end)]);
    const techFlat = techPieces.flat();
    if (!op.splittable) {
      if (a.end - a.start !== alt.minutes) v('wrong_duration', op.key, `operation ${op.key} lasts ${a.end - a.start} min on ${tech.key}, expected ${alt.minutes}`);
      if (!insideOne(techFlat, a.start, a.end)) v('outside_working_time', op.key, `operation ${op.key} (${a.start}-${a.end}) is not inside one working interval of ${tech.key}`);
      if (open && !insideOne(open, a.start, a.end)) v('outside_bay_open', op.key, `operation ${op.key} (${a.start}-${a.end}) is not inside one open interval of bay ${model.bays[a.bay].key}`);
    } else {
      let minutes = 0;
      if (open) {
        for (const [s, e] of techPieces) minutes += coveredMinutes(open, s, e);
      } else minutes = coveredMinutes(techFlat, a.start, a.end);
      if (minutes !== alt.minutes) v('wrong_duration', op.key, `split operation ${op.key} gets ${minutes} working minutes in ${a.start}-${a.end} on ${tech.key}, expected ${alt.minutes}`);
    }
  });

  // precedence (and successors of unscheduled ops must be unscheduled too)
  model.ops.forEach((op, i) => {
    const a = placed[i];
    if (!a || op.fixed) return;
    for (const p of op.preds) {
      const pa = placed[p];
      if (!pa) {
        v('precedence', op.key, `operation ${op.key} is scheduled but its predecessor ${model.ops[p]?.key ?? p} is not`);
        continue;
      }
      if (a.start < pa.end) v('precedence', op.key, `operation ${op.key} starts at ${a.start} before predecessor ${model.ops[p].key} ends at ${pa.end}`);
    }
  });

  // overlaps per technician, bay and job (non-parallel ops)
  const check = (groups: Map<number, number[]>, code: ViolationCode, what: (g: number) => string) => {
    for (const [g, list] of groups) {
      list.sort((x, y) => placed[x]!.start - placed[y]!.start || placed[x]!.end - placed[y]!.end);
      // two operations in progress (fixed) may overlap: the floor reported both, the plan cannot
      // change either; every planned operation must stay clear of all others
      let maxEnd = -Infinity, maxOp = -1, maxPlannedEnd = -Infinity, maxPlannedOp = -1;
      for (const o of list) {
        const a = placed[o]!;
        if (a.end === a.start) continue;
        const fixed = !!model.ops[o].fixed;
        const [end, other] = fixed ? [maxPlannedEnd, maxPlannedOp] : [maxEnd, maxOp];
        if (a.start < end) {
          v(code, model.ops[o].key, `operation ${model.ops[o].key} (${a.start}-${a.end}) overlaps ${model.ops[other].key} on ${what(g)}`);
        }
        if (a.end > maxEnd) { maxEnd = a.end; maxOp = o; }
        if (!fixed && a.end > maxPlannedEnd) { maxPlannedEnd = a.end; maxPlannedOp = o; }
      }
    }
  };
  const byTech = new Map<number, number[]>(), byBay = new Map<number, number[]>(), byJob = new Map<number, number[]>();
  const add = (m: Map<number, number[]>, k: number, o: number) => { const l = m.get(k); if (l) l.push(o); else m.set(k, [o]); };
  placed.forEach((a, o) => {
    if (!a) return;
    add(byTech, a.tech, o);
    if (a.bay >= 0) add(byBay, a.bay, o);
    if (!model.ops[o].parallel) add(byJob, model.ops[o].job, o);
  });
  check(byTech, 'tech_overlap', (g) => `technician ${model.techs[g].key}`);
  check(byBay, 'bay_overlap', (g) => `bay ${model.bays[g].key}`);
  check(byJob, 'job_overlap', (g) => `vehicle ${model.jobs[g]?.key ?? g} (ops of one job run one at a time)`);
  return out;
}
