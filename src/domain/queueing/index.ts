/**
 * Queueing engine: public API. Pure functions; minutes and rates per minute throughout.
 * See each module's header for the method and its accuracy.
 */
export { QueueingInputError } from './errors.js';
export type { Growth, StationaryMetrics, UnstableMetrics, WaitQuantile, WaitTailPoint } from './types.js';
export { erlangB, erlangC, mmc, mmcCore, type MmcInput, type MmcResult } from './mmc.js';
export { mmck, mmckDistribution, type MmckInput, type MmckResult } from './mmck.js';
export {
  ggc,
  mdc,
  mgc,
  wqAllenCunneen,
  wqMdcCosmetatos,
  wqMgcKimura,
  wqMmc,
  wqWhitt,
  type ApproxMethod,
  type ApproxResult,
  type GgcInput,
} from './approx.js';
export { ACCURACY } from './accuracy.js';
export {
  timeVarying,
  type TimeVaryingInput,
  type TimeVaryingMethod,
  type TimeVaryingPeriod,
  type TimeVaryingResult,
} from './timeVarying.js';
export {
  halfinWhittDelay,
  squareRootBeta,
  staffing,
  type StaffingInput,
  type StaffingPeriod,
  type StaffingResult,
  type StaffingTarget,
} from './staffing.js';
export { planShifts, type PlanShiftsInput, type PlanShiftsOptions, type PlanShiftsResult, type ShiftPattern } from './shifts.js';
export { conditionalWait, type ConditionalWaitInput, type ConditionalWaitResult } from './conditionalWait.js';
export {
  simulateQueue,
  type ArrivalSpec,
  type PeriodStats,
  type QueueConfig,
  type ServiceDistribution,
  type ServiceSpec,
  type SimulationOptions,
  type SimulationResult,
} from './simulate.js';
export type { ConfidenceInterval } from './stats.js';
export { estimate, type EstimateRequest, type EstimateResult } from './estimate.js';
