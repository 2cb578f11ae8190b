/** Routes of appointments (repair orders): the list of a workshop, item operations by id (booking: promises.ts). */
import type { AppContext } from '../../app/context.js';
import * as uc from '../../app/catalog.js';
import { page, Pagination, PatchBody } from '../../model/common.js';
import { Appointment, AppointmentPatch } from '../../model/workshop.js';
import { NO_CONTENT, reply, type Api } from '../api.js';
import { dateWindow, QDateOrInstant, QStatusList } from './query.js';
import { EXAMPLES } from './examples.js';

export const AppointmentListQuery = Pagination.extend({
  from: QDateOrInstant.optional().meta({ description: 'planned arrival ≥ from (date = start of day in the workshop zone)' }),
  to: QDateOrInstant.optional().meta({ description: 'planned arrival < to (date = end of that day)' }),
  status: QStatusList.optional().meta({ description: 'comma-separated statuses' }),
});

/** Booking (POST …/appointments) is declared with the promise routes: it quotes and checks capacity. */
export function registerAppointmentRoutes(api: Api, _ctx: AppContext) {
  api
    .add({
      method: 'get',
      path: '/v1/workshops/:workshopId/appointments',
      operationId: 'listAppointments',
      tag: 'appointments',
      summary: 'List appointments by planned arrival, filtered by date window and status',
      query: AppointmentListQuery,
      response: page(Appointment),
      errors: [404],
      handler: ({ ctx, params, query }) => {
        const w = uc.getWorkshop(ctx, params.workshopId);
        const { fromMs, toMs } = dateWindow(query, w.timeZone);
        return uc.listAppointments(ctx, w.id, { limit: query.limit, offset: query.offset, from: fromMs, to: toMs, status: query.status });
      },
    })
    .add({
      method: 'get',
      path: '/v1/appointments/:appointmentId',
      operationId: 'getAppointment',
      tag: 'appointments',
      summary: 'Read an appointment',
      response: Appointment,
      examples: { response: EXAMPLES.appointment },
      errors: [404],
      handler: ({ ctx, params }) => uc.getAppointment(ctx, params.appointmentId),
    })
    .add({
      method: 'patch',
      path: '/v1/appointments/:appointmentId',
      operationId: 'updateAppointment',
      tag: 'appointments',
      summary: 'Update an appointment; a status change follows the lifecycle (illegal ones are 409 naming the allowed ones)',
      body: PatchBody,
      bodyDoc: AppointmentPatch,
      response: Appointment,
      errors: [404, 409, 422],
      examples: { request: { status: 'checked_in' }, errors: { 409: EXAMPLES.illegalTransition } },
      handler: ({ ctx, params, body }) => uc.updateAppointment(ctx, params.appointmentId, body),
    })
    .add({
      method: 'delete',
      path: '/v1/appointments/:appointmentId',
      operationId: 'deleteAppointment',
      tag: 'appointments',
      summary: 'Delete an appointment record (cancel with a status change instead to keep history)',
      status: 204,
      response: NO_CONTENT,
      errors: [404],
      handler: ({ ctx, params }) => {
        uc.deleteAppointment(ctx, params.appointmentId);
        return reply(204);
      },
    });
}
