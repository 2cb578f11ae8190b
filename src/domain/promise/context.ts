/**
 * Everything the promise engine derives from one (model, plan, duration model): gap timelines, a
 * screening simulation (few samples) and a full simulation (the answer), all lazily built. The app
 * layer builds one per workshop revision (and as-of) and caches it; quotes and availability then
 * only pay for the new job and the cone it affects.
 */
import type { Plan, SchedulingModel } from '../scheduling/model.js';
import type { DurationModel } from './durations.js';
import { DEFAULT_SAMPLES, DEFAULT_SCREEN_SAMPLES, PromiseSimulation } from './promise-simulation.js';
import { quoteOn, Timelines, type InsertionFailure, type NewJobSpec, type QuoteOptions, type QuoteResult } from './insert.js';

export interface PromiseContextInput {
  model: SchedulingModel;
  plan: Plan;
  /** op code of every op in model.ops (index-aligned) */
  opCodes: readonly string[];
  durations: DurationModel;
}

export interface PromiseContextOptions {
  /** as-of minute (in-progress ops still have [max(start, asOf), end) to do) */
  asOf?: number;
  seed?: number;
  /** samples for answers (default 2000) */
  samples?: number;
  /** samples for screening many candidates (default 384) */
  screenSamples?: number;
}

export interface PromiseContextParts {
  timelines?: Timelines;
  full?: PromiseSimulation;
  screen?: PromiseSimulation;
}

export class PromiseContext {
  readonly model: SchedulingModel;
  readonly plan: Plan;
  private tl?: Timelines;
  private fullSim?: PromiseSimulation;
  private screenSim?: PromiseSimulation;

  /**
   * `parts`: simulations and timelines the caller already holds for (model, plan), e.g. kept up to
   * date incrementally with PromiseSimulation.extend / Timelines.extend; the missing ones are built lazily.
   */
  constructor(readonly input: PromiseContextInput, readonly opts: PromiseContextOptions = {}, parts: PromiseContextParts = {}) {
    this.model = input.model;
    this.plan = input.plan;
    this.tl = parts.timelines;
    this.fullSim = parts.full;
    this.screenSim = parts.screen;
  }

  get timelines(): Timelines { return (this.tl ??= new Timelines(this.model, this.plan)); }

  private sim(samples: number): PromiseSimulation {
    return new PromiseSimulation(this.input, { samples, seed: this.opts.seed ?? 1, asOf: this.opts.asOf });
  }

  /** simulation with the full sample count (answers) */
  get full(): PromiseSimulation { return (this.fullSim ??= this.sim(this.opts.samples ?? DEFAULT_SAMPLES)); }

  /** simulation with few samples (screening); same seed, so its draws are the first ones of the full run */
  get screen(): PromiseSimulation { return (this.screenSim ??= this.sim(this.opts.screenSamples ?? DEFAULT_SCREEN_SAMPLES)); }

  /** forecast of existing jobs with the full sample count */
  forecast(jobs: readonly number[], bufferMinutes = 0) {
    return jobs.map((j) => this.full.forecastJob(j, bufferMinutes));
  }

  /** quote with the full sample count */
  quote(spec: NewJobSpec, opts: QuoteOptions = {}): QuoteResult | InsertionFailure {
    return quoteOn(this.full, spec, opts, this.timelines);
  }
}

export function createPromiseContext(input: PromiseContextInput, opts: PromiseContextOptions = {}): PromiseContext {
  return new PromiseContext(input, opts);
}

/** Quote a new job (one-shot; prefer a cached PromiseContext in a service). */
export function quote(input: PromiseContextInput, spec: NewJobSpec, opts: QuoteOptions & PromiseContextOptions = {}): QuoteResult | InsertionFailure {
  return new PromiseContext(input, opts).quote(spec, opts);
}
