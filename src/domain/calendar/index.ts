/**
 * Calendars: weekly local-time patterns (opening hours, shifts minus breaks) turned into sorted
 * integer-minute intervals relative to an origin instant, in the workshop's IANA zone (DST-aware).
 * Luxon is used here, once per day of the horizon, never in an engine's inner loop.
 */
import { DateTime } from 'luxon';

export type Weekday = 'mon' | 'tue' | 'wed' | 'thu' | 'fri' | 'sat' | 'sun';
const WEEKDAYS: Weekday[] = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'];

export interface LocalRange {
  start: string; // HH:MM
  end: string; // HH:MM (24:00 allowed)
}

const hm = (s: string) => {
  const [h, m] = s.split(':').map(Number);
  return h * 60 + m;
};

export interface CalendarSpec {
  zone: string;
  originMs: number;
  /** window to build, epoch ms */
  fromMs: number;
  toMs: number;
  weekly: Partial<Record<Weekday, LocalRange[]>>;
  closedDates?: ReadonlySet<string>;
  /** epoch-ms intervals to remove (absences) */
  minus?: readonly (readonly [number, number])[];
}

export const msToMin = (ms: number, originMs: number) => Math.floor((ms - originMs) / 60_000);
export const minToMs = (min: number, originMs: number) => originMs + min * 60_000;

/** Sorted disjoint [s0,e0,s1,e1,…) minutes relative to originMs. */
export function buildCalendar(spec: CalendarSpec): number[] {
  const out: number[] = [];
  let day = DateTime.fromMillis(spec.fromMs, { zone: spec.zone }).startOf('day');
  const lo = Math.ceil((spec.fromMs - spec.originMs) / 60_000);
  const hi = msToMin(spec.toMs, spec.originMs);
  while (day.toMillis() < spec.toMs) {
    const iso = day.toISODate()!;
    if (!spec.closedDates?.has(iso)) {
      const ranges = [...(spec.weekly[WEEKDAYS[day.weekday - 1]] ?? [])].sort((a, b) => hm(a.start) - hm(b.start));
      for (const r of ranges) {
        const s = msToMin(localToMs(day, hm(r.start)), spec.originMs);
        const e = msToMin(localToMs(day, hm(r.end)), spec.originMs);
        const cs = Math.max(s, lo);
        const ce = Math.min(e, hi);
        if (ce > cs) {
          if (out.length && out[out.length - 1] >= cs) out[out.length - 1] = Math.max(out[out.length - 1], ce);
          else out.push(cs, ce);
        }
      }
    }
    day = day.plus({ days: 1 });
  }
  if (!spec.minus?.length) return out;
  const minus: number[] = [];
  for (const [a, b] of [...spec.minus].sort((x, y) => x[0] - y[0])) {
    const s = msToMin(a, spec.originMs);
    const e = Math.ceil((b - spec.originMs) / 60_000);
    if (minus.length && minus[minus.length - 1] >= s) minus[minus.length - 1] = Math.max(minus[minus.length - 1], e);
    else minus.push(s, e);
  }
  return subtract(out, minus);
}

/** Local minute-of-day on a date → epoch ms; DST gaps resolve forward as luxon does. */
function localToMs(day: DateTime, minuteOfDay: number): number {
  if (minuteOfDay >= 1440) return day.plus({ days: 1 }).startOf('day').toMillis();
  return day.set({ hour: Math.floor(minuteOfDay / 60), minute: minuteOfDay % 60, second: 0, millisecond: 0 }).toMillis();
}

/** a minus b, both flat sorted disjoint interval arrays. */
export function subtract(a: readonly number[], b: readonly number[]): number[] {
  const out: number[] = [];
  let j = 0;
  for (let i = 0; i < a.length; i += 2) {
    let s = a[i];
    const e = a[i + 1];
    while (j < b.length && b[j + 1] <= s) j += 2;
    let k = j;
    while (k < b.length && b[k] < e) {
      if (b[k] > s) out.push(s, b[k]);
      s = Math.max(s, b[k + 1]);
      k += 2;
    }
    if (s < e) out.push(s, e);
  }
  return out;
}

/** Shift patterns minus their breaks, as weekly local ranges. */
export function shiftsToWeekly(shifts: { weekday: Weekday; start: string; end: string; breaks: LocalRange[] }[]): Partial<Record<Weekday, LocalRange[]>> {
  const weekly: Partial<Record<Weekday, LocalRange[]>> = {};
  for (const s of shifts) {
    const br = [...s.breaks].sort((a, b) => hm(a.start) - hm(b.start));
    let cur = s.start;
    const list = (weekly[s.weekday] ??= []);
    for (const b of br) {
      if (hm(b.start) > hm(cur)) list.push({ start: cur, end: b.start });
      if (hm(b.end) > hm(cur)) cur = b.end;
    }
    if (hm(s.end) > hm(cur)) list.push({ start: cur, end: s.end });
  }
  return weekly;
}
