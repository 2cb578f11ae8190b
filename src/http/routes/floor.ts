/** Routes of the shop floor: job-clock events on repair orders and technician absences. */
import type { AppContext } from '../../app/context.js';
import { getAppointment } from '../../app/catalog.js';
import { addAbsence, recordEvent } from '../../app/floor.js';
import { AbsenceInput, FloorEvent, Technician } from '../../model/workshop.js';
import { reply, type Api } from '../api.js';
import { FloorEventList, FloorEventResult } from '../../model/responses.js';
import { EXAMPLES } from './examples.js';

export function registerFloorRoutes(api: Api, ctx: AppContext, hooks: { afterChange?: (workshopId: string, appointmentId?: string) => Promise<unknown> | unknown } = {}) {
  api
    .add({
      method: 'post',
      path: '/v1/appointments/:appointmentId/events',
      operationId: 'recordFloorEvent',
      tag: 'floor',
      summary: 'Report a floor event: checked_in, op_started, op_paused (waiting_parts…), op_resumed, op_finished, parts_arrived',
      description: 'Updates the repair order through its guarded lifecycle, records actual durations for the duration model, replans and re-forecasts.',
      body: FloorEvent,
      status: 201,
      response: FloorEventResult,
      errors: [404, 409, 422],
      examples: { request: EXAMPLES.floorEvent, response: EXAMPLES.floorEventResult, errors: { 409: EXAMPLES.illegalEvent } },
      handler: async ({ params, body }) => {
        const { appointment, eventId } = recordEvent(ctx, params.appointmentId, body);
        const extra = (await hooks.afterChange?.(appointment.workshopId, appointment.id)) ?? {};
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
      handler: ({ params }) => {
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
      handler: async ({ params, body }) => {
        const t = addAbsence(ctx, params.workshopId, params.technicianId, body);
        const extra = (await hooks.afterChange?.(params.workshopId)) ?? {};
        return reply(201, { ...t, ...(extra as object) });
      },
    });
}
