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
