/**
 * Promise calibration in the service: every promise Baywise makes is recorded with the forecast it
 * came from, its outcome is recorded when the vehicle is ready, and the scale of each segment
 * (rules/calibration.ts) corrects the next promises, the probabilities of the open ones (at-risk,
 * board, ETA, the effect check of bookings) and the report a workshop reads at
 * GET /v1/workshops/{id}/promise-calibration.
 */
import { DateTime } from 'luxon';
import {
  CALIBRATION_WINDOW, calibrationScore, conformalScale, promiseSegment, SEGMENTS, segmentScale,
  type Segment, type Transport,
} from '../domain/rules/index.js';
import type { PromiseRecord, Store } from '../store/port.js';
import type { Workshop } from '../model/workshop.js';

export type Scales = Partial<Record<Segment | Transport, number | null>>;

/** The scales of a workshop's segments (null: too few outcomes), from its latest outcomes. */
export function calibrationScales(store: Store, workshopId: string, target: number): Scales {
  return scalesOf(store.promises.outcomes(workshopId, CALIBRATION_WINDOW), target);
}

function scalesOf(rows: PromiseRecord[], target: number): Scales {
  const scores = (keep: (r: PromiseRecord) => boolean) =>
    rows.filter(keep).map((r) => calibrationScore(r.arrival / 60_000, r.readyAt! / 60_000, r.rawLeadMinutes)).filter((x): x is number => x !== null);
  const out: Scales = {};
  for (const s of SEGMENTS) out[s] = conformalScale(scores((r) => r.segment === s), target);
  for (const t of ['waiter', 'drop_off'] as const) out[t] = conformalScale(scores((r) => r.segment.startsWith(`${t}/`)), target);
  return out;
}

/** The segment of a promise quoted at nowMs for an arrival: transport × quoted the same local day or ahead. */
export function segmentOf(w: Workshop, waiter: boolean, arrivalMs: number, nowMs: number): Segment {
  const day = (ms: number) => DateTime.fromMillis(ms, { zone: w.timeZone }).toISODate();
  return promiseSegment(waiter, day(arrivalMs) === day(nowMs));
}

/** The calibration scale each open promise is read with now, by appointment id. */
export function openPromiseScales(store: Store, w: Workshop): Map<string, number> {
  const scales = calibrationScales(store, w.id, w.policy.targetOnTime);
  return new Map(store.promises.open(w.id).map((r) => [r.appointmentId, segmentScale(scales, r.segment as Segment)]));
}

const median = (xs: number[]) => {
  if (!xs.length) return null;
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

/** Wilson score interval of k successes in n, 95%. */
export function wilson(k: number, n: number): [number, number] | null {
  if (!n) return null;
  const z = 1.959964, p = k / n, d = 1 + (z * z) / n;
  const c = (p + (z * z) / (2 * n)) / d, h = (z * Math.sqrt((p * (1 - p)) / n + (z * z) / (4 * n * n))) / d;
  return [Math.max(0, c - h), Math.min(1, c + h)];
}

const r3 = (x: number | null) => (x === null ? null : Math.round(x * 1000) / 1000);
const r1 = (x: number | null) => (x === null ? null : Math.round(x * 10) / 10);

/** What a workshop reads: achieved on-time by segment with its interval, sharpness, and the corrections in force. */
export function calibrationReport(store: Store, w: Workshop) {
  const rows = store.promises.outcomes(w.id, CALIBRATION_WINDOW);
  const target = w.policy.targetOnTime;
  const scales = scalesOf(rows, target);
  const summary = (keep: (r: PromiseRecord) => boolean) => {
    const xs = rows.filter(keep);
    const onTime = xs.filter((r) => r.readyAt! <= r.promisedAt).length;
    const promisedLead = median(xs.map((r) => (r.promisedAt - r.arrival) / 60_000));
    const actualLead = median(xs.map((r) => Math.max(0, r.readyAt! - r.arrival) / 60_000));
    const ci = wilson(onTime, xs.length);
    return {
      outcomes: xs.length,
      onTime,
      onTimeRate: xs.length ? r3(onTime / xs.length) : null,
      interval95: ci && [r3(ci[0]), r3(ci[1])],
      medianPromisedLeadMinutes: r1(promisedLead),
      medianActualLeadMinutes: r1(actualLead),
      sharpness: promisedLead !== null && actualLead ? r3(promisedLead / actualLead) : null,
    };
  };
  return {
    workshopId: w.id,
    target,
    window: CALIBRATION_WINDOW,
    overall: summary(() => true),
    segments: SEGMENTS.map((segment) => ({
      segment,
      ...summary((r) => r.segment === segment),
      scale: r3(segmentScale(scales, segment)),
      scaleSource: scales[segment] != null ? 'segment' : scales[segment.split('/')[0] as Transport] != null ? 'transport' : 'none',
    })),
    openPromises: store.promises.open(w.id).length,
  };
}
