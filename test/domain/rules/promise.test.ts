import { describe, expect, it } from 'vitest';
import { effectiveHeadroom, fixedRulePromise, promiseLevel, promiseMinute, roundUpToGrid } from '../../../src/domain/rules/promise.js';

describe('the promise rule', () => {
  it('promises at target + headroom, the headroom capped at half the gap to 1', () => {
    expect(promiseLevel(0.9, 0.03)).toBeCloseTo(0.93, 12);
    expect(promiseLevel(0.95, 0.2)).toBeCloseTo(0.975, 12);
    expect(effectiveHeadroom(0.99, 0.05)).toBeCloseTo(0.005, 12);
    expect(promiseLevel(0.995, 0.2)).toBeCloseTo(0.9975, 12);
    expect(promiseLevel(0.999, 0.2)).toBe(0.999); // never above 0.999
    expect(promiseLevel(0.8, 0)).toBe(0.8);
  });
  it('rounds up to the grid, keeping a minute that is on it', () => {
    expect(roundUpToGrid(600)).toBe(600);
    expect(roundUpToGrid(600 + 1e-9)).toBe(600); // floating-point noise stays on the grid
    expect(roundUpToGrid(600.01)).toBe(605);
    expect(roundUpToGrid(601, 15)).toBe(615);
  });
  it("moves a drop-off's promise that falls while closed to the next opening; a waiter's stays", () => {
    const open = [{ start: 480, end: 1080 }, { start: 1920, end: 2520 }]; // 08:00–18:00 on two days
    expect(promiseMinute(1101, { waiter: false, openRanges: open })).toBe(1920);
    expect(promiseMinute(1101, { waiter: true, openRanges: open })).toBe(1105);
    expect(promiseMinute(1000.2, { waiter: false, openRanges: open })).toBe(1005);
    expect(promiseMinute(1078, { waiter: false, openRanges: open })).toBe(1080); // at closing: stays
    expect(promiseMinute(3000, { waiter: false, openRanges: open })).toBe(3000); // after the last known range: as computed
    expect(promiseMinute(1101, { waiter: false })).toBe(1105);
  });
  it('the fixed industry rule: arrival + 1.5 × standard hours + 60 minutes, on the grid', () => {
    expect(fixedRulePromise(480, 1)).toBe(480 + 90 + 60);
    expect(fixedRulePromise(480, 0.4)).toBe(480 + 36 + 60 + 4);
  });
});
