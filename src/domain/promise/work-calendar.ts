/**
 * Work advancing through a calendar (the forecast's only notion of time).
 *
 * A calendar is a sorted array of working intervals [start0, end0, start1, end1, …] in minutes
 * (technician work ∪ overtime, ∩ bay opening time for an op on a bay).
 *   nextWorkingMinute(cal, t) = the first working minute ≥ t (t itself past the calendar's end)
 *   advanceWork(cal, s, d)    = the minute at which d working minutes, started at the first working
 *                               minute ≥ s, are done
 * Work that reaches the end of an interval (a shift's end, a break) CONTINUES in the next interval:
 * in reality the job is finished after the break or the next morning, whatever the plan's "does not
 * fit before the break" rule chose. Past the last interval the remainder runs in wall-clock minutes,
 * so every sampled end is finite.
 */
import { firstEndAfter } from '../scheduling/timetable.js';

export { firstEndAfter };

/** First working minute at or after t (t itself beyond the calendar's end). */
export function nextWorkingMinute(cal: readonly number[], t: number): number {
  const i = firstEndAfter(cal, t);
  return i >= cal.length ? t : Math.max(t, cal[i]);
}

/**
 * End of `d` working minutes starting at the first working minute ≥ s: work advances only through
 * the calendar's intervals and continues in the next interval when one ends. Past the calendar's
 * last interval, the remainder runs in wall-clock minutes.
 */
export function advanceWork(cal: readonly number[], s: number, d: number): number {
  return advanceFrom(cal, firstEndAfter(cal, s), s, d);
}

/** advanceWork with `i0` = firstEndAfter(cal, s) already known (the sampler's hot loop keeps it) */
export function advanceFrom(cal: readonly number[], i0: number, s: number, d: number): number {
  let rem = d;
  let pos = s;
  for (let i = i0; i < cal.length; i += 2) {
    const from = pos > cal[i] ? pos : cal[i];
    const avail = cal[i + 1] - from;
    if (avail >= rem) return from + rem;
    rem -= avail;
    pos = cal[i + 1];
  }
  return pos + rem;
}
