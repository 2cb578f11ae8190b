/**
 * Shared zod building blocks of the API model: instants, local times, slugs, pagination.
 * Every request and response shape is defined with these, and the OpenAPI document is generated
 * from the same schemas.
 */
import { z } from 'zod';
import { DateTime, IANAZone } from 'luxon';

/** ISO 8601 instant with an explicit offset (or Z); seconds optional. */
const INSTANT_RE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/;
export const Instant = z
  .string()
  .max(40)
  .regex(INSTANT_RE, 'expected an ISO 8601 date-time with offset, e.g. 2026-11-24T08:30:00+01:00')
  .refine((s) => DateTime.fromISO(s, { setZone: true }).isValid, 'not a valid date-time')
  .meta({ format: 'date-time', example: '2026-11-24T08:30:00+01:00' });

export const LocalDate = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'expected a date YYYY-MM-DD')
  .refine((s) => DateTime.fromISO(s).isValid, 'not a valid calendar date')
  .meta({ format: 'date', example: '2026-12-24' });

/** Wall-clock time of day HH:MM, 00:00–24:00. */
export const LocalTime = z
  .string()
  .regex(/^([01]\d|2[0-3]):[0-5]\d$|^24:00$/, 'expected a time of day HH:MM (00:00–24:00)')
  .meta({ example: '07:30' });

export const TimeZone = z
  .string()
  .max(64)
  .refine((s) => IANAZone.isValidZone(s), 'not an IANA time zone (e.g. Europe/Berlin)')
  .meta({ example: 'Europe/Berlin' });

/** Identifiers chosen by users: skills, capabilities, op codes. */
export const Slug = z
  .string()
  .min(1)
  .max(40)
  .regex(/^[a-z0-9][a-z0-9_-]*$/, 'lower-case letters, digits, _ and - only');

export const OpCode = z
  .string()
  .min(1)
  .max(24)
  .regex(/^[A-Z0-9][A-Z0-9_-]*$/, 'upper-case letters, digits, _ and - only')
  .meta({ example: 'OIL-SVC' });

export const Weekday = z.enum(['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun']);
export type Weekday = z.infer<typeof Weekday>;
export const WEEKDAYS: readonly Weekday[] = Weekday.options;

export const Level = z.enum(['A', 'B', 'C']).meta({ description: 'Skill level: A (expert) > B > C (junior)' });
export type Level = z.infer<typeof Level>;
export { LEVEL_RANK } from '../domain/rules/qualification.js';

/** Free text with a sane bound; control characters other than tab/newline are rejected. */
export const Text = (max: number) =>
  z
    .string()
    .max(max)
    // eslint-disable-next-line no-control-regex
    .refine((s) => !/[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F]/.test(s), 'contains control characters')
    .refine((s) => s.isWellFormed(), 'contains unpaired surrogates');

export const Name = Text(200).pipe(z.string().trim().min(1, 'must not be empty'));

export function toMinutes(hhmm: string): number {
  const [h, m] = hhmm.split(':').map(Number);
  return h * 60 + m;
}

/** A [start, end) pair of local times within one day; end after start. */
export const TimeRange = z
  .strictObject({ start: LocalTime, end: LocalTime })
  .refine((r) => toMinutes(r.end) > toMinutes(r.start), { message: 'end must be after start', path: ['end'] });
export type TimeRange = z.infer<typeof TimeRange>;

export const Pagination = z.strictObject({
  limit: z.coerce.number().int().min(1).max(500).default(50),
  offset: z.coerce.number().int().min(0).max(1_000_000).default(0),
});

export function page<T extends z.ZodType>(item: T) {
  return z.object({
    items: z.array(item),
    total: z.number().int(),
    limit: z.number().int(),
    offset: z.number().int(),
  });
}

export const Problem = z
  .object({
    type: z.string().meta({ description: 'URI reference of the problem type, e.g. /problems/capacity_exhausted' }),
    title: z.string(),
    status: z.number().int(),
    code: z.string().meta({ description: 'stable machine-readable code (the last segment of type)' }),
    detail: z.string().optional(),
    instance: z.string().optional(),
    requestId: z.string().optional().meta({ description: 'the x-request-id of the request, to find it in the logs' }),
    errors: z
      .array(
        z.object({
          path: z.string().meta({ description: 'where the field is: e.g. operations[1].opCode in the body, query.to in the query string' }),
          message: z.string(),
          code: z.string(),
        }),
      )
      .optional()
      .meta({ description: 'one entry per invalid field' }),
  })
  .loose() // RFC 9457 extension members: e.g. a 409 carries reason and alternatives, or from and allowed
  .meta({ id: 'Problem', description: 'RFC 9457 problem details; extension members (reason, alternatives, quote, from, allowed, retryAfterSeconds…) depend on the code' });

/** Body of a merge-patch: an object of top-level fields (validated again after merging). */
export const PatchBody = z
  .record(
    z.string().max(100).refine((k) => !['__proto__', 'constructor', 'prototype'].includes(k), 'reserved key'),
    z.unknown(),
  )
  .meta({ description: 'Top-level fields to replace' });
