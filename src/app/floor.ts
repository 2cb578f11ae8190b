/**
 * Floor events: the job clock (op started, paused, resumed, finished), check-in, parts delays and
 * arrivals, and technician absences. "Now" is the context's clock (the request's: its `asOf` with
 * CLIENT_CLOCK, else the server's); an event happened at its `at` (default: now), at most
 * MAX_FUTURE_SKEW_MS after now. Each event updates the repair order (guarded), feeds actual durations
 * into the duration history, and bumps the workshop revision so the next plan read replans
 * (warm-started: the plan moves as little as it can).
 */
import { TRANSITIONS, type Absence, type FloorEvent, type Appointment, type AppointmentOperation } from '../model/workshop.js';
import { OP_EVENTS, plannedMinutes, standardMinutes } from '../domain/rules/index.js';
import type { AppContext } from './context.js';
import { applyStatus, getAppointment, getWorkshop, msToZoned, saveAppointment, technicians, toZoned } from './catalog.js';
import { DomainError } from './errors.js';

/** Events may be reported a little ahead of the request's now (device clocks drift). */
export const MAX_FUTURE_SKEW_MS = 5 * 60_000;

/** Job-clock minutes of a running operation at atMs: before the last (re)start plus since then. */
function clocked(o: AppointmentOperation, atMs: number): number {
  const from = Date.parse(o.resumedAt ?? o.startedAt!);
  return (o.workedMinutes ?? 0) + Math.max(0, (atMs - from) / 60_000);
}

function illegal(what: string, status: string, allowed: string[]): never {
  throw new DomainError('illegal_transition', `${what} is not possible while ${status}`, { from: status, allowed });
}

/** Applies a floor event; atMs is the instant it happened (its `at`, default now). */
export function recordEvent(ctx: AppContext, appointmentId: string, ev: FloorEvent): { appointment: Appointment; eventId: number; atMs: number } {
  return ctx.store.transaction(() => {
    const a = getAppointment(ctx, appointmentId);
    const w = getWorkshop(ctx, a.workshopId);
    const now = ctx.clock.now();
    const atMs = ev.at ? Date.parse(ev.at) : now;
    if (atMs > now + MAX_FUTURE_SKEW_MS)
      throw new DomainError('validation_failed', 'an event cannot happen in the future', { errors: [{ path: 'at', message: 'is in the future', code: 'future' }] });
    const at = msToZoned(atMs, w.timeZone);
    if (['ready', 'delivered', 'cancelled', 'no_show'].includes(a.status) && ev.type !== 'parts_arrived')
      illegal(ev.type, a.status, []);
    let next: Appointment = { ...a, operations: a.operations.map((o) => ({ ...o })), version: a.version + 1, updatedAt: new Date(now).toISOString() };
    const opAt = (i: number): AppointmentOperation => {
      const o = next.operations[i];
      if (!o)
        throw new DomainError('validation_failed', `the repair order has ${next.operations.length} operation(s)`, {
          errors: [{ path: 'opIndex', message: `no operation ${i}`, code: 'out_of_range' }],
        });
      return o;
    };
    const outOfOrder = (message: string, detail = 'events of an operation must be in time order'): never => {
      throw new DomainError('validation_failed', detail, { errors: [{ path: 'at', message, code: 'out_of_order' }] });
    };
    const notBefore = (o: AppointmentOperation) => {
      const last = [o.startedAt, o.resumedAt].filter(Boolean).map((x) => Date.parse(x!));
      if (last.length && atMs < Math.max(...last)) outOfOrder('before the previous event of this operation');
    };
    let observation: { opCode: string; technicianId: string | null; plannedMinutes: number; actualMinutes: number } | null = null;
    switch (ev.type) {
      case 'checked_in':
        // an event reports something that happened: a second check-in did not (PATCH may restate a status, events may not)
        if (next.status !== 'booked') illegal('checking in', next.status, TRANSITIONS[next.status]);
        next = applyStatus(ctx, w, next, 'checked_in', atMs);
        break;
      case 'op_started': {
        const o = opAt(ev.opIndex);
        if (o.status !== 'pending') illegal(`starting operation ${ev.opIndex}`, o.status, OP_EVENTS[o.status]);
        if (next.status === 'booked') illegal('starting work before check-in', 'booked', ['checked_in']);
        // the job clock cannot run before the vehicle was there
        if (next.checkedInAt && atMs < Date.parse(next.checkedInAt)) outOfOrder('before the check-in of the repair order', 'work cannot start before the vehicle was checked in');
        const tech = technicians.get(ctx, w.id, ev.technicianId);
        if (ev.bayId && !ctx.store.bays.get(w.id, ev.bayId))
          throw new DomainError('unknown_reference', `bay ${ev.bayId} does not exist`, { errors: [{ path: 'bayId', message: 'unknown bay', code: 'unknown_bay' }] });
        Object.assign(o, { status: 'in_progress', technicianId: tech.id, bayId: ev.bayId, startedAt: at, resumedAt: undefined, workedMinutes: 0 });
        if (next.status === 'checked_in') next = applyStatus(ctx, w, next, 'in_progress', atMs);
        break;
      }
      case 'op_paused': {
        const o = opAt(ev.opIndex);
        if (o.status !== 'in_progress') illegal(`pausing operation ${ev.opIndex}`, o.status, OP_EVENTS[o.status]);
        notBefore(o);
        Object.assign(o, {
          status: 'paused',
          pausedReason: ev.reason,
          workedMinutes: clocked(o, atMs),
          ...(ev.partsEta ? { partsEta: toZoned(ev.partsEta, w.timeZone) } : {}),
        });
        if (ev.reason === 'waiting_parts' && !ev.partsEta) delete o.partsEta;
        break;
      }
      case 'op_resumed': {
        const o = opAt(ev.opIndex);
        if (o.status !== 'paused') illegal(`resuming operation ${ev.opIndex}`, o.status, OP_EVENTS[o.status]);
        // a resume before its pause would count the overlap twice on the job clock
        const paused = ctx.store.events.list(a.id).filter((e) => e.type === 'op_paused' && (e.data as { opIndex?: number }).opIndex === ev.opIndex).at(-1);
        if (paused && atMs < Date.parse(paused.at)) outOfOrder('before the pause of this operation');
        Object.assign(o, { status: 'in_progress', resumedAt: at, pausedReason: undefined });
        break;
      }
      case 'op_finished': {
        const o = opAt(ev.opIndex);
        if (o.status !== 'in_progress') illegal(`finishing operation ${ev.opIndex}`, o.status, OP_EVENTS[o.status]);
        notBefore(o);
        const worked = clocked(o, atMs);
        Object.assign(o, { status: 'done', finishedAt: at, workedMinutes: Math.round(worked * 10) / 10 });
        const cat = ctx.store.operations.byCode(w.id, o.opCode);
        const tech = o.technicianId ? ctx.store.technicians.get(w.id, o.technicianId) : undefined;
        const std = standardMinutes(o.hours ?? cat?.standardHours ?? 0);
        // planned minutes exactly as the planner compiles them (compile.ts), so the duration model
        // learns the ratio the forecast applies
        if (cat && worked > 0)
          observation = { opCode: o.opCode, technicianId: o.technicianId ?? null, plannedMinutes: plannedMinutes(std, tech?.efficiency ?? 1), actualMinutes: worked };
        if (next.operations.every((x) => x.status === 'done')) next = applyStatus(ctx, w, next, 'ready', atMs);
        break;
      }
      case 'parts_delayed': {
        const o = opAt(ev.opIndex);
        if (!OP_EVENTS[o.status].includes('parts_delayed')) illegal(`delaying the parts of operation ${ev.opIndex}`, o.status, OP_EVENTS[o.status]);
        if (Date.parse(ev.partsEta) < atMs)
          throw new DomainError('validation_failed', 'a parts delay names when the parts will come: report parts that came with parts_arrived', {
            errors: [{ path: 'partsEta', message: 'before the event', code: 'before_event' }],
          });
        o.partsEta = toZoned(ev.partsEta, w.timeZone);
        break;
      }
      case 'parts_arrived': {
        const idx = ev.opIndex !== undefined ? [ev.opIndex] : next.operations.map((o, i) => (o.partsEta || o.pausedReason === 'waiting_parts' ? i : -1)).filter((i) => i >= 0);
        if (ev.opIndex !== undefined) opAt(ev.opIndex);
        for (const i of idx) {
          const o = next.operations[i];
          if (o.status === 'done') continue;
          o.partsEta = at;
        }
        break;
      }
    }
    for (const o of next.operations) for (const k of Object.keys(o) as (keyof AppointmentOperation)[]) if (o[k] === undefined) delete o[k];
    saveAppointment(ctx, next);
    if (observation) ctx.store.observations.add({ workshopId: w.id, ...observation, at });
    const eventId = ctx.store.events.add({ appointmentId: a.id, workshopId: w.id, type: ev.type, at, data: ev });
    return { appointment: next, eventId, atMs };
  });
}

/** Records a technician absence (sick call, training…); the next plan read replans around it. */
export function addAbsence(ctx: AppContext, workshopId: string, technicianId: string, absence: Absence) {
  const w = getWorkshop(ctx, workshopId);
  const t = technicians.get(ctx, workshopId, technicianId);
  const norm = { ...absence, from: toZoned(absence.from, w.timeZone), to: toZoned(absence.to, w.timeZone) };
  return technicians.update(ctx, workshopId, t.id, { absences: [...t.absences, norm] });
}
