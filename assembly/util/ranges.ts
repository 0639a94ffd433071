// A set of u64 ranges [lo, hi), kept sorted and merged. Used for received packet
// numbers (ACK ranges), acknowledged and lost byte ranges of send buffers, and received
// byte ranges of receive buffers. Bounded by the caller (maxRanges): the oldest
// (lowest) ranges are forgotten first, which for ACKs means old packets stop being
// reported (harmless: they were acknowledged long ago or are lost anyway).

export class RangeSet {
  // Flat pairs: lo0, hi0, lo1, hi1, ... ascending.
  r: Array<u64> = new Array<u64>();

  constructor(public maxRanges: i32 = 1 << 20) {}

  get count(): i32 {
    return this.r.length >> 1;
  }

  lo(i: i32): u64 { return unchecked(this.r[i << 1]); }
  hi(i: i32): u64 { return unchecked(this.r[(i << 1) + 1]); }

  isEmpty(): bool { return this.r.length == 0; }

  /** Smallest value in the set (undefined if empty). */
  min(): u64 { return this.r.length ? unchecked(this.r[0]) : 0; }
  /** One past the largest value. */
  max(): u64 { return this.r.length ? unchecked(this.r[this.r.length - 1]) : 0; }

  clear(): void { this.r.length = 0; }

  /** Adds [lo, hi). */
  add(lo: u64, hi: u64): void {
    if (lo >= hi) return;
    const r = this.r;
    // Find the first range whose hi >= lo (they may merge).
    let i = 0;
    const n = r.length;
    while (i < n && unchecked(r[i + 1]) < lo) i += 2;
    if (i == n) {
      r.push(lo); r.push(hi);
    } else if (unchecked(r[i]) > hi) {
      // Disjoint: insert before i.
      r.push(0); r.push(0);
      for (let k = r.length - 1; k >= i + 2; k--) unchecked(r[k] = r[k - 2]);
      unchecked(r[i] = lo);
      unchecked(r[i + 1] = hi);
    } else {
      // Overlaps or touches range i: extend it and swallow following ranges.
      if (lo < unchecked(r[i])) unchecked(r[i] = lo);
      let newHi = hi > unchecked(r[i + 1]) ? hi : unchecked(r[i + 1]);
      let j = i + 2;
      while (j < r.length && unchecked(r[j]) <= newHi) {
        if (unchecked(r[j + 1]) > newHi) newHi = unchecked(r[j + 1]);
        j += 2;
      }
      unchecked(r[i + 1] = newHi);
      const removed = j - (i + 2);
      if (removed > 0) {
        for (let k = i + 2; k + removed < r.length; k++) unchecked(r[k] = r[k + removed]);
        r.length = r.length - removed;
      }
    }
    while ((r.length >> 1) > this.maxRanges) { r.shift(); r.shift(); }
  }

  /** Removes [lo, hi). */
  remove(lo: u64, hi: u64): void {
    if (lo >= hi) return;
    const out = new Array<u64>();
    const r = this.r;
    for (let i = 0; i < r.length; i += 2) {
      const a = unchecked(r[i]), b = unchecked(r[i + 1]);
      if (b <= lo || a >= hi) { out.push(a); out.push(b); continue; }
      if (a < lo) { out.push(a); out.push(lo); }
      if (b > hi) { out.push(hi); out.push(b); }
    }
    this.r = out;
  }

  /** True if v is in the set. */
  contains(v: u64): bool {
    const r = this.r;
    for (let i = 0; i < r.length; i += 2) {
      if (v < unchecked(r[i])) return false;
      if (v < unchecked(r[i + 1])) return true;
    }
    return false;
  }

  /** End of the range starting at or covering `from` (contiguous run), or `from` if none. */
  contiguousEnd(from: u64): u64 {
    const r = this.r;
    for (let i = 0; i < r.length; i += 2) {
      if (unchecked(r[i]) <= from && from < unchecked(r[i + 1])) return unchecked(r[i + 1]);
      if (unchecked(r[i]) > from) break;
    }
    return from;
  }

  /** Drops everything below v. */
  trimBelow(v: u64): void {
    const r = this.r;
    let i = 0;
    while (i < r.length && unchecked(r[i + 1]) <= v) i += 2;
    if (i > 0) {
      for (let k = 0; k + i < r.length; k++) unchecked(r[k] = r[k + i]);
      r.length = r.length - i;
    }
    if (r.length && unchecked(r[0]) < v) unchecked(r[0] = v);
  }
}
