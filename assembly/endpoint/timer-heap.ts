// The endpoint's timers: one deadline per connection (the earliest of its timer table,
// conn/timers.ts, and the endpoint's handshake deadline) in a binary min-heap, so that
// pollTimeout() is O(1) and rescheduling one connection O(log n) — nothing on the
// per-datagram path walks every connection (ARCHITECTURE.md §3).

export class TimerHeap {
  /** Handles in heap order. */
  private heap: Array<i32> = new Array<i32>();
  /** Per handle: its deadline, and its index in `heap` (-1 when not scheduled). */
  private at: StaticArray<f64> = new StaticArray<f64>(0);
  private pos: StaticArray<i32> = new StaticArray<i32>(0);

  /** Makes room for handles up to `maxHandle`. */
  reserve(maxHandle: i32): void {
    const n = this.pos.length;
    if (maxHandle < n) return;
    let cap = n < 64 ? 64 : n;
    while (cap <= maxHandle) cap <<= 1;
    const at = new StaticArray<f64>(cap);
    const pos = new StaticArray<i32>(cap);
    for (let i = 0; i < cap; i++) unchecked(pos[i] = -1);
    for (let i = 0; i < n; i++) { unchecked(at[i] = this.at[i]); unchecked(pos[i] = this.pos[i]); }
    this.at = at;
    this.pos = pos;
  }

  get size(): i32 { return this.heap.length; }

  /** The earliest deadline, +Infinity when none. */
  peekTime(): f64 {
    return this.heap.length ? unchecked(this.at[unchecked(this.heap[0])]) : Infinity;
  }

  /** The handle with the earliest deadline (only when size > 0). */
  peekHandle(): i32 { return unchecked(this.heap[0]); }

  /** Schedules `h` at `t` (+Infinity removes it). */
  set(h: i32, t: f64): void {
    const i = unchecked(this.pos[h]);
    if (t == Infinity) { if (i >= 0) this.removeAt(i); return; }
    unchecked(this.at[h] = t);
    if (i < 0) {
      const k = this.heap.length;
      this.heap.push(h);
      unchecked(this.pos[h] = k);
      this.up(k);
    } else {
      this.up(i);
      this.down(unchecked(this.pos[h]));
    }
  }

  remove(h: i32): void {
    if (h < this.pos.length) {
      const i = unchecked(this.pos[h]);
      if (i >= 0) this.removeAt(i);
    }
  }

  private removeAt(i: i32): void {
    const heap = this.heap;
    const h = unchecked(heap[i]);
    unchecked(this.pos[h] = -1);
    const last = heap.pop();
    if (i < heap.length) {
      unchecked(heap[i] = last);
      unchecked(this.pos[last] = i);
      this.up(i);
      this.down(unchecked(this.pos[last]));
    }
  }

  private less(a: i32, b: i32): bool {
    return unchecked(this.at[unchecked(this.heap[a])]) < unchecked(this.at[unchecked(this.heap[b])]);
  }

  private swap(a: i32, b: i32): void {
    const heap = this.heap;
    const ha = unchecked(heap[a]), hb = unchecked(heap[b]);
    unchecked(heap[a] = hb); unchecked(heap[b] = ha);
    unchecked(this.pos[hb] = a); unchecked(this.pos[ha] = b);
  }

  private up(i: i32): void {
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!this.less(i, parent)) break;
      this.swap(i, parent);
      i = parent;
    }
  }

  private down(i: i32): void {
    const n = this.heap.length;
    for (;;) {
      const l = 2 * i + 1;
      if (l >= n) break;
      let m = l;
      if (l + 1 < n && this.less(l + 1, l)) m = l + 1;
      if (!this.less(m, i)) break;
      this.swap(i, m);
      i = m;
    }
  }
}
