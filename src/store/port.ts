/**
 * The repository port: what the use cases need from storage. Adapters (SQLite now) implement it.
 * Entities are stored whole (validated documents) with the columns needed to filter indexed.
 */
import type { Appointment, AppointmentStatus, Bay, Operation, Technician, Workshop } from '../model/workshop.js';

export interface PageQuery {
  limit: number;
  offset: number;
}
export interface Page<T> {
  items: T[];
  total: number;
  limit: number;
  offset: number;
}

export interface AppointmentQuery extends PageQuery {
  /** epoch ms, inclusive */
  from?: number;
  /** epoch ms, exclusive */
  to?: number;
  status?: AppointmentStatus[];
}

/** A child collection of a workshop (bays, technicians, catalogue). */
export interface ChildRepo<T extends { id: string; workshopId: string }> {
  get(workshopId: string, id: string): T | undefined;
  list(workshopId: string, q: PageQuery): Page<T>;
  all(workshopId: string): T[];
  insert(entity: T): void;
  /** Replaces the document if the stored version equals entity.version - 1. Returns false on a version conflict. */
  update(entity: T): boolean;
  delete(workshopId: string, id: string): boolean;
}

export interface StoredPlan {
  workshopId: string;
  /** the workshop revision the plan was computed on */
  revision: number;
  createdAt: string;
  asOf: string;
  data: unknown;
}

export interface IdempotencyRecord {
  key: string;
  scope: string;
  requestHash: string;
  status: number;
  body: string;
  createdAt: string;
}

export interface DurationObservation {
  workshopId: string;
  opCode: string;
  technicianId: string | null;
  /** planned minutes (standard ÷ efficiency) */
  plannedMinutes: number;
  actualMinutes: number;
  at: string;
}

/**
 * A promise Baywise made (booking without promisedAt) and, once the vehicle is ready, its outcome:
 * the calibration learns from these (app/calibration.ts). Times are epoch ms.
 */
export interface PromiseRecord {
  appointmentId: string;
  workshopId: string;
  /** transport × lead horizon, e.g. "waiter/same_day" (rules/calibration.ts) */
  segment: string;
  quotedAt: number;
  arrival: number;
  /** the forecast's promise lead before calibration (promise level quantile of ready − arrival), minutes */
  rawLeadMinutes: number;
  /** the calibration scale applied to it */
  scale: number;
  promisedAt: number;
  readyAt: number | null;
}

export interface StoredEvent {
  id: number;
  appointmentId: string;
  workshopId: string;
  type: string;
  at: string;
  data: unknown;
}

export interface SimulationRecord {
  id: string;
  status: 'queued' | 'running' | 'done' | 'failed' | 'cancelled';
  request: unknown;
  progress: number;
  result: unknown | null;
  error: string | null;
  createdAt: string;
  updatedAt: string;
}

export interface Store {
  readonly kind: string;
  workshops: {
    get(id: string): Workshop | undefined;
    list(q: PageQuery): Page<Workshop>;
    insert(w: Workshop): void;
    update(w: Workshop): boolean;
    delete(id: string): boolean;
    /** Monotonic counter bumped by every write to the workshop or anything in it (cache key). */
    revision(id: string): number;
    bumpRevision(id: string): void;
    count(): number;
  };
  bays: ChildRepo<Bay>;
  technicians: ChildRepo<Technician>;
  operations: ChildRepo<Operation> & { byCode(workshopId: string, opCode: string): Operation | undefined };
  appointments: {
    get(id: string): Appointment | undefined;
    list(workshopId: string, q: AppointmentQuery): Page<Appointment>;
    /** All appointments of a workshop overlapping the window (by planned arrival) with the given statuses. */
    find(workshopId: string, q: { from?: number; to?: number; status?: AppointmentStatus[] }): Appointment[];
    insert(a: Appointment): void;
    update(a: Appointment): boolean;
    delete(id: string): boolean;
    countUsingOpCode(workshopId: string, opCode: string, statuses: AppointmentStatus[]): number;
  };
  plans: {
    get(workshopId: string): StoredPlan | undefined;
    put(plan: StoredPlan): void;
  };
  idempotency: {
    get(scope: string, key: string): IdempotencyRecord | undefined;
    put(rec: IdempotencyRecord): void;
  };
  promises: {
    record(r: Omit<PromiseRecord, 'readyAt'>): void;
    /** the vehicle is ready (the first time only) */
    markReady(appointmentId: string, readyAt: number): void;
    get(appointmentId: string): PromiseRecord | undefined;
    /** the latest outcomes of a workshop, newest first */
    outcomes(workshopId: string, limit: number): PromiseRecord[];
    /** promises still waiting for their outcome */
    open(workshopId: string): PromiseRecord[];
  };
  observations: {
    add(o: DurationObservation): void;
    list(workshopId: string): DurationObservation[];
  };
  events: {
    add(e: Omit<StoredEvent, 'id'>): number;
    list(appointmentId: string): StoredEvent[];
  };
  simulations: {
    get(id: string): SimulationRecord | undefined;
    put(rec: SimulationRecord): void;
    /** Jobs with one of these statuses, oldest first (start-up recovery of jobs a restart interrupted). */
    listByStatus(statuses: SimulationRecord['status'][]): SimulationRecord[];
  };
  /** Runs fn atomically (nested calls join the outer transaction). */
  transaction<T>(fn: () => T): T;
  ping(): boolean;
  close(): void;
}
