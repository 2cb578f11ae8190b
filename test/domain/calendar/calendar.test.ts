import { DateTime } from 'luxon';
import { describe, expect, it } from 'vitest';
import { buildCalendar, shiftsToWeekly, subtract } from '../../../src/domain/calendar/index.js';

const zone = 'Europe/Berlin';
const origin = DateTime.fromISO('2026-03-27T00:00', { zone }).toMillis(); // Friday before the spring DST change

describe('calendars', () => {
  it('turns shifts minus breaks into minutes from the origin, across a DST change', () => {
    const weekly = shiftsToWeekly([
      { weekday: 'fri', start: '08:00', end: '16:00', breaks: [{ start: '12:00', end: '12:30' }] },
      { weekday: 'mon', start: '08:00', end: '16:00', breaks: [] },
    ]);
    const cal = buildCalendar({ zone, originMs: origin, fromMs: origin, toMs: origin + 4 * 86400_000, weekly });
    // Friday 08:00–12:00, 12:30–16:00; Monday 30 March: 3 days later but one hour less (23-hour Sunday)
    expect(cal).toEqual([480, 720, 750, 960, 3 * 1440 - 60 + 480, 3 * 1440 - 60 + 960]);
  });

  it('skips closed dates, clips to the window and removes absences', () => {
    const weekly = { fri: [{ start: '08:00', end: '16:00' }], mon: [{ start: '08:00', end: '16:00' }] };
    const cal = buildCalendar({
      zone,
      originMs: origin,
      fromMs: origin + 600 * 60_000, // Friday 10:00
      toMs: origin + 5 * 86400_000,
      weekly,
      closedDates: new Set(['2026-03-30']),
      minus: [[origin + 660 * 60_000, origin + 690 * 60_000]],
    });
    expect(cal).toEqual([600, 660, 690, 960]);
  });

  it('subtracts interval sets', () => {
    expect(subtract([0, 10, 20, 30], [5, 25])).toEqual([0, 5, 25, 30]);
    expect(subtract([0, 10], [])).toEqual([0, 10]);
    expect(subtract([0, 10], [0, 10])).toEqual([]);
  });
});
