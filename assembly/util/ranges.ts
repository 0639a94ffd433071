// A set of u64 ranges [lo, hi), kept sorted and merged. Used for received packet
// numbers (ACK ranges), acknowledged and lost byte ranges of send buffers, and received
// byte ranges of receive buffers. Bounded by the caller (maxRanges): the oldest
// (lowest) ranges are forgotten first; `floor` then says below which value the set no
// longer knows anything (the ACK tracker treats every packet number below it as a
// duplicate, RFC 9000 §12.3).
//
// Every operation works in place on one backing array that only grows to the largest
// count of ranges seen (its length shrinks, its capacity stays): adding, removing and
// trimming allocate nothing once the set has reached its working size.

/** The shared empty storage of sets that never held a range (never written: its length is 0). */
const NO_STORAGE = new StaticArray<u64>(0);

export class RangeSet {
  /**
   * Flat pairs lo0, hi0, lo1, hi1, ... ascending: the first `len` slots of `r`, whose
   * capacity only grows. One block (a StaticArray), not an Array object over a buffer
   * (issue 17: 48 bytes less per set in use); NO_STORAGE until the first range.
   */
  private r: StaticArray<u64> = NO_STORAGE;
  private len: i32 = 0;
  /** Everything below this was forgotten (trimBelow, or ranges dropped over maxRanges). */
  floor: u64 = 0;

  constructor(public maxRanges: i32 = 1 << 20) {}

  get count(): i32 {
    return this.len >> 1;
  }

  lo(i: i32): u64 { return unchecked(this.r[i << 1]); }
  hi(i: i32): u64 { return unchecked(this.r[(i << 1) + 1]); }

  isEmpty(): bool { return this.len == 0; }

  /** Smallest value in the set (undefined if empty). */
  min(): u64 { return this.len ? unchecked(this.r[0]) : 0; }
  /** One past the largest value. */
  max(): u64 { return this.len ? unchecked(this.r[this.len - 1]) : 0; }

  clear(): void { this.len = 0; }

  /** Index (of the pair) of the first range whose hi >= v: binary search. */
  private firstEndingAtOrAfter(v: u64): i32 {
    const r = this.r;
    let lo = 0, hi = this.len >> 1;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (unchecked(r[(mid << 1) + 1]) < v) lo = mid + 1; else hi = mid;
    }
    return lo << 1;
  }

  /** Room for `need` slots: the storage doubles (a set reaches its working size and stays there). */
  private reserve(need: i32): void {
    const cap = this.r.length;
    if (need <= cap) return;
    let size = cap < 2 ? 2 : cap << 1;
    while (size < need) size <<= 1;
    const grown = new StaticArray<u64>(size);
    memory.copy(changetype<usize>(grown), changetype<usize>(this.r), <usize>this.len << 3);
    this.r = grown;
  }

  /** Opens `n` slots at index i (shifting the tail up). */
  private openAt(i: i32, n: i32): void {
    const old = this.len;
    this.reserve(old + n);
    const r = this.r;
    for (let k = old - 1; k >= i; k--) unchecked(r[k + n] = r[k]);
    this.len = old + n;
  }

  /** Closes `n` slots at index i (shifting the tail down). */
  private closeAt(i: i32, n: i32): void {
    const r = this.r;
    const len = this.len;
    for (let k = i; k + n < len; k++) unchecked(r[k] = r[k + n]);
    this.len = len - n;
  }

  /** Adds [lo, hi). */
  add(lo: u64, hi: u64): void {
    if (lo >= hi) return;
    // The first range whose hi >= lo: it may merge with [lo, hi).
    const i = this.firstEndingAtOrAfter(lo);
    if (i == this.len) {
      // After every range (the first one too: the storage starts at exactly one pair,
      // since most sets, a handshake space's packet numbers, never hold a second).
      this.openAt(i, 2);
      const r = this.r;
      unchecked(r[i] = lo);
      unchecked(r[i + 1] = hi);
    } else if (unchecked(this.r[i]) > hi) {
      // Disjoint: insert before i.
      this.openAt(i, 2);
      const r = this.r;
      unchecked(r[i] = lo);
      unchecked(r[i + 1] = hi);
    } else {
      // Overlaps or touches range i: extend it and swallow following ranges.
      const r = this.r;
      if (lo < unchecked(r[i])) unchecked(r[i] = lo);
      let newHi = hi > unchecked(r[i + 1]) ? hi : unchecked(r[i + 1]);
      let j = i + 2;
      while (j < this.len && unchecked(r[j]) <= newHi) {
        if (unchecked(r[j + 1]) > newHi) newHi = unchecked(r[j + 1]);
        j += 2;
      }
      unchecked(r[i + 1] = newHi);
      if (j > i + 2) this.closeAt(i + 2, j - (i + 2));
    }
    const excess = (this.len >> 1) - this.maxRanges;
    if (excess > 0) {
      const forgotten = unchecked(this.r[(excess << 1) - 1]);
      if (forgotten > this.floor) this.floor = forgotten;
      this.closeAt(0, excess << 1);
    }
  }

  /** Removes [lo, hi). */
  remove(lo: u64, hi: u64): void {
    if (lo >= hi) return;
    const r = this.r;
    let i = this.firstEndingAtOrAfter(lo + 1); // first range with hi > lo
    if (i >= this.len || unchecked(r[i]) >= hi) return; // nothing overlaps
    const a = unchecked(r[i]), b = unchecked(r[i + 1]);
    if (a < lo && b > hi) {
      // [lo, hi) splits range i in two.
      this.openAt(i + 1, 2);
      const grown = this.r; // openAt may have moved the storage
      unchecked(grown[i + 1] = lo);
      unchecked(grown[i + 2] = hi);
      return;
    }
    if (a < lo) { unchecked(r[i + 1] = lo); i += 2; }
    // Ranges entirely inside [lo, hi) go; the last one may keep its tail.
    let j = i;
    while (j < this.len && unchecked(r[j + 1]) <= hi) j += 2;
    if (j < this.len && unchecked(r[j]) < hi) unchecked(r[j] = hi);
    if (j > i) this.closeAt(i, j - i);
  }

  /** True if v is in the set. */
  contains(v: u64): bool {
    const r = this.r;
    const i = this.firstEndingAtOrAfter(v + 1);
    return i < this.len && unchecked(r[i]) <= v;
  }

  /** End of the range starting at or covering `from` (contiguous run), or `from` if none. */
  contiguousEnd(from: u64): u64 {
    const r = this.r;
    const i = this.firstEndingAtOrAfter(from + 1);
    if (i < this.len && unchecked(r[i]) <= from) return unchecked(r[i + 1]);
    return from;
  }

  /** Drops everything below v. */
  trimBelow(v: u64): void {
    if (v > this.floor) this.floor = v;
    const r = this.r;
    let i = 0;
    while (i < this.len && unchecked(r[i + 1]) <= v) i += 2;
    if (i > 0) this.closeAt(0, i);
    if (this.len && unchecked(r[0]) < v) unchecked(r[0] = v);
  }
}
