/**
 * The capacity guarantee's one critical section: every write that changes a workshop (bookings,
 * absences, technician, bay, shift and catalogue changes, status changes, floor events, replans,
 * deletions) runs inside its workshop's queue, one at a time, in arrival order. Reads do not wait.
 *
 * Serialisation alone would leave a gap: a plan computed before a write must never be installed
 * after it. So plans carry the workshop revision they were computed from, and installing one is a
 * compare-and-set on that revision (planning.ts `installPlan`, promises.ts `book`).
 *
 * The queue is kept per store: two application contexts over one store share the workshop's data
 * and therefore its queue.
 */
import type { Store } from '../store/port.js';
import type { AppContext } from './context.js';
import { KeyedMutex } from './idempotency.js';

const queues = new WeakMap<Store, KeyedMutex>();

function queueOf(store: Store): KeyedMutex {
  let q = queues.get(store);
  if (!q) queues.set(store, (q = new KeyedMutex()));
  return q;
}

/** Runs fn in the workshop's critical section (after every write of that workshop queued before it). */
export function inWorkshop<T>(ctx: AppContext, workshopId: string, fn: () => Promise<T> | T): Promise<T> {
  return queueOf(ctx.store).run(workshopId, fn);
}

/**
 * The workshop a request's path parameters address: `workshopId` itself, or the workshop of the
 * repair order `appointmentId`. Undefined when the id is unknown (the handler answers 404).
 */
export function workshopOfParams(ctx: AppContext, params: Record<string, string>): string | undefined {
  if (params.workshopId) return params.workshopId;
  if (params.appointmentId) return ctx.store.appointments.get(params.appointmentId)?.workshopId;
  return undefined;
}
