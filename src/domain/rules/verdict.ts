/**
 * The booking verdict: may this promise be made? One answer for the quote, the availability search,
 * the booking's 409 and the simulator's booking, with one union of refusal reasons.
 *
 * A promise is bookable when, in this order:
 *  - the arrival is not in the past (a few minutes of grace for a late click);
 *  - the work fits a technician's and a bay's gaps at all;
 *  - the promise lies inside the planning horizon (beyond it the calendars end);
 *  - a waiter's promise falls on the arrival's own day (before that day's closing) and within the
 *    policy's longest wait;
 *  - no existing promise falls below the target because of it (none that met it goes below, none
 *    already below drops by more than a hair).
 */
export type RefusalReason =
  | 'in_the_past'
  | 'no_capacity'
  | 'beyond_horizon'
  | 'waiter_not_same_day'
  | 'waiter_wait_too_long'
  | 'hurts_existing_promises';

export const REFUSAL_MESSAGES: Record<RefusalReason, string> = {
  in_the_past: 'the planned arrival is in the past',
  no_capacity: 'no technician or bay has a free gap for this work in the planning horizon',
  beyond_horizon: 'the work would not be finished within the planning horizon',
  waiter_not_same_day: 'a waiter would not be ready on the day of arrival',
  waiter_wait_too_long: 'a waiter would wait longer than the workshop allows',
  hurts_existing_promises: 'it would push existing promises below the target',
};

/** Minutes an arrival may lie in the past and still be promised (a late click). */
export const PAST_ARRIVAL_GRACE_MINUTES = 15;

export interface VerdictFacts {
  /** minutes, all on one clock */
  now: number;
  arrival: number;
  /** the promise (or, for an early screen, its lower bound: planned finish + buffer); null when nothing fits */
  promise: number | null;
  horizonEnd: number;
  waiter: boolean;
  /** end of the arrival day's opening (waiters must be ready by then); unknown → not checked */
  dayEnd?: number;
  waiterMaxWaitMinutes: number;
  /** existing promises this booking would hurt */
  hurts: number;
}

export type Verdict = { bookable: true } | { bookable: false; reason: RefusalReason };

/** An arrival before now (less the grace) cannot be promised. */
export function arrivalIsPast(arrival: number, now: number): boolean {
  return arrival < now - PAST_ARRIVAL_GRACE_MINUTES;
}

export function bookingVerdict(f: VerdictFacts): Verdict {
  const no = (reason: RefusalReason): Verdict => ({ bookable: false, reason });
  if (arrivalIsPast(f.arrival, f.now)) return no('in_the_past');
  if (f.promise === null) return no('no_capacity');
  if (f.promise > f.horizonEnd) return no('beyond_horizon');
  if (f.waiter) {
    if (f.dayEnd !== undefined && f.promise > f.dayEnd) return no('waiter_not_same_day');
    if (f.promise - f.arrival > f.waiterMaxWaitMinutes) return no('waiter_wait_too_long');
  }
  if (f.hurts > 0) return no('hurts_existing_promises');
  return { bookable: true };
}

/**
 * When does an existing promise count as hurt by a booking: it met the target and now does not,
 * or it was already below and drops by more than epsilon (common random numbers: differences are
 * not noise).
 */
export function isHurt(before: number, after: number, target: number, epsilon = 0.005, margin = 0): boolean {
  // a screen's margin: any promise it moves must stay that far above the target
  if (margin > 0 && after < target + margin && before - after > epsilon) return true;
  return (before >= target && after < target) || (before < target && before - after > epsilon);
}

/**
 * The margins an availability screen keeps, so that the booking's full simulation accepts what the
 * screen offered (its 384 samples estimate a probability to about ±0.015 at 0.9, so 0.05 is over three standard errors, and a quantile to
 * within a grid step): a slot is offered only if every promise it moves stays this far above the
 * target, and a waiter's promise this many minutes inside the longest wait and the day's closing.
 */
export const SCREENING_MARGIN = 0.05;
export const SCREENING_WAIT_MARGIN_MINUTES = 10;
