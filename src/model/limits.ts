/**
 * Size caps per workshop: the largest workshop Baywise accepts is one it still plans, quotes and
 * answers availability for within bounded time and memory (bench/caps.ts builds one at the caps
 * through the API and measures it). A write that would pass a cap is refused with 422
 * `limit_exceeded` naming the limit; nothing is stored.
 */
export const LIMITS = {
  technicians: 60,
  bays: 90,
  /** operations in the catalogue */
  catalogue: 500,
  /** repair orders not yet ready, delivered, cancelled or no-show */
  openRepairOrders: 400,
  /** operations of the open repair orders together: what a replan and a forecast work through */
  openOperations: 1200,
  /** operations of one repair order (the request schema's bound) */
  operationsPerOrder: 30,
} as const;
export type LimitName = keyof typeof LIMITS;
