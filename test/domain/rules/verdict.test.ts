import { describe, expect, it } from 'vitest';
import { bookingVerdict, isHurt, type VerdictFacts } from '../../../src/domain/rules/verdict.js';

const base: VerdictFacts = { now: 400, arrival: 480, promise: 600, horizonEnd: 10_000, waiter: false, dayEnd: 1080, waiterMaxWaitMinutes: 180, hurts: 0 };

describe('the booking verdict', () => {
  it('books a promise that breaks no rule', () => {
    expect(bookingVerdict(base)).toEqual({ bookable: true });
  });
  it('names the first rule broken, in order', () => {
    expect(bookingVerdict({ ...base, arrival: 380 })).toEqual({ bookable: false, reason: 'in_the_past' });
    expect(bookingVerdict({ ...base, arrival: 386 })).toEqual({ bookable: true }); // within the grace
    expect(bookingVerdict({ ...base, promise: null })).toEqual({ bookable: false, reason: 'no_capacity' });
    expect(bookingVerdict({ ...base, promise: 10_005, hurts: 2 })).toEqual({ bookable: false, reason: 'beyond_horizon' });
    expect(bookingVerdict({ ...base, waiter: true, promise: 1085 })).toEqual({ bookable: false, reason: 'waiter_not_same_day' });
    expect(bookingVerdict({ ...base, waiter: true, promise: 665 })).toEqual({ bookable: false, reason: 'waiter_wait_too_long' });
    expect(bookingVerdict({ ...base, waiter: true, promise: 660 })).toEqual({ bookable: true });
    expect(bookingVerdict({ ...base, hurts: 1 })).toEqual({ bookable: false, reason: 'hurts_existing_promises' });
  });
  it("a drop-off's promise may be any later day; an unknown day end is not checked", () => {
    expect(bookingVerdict({ ...base, promise: 3000 })).toEqual({ bookable: true });
    expect(bookingVerdict({ ...base, waiter: true, promise: 600, dayEnd: undefined })).toEqual({ bookable: true });
  });
  it('a promise is hurt when it falls below target, or, already below, drops by more than epsilon', () => {
    expect(isHurt(0.95, 0.89, 0.9)).toBe(true);
    expect(isHurt(0.95, 0.9, 0.9)).toBe(false);
    expect(isHurt(0.8, 0.797, 0.9)).toBe(false);
    expect(isHurt(0.8, 0.79, 0.9)).toBe(true);
  });
  it('a screen keeps a margin above the target for the promises a slot moves', () => {
    expect(isHurt(0.95, 0.92, 0.9, 0.005, 0.05)).toBe(true); // moved, and within 0.05 of the target
    expect(isHurt(0.96, 0.96, 0.9, 0.005, 0.05)).toBe(false); // not moved
    expect(isHurt(0.96, 0.955, 0.9, 0.005, 0.05)).toBe(false); // moved by no more than epsilon
  });
});
