/**
 * The state of one replication, as plain data passed explicitly to the named functions of the
 * other modules (demand, booking, reception, floor, planning, KPIs): no closure holds it.
 *
 *  - the event queue: events ordered by time, then by the order they were pushed (ties keep FIFO
 *    order, so a day start pushed first precedes the requests of the same minute);
 *  - the repair orders (`Ro`) and their operations (`OpRun`): a repair order is booked, at
 *    reception, checked in, ready or gone (no-show, turned away); an operation is pending, running
 *    or done;
 *  - the plan the floor executes (`PlanState`, planning.ts), the floor (`FloorState`: who works on
 *    what, which bays are held, each technician's sequence), reception and the lanes;
 *  - the duration model the promises use (refitted each morning from the run's job clocks);
 *  - counters and KPI accumulators (kpis.ts).
 */
import TinyQueue from 'tinyqueue';
import type { Rng } from '../../lib/random.js';
import type { JobClockObservation, DurationModel } from '../promise/durations.js';
import type { PromisePolicy } from '../rules/index.js';
import type { DayRange } from '../promise/availability.js';
import type { PlanState } from './planning.js';
import type { KpiAccumulators } from './kpis.js';
import type { ReplicationOptions, SimWorld } from './types.js';

// ------------------------------------------------------------------------------------ events
export const EV = {
  request: 0,
  arrival: 1,
  checkInDone: 2,
  opEnd: 3,
  parts: 4,
  techOn: 5,
  replan: 6,
  dayStart: 7,
  dayEnd: 8,
  laneDone: 9,
  open: 10,
} as const;
export type EventType = (typeof EV)[keyof typeof EV];

/** An event: `a`, `b` carry the event's integers (day, technician, op index, lane, pause fraction). */
export interface Ev { t: number; seq: number; type: EventType; ro: Ro | null; a: number; b: number }

// ------------------------------------------------------------------------------------ repair orders
export const ST = { booked: 0, reception: 1, checkedIn: 2, ready: 3, gone: 4 } as const;
export const KIND = { appointment: 0, walkIn: 1, comeback: 2 } as const;
export const OP = { pending: 0, running: 1, done: 2 } as const;

export interface OpRun {
  type: number;
  status: 0 | 1 | 2; // OP: pending, running, done
  /** truth multiplier (bias × noise), drawn once per op: the same in every scenario */
  mult: number;
  /** true work fraction done */
  progress: number;
  /** planner's view: clocked ÷ planned fraction done */
  plannedDone: number;
  tech: number;
  bay: number;
  start: number;
  /** planned remaining minutes on `tech` when the current run started */
  plannedAtStart: number;
  assignedTech: number;
  plannedBay: number;
  plannedStart: number;
  clocked: number;
}

export interface Ro {
  uid: number;
  key: string;
  kind: number; // KIND
  jobKind: number;
  lane: number;
  waiter: boolean;
  priority: boolean;
  plannedArrival: number;
  arrival: number;
  noShow: boolean;
  status: number; // ST
  promise: number;
  /** booked service rule (same-day for drop-offs, short wait for waiters): the solver's due until a promise is made */
  due: number;
  partsDelay: number; // minutes after arrival, NaN none
  partsEta: number; // known ETA (planned arrival + delay), NaN none
  partsArrived: boolean;
  checkInStart: number;
  checkInEnd: number;
  readyAt: number;
  firstStart: number;
  std: number;
  ops: OpRun[];
  rng: Rng;
  counted: boolean;
}

// ------------------------------------------------------------------------------------ the replication
export interface FloorState {
  /** today's working intervals per technician (empty when absent) */
  todayWork: number[][];
  absent: boolean[];
  /** what each technician is running */
  techRun: ({ ro: Ro; op: number } | null)[];
  bayHeld: boolean[];
  /** each technician's planned sequence of pending ops, by planned start */
  seqs: { ro: Ro; op: number; start: number }[][];
}

export interface ReceptionState {
  queue: Ro[];
  head: number;
  freeAdvisors: number;
  laneQueues: Ro[][];
  laneBusy: number[];
  /** per lane: the wait quantile at the target (M/M/c), minutes */
  laneWaitQ: number[];
}

export interface Counts {
  requests: number; booked: number; turnedAway: number; walkIns: number; noShows: number;
  comebacks: number; arrived: number; delivered: number; laneServed: number;
  events: number; replans: number; quotes: number; daysDone: number;
}

export interface Replication {
  W: SimWorld;
  D: SimWorld['demand'];
  opts: ReplicationOptions;
  /** the replication's base seed (run seed × replication): every stream derives from it */
  seed: number;
  solverIterations: number;
  /** the workshop's policy (rules/policy.ts), and the quantile promises are made at (rules/promise.ts promiseLevel) */
  policy: PromisePolicy;
  promiseQ: number;
  lastDay: number;
  endTime: number;
  /** days of calendar the planner sees ahead */
  horizonDays: number;
  /** job-mix weights (demand draws) */
  jobWeights: number[];
  simDays: Set<number>;
  /** each open day's range (first opening to last closing): the promise rule's and the verdict's days */
  openDays: DayRange[];

  queue: TinyQueue<Ev>;
  seqNo: number;

  ros: Ro[];
  /** booked or in the workshop, not ready/gone (scheduled work only) */
  openRos: Set<Ro>;
  /** checked in, not ready (all) */
  inShop: Set<Ro>;

  priors: Map<string, number>;
  observations: JobClockObservation[];
  durations: DurationModel;

  plan: PlanState;
  floor: FloorState;
  reception: ReceptionState;
  counts: Counts;
  kpi: KpiAccumulators;
}

export function newEventQueue(): TinyQueue<Ev> {
  return new TinyQueue<Ev>([], (x, y) => x.t - y.t || x.seq - y.seq);
}

export function push(s: Replication, t: number, type: EventType, ro: Ro | null = null, a = 0, b = 0): void {
  s.queue.push({ t, seq: s.seqNo++, type, ro, a, b });
}
