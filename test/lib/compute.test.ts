import { describe, expect, it } from 'vitest';
import { ComputeGate, runBounded } from '../../src/lib/compute.js';

const FIXTURES = new URL('./compute-fixtures.ts', import.meta.url);
const task = (fn: string, input: unknown = {}) => ({ module: FIXTURES, fn, input });
const counter = () => new SharedArrayBuffer(4);
const read = (sab: SharedArrayBuffer) => Atomics.load(new Int32Array(sab), 0);
/** let the event loop turn several times (a stopped worker's counter must not move meanwhile) */
const turns = async (n: number) => {
  for (let i = 0; i < n; i++) await new Promise((r) => setImmediate(r));
};
/** wait until a worker has done some work (its module is loaded and it runs); fails if it settled first */
const until = async (cond: () => boolean, run: Promise<unknown>) => {
  let settled: unknown;
  void run.then((o) => (settled = o));
  while (!cond()) {
    if (settled) throw new Error(`settled before the condition: ${JSON.stringify(settled)}`);
    await new Promise((r) => setTimeout(r, 5));
  }
};

describe('runBounded', () => {
  it("returns the task's answer", async () => {
    const out = await runBounded<number>(task('add', { a: 2, b: 3 }), { deadlineMs: 20_000 });
    expect(out).toMatchObject({ status: 'ok', value: 5 });
  });

  it('brings back a thrown error with its name and field', async () => {
    const out = await runBounded(task('refuse'), { deadlineMs: 20_000 });
    expect(out).toMatchObject({ status: 'error', error: { name: 'QueueingInputError', field: 'servers' } });
  });

  it('terminates a function that loops forever at the deadline, and it stays stopped', async () => {
    const sab = counter();
    const ac = new AbortController();
    // the deadline is the abort: fired once the loop has demonstrably run a million iterations
    const running = runBounded(task('spin', { counter: sab }), { deadlineMs: 60_000, signal: ac.signal });
    await until(() => read(sab) > 1_000_000, running);
    ac.abort();
    expect((await running).status).toBe('aborted');
    const stoppedAt = read(sab);
    await turns(20);
    expect(read(sab)).toBe(stoppedAt);
  });

  it('answers timeout when the deadline passes first, and the loop stops', async () => {
    const sab = counter();
    const out = await runBounded(task('spin', { counter: sab }), { deadlineMs: 2000 });
    expect(out.status).toBe('timeout');
    const stoppedAt = read(sab);
    await turns(20);
    expect(read(sab)).toBe(stoppedAt);
  });

  it('stops a function that allocates without bound at the heap limit', async () => {
    const sab = counter();
    const out = await runBounded(task('hog', { counter: sab }), { deadlineMs: 120_000, maxOldGenerationSizeMb: 48 });
    expect(out.status).toBe('out_of_memory');
    // it ran, and was stopped near its 48 MB limit (1 MB per kept array), not at some later point
    expect(read(sab)).toBeGreaterThan(5);
    expect(read(sab)).toBeLessThan(96);
  });
});

describe('ComputeGate', () => {
  it('refuses a computation beyond its slots and frees the slot when one ends', async () => {
    const gate = new ComputeGate(1);
    const sab = counter();
    const ac = new AbortController();
    const first = gate.tryRun(task('spin', { counter: sab }), { deadlineMs: 60_000, signal: ac.signal });
    expect(gate.busy).toBe(1);
    expect(await gate.tryRun(task('add', { a: 1, b: 1 }), { deadlineMs: 20_000 })).toBeNull();
    await until(() => read(sab) > 0, first);
    ac.abort();
    expect((await first)?.status).toBe('aborted');
    expect(gate.busy).toBe(0);
    expect(await gate.tryRun<number>(task('add', { a: 1, b: 1 }), { deadlineMs: 20_000 })).toMatchObject({ status: 'ok', value: 2 });
  });
});
