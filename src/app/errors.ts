/** Domain/application errors carry a stable code, never an HTTP status (http/ maps codes). */
export type ErrorCode =
  | 'validation_failed'
  | 'not_found'
  | 'version_conflict'
  | 'duplicate'
  | 'in_use'
  | 'illegal_transition'
  | 'unknown_reference'
  | 'capacity_exhausted'
  | 'idempotency_mismatch'
  | 'model_invalid'
  | 'computation_limit'
  | 'too_many_jobs'
  | 'limit_exceeded'
  | 'arrival_in_past'
  | 'beyond_horizon'
  | 'unavailable';

export interface FieldError {
  path: string;
  message: string;
  code: string;
}

export class DomainError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly extra: { errors?: FieldError[]; [k: string]: unknown } = {},
  ) {
    super(message);
    this.name = 'DomainError';
  }
}

export const notFound = (what: string, id: string) => new DomainError('not_found', `${what} ${id} does not exist`);

/** ["operations", 0, "opCode"] → "operations[0].opCode" */
export function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const p of path) {
    if (typeof p === 'number') out += `[${p}]`;
    else out += out ? `.${String(p)}` : String(p);
  }
  return out;
}
