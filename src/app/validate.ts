import type { z } from 'zod';
import { DomainError, formatPath } from './errors.js';

/** Parses with a zod schema or throws validation_failed with field paths (prefixed, e.g. "body."). */
export function parseOrThrow<T extends z.ZodType>(schema: T, value: unknown, prefix = ''): z.output<T> {
  const r = schema.safeParse(value);
  if (r.success) return r.data;
  throw new DomainError('validation_failed', 'The request is not valid', {
    errors: r.error.issues.slice(0, 50).map((i) => {
      const keys = i.code === 'unrecognized_keys' ? (i as { keys?: string[] }).keys : undefined;
      const base = formatPath([...(prefix ? [prefix] : []), ...i.path]);
      return {
        path: keys && keys.length === 1 ? formatPath([...(prefix ? [prefix] : []), ...i.path, keys[0]]) : base,
        message: i.message,
        code: i.code,
      };
    }),
  });
}

/** Dates a request may name: within this many years of now, either way. */
export const ACCEPTED_YEARS = 5;
const YEAR_MS = 365.25 * 24 * 3600_000;
/** The accepted range [lo, hi] of dates (epoch ms) around nowMs. */
export function acceptedDates(nowMs: number): [number, number] {
  return [nowMs - ACCEPTED_YEARS * YEAR_MS, nowMs + ACCEPTED_YEARS * YEAR_MS];
}
