import { describe, expect, it } from 'vitest';
import { APPOINTMENT_TRANSITIONS, canTransition, CLOSED_STATUSES, OP_EVENTS, OPEN_STATUSES } from '../../../src/domain/rules/lifecycle.js';

describe('lifecycles', () => {
  it('a repair order moves forward only, a ready one may go back in progress, closed ones stay closed', () => {
    expect(canTransition('booked', 'checked_in')).toBe(true);
    expect(canTransition('booked', 'delivered')).toBe(false);
    expect(canTransition('ready', 'in_progress')).toBe(true);
    expect(canTransition('checked_in', 'checked_in')).toBe(true); // a restated status is a no-op
    for (const s of CLOSED_STATUSES) expect(APPOINTMENT_TRANSITIONS[s]).toEqual([]);
    expect(OPEN_STATUSES).toEqual(['booked', 'checked_in', 'in_progress']);
  });
  it('a job clock starts, pauses, resumes and finishes; a finished operation takes no event', () => {
    expect(OP_EVENTS.pending).toEqual(['op_started', 'parts_delayed']);
    expect(OP_EVENTS.in_progress).toEqual(['op_paused', 'op_finished']);
    expect(OP_EVENTS.paused).toContain('op_resumed');
    // parts come later: set or moved on an operation nobody is working on
    expect(OP_EVENTS.paused).toContain('parts_delayed');
    expect(OP_EVENTS.done).toEqual([]);
  });
});
