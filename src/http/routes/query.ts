/** Query-string building blocks: '+' in an offset arrives as a space after URL decoding. */
import { z } from 'zod';
import { DateTime } from 'luxon';
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
