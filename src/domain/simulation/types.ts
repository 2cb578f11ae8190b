/**
 * The simulation's compiled world: plain, structured-cloneable data (no Maps, no luxon) so it can
 * be sent to worker threads. The app layer compiles a scenario into it once (calendars in the
 * workshop zone, DST-aware, via the same compiler the service uses); the engine only sees integer
 * minutes. Minute 0 is midnight of the first simulated day in the workshop zone.
 */
import type { PromisePolicy } from '../rules/policy.js';

export interface SimOpType {
  opCode: string;
  standardMinutes: number;
  /** the planner's belief (catalogue cv) */
  cv: number;
  splittable: boolean;
  parallel: boolean;
  /** qualified technicians and planned minutes (standard ÷ efficiency), as the service compiles them */
  alternatives: { tech: number; minutes: number }[];
  /** eligible bays; null = no bay needed */
  bays: number[] | null;
  /** truth: actual = planned × bias × noise (mean 1, cv = truthCv) */
  truthBias: number;
  truthCv: number;
  /** 0 lognormal, 1 gamma */
  truthDist: 0 | 1;
}

export interface SimJobKind {
  name: string;
  ops: number[];
  weight: number;
  standardMinutes: number;
  /** index of the lane serving it, -1 = scheduled work */
  lane: number;
}

export interface SimLane {
  id: string;
  servers: number;
}

export interface SimTech {
  key: string;
  efficiency: number;
  /** working intervals per calendar day (shifts minus breaks), flat [s, e, ...] */
  workByDay: number[][];
}

export interface SimWorld {
  name: string;
  /** calendar days compiled (simulated days plus the booking horizon) */
  calendarDays: number;
  /** midnight of each calendar day, length calendarDays + 1 */
  dayStart: number[];
  /** 0 = Monday … 6 = Sunday, per calendar day */
  weekday: number[];
  /** workshop opening intervals per calendar day (closed dates empty) */
  openByDay: number[][];
  /** indices of the first `days` open days */
  simDays: number[];
  techs: SimTech[];
  bays: { key: string }[];
  opTypes: SimOpType[];
  jobKinds: SimJobKind[];
  lanes: SimLane[];
  slotMinutes: number;
  /** the workshop's own promise policy (rules/policy.ts), as the service runs it */
  policy: PromisePolicy;
  reception: { advisors: number; checkInMinutes: number; checkInCv: number };
  demand: {
    appointmentsPerDay: number[]; // by weekday 0..6
    arrivalProfile: number[]; // 24 weights
    walkInProfile: number[]; // 24 weights
    walkInsPerDay: number;
    waiterShare: number;
    waiterMaxMinutes: number;
    priorityShare: number;
    partsEtaShare: number;
    /** lognormal parts delay in minutes; null = uniform 2–24 h */
    partsDelay: { mean: number; cv: number } | null;
    noShowRate: number;
    absenceRate: number;
    comebackRate: number;
    bookingLeadDays: number;
    maxDelayDays: number;
    arrivalJitterMinutes: number;
  };
  replanEveryMinutes: number;
  promiseSamples: number;
  /** how appointment requests are booked: the promise engine's availability (promise rules, no hurt promises) or plain gap insertion with a same-day service rule */
  booking: 'availability' | 'insertion';
}

export interface ReplicationOptions {
  /** master seed of the run; replication r uses streams derived from (seed, r) */
  seed: number;
  replication: number;
  /** local-search iterations per warm-started replan (default 30; 0 = repair/dispatch only) */
  solverIterations?: number;
  signal?: AbortSignal;
  /** called after each simulated day with (days done, days total) */
  onDay?: (done: number, total: number) => void;
}

/** Raw per-replication output: KPI values plus hour-of-day profiles and counters. */
export interface ReplicationResult {
  replication: number;
  kpis: Record<string, number>;
  byHour: {
    arrivals: number[];
    checkInWaitMinutes: number[];
    technicianUtilisation: number[];
  };
  counts: {
    requests: number;
    booked: number;
    turnedAway: number;
    walkIns: number;
    noShows: number;
    comebacks: number;
    arrived: number;
    delivered: number;
    openAtEnd: number;
    laneServed: number;
  };
  events: number;
  replans: number;
  quotes: number;
  simulatedDays: number;
}
