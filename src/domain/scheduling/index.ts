/**
 * Scheduling engine (pure): plans repair orders on technicians and bays.
 *
 *   validateModel(model)              → ModelIssue[] (never throws)
 *   solve(model, opts)                → Promise<{ plan, stats }> (anytime, seeded, abortable; replans with opts.previous)
 *   dispatchFifo(model, objective?)   → Plan (first-come-first-served baseline)
 *   verifyPlan(model, plan)           → Violation[] (independent checker of every hard rule)
 *   repairPlan(model, plan)           → { plan, violations, removed } (takes what the checker names off a plan)
 *   parseFjs(text) / toFjspSchedule() → flexible-job-shop benchmark I/O
 *   generateWorkshop(opts)            → seeded synthetic workshop for tests and benchmarks
 */
export * from './model.js';
export { verifyPlan, type Violation, type ViolationCode } from './verify.js';
export { repairPlan, type RepairResult } from './repair.js';
export { solve, dispatchFifo, convergenceFor, type SolveOptions, type SolveResult, type SolveStats, type LowerBoundSource } from './solve.js';
export { parseFjs, toFjspSchedule, FjspParseError, type FjspInstance, type FjspScheduleRow } from './fjsp.js';
export { combinatorialBounds, lpMakespanBound } from './bounds.js';
export { generateWorkshop, type WorkshopGenOptions } from './synthetic.js';
