export * from './durations.js';
// the forecast: calendar arithmetic, sampling, per-job forecast, whole-plan and insertion simulations
export { firstEndAfter, nextWorkingMinute, advanceWork } from './work-calendar.js';
export { KIND_RELEASE, KIND_JOB, KIND_TECH, KIND_BAY, KIND_IN_PROGRESS, SimulationDraws } from './sampling.js';
export { sequencePosition } from './sequences.js';
export { JobForecast, probAtMost, fractionAtMost, type Bottleneck, type BottleneckKind, type Quantiles } from './job-forecast.js';
export {
  DEFAULT_SAMPLES, DEFAULT_SCREEN_SAMPLES, PromiseSimulation, forecastJobs,
  type SimulationOptions, type SimulationInput, type ForecastOptions,
} from './promise-simulation.js';
export { InsertionSimulation, type ExtendedPlan } from './insertion-simulation.js';
export * from './insert.js';
export * from './context.js';
export * from './availability.js';
