export * from './model.js';
export { verifyPlan, type Violation, type ViolationCode } from './verify.js';
export { solve, dispatchFifo, type SolveOptions, type SolveResult, type SolveStats, type LowerBoundSource } from './solve.js';
export { parseFjs, toFjspSchedule, FjspParseError, type FjspInstance, type FjspScheduleRow } from './fjsp.js';
export { combinatorialBounds, lpMakespanBound } from './bounds.js';
export { generateWorkshop, type WorkshopGenOptions } from './synthetic.js';
