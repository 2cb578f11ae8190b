/**
 * Typed input errors for the queueing engine. Domain errors carry a code and the path of the
 * offending field, never an HTTP status: the HTTP layer maps `code` to a problem+json response.
 */
export class QueueingInputError extends Error {
  readonly code = 'QUEUEING_INPUT' as const;
  /** Dotted path of the offending field, e.g. `servers`, `arrivalRates.3`, `patterns.2.cost`. */
  readonly field: string;
  constructor(field: string, message: string) {
    super(`${field}: ${message}`);
    this.name = 'QueueingInputError';
    this.field = field;
  }
  toJSON(): { code: string; field: string; message: string } {
    return { code: this.code, field: this.field, message: this.message };
  }
}

export function finite(value: unknown, field: string): number {
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    throw new QueueingInputError(field, 'must be a finite number');
  }
  return value;
}

export function nonNegative(value: unknown, field: string): number {
  const v = finite(value, field);
  if (v < 0) throw new QueueingInputError(field, 'must be ≥ 0');
  return v;
}

export function positive(value: unknown, field: string): number {
  const v = finite(value, field);
  if (v <= 0) throw new QueueingInputError(field, 'must be > 0');
  return v;
}

export function positiveInt(value: unknown, field: string, max = 100_000): number {
  const v = finite(value, field);
  if (!Number.isInteger(v) || v < 1) throw new QueueingInputError(field, 'must be an integer ≥ 1');
  if (v > max) throw new QueueingInputError(field, `must be ≤ ${max}`);
  return v;
}

export function nonNegativeInt(value: unknown, field: string, max = 100_000): number {
  const v = finite(value, field);
  if (!Number.isInteger(v) || v < 0) throw new QueueingInputError(field, 'must be an integer ≥ 0');
  if (v > max) throw new QueueingInputError(field, `must be ≤ ${max}`);
  return v;
}

export function probability(value: unknown, field: string, openInterval = true): number {
  const v = finite(value, field);
  if (openInterval ? v <= 0 || v >= 1 : v < 0 || v > 1) {
    throw new QueueingInputError(field, openInterval ? 'must be strictly between 0 and 1' : 'must be in [0, 1]');
  }
  return v;
}

export function numberArray(value: unknown, field: string, minLength = 1): number[] {
  if (!Array.isArray(value)) throw new QueueingInputError(field, 'must be an array of numbers');
  if (value.length < minLength) throw new QueueingInputError(field, `must have at least ${minLength} element(s)`);
  return value.map((v, i) => nonNegative(v, `${field}.${i}`));
}
