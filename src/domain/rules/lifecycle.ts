/**
 * Lifecycles of a repair order and of each of its operations.
 *
 * Repair order: booked → checked_in → in_progress → ready → delivered; booked may end cancelled or
 * no_show, checked_in may be cancelled or go straight to ready (nothing to do after inspection), and
 * a ready vehicle can go back in_progress (a comeback found at QC). Delivered, cancelled and no_show
 * are closed. The open ones are the ones the planner plans.
 *
 * Operation (job clock): pending → (op_started) in_progress → (op_paused) paused → (op_resumed)
 * in_progress → (op_finished) done. Parts: an operation that is not being worked on (pending, or
 * paused) may learn that its parts come later (parts_delayed: a new parts ETA, before which it is
 * not planned to start or resume); paused ones may report the parts arrived.
 */
export type AppointmentStatus = 'booked' | 'checked_in' | 'in_progress' | 'ready' | 'delivered' | 'cancelled' | 'no_show';
export type OpStatus = 'pending' | 'in_progress' | 'paused' | 'done';
export type OpEvent = 'op_started' | 'op_paused' | 'op_resumed' | 'op_finished' | 'parts_delayed' | 'parts_arrived';

export const APPOINTMENT_TRANSITIONS: Record<AppointmentStatus, AppointmentStatus[]> = {
  booked: ['checked_in', 'cancelled', 'no_show'],
  checked_in: ['in_progress', 'ready', 'cancelled'],
  in_progress: ['ready'],
  ready: ['delivered', 'in_progress'],
  delivered: [],
  cancelled: [],
  no_show: [],
};

export const OPEN_STATUSES: AppointmentStatus[] = ['booked', 'checked_in', 'in_progress'];
export const CLOSED_STATUSES: AppointmentStatus[] = ['delivered', 'cancelled', 'no_show'];

/** A status may be restated (a no-op PATCH); an event reports a change, so it must be a real one. */
export function canTransition(from: AppointmentStatus, to: AppointmentStatus): boolean {
  return from === to || APPOINTMENT_TRANSITIONS[from].includes(to);
}

export const OP_EVENTS: Record<OpStatus, OpEvent[]> = {
  pending: ['op_started', 'parts_delayed'],
  in_progress: ['op_paused', 'op_finished'],
  paused: ['op_resumed', 'parts_delayed', 'parts_arrived'],
  done: [],
};
