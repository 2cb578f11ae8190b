/** Routes of promises: quotes, availability, capacity-safe booking, live ETA and at-risk list. */
import { z } from 'zod';
import type { AppContext } from '../../app/context.js';
import { getAppointment, getWorkshop } from '../../app/catalog.js';
import { checkIdempotencyKey } from '../../app/idempotency.js';
import { engineOf } from '../../app/engine.js';
import { DomainError } from '../../app/errors.js';
import { Appointment, AppointmentInput } from '../../model/workshop.js';
import { AtRiskResponse, AvailabilityResponse, EtaResponse, QuoteResponse } from '../../model/responses.js';
import { OpCode } from '../../model/common.js';
import { reply, type Api } from '../api.js';
import { dateWindow, QDateOrInstant, QInstant } from './query.js';
import { EXAMPLES } from './examples.js';

const QuoteRequest = z.strictObject({
  plannedArrival: AppointmentInput.shape.plannedArrival,
  operations: AppointmentInput.shape.operations,
  transport: AppointmentInput.shape.transport,
  priority: AppointmentInput.shape.priority,
  asOf: QInstant.optional(),
});

const Bool = z.enum(['true', 'false']).transform((v) => v === 'true');
const OpCodes = z
  .string()
  .max(500)
  .transform((s) => s.split(',').map((x) => x.trim()).filter(Boolean))
  .pipe(z.array(OpCode).min(1).max(20));

export function registerPromiseRoutes(api: Api, _ctx: AppContext) {
  api
    .add({
      method: 'post',
      path: '/v1/workshops/:workshopId/quotes',
      operationId: 'quotePromise',
      tag: 'promises',
      summary: 'Quote a promised ready-by time for a job without storing anything',
      description:
        'Tentatively inserts the job into the current plan and returns the promise (the quantile at the workshop target plus handover buffer, rounded up to 5 minutes), the quantiles, the on-time probability, the bottleneck and which existing promises would fall below target.',
      body: QuoteRequest,
      response: QuoteResponse,
      errors: [404, 409, 422],
      examples: { request: EXAMPLES.quoteRequest, response: EXAMPLES.quote, errors: { 400: EXAMPLES.validationFailed, 422: EXAMPLES.unknownOpCode } },
      serial: false, // stores nothing: a quote is a read
      handler: async ({ ctx, params, body }) => {
        const { asOf, ...job } = body;
        const r = await engineOf(ctx).run(params.workshopId, 'quote', job, asOf ? Date.parse(asOf) : undefined);
        if (!r.ok) throw new DomainError('capacity_exhausted', r.message, { reason: r.reason });
        return r.body;
      },
    })
    .add({
      method: 'get',
      path: '/v1/workshops/:workshopId/availability',
      operationId: 'getAvailability',
      tag: 'promises',
      summary: 'Drop-off slots whose promise meets the target without pushing any existing promise below it, and a per-day summary',
      query: z.strictObject({
        opCodes: OpCodes,
        from: QDateOrInstant.optional(),
        to: QDateOrInstant.optional(),
        waiter: Bool.default(false),
        asOf: QInstant.optional(),
      }),
      response: AvailabilityResponse,
      errors: [404, 422],
      handler: async ({ ctx, params, query }) => {
        const w = getWorkshop(ctx, params.workshopId);
        const asOfMs = query.asOf ? Date.parse(query.asOf) : ctx.clock.now();
        const { fromMs, toMs } = dateWindow(query, w.timeZone, { nowMs: asOfMs, defaultDays: 14, maxDays: 15 });
        return engineOf(ctx).run(w.id, 'availability', { fromMs, toMs, opCodes: query.opCodes, waiter: query.waiter, asOfMs: query.asOf ? asOfMs : undefined });
      },
    })
    .add({
      method: 'post',
      path: '/v1/workshops/:workshopId/appointments',
      operationId: 'bookAppointment',
      tag: 'appointments',
      summary: 'Book a repair order: the promise is computed and capacity re-checked in one critical section (409 with alternatives when it does not fit)',
      description:
        'Without promisedAt, Baywise quotes the requested arrival and books only if the promise meets the workshop target and no existing promise is pushed below it; the stored promise is returned with the quote. With promisedAt (a promise made elsewhere, e.g. an import) the appointment is recorded as given. Idempotency-Key makes retries safe.',
      body: AppointmentInput,
      headers: ['Idempotency-Key'],
      status: 201,
      response: Appointment.extend({ quote: QuoteResponse.optional() }).meta({ id: 'BookedAppointment' }),
      errors: [404, 409, 422],
      responseHeaders: [{ name: 'Location', description: 'the repair order: /v1/appointments/{id}' }],
      examples: { request: EXAMPLES.bookingRequest, response: EXAMPLES.booked, errors: { 409: EXAMPLES.capacityExhausted } },
      handler: async ({ ctx, params, body, req }) => {
        const key = checkIdempotencyKey(req.header('idempotency-key'));
        getWorkshop(ctx, params.workshopId);
        const r = await engineOf(ctx).run(params.workshopId, 'book', body, { idempotencyKey: key });
        const id = (r.body as { id: string }).id;
        return reply(r.status, r.body, { location: `/v1/appointments/${id}`, ...(key ? { 'idempotency-key': key } : {}) });
      },
    })
    .add({
      method: 'get',
      path: '/v1/appointments/:appointmentId/eta',
      operationId: 'getEta',
      tag: 'promises',
      summary: 'Live ETA: the ready-by forecast on the current plan (quantiles, probability of meeting the promise, bottleneck)',
      query: z.strictObject({ asOf: QInstant.optional() }),
      response: EtaResponse,
      errors: [404],
      handler: ({ ctx, params, query }) => engineOf(ctx).run(getAppointment(ctx, params.appointmentId).workshopId, 'eta', params.appointmentId, query.asOf ? Date.parse(query.asOf) : undefined),
    })
    .add({
      method: 'get',
      path: '/v1/workshops/:workshopId/at-risk',
      operationId: 'listAtRisk',
      tag: 'promises',
      summary: 'Vehicles whose probability of meeting their promise fell below a threshold, worst first, with the cause',
      query: z.strictObject({
        threshold: z.coerce.number().gt(0).lt(1).optional(),
        days: z.coerce.number().int().min(1).max(14).optional(),
        asOf: QInstant.optional(),
      }),
      response: AtRiskResponse,
      errors: [404],
      handler: ({ ctx, params, query }) => engineOf(ctx).run(getWorkshop(ctx, params.workshopId).id, 'atRisk', { threshold: query.threshold, days: query.days, asOfMs: query.asOf ? Date.parse(query.asOf) : undefined }),
    });
}
