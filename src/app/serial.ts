/**
 * The capacity guarantee's one critical section: every write that changes a workshop (bookings,
 * absences, technician, bay, shift and catalogue changes, status changes, floor events, replans,
 * deletions) runs inside its workshop's queue, one at a time, in arrival order. Reads do not wait.
 *
 * Serialisation alone would leave a gap: a plan computed before a write must never be installed
 * after it. So plans carry the workshop revision they were computed from, and installing one is a
 * compare-and-set on that revision (planning.ts `installPlan`, promises.ts `book`).
 *
 * The queue is one of the context's services (context.ts), built once per running service.
 */
import type { AppContext } from './context.js';

/** Runs fn in the workshop's critical section (after every write of that workshop queued before it). */
export function inWorkshop<T>(ctx: AppContext, workshopId: string, fn: () => Promise<T> | T): Promise<T> {
  return ctx.services.writeQueue.run(workshopId, fn);
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
