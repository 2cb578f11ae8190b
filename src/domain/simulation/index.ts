/**
 * What-if simulation of a workshop: a seeded discrete-event engine running the real booking,
 * scheduling and promise policies (`simulateReplication` over a compiled `SimWorld`), KPIs with
 * confidence intervals and paired comparisons under common random numbers, and JSON Patch
 * variants. Compiling scenarios, worker threads and jobs live in src/app/simulations.ts.
 */
export { simulateReplication } from './engine.js';
export type { ReplicationOptions, ReplicationResult, SimWorld, SimOpType, SimJobKind, SimLane, SimTech } from './types.js';
export { KPIS, summarise, comparePaired, formatSummary, formatComparison, type KpiInfo, type KpiSummary, type ScenarioSummary, type KpiDifference, type VariantComparison } from './report.js';
export { applyPatch, parsePointer, PatchError, type PatchOperation } from './patch.js';
export { mix, streamRng, poissonInv, normInv, pickWeighted, STREAM } from './streams.js';
