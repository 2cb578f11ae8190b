/**
 * What every use case gets: the store, a clock port, id generation (all injectable in tests), and
 * the services of one running service, built once in the composition root (`createContext`): the
 * plan and promise caches, the availability cache and the per-workshop write queue.
 */
import { randomUUID } from 'node:crypto';
import { LRUCache } from 'lru-cache';
import type { Store } from '../store/port.js';
import type { Engine } from './engine.js';
import { KeyedMutex } from './idempotency.js';
import type { PlanState } from './planning.js';
import type { PromiseState } from './promises.js';

export interface Clock {
  /** epoch milliseconds */
  now(): number;
}
export const systemClock: Clock = { now: () => Date.now() };

export interface AppServices {
  /** the current plan of each workshop (planning.ts), keyed by workshop id */
  plans: Map<string, PlanState>;
  /** replans in flight, keyed by workshop, revision and age bucket: concurrent reads share one */
  replans: Map<string, Promise<PlanState>>;
  /** the promise context of each workshop's current plan (promises.ts) */
  promises: Map<string, PromiseState>;
  /** availability answers by revision and query, least recently used evicted first */
  availability: LRUCache<string, object>;
  /** the per-workshop critical section of every write (serial.ts) */
  writeQueue: KeyedMutex;
}

export interface AppContext {
  store: Store;
  clock: Clock;
  newId(prefix: string): string;
  /** solver budget for replans triggered by requests */
  solverTimeLimitMs: number;
  /** optional iteration cap: with it, a replan is reproducible whatever the machine's speed */
  solverMaxIterations?: number;
  /** deadline of one queueing computation run in a worker (QUEUEING_DEADLINE_MS) */
  queueingDeadlineMs?: number;
  /** where planning and forecasting run (engine.ts); default: in this thread */
  engine?: Engine;
  services: AppServices;
}

/** Availability answers kept (each a few kB to a few hundred kB at the caps). */
export const AVAILABILITY_CACHE_ENTRIES = 200;

export function createServices(): AppServices {
  return {
    plans: new Map(),
    replans: new Map(),
    promises: new Map(),
    availability: new LRUCache<string, object>({ max: AVAILABILITY_CACHE_ENTRIES }),
    writeQueue: new KeyedMutex(),
  };
}

/** The context of one running service (or test, bench, worker): the composition root calls this once. */
export function createContext(deps: Omit<AppContext, 'services' | 'clock' | 'newId' | 'solverTimeLimitMs'> & Partial<Pick<AppContext, 'clock' | 'newId' | 'solverTimeLimitMs'>>): AppContext {
  return { clock: systemClock, newId, solverTimeLimitMs: 300, ...deps, services: createServices() };
}

export function newId(prefix: string): string {
  return `${prefix}_${randomUUID().replace(/-/g, '').slice(0, 20)}`;
}
