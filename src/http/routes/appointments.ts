/** Routes of appointments (repair orders): list/create under a workshop, item operations by id. */
import type { AppContext } from '../../app/context.js';
import * as uc from '../../app/catalog.js';
import { page, Pagination, PatchBody } from '../../model/common.js';
import { Appointment, AppointmentInput, AppointmentPatch } from '../../model/workshop.js';
import { reply, type Api } from '../api.js';
import { QDateOrInstant, QStatusList, toMs, toMsEnd } from './query.js';

export const AppointmentListQuery = Pagination.extend({
  from: QDateOrInstant.optional().meta({ description: 'planned arrival ≥ from (date = start of day in the workshop zone)' }),
  to: QDateOrInstant.optional().meta({ description: 'planned arrival < to (date = end of that day)' }),
  status: QStatusList.optional().meta({ description: 'comma-separated statuses' }),
});

export function registerAppointmentRoutes(api: Api, ctx: AppContext, opts: { create?: boolean } = {}) {
  if (opts.create !== false)
    api.add({
      method: 'post',
      path: '/v1/workshops/:workshopId/appointments',
      tag: 'appointments',
      summary: 'Create an appointment (repair order)',
      body: AppointmentInput,
      status: 201,
      response: Appointment,
      errors: [404, 409, 422],
      handler: ({ params, body }) => {
        const a = uc.createAppointment(ctx, params.workshopId, body);
        return reply(201, a, { location: `/v1/appointments/${a.id}` });
      },
    });
  api
    .add({
      method: 'get',
      path: '/v1/workshops/:workshopId/appointments',
      tag: 'appointments',
      summary: 'List appointments by planned arrival, filtered by date window and status',
      query: AppointmentListQuery,
      response: page(Appointment),
      errors: [404],
      handler: ({ params, query }) => {
        const w = uc.getWorkshop(ctx, params.workshopId);
        return uc.listAppointments(ctx, w.id, {
          limit: query.limit,
          offset: query.offset,
          from: query.from ? toMs(query.from, w.timeZone) : undefined,
          to: query.to ? toMsEnd(query.to, w.timeZone) : undefined,
          status: query.status,
        });
      },
    })
    .add({
      method: 'get',
      path: '/v1/appointments/:appointmentId',
      tag: 'appointments',
      summary: 'Read an appointment',
      response: Appointment,
      errors: [404],
      handler: ({ params }) => uc.getAppointment(ctx, params.appointmentId),
    })
    .add({
      method: 'patch',
      path: '/v1/appointments/:appointmentId',
      tag: 'appointments',
      summary: 'Update an appointment; a status change follows the lifecycle (illegal ones are 409 naming the allowed ones)',
      body: PatchBody,
      bodyDoc: AppointmentPatch,
      response: Appointment,
      errors: [404, 409, 422],
      handler: ({ params, body }) => uc.updateAppointment(ctx, params.appointmentId, body),
    })
    .add({
      method: 'delete',
      path: '/v1/appointments/:appointmentId',
      tag: 'appointments',
      summary: 'Delete an appointment record (cancel with a status change instead to keep history)',
      status: 204,
      errors: [404],
      handler: ({ params }) => {
        uc.deleteAppointment(ctx, params.appointmentId);
        return reply(204);
      },
    });
}
