/** What every use case gets: the store, a clock port and id generation (all injectable in tests). */
import { randomUUID } from 'node:crypto';
import type { Store } from '../store/port.js';
import type { Engine } from './engine.js';

export interface Clock {
  /** epoch milliseconds */
  now(): number;
}
export const systemClock: Clock = { now: () => Date.now() };

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
}

export function newId(prefix: string): string {
  return `${prefix}_${randomUUID().replace(/-/g, '').slice(0, 20)}`;
}
