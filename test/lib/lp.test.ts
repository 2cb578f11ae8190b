import { describe, expect, it } from 'vitest';
import { solveLp } from '../../src/lib/lp.js';
import { Rng } from '../../src/lib/random.js';

describe('solveLp', () => {
  it('solves a small integer program in a worker', async () => {
    // max 3x + 2y s.t. x + y <= 4, x + 3y <= 6, x <= 3, integers
    const out = await solveLp(
      {
        optimize: 'profit',
        opType: 'max',
        constraints: { a: { max: 4 }, b: { max: 6 }, cx: { max: 3 } },
        variables: { x: { profit: 3, a: 1, b: 1, cx: 1 }, y: { profit: 2, a: 1, b: 3 } },
        ints: { x: 1, y: 1 },
      },
      { deadlineMs: 5000 },
    );
    expect(out.status).toBe('optimal');
    if (out.status === 'optimal') {
      expect(out.objective).toBe(11);
      expect(out.values.x).toBe(3);
      expect(out.values.y).toBe(1);
    }
  });

  it('reports infeasibility', async () => {
    const out = await solveLp(
      {
        optimize: 'c',
        opType: 'min',
        constraints: { lo: { min: 5 }, hi: { max: 3 } },
        variables: { x: { c: 1, lo: 1, hi: 1 } },
      },
      { deadlineMs: 5000 },
    );
    expect(out.status).toBe('infeasible');
  });

  it('cuts off at the deadline instead of hanging', async () => {
    // A knapsack-style integer program large enough that branch and bound cannot finish in 50 ms.
    const rng = new Rng(7);
    const variables: Record<string, Record<string, number>> = {};
    const ints: Record<string, 1> = {};
    for (let i = 0; i < 60; i++) {
      variables[`x${i}`] = { v: 100 + rng.int(900), w: 100 + rng.int(900), w2: 100 + rng.int(900) };
      ints[`x${i}`] = 1;
    }
    const t0 = performance.now();
    const out = await solveLp(
      { optimize: 'v', opType: 'max', constraints: { w: { max: 12345 }, w2: { max: 13579 } }, variables, ints },
      { deadlineMs: 50 },
    );
    const ms = performance.now() - t0;
    expect(out.status).toBe('timeout'); // branch and bound needs far longer than 50 ms here
    expect(ms).toBeGreaterThanOrEqual(45);
    expect(ms).toBeLessThan(1500);
  });

  it('aborts on signal', async () => {
    const ac = new AbortController();
    ac.abort();
    const out = await solveLp({ optimize: 'c', opType: 'min', constraints: {}, variables: {} }, { deadlineMs: 1000, signal: ac.signal });
    expect(out.status).toBe('aborted');
  });
});

describe('Rng', () => {
  it('is reproducible and roughly uniform', () => {
    const a = new Rng(42);
    const b = new Rng(42);
    let sum = 0;
    for (let i = 0; i < 10000; i++) {
      const x = a.next();
      expect(x).toBe(b.next());
      sum += x;
    }
    expect(sum / 10000).toBeGreaterThan(0.48);
    expect(sum / 10000).toBeLessThan(0.52);
  });

  it('draws lognormals with the requested mean and cv', () => {
    const r = new Rng(1);
    const n = 200000;
    let s = 0;
    let s2 = 0;
    for (let i = 0; i < n; i++) {
      const x = r.lognormalMeanCv(60, 0.4);
      s += x;
      s2 += x * x;
    }
    const mean = s / n;
    const sd = Math.sqrt(s2 / n - mean * mean);
    expect(mean).toBeGreaterThan(59.5);
    expect(mean).toBeLessThan(60.5);
    expect(sd / mean).toBeGreaterThan(0.39);
    expect(sd / mean).toBeLessThan(0.41);
  });
});
