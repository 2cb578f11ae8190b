/**
 * Promise calibration: the forecast's promise is corrected by what the workshop's own promises
 * achieved, so the achieved on-time rate stays at the target even when the duration model is wrong,
 * and promises stay sharp when the forecast is too cautious.
 *
 * Each promise Baywise made is scored when its vehicle is ready:
 *   score = actual lead ÷ forecast lead   (lead = ready − arrival; forecast lead = the forecast's
 *                                          promise-level quantile of the ready time − arrival)
 * Per segment (waiter / drop-off × quoted the same day / days ahead), over its latest outcomes,
 * the scale is the split-conformal quantile of the scores at the target: the smallest s such that
 * at least ⌈(n + 1)·target⌉ of the n scores are ≤ s. The calibrated ready time is
 *   arrival + scale × (forecast ready time − arrival),
 * and a probability "ready by t" is the forecast's at arrival + (t − arrival) ÷ scale. A segment
 * with too few outcomes borrows its transport's pooled scale, and without enough of those the
 * forecast is used as it is (scale 1).
 */
export type Transport = 'waiter' | 'drop_off';
export type Horizon = 'same_day' | 'ahead';
export type Segment = `${Transport}/${Horizon}`;
export const SEGMENTS: readonly Segment[] = ['waiter/same_day', 'waiter/ahead', 'drop_off/same_day', 'drop_off/ahead'];

/** Outcomes a segment needs before its own scale is used. */
export const MIN_OUTCOMES = 30;
/** The latest outcomes of a workshop a scale is computed from (the workshop and its model change). */
export const CALIBRATION_WINDOW = 400;
/** A scale never leaves these bounds: a few bad days must not make promises absurd. */
export const SCALE_BOUNDS = { min: 0.05, max: 4 } as const;

export function promiseSegment(waiter: boolean, quotedSameDay: boolean): Segment {
  return `${waiter ? 'waiter' : 'drop_off'}/${quotedSameDay ? 'same_day' : 'ahead'}`;
}

/** Split-conformal quantile of the scores at the target, or null with fewer than MIN_OUTCOMES. */
export function conformalScale(scores: readonly number[], target: number, minOutcomes = MIN_OUTCOMES): number | null {
  const xs = scores.filter((x) => Number.isFinite(x) && x >= 0).sort((a, b) => a - b);
  const n = xs.length;
  if (n < minOutcomes) return null;
  const k = Math.min(n, Math.ceil((n + 1) * target));
  return Math.min(SCALE_BOUNDS.max, Math.max(SCALE_BOUNDS.min, xs[k - 1]));
}

/** The score of one outcome: actual lead ÷ forecast lead (null when the forecast lead is not positive). */
export function calibrationScore(arrival: number, ready: number, rawLeadMinutes: number): number | null {
  if (!(rawLeadMinutes > 0)) return null;
  return Math.max(0, ready - arrival) / rawLeadMinutes;
}

/** The calibrated ready time of a forecast quantile (minutes on one clock). */
export function calibratedReady(from: number, rawReady: number, scale: number): number {
  return from + scale * (rawReady - from);
}

/** The forecast time a calibrated time corresponds to: where the forecast's probabilities are read. */
export function rawEquivalent(from: number, calibrated: number, scale: number): number {
  return from + (calibrated - from) / scale;
}

/**
 * The due the forecast reads a calibrated promise at: the raw equivalent of the promise, less the
 * handover buffer (the forecast's completion excludes it). Scale 1: the promise's own due.
 */
export function forecastDue(arrival: number, promise: number, scale: number, bufferMinutes: number): number {
  return rawEquivalent(arrival, promise, scale) - bufferMinutes;
}

/** The scale of a segment: its own, else its transport's pooled one, else 1. */
export function segmentScale(scales: Partial<Record<Segment | Transport, number | null>>, segment: Segment): number {
  return scales[segment] ?? scales[segment.split('/')[0] as Transport] ?? 1;
}
