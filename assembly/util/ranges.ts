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
import { NO_U64S } from "./empty";

export class RangeSet {
  // Flat pairs: lo0, hi0, lo1, hi1, ... ascending.
  /** Starts as the shared empty list (util/empty.ts): a set that never holds a range allocates nothing. */
  r: Array<u64> = NO_U64S;
  /** Everything below this was forgotten (trimBelow, or ranges dropped over maxRanges). */
  floor: u64 = 0;

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

  /** Index (of the pair) of the first range whose hi >= v: binary search. */
  private firstEndingAtOrAfter(v: u64): i32 {
    const r = this.r;
    let lo = 0, hi = r.length >> 1;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (unchecked(r[(mid << 1) + 1]) < v) lo = mid + 1; else hi = mid;
    }
    return lo << 1;
  }

  /** Opens `n` slots at index i (shifting the tail up). */
  private openAt(i: i32, n: i32): void {
    const r = this.r;
    const old = r.length;
    r.length = old + n;
    for (let k = old - 1; k >= i; k--) unchecked(r[k + n] = r[k]);
  }

  /** Closes `n` slots at index i (shifting the tail down). */
  private closeAt(i: i32, n: i32): void {
    const r = this.r;
    const len = r.length;
    for (let k = i; k + n < len; k++) unchecked(r[k] = r[k + n]);
    r.length = len - n;
  }

  /** Adds [lo, hi). */
  add(lo: u64, hi: u64): void {
    if (lo >= hi) return;
    if (this.r == NO_U64S) {
      // The first range: a literal holds exactly one pair (`new Array` room for eight, 96
      // bytes more); most sets (a handshake space's packet numbers) never hold a second.
      const first: u64[] = [lo, hi];
      this.r = first;
      return;
    }
    const r = this.r;
    // The first range whose hi >= lo: it may merge with [lo, hi).
    const i = this.firstEndingAtOrAfter(lo);
    const n = r.length;
    if (i == n) {
      r.push(lo); r.push(hi);
    } else if (unchecked(r[i]) > hi) {
      // Disjoint: insert before i.
      this.openAt(i, 2);
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
      if (j > i + 2) this.closeAt(i + 2, j - (i + 2));
    }
    const excess = (r.length >> 1) - this.maxRanges;
    if (excess > 0) {
      const forgotten = unchecked(r[(excess << 1) - 1]);
      if (forgotten > this.floor) this.floor = forgotten;
      this.closeAt(0, excess << 1);
    }
  }

  /** Removes [lo, hi). */
  remove(lo: u64, hi: u64): void {
    if (lo >= hi) return;
    const r = this.r;
    let i = this.firstEndingAtOrAfter(lo + 1); // first range with hi > lo
    if (i >= r.length || unchecked(r[i]) >= hi) return; // nothing overlaps
    const a = unchecked(r[i]), b = unchecked(r[i + 1]);
    if (a < lo && b > hi) {
      // [lo, hi) splits range i in two.
      this.openAt(i + 1, 2);
      unchecked(r[i + 1] = lo);
      unchecked(r[i + 2] = hi);
      return;
    }
    if (a < lo) { unchecked(r[i + 1] = lo); i += 2; }
    // Ranges entirely inside [lo, hi) go; the last one may keep its tail.
    let j = i;
    while (j < r.length && unchecked(r[j + 1]) <= hi) j += 2;
    if (j < r.length && unchecked(r[j]) < hi) unchecked(r[j] = hi);
    if (j > i) this.closeAt(i, j - i);
  }

  /** True if v is in the set. */
  contains(v: u64): bool {
    const r = this.r;
    const i = this.firstEndingAtOrAfter(v + 1);
    return i < r.length && unchecked(r[i]) <= v;
  }

  /** End of the range starting at or covering `from` (contiguous run), or `from` if none. */
  contiguousEnd(from: u64): u64 {
    const r = this.r;
    const i = this.firstEndingAtOrAfter(from + 1);
    if (i < r.length && unchecked(r[i]) <= from) return unchecked(r[i + 1]);
    return from;
  }

  /** Drops everything below v. */
  trimBelow(v: u64): void {
    if (v > this.floor) this.floor = v;
    const r = this.r;
    let i = 0;
    while (i < r.length && unchecked(r[i + 1]) <= v) i += 2;
    if (i > 0) this.closeAt(0, i);
    if (r.length && unchecked(r[0]) < v) unchecked(r[0] = v);
  }
}
