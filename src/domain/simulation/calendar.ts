/**
 * Reading the compiled world's calendar: which day and local hour a minute falls in, whether the
 * workshop is open, when a day closes, the n-th open day from a day, and calendars clipped to a
 * window. Pure functions of the `SimWorld` (integer minutes; minute 0 is midnight of the first
 * simulated day in the workshop zone; a DST day has 23 or 25 hours, so days are looked up in
 * `dayStart`, never computed as t / 1440).
 */
import type { SimWorld } from './types.js';

/** Calendar day of minute `t` (clamped to the compiled days). */
export function dayOf(W: SimWorld, t: number): number {
  let d = Math.min(W.calendarDays - 1, Math.max(0, Math.floor(t / 1440)));
  while (d > 0 && W.dayStart[d] > t) d--;
  while (d < W.calendarDays - 1 && W.dayStart[d + 1] <= t) d++;
  return d;
}

/** Local hour of day (0–23) of minute `t`. */
export function hourOf(W: SimWorld, t: number, d = dayOf(W, t)): number {
  return Math.min(23, Math.max(0, Math.floor((t - W.dayStart[d]) / 60)));
}

export function isOpen(W: SimWorld, t: number): boolean {
  const o = W.openByDay[dayOf(W, t)];
  for (let i = 0; i < o.length; i += 2) if (t >= o[i] && t < o[i + 1]) return true;
  return false;
}

/** Closing minute of day `d` (its midnight when closed). */
export function closeOf(W: SimWorld, d: number): number {
  const o = W.openByDay[d];
  return o.length ? o[o.length - 1] : W.dayStart[d];
}

/** The open day `skip` open days after day `d` (0: `d` itself if open, else the next), -1 if none. */
export function nextOpenDay(W: SimWorld, d: number, skip: number): number {
  let k = skip;
  for (let x = d; x < W.calendarDays; x++) {
    if (!W.openByDay[x].length) continue;
    if (k === 0) return x;
    k--;
  }
  return -1;
}

/** Appends the parts of the flat interval list `cal` inside [from, to) to `out`. */
export function clipCal(cal: readonly number[], from: number, to: number, out: number[]): void {
  for (let i = 0; i < cal.length; i += 2) {
    const s = Math.max(cal[i], from), e = Math.min(cal[i + 1], to);
    if (e > s) out.push(s, e);
  }
}

/** The workshop's opening intervals within [now, end). */
export function openCal(W: SimWorld, now: number, end: number): number[] {
  const out: number[] = [];
  for (let d = dayOf(W, now); d < W.calendarDays && W.dayStart[d] < end; d++) clipCal(W.openByDay[d], now, end, out);
  return out;
}

/** 24 hour-of-day weights restricted to a day's opening intervals (an hour counts if it overlaps one and starts more than 30 min before its close). */
export function hoursWithin(profile: readonly number[], open: readonly number[], dayStart: number): number[] {
  return profile.map((w, h) => {
    if (w <= 0) return 0;
    const m = dayStart + h * 60;
    for (let i = 0; i < open.length; i += 2) if (m + 60 > open[i] && m < open[i + 1] - 30) return w;
    return 0;
  });
}
