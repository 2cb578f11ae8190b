import { describe, expect, it } from 'vitest';
import { calibratedReady, calibrationScore, conformalScale, promiseSegment, rawEquivalent, segmentScale } from '../../../src/domain/rules/calibration.js';

describe('promise calibration', () => {
  it('the scale is the split-conformal quantile of the scores at the target', () => {
    const scores = Array.from({ length: 99 }, (_, i) => (i + 1) / 100); // 0.01 … 0.99
    // ⌈(99 + 1) × 0.9⌉ = 90th smallest
    expect(conformalScale(scores, 0.9)).toBeCloseTo(0.9, 12);
    expect(conformalScale(scores, 0.5)).toBeCloseTo(0.5, 12);
    expect(conformalScale(scores.slice(0, 29), 0.9)).toBeNull(); // too few outcomes
    expect(conformalScale([...scores, 100], 0.999)).toBe(4); // bounded
  });
  it('covers the target on exchangeable scores whatever their distribution', () => {
    // a deterministic spread of scores: the fraction at or below the scale is at least the target
    const scores = Array.from({ length: 300 }, (_, i) => Math.exp(Math.sin(i * 12.9898) * 1.3));
    for (const t of [0.8, 0.9, 0.95]) {
      const s = conformalScale(scores, t)!;
      expect(scores.filter((x) => x <= s).length / scores.length).toBeGreaterThanOrEqual(t);
    }
  });
  it('scores actual lead against forecast lead; a calibrated time and its raw equivalent invert each other', () => {
    expect(calibrationScore(480, 600, 240)).toBe(0.5);
    expect(calibrationScore(480, 470, 240)).toBe(0); // ready before the drop-off time
    expect(calibrationScore(480, 600, 0)).toBeNull();
    expect(calibratedReady(480, 1080, 0.5)).toBe(780);
    expect(rawEquivalent(480, 780, 0.5)).toBe(1080);
  });
  it('segments by transport and horizon, and a thin segment borrows its transport or stays uncorrected', () => {
    expect(promiseSegment(true, true)).toBe('waiter/same_day');
    expect(promiseSegment(false, false)).toBe('drop_off/ahead');
    expect(segmentScale({ 'drop_off/ahead': 0.3, drop_off: 0.5 }, 'drop_off/ahead')).toBe(0.3);
    expect(segmentScale({ 'drop_off/ahead': null, drop_off: 0.5 }, 'drop_off/ahead')).toBe(0.5);
    expect(segmentScale({}, 'waiter/ahead')).toBe(1);
  });
});
