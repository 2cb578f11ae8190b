/** Route of promise calibration: how the workshop's promises turned out, by segment, and the corrections in force. */
import { z } from 'zod';
import { calibrationReport } from '../../app/calibration.js';
import { getWorkshop } from '../../app/catalog.js';
import type { AppContext } from '../../app/context.js';
import type { Api } from '../api.js';

const Rate = z.number().nullable();
const Summary = {
  outcomes: z.number().int().meta({ description: 'promises whose vehicle is ready, in the calibration window' }),
  onTime: z.number().int(),
  onTimeRate: Rate,
  interval95: z.tuple([z.number(), z.number()]).nullable().meta({ description: 'Wilson 95% interval of the on-time rate' }),
  medianPromisedLeadMinutes: Rate.meta({ description: 'promise − arrival' }),
  medianActualLeadMinutes: Rate.meta({ description: 'ready − arrival' }),
  sharpness: Rate.meta({ description: 'median promised lead ÷ median actual lead (1 = as sharp as the truth allows)' }),
};
export const PromiseCalibrationResponse = z
  .object({
    workshopId: z.string(),
    target: z.number(),
    window: z.number().int().meta({ description: 'latest outcomes the corrections are computed from' }),
    overall: z.object(Summary),
    segments: z.array(
      z.object({
        segment: z.enum(['waiter/same_day', 'waiter/ahead', 'drop_off/same_day', 'drop_off/ahead']),
        ...Summary,
        scale: z.number().meta({ description: 'the correction in force: promised lead = scale × the forecast lead at the promise level' }),
        scaleSource: z.enum(['segment', 'transport', 'none']).meta({ description: 'whose outcomes the scale comes from: the segment, its transport pooled, or none yet (1)' }),
      }),
    ),
    openPromises: z.number().int(),
  })
  .meta({ id: 'PromiseCalibration' });

export function registerCalibrationRoutes(api: Api, _ctx: AppContext) {
  api.add({
    method: 'get',
    path: '/v1/workshops/:workshopId/promise-calibration',
    operationId: 'getPromiseCalibration',
    tag: 'promises',
    summary: 'How the promises turned out: on-time by segment with its interval, sharpness, and the calibration in force',
    description:
      'Every promise Baywise made (a booking without promisedAt) is scored when its vehicle is ready. Per segment (waiter or drop-off × quoted the same day or ahead) the latest outcomes give the achieved on-time rate with a Wilson 95% interval, the median promised and actual leads, and the scale that corrects the next promises so that the achieved rate stays at the target.',
    response: PromiseCalibrationResponse,
    errors: [404],
    handler: ({ ctx, params }) => calibrationReport(ctx.store, getWorkshop(ctx, params.workshopId)),
  });
}
