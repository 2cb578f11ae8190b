/** Min-heap of doubles in a typed array (server free times); fixed capacity, no allocation. */
export class FloatMinHeap {
  readonly data: Float64Array;
  size = 0;
  constructor(capacity: number) {
    this.data = new Float64Array(capacity);
  }
  clear(): void {
    this.size = 0;
  }
  push(x: number): void {
    const d = this.data;
    let i = this.size++;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (d[p] <= x) break;
      d[i] = d[p];
      i = p;
    }
    d[i] = x;
  }
  peek(): number {
    return this.data[0];
  }
  /** Replace the minimum by x and restore the heap (pop + push in one sift-down). */
  replaceTop(x: number): void {
    const d = this.data;
    const n = this.size;
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      if (l >= n) break;
      const r = l + 1;
      const m = r < n && d[r] < d[l] ? r : l;
      if (d[m] >= x) break;
      d[i] = d[m];
      i = m;
    }
    d[i] = x;
  }
}
