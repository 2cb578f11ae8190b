/**
 * The promise rule: the ready-by time told to the customer.
 *
 *   promise = the (target + headroom) quantile of the ready time (completion + handover buffer),
 *             rounded UP to the promise grid;
 *             a drop-off's promise that falls while the workshop is closed moves to its next
 *             opening (ready for pick-up when the doors open: the probability only grows).
 *
 * Headroom leaves room for later bookings and replans to erode a promise down to the target
 * instead of refusing them; it is capped at half the gap between target and 1.
 *
 * And the industry's fixed rule, the baseline Baywise is measured against:
 *   promise = arrival + 1.5 × standard hours + 60 minutes, rounded up to the grid.
 */
import { PROMISE_GRID_MINUTES } from './policy.js';

/** The headroom actually used: the policy's, capped at half the gap between target and 1. */
export function effectiveHeadroom(targetOnTime: number, promiseHeadroom: number): number {
  return Math.max(0, Math.min(promiseHeadroom, (1 - targetOnTime) / 2));
}

/** The quantile level a promise is made at. */
export function promiseLevel(targetOnTime: number, promiseHeadroom: number): number {
  return Math.min(0.999, targetOnTime + effectiveHeadroom(targetOnTime, promiseHeadroom));
}

/** Rounds a minute up to the grid (a hair of tolerance so that 600.0000001 stays 600). */
export function roundUpToGrid(minute: number, grid: number = PROMISE_GRID_MINUTES): number {
  return Math.ceil(minute / grid - 1e-9) * grid;
}

/** An open range of a day, in model minutes. */
export interface OpenRange { start: number; end: number }

/**
 * The promise for a ready-time quantile (completion + buffer, at `promiseLevel`). `openRanges`
 * (sorted) moves a drop-off's promise that falls outside them to the next opening.
 */
export function promiseMinute(readyQuantile: number, opts: { waiter: boolean; openRanges?: readonly OpenRange[]; grid?: number }): number {
  const promise = roundUpToGrid(readyQuantile, opts.grid);
  if (opts.waiter || !opts.openRanges?.length) return promise;
  // ready at closing time is ready (the customer collects as the doors close)
  const next = opts.openRanges.find((r) => r.end >= promise);
  return next && promise < next.start ? next.start : promise;
}

/** The industry's fixed rule: arrival + 1.5 × standard hours + 60 minutes, on the grid. */
export function fixedRulePromise(arrivalMinute: number, standardHours: number, grid: number = PROMISE_GRID_MINUTES): number {
  return roundUpToGrid(arrivalMinute + 1.5 * standardHours * 60 + 60, grid);
}
