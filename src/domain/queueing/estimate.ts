/**
 * One zod-free entry point for the HTTP layer: `estimate({ model, ...params })`. The HTTP layer
 * validates the shape with zod and forwards; this function re-validates values (throwing
 * QueueingInputError with the field path) and returns a JSON-serialisable result.
 * Units: minutes and rates per minute (see each model's input type).
 */
import { QueueingInputError } from './errors.js';
import { type MmcInput, type MmcResult, mmc } from './mmc.js';
import { type MmckInput, type MmckResult, mmck } from './mmck.js';
import { type ApproxResult, type GgcInput, ggc, mdc, mgc } from './approx.js';
import { type TimeVaryingInput, type TimeVaryingResult, timeVarying } from './timeVarying.js';
import { type StaffingInput, type StaffingResult, staffing } from './staffing.js';
import { type ConditionalWaitInput, type ConditionalWaitResult, conditionalWait } from './conditionalWait.js';

export type EstimateRequest =
  | ({ model: 'mmc' } & MmcInput)
  | ({ model: 'mmck' } & MmckInput)
  | ({ model: 'mdc' } & Omit<GgcInput, 'arrivalCv' | 'serviceCv' | 'method'>)
  | ({ model: 'mgc' } & Omit<GgcInput, 'arrivalCv'>)
  | ({ model: 'ggc' } & GgcInput)
  | ({ model: 'time_varying' } & TimeVaryingInput)
  | ({ model: 'staffing' } & StaffingInput)
  | ({ model: 'conditional_wait' } & ConditionalWaitInput);

export type EstimateResult =
  | MmcResult
  | MmckResult
  | ApproxResult
  | TimeVaryingResult
  | StaffingResult
  | ConditionalWaitResult;

export function estimate(request: EstimateRequest): EstimateResult {
  if (request === null || typeof request !== 'object') throw new QueueingInputError('', 'must be an object');
  switch (request.model) {
    case 'mmc':
      return mmc(request);
    case 'mmck':
      return mmck(request);
    case 'mdc':
      return mdc(request);
    case 'mgc':
      return mgc(request);
    case 'ggc':
      return ggc(request);
    case 'time_varying':
      return timeVarying(request);
    case 'staffing':
      return staffing(request);
    case 'conditional_wait':
      return conditionalWait(request);
    default:
      throw new QueueingInputError(
        'model',
        "must be one of 'mmc', 'mmck', 'mdc', 'mgc', 'ggc', 'time_varying', 'staffing', 'conditional_wait'",
      );
  }
}
