/** Routes of the scheduling engine: replan now, the current plan, the dispatch board. */
import { z } from 'zod';
import type { AppContext } from '../../app/context.js';
import { getWorkshop } from '../../app/catalog.js';
import { engineOf } from '../../app/engine.js';
import { LocalDate } from '../../model/common.js';
import type { Api } from '../api.js';
import { BoardResponse, PlanResponse } from '../../model/responses.js';
import { localDate, QInstant } from './query.js';

const ReplanBody = z
  .strictObject({
    timeLimitMs: z.number().int().min(10).max(30_000).optional().meta({ description: 'solver budget' }),
    seed: z.number().int().min(0).max(2 ** 31 - 1).optional(),
  })
  .optional()
  .meta({ description: 'optional: POST with no body replans now with the default budget' });

export function registerPlanningRoutes(api: Api, _ctx: AppContext) {
  api
    .add({
      method: 'post',
      path: '/v1/workshops/:workshopId/plan',
      operationId: 'replan',
      tag: 'planning',
      summary: 'Replan now: assign every open operation to a technician, a bay and a time; persists the plan',
      description:
        'Warm-starts from the stored plan so that a replan moves as little as it can. Returns the assignments, the objective breakdown (weighted tardiness, sum of completion times, overtime, changes), a lower bound and solver statistics.',
      body: ReplanBody,
      response: PlanResponse,
      errors: [404, 422],
      handler: async ({ ctx, params, body }) => {
        getWorkshop(ctx, params.workshopId);
        // "now" is the request's clock (?asOf, a write: only with CLIENT_CLOCK)
        return engineOf(ctx).run(params.workshopId, 'replan', {
          timeLimitMs: body?.timeLimitMs,
          seed: body?.seed,
        });
      },
    })
    .add({
      method: 'get',
      path: '/v1/workshops/:workshopId/plan',
      operationId: 'getPlan',
      tag: 'planning',
      summary: 'The current plan (recomputed when the workshop changed since it was made)',
      query: z.strictObject({ asOf: QInstant.optional() }),
      response: PlanResponse,
      errors: [404],
      handler: ({ ctx, params, query }) => engineOf(ctx).run(getWorkshop(ctx, params.workshopId).id, 'plan', query.asOf ? Date.parse(query.asOf) : undefined),
    })
    .add({
      method: 'get',
      path: '/v1/workshops/:workshopId/board',
      operationId: 'getBoard',
      tag: 'planning',
      summary: 'Dispatch board of a day: per technician and per bay the ordered operations with vehicle, times, status and late risk',
      query: z.strictObject({
        date: LocalDate.optional().meta({ description: 'local date (default: today in the workshop zone)' }),
        asOf: QInstant.optional(),
      }),
      response: BoardResponse,
      errors: [404],
      handler: async ({ ctx, params, query }) => {
        const w = getWorkshop(ctx, params.workshopId);
        const asOfMs = query.asOf ? Date.parse(query.asOf) : ctx.clock.now();
        const date = query.date ?? localDate(asOfMs, w.timeZone);
        return engineOf(ctx).run(w.id, 'board', date, asOfMs);
      },
    });
}
