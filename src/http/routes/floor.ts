/** Routes of the shop floor: job-clock events on repair orders and technician absences. */
import type { AppContext } from '../../app/context.js';
import { getAppointment } from '../../app/catalog.js';
import { addAbsence, recordEvent } from '../../app/floor.js';
import { AbsenceInput, FloorEvent, Technician } from '../../model/workshop.js';
import { reply, type Api } from '../api.js';
import { FloorEventList, FloorEventResult } from '../../model/responses.js';
import { EXAMPLES } from './examples.js';

/**
 * afterChange: what a floor change answers besides the change (the new ETA of the repair order),
 * computed with the request's context at `atMs`, the instant the floor is known at after the
 * event: the event's own `at`, or the request's now when the event was reported late.
 */
export interface FloorHooks {
  afterChange?: (ctx: AppContext, workshopId: string, appointmentId?: string, atMs?: number) => Promise<unknown> | unknown;
}

export function registerFloorRoutes(api: Api, _ctx: AppContext, hooks: FloorHooks = {}) {
  api
    .add({
      method: 'post',
      path: '/v1/appointments/:appointmentId/events',
      operationId: 'recordFloorEvent',
      tag: 'floor',
      summary: 'Report a floor event: checked_in, op_started, op_paused (waiting_parts…), op_resumed, op_finished, parts_delayed, parts_arrived',
      description:
        'Updates the repair order through its guarded lifecycle, records actual durations for the duration model, replans and re-forecasts at the event\'s `at` (the request\'s now when the event is reported late). `at` may be at most 5 minutes after the request\'s now (`asOf` with CLIENT_CLOCK, else the server clock).',
      body: FloorEvent,
      status: 201,
      response: FloorEventResult,
      errors: [404, 409, 422],
      examples: { request: EXAMPLES.floorEvent, response: EXAMPLES.floorEventResult, errors: { 409: EXAMPLES.illegalEvent } },
      handler: async ({ ctx, params, body }) => {
        const { appointment, eventId, atMs } = recordEvent(ctx, params.appointmentId, body);
        const extra = (await hooks.afterChange?.(ctx, appointment.workshopId, appointment.id, Math.max(atMs, ctx.clock.now()))) ?? {};
        return reply(201, { eventId, appointment, ...(extra as object) });
      },
    })
    .add({
      method: 'get',
      path: '/v1/appointments/:appointmentId/events',
      operationId: 'listFloorEvents',
      tag: 'floor',
      summary: 'The floor events of a repair order, in order',
      errors: [404],
      response: FloorEventList,
      handler: ({ ctx, params }) => {
        getAppointment(ctx, params.appointmentId);
        return { items: ctx.store.events.list(params.appointmentId).map(({ id, type, at, data }) => ({ id, type, at, data })) };
      },
    })
    .add({
      method: 'post',
      path: '/v1/workshops/:workshopId/technicians/:technicianId/absence',
      operationId: 'recordAbsence',
      tag: 'floor',
      summary: 'Record a technician absence (sick call, training); replans around it',
      body: AbsenceInput,
      status: 201,
      response: Technician,
      errors: [404, 409],
      handler: async ({ ctx, params, body }) => {
        const t = addAbsence(ctx, params.workshopId, params.technicianId, body);
        const extra = (await hooks.afterChange?.(ctx, params.workshopId)) ?? {};
        return reply(201, { ...t, ...(extra as object) });
      },
    });
}
