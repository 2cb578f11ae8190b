/** Routes of the queueing engine: raw estimates for planners, and workshop-derived forecasts. */
import { z } from 'zod';
import type { AppContext } from '../../app/context.js';
import { getWorkshop } from '../../app/catalog.js';
import { capacityOutlook, estimateQueue, queueingError, receptionForecast, walkInEta } from '../../app/queueing.js';
import { planShifts } from '../../domain/queueing/index.js';
import { LocalDate, OpCode, Slug } from '../../model/common.js';
import type { Response } from 'express';
import type { Api } from '../api.js';
import { dateWindow, localDate, QDateOrInstant, QInstant } from './query.js';
import { CapacityOutlook, QueueEstimate, ReceptionForecast, WalkInEta } from '../../model/responses.js';
import { EXAMPLES } from './examples.js';

const Rate = z.number().gt(0).max(1e6).meta({ description: 'per minute' });
const Servers = z.number().int().min(1).max(1000);
const Thresholds = z.array(z.number().min(0).max(1e6)).max(50).optional();
const Quantiles = z.array(z.number().gt(0).lt(1)).max(100).optional();
const Cv = z.number().min(0).max(10);
const Periods = z.array(z.number().min(0).max(1e6)).min(1).max(1000);

const Mmc = z.strictObject({ model: z.literal('mmc'), arrivalRate: Rate, serviceRate: Rate, servers: Servers, waitThresholds: Thresholds, quantiles: Quantiles });
const Mmck = z.strictObject({
  model: z.literal('mmck'),
  arrivalRate: Rate,
  serviceRate: Rate,
  servers: Servers,
  capacity: z.number().int().min(1).max(100_000),
  waitThresholds: Thresholds,
  quantiles: Quantiles,
  includeDistribution: z.boolean().optional(),
});
const Approx = { arrivalRate: Rate, serviceRate: Rate, servers: Servers, waitThresholds: Thresholds, quantiles: Quantiles };
const Method = z.enum(['whitt', 'allen-cunneen', 'kimura', 'cosmetatos']).optional();
const Mdc = z.strictObject({ model: z.literal('mdc'), ...Approx });
const Mgc = z.strictObject({ model: z.literal('mgc'), ...Approx, serviceCv: Cv.optional(), method: Method });
const Ggc = z.strictObject({ model: z.literal('ggc'), ...Approx, arrivalCv: Cv.optional(), serviceCv: Cv.optional(), method: Method });
const TimeVarying = z.strictObject({
  model: z.literal('time_varying'),
  arrivalRates: Periods,
  servers: z.union([z.number().int().min(0).max(1000), z.array(z.number().int().min(0).max(1000)).min(1).max(1000)]),
  serviceRate: Rate,
  periodMinutes: z.number().gt(0).max(1440).optional(),
  method: z.enum(['ode', 'psa', 'mol']).optional(),
  initial: z.union([z.strictObject({ inSystem: z.number().int().min(0).max(10_000) }), z.strictObject({ distribution: z.array(z.number().min(0).max(1)).max(10_000) })]).optional(),
  waitThresholds: Thresholds,
});
const Target = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('wait_within'), maxWait: z.number().min(0).max(1e5), probability: z.number().gt(0).lt(1) }),
  z.strictObject({ kind: z.literal('mean_wait'), maxMeanWait: z.number().gt(0).max(1e5) }),
  z.strictObject({ kind: z.literal('delay_probability'), maxProbability: z.number().gt(0).lt(1) }),
]);
const Staffing = z.strictObject({
  model: z.literal('staffing'),
  arrivalRates: Periods,
  serviceRate: Rate,
  target: Target,
  periodMinutes: z.number().gt(0).max(1440).optional(),
  method: z.enum(['stationary', 'ode', 'both']).optional(),
  minServers: z.number().int().min(0).max(1000).optional(),
  maxServers: z.number().int().min(1).max(2000).optional(),
});
const ConditionalWait = z.strictObject({
  model: z.literal('conditional_wait'),
  servers: Servers,
  busy: z.number().int().min(0).max(1000),
  queueAhead: z.number().int().min(0).max(10_000),
  elapsed: z.array(z.number().min(0).max(1e5)).max(1000).optional(),
  service: z.strictObject({ mean: z.number().gt(0).max(1e5), cv: Cv.optional(), distribution: z.enum(['exponential', 'lognormal', 'gamma']).optional() }),
  thresholds: Thresholds,
  quantiles: Quantiles,
  samples: z.number().int().min(100).max(200_000).optional(),
  seed: z.number().int().min(0).max(2 ** 31 - 1).optional(),
});
const ShiftPlan = z.strictObject({
  model: z.literal('shift_plan'),
  requirement: z.array(z.number().int().min(0).max(10_000)).min(1).max(168),
  patterns: z
    .array(
      z.strictObject({
        id: Slug,
        start: z.number().int().min(0).max(167),
        length: z.number().int().min(1).max(168),
        breaks: z.array(z.number().int().min(0).max(167)).max(24).optional(),
        cost: z.number().min(0).max(1e9),
        max: z.number().int().min(0).max(10_000).optional(),
      }),
    )
    .min(1)
    .max(200),
  deadlineMs: z.number().int().min(10).max(10_000).optional(),
});

/** An AbortSignal that fires when the client goes away before the answer (its worker is stopped). */
function clientGone(res: Response): AbortSignal {
  const ac = new AbortController();
  res.on('close', () => {
    if (!res.writableFinished) ac.abort();
  });
  return ac.signal;
}

const RETRY_AFTER = { name: 'Retry-After', description: 'on 503: seconds after which a queueing worker is likely free', status: 503 };

export const EstimateRequest = z.discriminatedUnion('model', [Mmc, Mmck, Mdc, Mgc, Ggc, TimeVarying, Staffing, ConditionalWait, ShiftPlan]);

export function registerQueueingRoutes(api: Api, _ctx: AppContext) {
  api
    .add({
      method: 'post',
      path: '/v1/queueing/estimate',
      operationId: 'estimateQueue',
      tag: 'queueing',
      summary: 'Raw queueing models: mmc, mmck, mdc, mgc, ggc, time_varying (ODE by default), staffing, conditional_wait, shift_plan',
      description:
        'Units: minutes, rates per minute. Unstable systems (load ≥ 1) are reported with stable=false and their growth rate. ' +
        'Work is bounded: a request whose estimated work exceeds the service limit is refused with 422 computation_limit naming the field that drives it ' +
        '(e.g. servers × periods for time_varying, samples × queueAhead for conditional_wait); heavy requests run in a worker stopped at QUEUEING_DEADLINE_MS ' +
        '(422 computation_limit); when all queueing workers are busy the answer is 503 with Retry-After.',
      body: EstimateRequest,
      response: QueueEstimate,
      examples: { request: EXAMPLES.estimateRequest, response: EXAMPLES.estimate },
      errors: [422, 503],
      responseHeaders: [RETRY_AFTER],
      handler: async ({ ctx, body, res }) => {
        const signal = clientGone(res);
        if (body.model === 'shift_plan') {
          try {
            return await planShifts({ requirement: body.requirement, patterns: body.patterns }, { deadlineMs: body.deadlineMs ?? 2000, signal });
          } catch (e) {
            queueingError(e);
          }
        }
        return estimateQueue(ctx, body as Parameters<typeof estimateQueue>[1], signal);
      },
    })
    .add({
      method: 'get',
      path: '/v1/workshops/:workshopId/reception-forecast',
      operationId: 'getReceptionForecast',
      tag: 'queueing',
      summary: 'Arrivals by hour (appointments + expected walk-ins − expected no-shows), predicted check-in wait with the advisors on duty, and advisors needed per hour',
      query: z.strictObject({
        date: LocalDate.optional(),
        advisors: z.coerce.number().int().min(1).max(100).optional(),
        walkInsPerDay: z.coerce.number().min(0).max(1000).optional(),
        noShowRate: z.coerce.number().min(0).max(0.9).optional(),
      }),
      response: ReceptionForecast,
      errors: [404, 422, 503],
      responseHeaders: [RETRY_AFTER],
      handler: ({ ctx, params, query, res }) => {
        const w = getWorkshop(ctx, params.workshopId);
        const date = query.date ?? localDate(ctx.clock.now(), w.timeZone);
        return receptionForecast(ctx, w.id, date, query, clientGone(res));
      },
    })
    .add({
      method: 'get',
      path: '/v1/workshops/:workshopId/walk-in-eta',
      operationId: 'getWalkInEta',
      tag: 'queueing',
      summary: 'Predicted wait and ready-by quantiles for a walk-in arriving now at a lane (e.g. the express lane)',
      query: z.strictObject({
        opCodes: z
          .string()
          .max(500)
          .transform((s) => s.split(',').map((x) => x.trim()).filter(Boolean))
          .pipe(z.array(OpCode).min(1).max(20)),
        at: QInstant.optional(),
        lane: Slug.optional(),
        seed: z.coerce.number().int().min(0).max(2 ** 31 - 1).optional(),
      }),
      response: WalkInEta,
      examples: { response: EXAMPLES.walkInEta },
      errors: [404, 422, 503],
      responseHeaders: [RETRY_AFTER],
      handler: ({ ctx, params, query, res }) =>
        walkInEta(ctx, params.workshopId, { opCodes: query.opCodes, atMs: query.at ? Date.parse(query.at) : ctx.clock.now(), lane: query.lane, seed: query.seed }, clientGone(res)),
    })
    .add({
      method: 'get',
      path: '/v1/workshops/:workshopId/capacity-outlook',
      operationId: 'getCapacityOutlook',
      tag: 'queueing',
      summary: 'Load versus capacity per day by skill and bay capability, utilisation, and the queueing estimate of lead time for unplanned work',
      query: z.strictObject({ from: QDateOrInstant.optional(), to: QDateOrInstant.optional() }),
      response: CapacityOutlook,
      errors: [404, 422, 503],
      responseHeaders: [RETRY_AFTER],
      handler: ({ ctx, params, query, res }) => {
        const w = getWorkshop(ctx, params.workshopId);
        const { fromMs, toMs } = dateWindow(query, w.timeZone, { nowMs: ctx.clock.now(), defaultDays: 14, maxDays: 93 });
        return capacityOutlook(ctx, w.id, fromMs, toMs, clientGone(res));
      },
    });
}
