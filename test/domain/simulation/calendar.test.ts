/** The simulation's calendar lookups and hour bins on tiny hand-made days (a 25-hour DST day among them). */
import { describe, expect, it } from 'vitest';
import { closeOf, dayOf, hourOf, hoursWithin, isOpen, nextOpenDay, openCal } from '../../../src/domain/simulation/calendar.js';
import { spreadByHour } from '../../../src/domain/simulation/kpis.js';
import type { SimWorld } from '../../../src/domain/simulation/types.js';

// day 0: 24 h, open 8–17; day 1: the autumn fall-back, 25 h, open 8–17 wall clock (an hour later in
// minutes after 03:00); day 2: closed; day 3: open 8–12 and 13–17
const H = 60;
const world = {
  calendarDays: 4,
  dayStart: [0, 1440, 1440 + 1500, 1440 + 1500 + 1440, 1440 + 1500 + 2 * 1440],
  openByDay: [[8 * H, 17 * H], [1440 + 9 * H, 1440 + 18 * H], [], [4380 + 8 * H, 4380 + 12 * H, 4380 + 13 * H, 4380 + 17 * H]],
} as unknown as SimWorld;

describe('simulation calendar', () => {
  it('finds the day of a minute by the day starts, not by t / 1440 (a 25-hour day)', () => {
    expect(dayOf(world, 0)).toBe(0);
    expect(dayOf(world, 1439)).toBe(0);
    expect(dayOf(world, 1440)).toBe(1);
    expect(dayOf(world, 1440 + 1499)).toBe(1); // minute 2939 is still day 1 (2939 / 1440 ≈ 2.04)
    expect(dayOf(world, 2940)).toBe(2);
    expect(dayOf(world, 99_999)).toBe(3); // clamped to the compiled days
    expect(hourOf(world, 1440 + 1490)).toBe(23); // the 25th hour is counted in the last bin
  });

  it('opening, closing and the n-th open day', () => {
    expect(isOpen(world, 8 * H)).toBe(true);
    expect(isOpen(world, 17 * H)).toBe(false); // half-open intervals
    expect(isOpen(world, 4380 + 12 * H + 30)).toBe(false); // the lunch break of day 3
    expect(closeOf(world, 3)).toBe(4380 + 17 * H);
    expect(closeOf(world, 2)).toBe(2940); // a closed day closes at its midnight
    expect(nextOpenDay(world, 1, 0)).toBe(1);
    expect(nextOpenDay(world, 2, 0)).toBe(3);
    expect(nextOpenDay(world, 1, 1)).toBe(3); // the closed day is skipped
    expect(nextOpenDay(world, 1, 2)).toBe(-1);
    expect(openCal(world, 12 * H, 1440 + 10 * H)).toEqual([12 * H, 17 * H, 1440 + 9 * H, 1440 + 10 * H]);
  });

  it('an hour counts for arrivals when it overlaps the opening and starts more than 30 min before closing', () => {
    const profile = Array.from({ length: 24 }, () => 1);
    const w = hoursWithin(profile, world.openByDay[0], 0);
    expect(w.map((x, h) => (x ? h : -1)).filter((h) => h >= 0)).toEqual([8, 9, 10, 11, 12, 13, 14, 15, 16]);
  });

  it('spreads busy minutes over the local hour bins, the 25th hour of a fall-back day into the last', () => {
    const bins = new Array(24).fill(0);
    spreadByHour(world, 8 * H + 30, 10 * H, bins);
    expect(bins[8]).toBe(30);
    expect(bins[9]).toBe(60);
    const b2 = new Array(24).fill(0);
    spreadByHour(world, 1440 + 23 * H, 2940 + 30, b2);
    expect(b2[23]).toBe(120); // 23:00–01:00 of the 25-hour day
    expect(b2[0]).toBe(30); // then the next day's first half hour
    expect(b2.reduce((a, b) => a + b, 0)).toBe(150);
  });
});
