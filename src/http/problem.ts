/**
 * RFC 9457 problem+json: the one table mapping domain error codes to HTTP statuses, and the
 * writer used by every error path (validation, domain errors, body parsing, unknown routes).
 */
import type { Request, Response } from 'express';
import type { ErrorCode, FieldError } from '../app/errors.js';

export type HttpCode =
  | ErrorCode
  | 'invalid_json'
  | 'unsupported_media_type'
  | 'payload_too_large'
  | 'malformed_request'
  | 'request_timeout'
  | 'headers_too_large'
  | 'route_not_found'
  | 'method_not_allowed'
  | 'internal_error';

export const STATUS_OF: Record<HttpCode, number> = {
  validation_failed: 400,
  invalid_json: 400,
  not_found: 404,
  route_not_found: 404,
  method_not_allowed: 405,
  version_conflict: 409,
  duplicate: 409,
  in_use: 409,
  illegal_transition: 409,
  capacity_exhausted: 409,
  payload_too_large: 413,
  malformed_request: 400,
  request_timeout: 408,
  headers_too_large: 431,
  unsupported_media_type: 415,
  unknown_reference: 422,
  idempotency_mismatch: 422,
  model_invalid: 422,
  computation_limit: 422,
  limit_exceeded: 422,
  arrival_in_past: 422,
  beyond_horizon: 422,
  too_many_jobs: 429,
  internal_error: 500,
  unavailable: 503,
};

const TITLE_OF: Record<HttpCode, string> = {
  validation_failed: 'Request validation failed',
  invalid_json: 'Body is not valid JSON',
  not_found: 'Resource not found',
  route_not_found: 'No such route',
  method_not_allowed: 'Method not allowed',
  version_conflict: 'Concurrent modification',
  duplicate: 'Already exists',
  in_use: 'Resource in use',
  illegal_transition: 'Illegal status transition',
  capacity_exhausted: 'No capacity left for this request',
  payload_too_large: 'Body too large',
  malformed_request: 'Malformed HTTP request',
  request_timeout: 'Request not received in time',
  headers_too_large: 'Request headers too large',
  unsupported_media_type: 'Unsupported content type',
  unknown_reference: 'Unknown reference',
  idempotency_mismatch: 'Idempotency key reused with a different request',
  model_invalid: 'The workshop cannot be planned as it is',
  computation_limit: 'The computation exceeds the limits of this service',
  limit_exceeded: 'The workshop would exceed a size limit',
  arrival_in_past: 'The arrival is in the past',
  beyond_horizon: 'Beyond the planning horizon',
  too_many_jobs: 'Too many simulation jobs',
  internal_error: 'Internal error',
  unavailable: 'Service unavailable',
};

export interface ProblemBody {
  type: string;
  title: string;
  status: number;
  code: HttpCode;
  detail?: string;
  instance?: string;
  requestId?: string;
  errors?: FieldError[];
  [k: string]: unknown;
}

export function problem(code: HttpCode, detail?: string, extra: Record<string, unknown> = {}): ProblemBody {
  return { type: `/problems/${code}`, title: TITLE_OF[code], status: STATUS_OF[code], code, ...(detail ? { detail } : {}), ...extra };
}

export function sendProblem(req: Request, res: Response, body: ProblemBody): void {
  if (res.headersSent) return;
  res
    .status(body.status)
    .type('application/problem+json')
    .send(JSON.stringify({ ...body, instance: req.originalUrl.slice(0, 500), requestId: String(req.id ?? '') }));
}
