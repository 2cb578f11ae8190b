/**
 * The anytime searches' contract with their caller: stop at the deadline (ms, performance.now()
 * scale) or on abort, and yield to the event loop about every 20 ms so a server stays responsive
 * and sees the abort. One implementation for every search loop.
 */
export const yieldNow = (): Promise<void> => new Promise((r) => setImmediate(r));

export const YIELD_EVERY_MS = 20;

export class Pacer {
  /** true once the search stopped because of the abort signal */
  aborted = false;
  private lastYield = performance.now();

  constructor(
    private readonly deadline: number,
    private readonly signal?: AbortSignal,
  ) {}

  /** false when the search must stop (deadline reached or aborted); may yield to the event loop */
  async proceed(): Promise<boolean> {
    if (this.signal?.aborted) return !(this.aborted = true);
    const now = performance.now();
    if (now >= this.deadline) return false;
    if (now - this.lastYield > YIELD_EVERY_MS) {
      await yieldNow();
      this.lastYield = performance.now();
      if (this.signal?.aborted) return !(this.aborted = true);
    }
    return true;
  }
}
