/** Tasks for test/lib/compute.test.ts, run inside workers by src/lib/compute.ts. */

/** a + b, to show a task's answer comes back */
export function add(input: { a: number; b: number }): number {
  return input.a + input.b;
}

/** Counts iterations into a shared counter and never returns. */
export function spin(input: { counter: SharedArrayBuffer }): never {
  const c = new Int32Array(input.counter);
  for (;;) Atomics.add(c, 0, 1);
}

/** Keeps 1 MB arrays alive forever, counting them into a shared counter. */
export function hog(input: { counter: SharedArrayBuffer }): never {
  const c = new Int32Array(input.counter);
  const kept: number[][] = [];
  for (;;) {
    kept.push(new Array(131_072).fill(kept.length)); // 131,072 doubles ≈ 1 MB
    Atomics.add(c, 0, 1);
  }
}

/** Throws an error carrying a field path, as the engines' input errors do. */
export function refuse(): never {
  const e = new Error('servers: must be ≥ 1') as Error & { field: string };
  e.name = 'QueueingInputError';
  e.field = 'servers';
  throw e;
}
