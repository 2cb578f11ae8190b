/**
 * The workshop's promise policy: what it promises and how it weighs its customers. One type, one
 * set of defaults; the workshop schema (model/workshop.ts), the service and the simulator all take
 * them from here.
 */
export interface PromisePolicy {
  /** probability at which promises must be kept */
  targetOnTime: number;
  /** QC, wash and paperwork after the last operation, minutes */
  handoverBufferMinutes: number;
  /** tardiness weight of a waiter relative to a drop-off */
  waiterWeight: number;
  /** extra tardiness weight factor of a high-priority repair order */
  priorityWeight: number;
  /** promise at the (target + headroom) quantile, capped at half the gap to 1 (see promise.ts) */
  promiseHeadroom: number;
  /** longest wait offered to a customer who waits on site, minutes from arrival */
  waiterMaxWaitMinutes: number;
}

export const POLICY_DEFAULTS: PromisePolicy = {
  targetOnTime: 0.9,
  handoverBufferMinutes: 15,
  waiterWeight: 3,
  priorityWeight: 2,
  promiseHeadroom: 0.03,
  waiterMaxWaitMinutes: 180,
};

/** Promises are told on this grid (minutes), rounded up. */
export const PROMISE_GRID_MINUTES = 5;
