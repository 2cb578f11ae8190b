/**
 * Query-string building blocks ('+' in an offset arrives as a space after URL decoding) and the
 * one reading of date windows in a workshop's zone.
 */
import { z } from 'zod';
import { DateTime } from 'luxon';
import { DomainError } from '../../app/errors.js';
import { Instant, LocalDate } from '../../model/common.js';
import { APPOINTMENT_STATUSES } from '../../model/workshop.js';

export const QInstant = z.string().max(40).transform((s) => s.replace(' ', '+')).pipe(Instant);
export const QDateOrInstant = z.union([LocalDate, QInstant]);
export const QStatusList = z
  .string()
  .max(200)
  .transform((s) => s.split(',').map((x) => x.trim()).filter(Boolean))
  .pipe(z.array(z.enum(APPOINTMENT_STATUSES)).min(1));

/** A date means the start of that day in the workshop zone; an instant is itself. */
export function toMs(v: string, zone: string): number {
  return v.length === 10 ? DateTime.fromISO(v, { zone }).startOf('day').toMillis() : DateTime.fromISO(v, { setZone: true }).toMillis();
}
/** For an exclusive upper bound a date means the end of that day. */
export function toMsEnd(v: string, zone: string): number {
  return v.length === 10 ? DateTime.fromISO(v, { zone }).plus({ days: 1 }).startOf('day').toMillis() : DateTime.fromISO(v, { setZone: true }).toMillis();
}

/** The local date (YYYY-MM-DD) of an instant in the workshop zone. */
export function localDate(ms: number, zone: string): string {
  return DateTime.fromMillis(ms, { zone }).toISODate()!;
}

/**
 * The window [from, to) of a query's `from` and `to` (each a date or an instant) in the
 * workshop zone: a date `from` is the start of that day, a date `to` the end of that day.
 *
 * - `open`: a missing bound stays open (a list filtered by date);
 * - `bounded`: a missing `from` is the start of today at `nowMs` in the workshop zone, a missing
 *   `to` is `defaultDays` calendar days after `from` (DST-aware); `to` must be after `from`, and the
 *   window at most `maxDays` × 24 h long, else 400 naming query.to.
 */
export function dateWindow(q: { from?: string; to?: string }, zone: string): { fromMs?: number; toMs?: number };
export function dateWindow(
  q: { from?: string; to?: string },
  zone: string,
  bounds: { nowMs: number; defaultDays: number; maxDays: number },
): { fromMs: number; toMs: number };
export function dateWindow(
  q: { from?: string; to?: string },
  zone: string,
  bounds?: { nowMs: number; defaultDays: number; maxDays: number },
): { fromMs?: number; toMs?: number } {
  if (!bounds) return { fromMs: q.from ? toMs(q.from, zone) : undefined, toMs: q.to ? toMsEnd(q.to, zone) : undefined };
  const fromMs = toMs(q.from ?? localDate(bounds.nowMs, zone), zone);
  const to = q.to ? toMsEnd(q.to, zone) : DateTime.fromMillis(fromMs, { zone }).plus({ days: bounds.defaultDays }).toMillis();
  if (to <= fromMs) throw new DomainError('validation_failed', 'to must be after from', { errors: [{ path: 'query.to', message: 'must be after from', code: 'invalid_range' }] });
  if (to - fromMs > bounds.maxDays * 86400_000)
    throw new DomainError('validation_failed', `the window is at most ${bounds.maxDays} days`, {
      errors: [{ path: 'query.to', message: `window longer than ${bounds.maxDays} days`, code: 'too_big' }],
    });
  return { fromMs, toMs: to };
}
