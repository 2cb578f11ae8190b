/**
 * Forecast of one vehicle from its ops' samples.
 *
 *   completion[s] = max over the vehicle's ops of end[s]        (work done, WITHOUT the buffer)
 *   quantile(p)   = the smallest sampled completion v with P(completion ≤ v) ≥ p, + bufferMinutes
 *   probReadyBy(m)= P(completion + bufferMinutes ≤ m)
 * The handover buffer (QC, wash, paperwork) is added to every time-valued output, so quantile(0.9)
 * is the 90% ready-for-handover minute.
 * Bottleneck of sample s: follow the binding constraints back from the op that finished last,
 * through the vehicle's own ops, to the first constraint that is not the vehicle's own work:
 *   another vehicle's op on a technician / bay → technician / bay (with its key);
 *   the release, when that op's release is later than the vehicle's → release (parts ETA, or an op
 *   released after the arrival); the vehicle's own release or an op in progress → own_work.
 * The bottlenecks are the labels' shares over the samples, most frequent first.
 */
import type { Plan, SchedulingModel } from '../scheduling/model.js';
import { KIND_BAY, KIND_IN_PROGRESS, KIND_RELEASE, type OpSamples } from './sampling.js';

export type BottleneckKind = 'technician' | 'bay' | 'release' | 'own_work';

export interface Bottleneck {
  /**
   * technician / bay: the vehicle's critical chain waited for another vehicle's work on that
   * technician / bay; release: it waited for its release (parts ETA, or an op released after the
   * vehicle's arrival); own_work: it started when it arrived (first working minute) and its own
   * work determined the completion.
   */
  kind: BottleneckKind;
  /** technician or bay key; null for release / own_work */
  key: string | null;
  /** share of samples in which this was the binding constraint */
  share: number;
}

export interface Quantiles { p50: number; p80: number; p90: number; p95: number }

/**
 * Forecast of one vehicle. `completion` holds the sampled minutes at which its last op ends (work
 * done, WITHOUT the handover buffer), sorted ascending. Every time-valued method adds
 * `bufferMinutes` (QC, wash, paperwork): quantile(0.9) is the 90% ready-for-handover minute, and
 * probReadyBy(promise) = P(completion + buffer ≤ promise).
 */
export class JobForecast {
  constructor(
    readonly job: number,
    readonly key: string,
    readonly completion: Float64Array,
    readonly bufferMinutes: number,
    readonly bottlenecks: Bottleneck[],
  ) {}

  get samples(): number { return this.completion.length; }

  /** p-quantile of handover time (completion + buffer): the smallest sample value v with P(X ≤ v) ≥ p */
  quantile(p: number): number {
    const n = this.completion.length;
    const i = Math.min(n - 1, Math.max(0, Math.ceil(p * n - 1e-9) - 1));
    return this.completion[i] + this.bufferMinutes;
  }

  quantiles(): Quantiles {
    return { p50: this.quantile(0.5), p80: this.quantile(0.8), p90: this.quantile(0.9), p95: this.quantile(0.95) };
  }

  /** P(completion + buffer ≤ minute) */
  probReadyBy(minute: number): number {
    return probAtMost(this.completion, minute - this.bufferMinutes);
  }

  mean(): number {
    let s = 0;
    for (let i = 0; i < this.completion.length; i++) s += this.completion[i];
    return s / this.completion.length + this.bufferMinutes;
  }

  /** the most frequent binding constraint */
  get bottleneck(): Bottleneck { return this.bottlenecks[0]; }
}

/** fraction of the sorted samples ≤ x */
export function probAtMost(sorted: Float64Array, x: number): number {
  let lo = 0, hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (sorted[mid] <= x) lo = mid + 1;
    else hi = mid;
  }
  return lo / sorted.length;
}

/** P(x ≤ limit) over unsorted samples */
export function fractionAtMost(x: Float64Array, limit: number): number {
  let c = 0;
  for (let i = 0; i < x.length; i++) if (x[i] <= limit) c++;
  return c / x.length;
}

/**
 * The forecast of `job` (ops `ops`, all scheduled) with its bottleneck analysis, from the ops'
 * samples `res(o)` (S samples each).
 */
export function buildForecast(
  model: SchedulingModel,
  plan: Pick<Plan, 'assignments'>,
  job: number,
  ops: readonly number[],
  S: number,
  bufferMinutes: number,
  res: (o: number) => OpSamples,
): JobForecast {
  const completion = new Float64Array(S).fill(-Infinity);
  const last = new Int32Array(S).fill(-1);
  for (const o of ops) {
    const e = res(o).end;
    for (let s = 0; s < S; s++) if (e[s] > completion[s]) { completion[s] = e[s]; last[s] = o; }
  }
  // critical chain: follow binding constraints back through the vehicle's own ops
  const counts = new Map<string, number>();
  const jobRel = model.jobs[job].release;
  for (let s = 0; s < S; s++) {
    let c = last[s];
    let label = 'own_work:';
    for (let guard = 0; guard < ops.length + 2; guard++) {
      const r = res(c);
      const k = r.kind[s], b = r.bind[s];
      if (k === KIND_RELEASE) {
        const op = model.ops[c];
        label = Math.max(op.release, jobRel) > jobRel ? 'release:' : 'own_work:';
        break;
      }
      if (k === KIND_IN_PROGRESS) { label = 'own_work:'; break; }
      if (model.ops[b].job === job) { c = b; continue; }
      const a = plan.assignments[c];
      label = k === KIND_BAY ? `bay:${model.bays[a.bay].key}` : `technician:${model.techs[a.tech].key}`;
      break;
    }
    counts.set(label, (counts.get(label) ?? 0) + 1);
  }
  const bottlenecks: Bottleneck[] = [...counts.entries()]
    .map(([l, cnt]) => {
      const i = l.indexOf(':');
      const key = l.slice(i + 1);
      return { kind: l.slice(0, i) as BottleneckKind, key: key === '' ? null : key, share: cnt / S };
    })
    .sort((x, y) => y.share - x.share);
  completion.sort();
  return new JobForecast(job, model.jobs[job].key, completion, bufferMinutes, bottlenecks);
}

