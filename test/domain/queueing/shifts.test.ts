import { describe, expect, it } from 'vitest';
import { QueueingInputError, planShifts } from '../../../src/domain/queueing/index.js';

// 10-hour day (07:00–17:00 as periods 0..9), requirement from a staffing run
const NEED = [2, 4, 4, 3, 3, 3, 4, 3, 2, 1];
const PATTERNS = [
  { id: 'early8', start: 0, length: 8, breaks: [4], cost: 7 },
  { id: 'mid8', start: 1, length: 8, breaks: [5], cost: 7 },
  { id: 'late8', start: 2, length: 8, breaks: [5], cost: 7 },
  { id: 'am4', start: 0, length: 4, cost: 4.2 },
  { id: 'pm4', start: 6, length: 4, cost: 4.2 },
];

/** brute-force optimum over small counts (independent check) */
function bruteForce(): number {
  let best = Infinity;
  const x = [0, 0, 0, 0, 0];
  const rec = (i: number) => {
    if (i === PATTERNS.length) {
      const cov = NEED.map((_, h) =>
        PATTERNS.reduce((s, p, k) => s + (h >= p.start && h < p.start + p.length && !(p.breaks ?? []).includes(h) ? x[k] : 0), 0),
      );
      if (cov.every((c, h) => c >= NEED[h])) best = Math.min(best, x.reduce((s, n, k) => s + n * PATTERNS[k].cost, 0));
      return;
    }
    for (let n = 0; n <= 5; n++) {
      x[i] = n;
      rec(i + 1);
    }
  };
  rec(0);
  return best;
}

describe('planShifts', () => {
  it('finds the least-cost integer plan covering every hour', async () => {
    const r = await planShifts({ requirement: NEED, patterns: PATTERNS }, { deadlineMs: 5_000 });
    expect(r.solvedBy).toBe('ip');
    expect(r.reason).toBeUndefined();
    expect(r.uncovered).toEqual([]);
    r.surplus.forEach((s) => expect(s).toBeGreaterThanOrEqual(0));
    expect(r.totalCost).toBeCloseTo(bruteForce(), 9);
    r.counts.forEach((c) => expect(Number.isInteger(c.count)).toBe(true));
  });

  it('falls back to a covering heuristic with the reason when the IP times out', async () => {
    const r = await planShifts({ requirement: NEED, patterns: PATTERNS }, { deadlineMs: 1 });
    expect(r.solvedBy).toBe('heuristic');
    expect(r.reason).toBe('timeout');
    expect(r.heuristic).toBe('greedy');
    expect(r.uncovered).toEqual([]);
    expect(r.totalCost).toBeGreaterThanOrEqual(bruteForce() - 1e-9);
  });

  it('reports infeasible (an uncovered hour) and covers what it can', async () => {
    const r = await planShifts({ requirement: [...NEED, 2], patterns: PATTERNS }, { deadlineMs: 2_000 });
    expect(r.solvedBy).toBe('heuristic');
    expect(r.reason).toBe('infeasible');
    expect(r.uncovered).toEqual([10]);
    expect(r.surplus.slice(0, 10).every((s) => s >= 0)).toBe(true);
    const capped = await planShifts({ requirement: [3], patterns: [{ id: 'a', start: 0, length: 1, cost: 1, max: 2 }] });
    expect(capped.reason).toBe('infeasible');
    expect(capped.coverage).toEqual([2]);
  });

  it('validates patterns with field paths', async () => {
    await expect(planShifts({ requirement: [1], patterns: [{ id: 'a', start: 0, length: 2, breaks: [5], cost: 1 }] })).rejects.toThrow(QueueingInputError);
    await expect(planShifts({ requirement: [1, -1], patterns: PATTERNS })).rejects.toThrow(/requirement.1/);
  });
});
