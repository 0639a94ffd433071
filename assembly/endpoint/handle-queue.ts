// A FIFO of connection handles, each at most once (a membership flag per handle): the
// connections that may have something to send (deadlines go to the timer heap directly).
// The endpoint serves only what is queued, never a scan of every connection.

export class HandleQueue {
  private items: StaticArray<i32> = new StaticArray<i32>(64);
  private head: i32 = 0;
  private count: i32 = 0;
  private queued: StaticArray<u8> = new StaticArray<u8>(64);

  get length(): i32 { return this.count; }

  /** Appends `h` unless it is already queued. */
  push(h: i32): void {
    if (h >= this.queued.length) this.growFlags(h);
    if (unchecked(this.queued[h]) != 0) return;
    unchecked(this.queued[h] = 1);
    if (this.count == this.items.length) this.growItems();
    unchecked(this.items[(this.head + this.count) & (this.items.length - 1)] = h);
    this.count++;
  }

  /** Removes and returns the oldest handle (only when length > 0). */
  shift(): i32 {
    const h = unchecked(this.items[this.head]);
    this.head = (this.head + 1) & (this.items.length - 1);
    this.count--;
    unchecked(this.queued[h] = 0);
    return h;
  }

  private growItems(): void {
    const old = this.items;
    const n = old.length;
    const items = new StaticArray<i32>(n << 1);
    for (let i = 0; i < this.count; i++) unchecked(items[i] = old[(this.head + i) & (n - 1)]);
    this.items = items;
    this.head = 0;
  }

  private growFlags(h: i32): void {
    let cap = this.queued.length;
    while (cap <= h) cap <<= 1;
    const q = new StaticArray<u8>(cap);
    memory.copy(changetype<usize>(q), changetype<usize>(this.queued), <usize>this.queued.length);
    this.queued = q;
  }

  /** Gives memory back after a burst: shrinks the ring when it is empty and large. */
  compact(): void {
    if (this.count == 0 && this.items.length > 1024) { this.items = new StaticArray<i32>(64); this.head = 0; }
  }
}
