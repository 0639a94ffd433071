// Outgoing bytes of a stream or a CRYPTO level: written by the application (or TLS),
// sent in chunks, retransmitted when a packet carrying them is lost, released when
// acknowledged. Offsets are absolute stream offsets.

import { RangeSet } from "../util/ranges";

/** Largest send buffer allocated by this core instance (a bound tests check). */
export let sendBufferHighWater: i32 = 0;

export class SendBuffer {
  /** Bytes from `base` to `end`; `base` moves up as the acknowledged prefix grows. */
  data: Uint8Array = new Uint8Array(0);
  base: u64 = 0;
  end: u64 = 0;
  /** First offset never sent. */
  nextSend: u64 = 0;
  /** Ranges to send again (lost). */
  lost: RangeSet = new RangeSet();
  /** Ranges acknowledged (above base). */
  acked: RangeSet = new RangeSet();
  fin: bool = false;
  finSent: bool = false;
  finAcked: bool = false;
  finLost: bool = false;

  constructor(public capacity: i32) {}

  /** Bytes buffered and not yet acknowledged. */
  get buffered(): i32 { return <i32>(this.end - this.base); }

  /** Room for more application bytes. */
  get room(): i32 { const r = this.capacity - this.buffered; return r > 0 ? r : 0; }

  /** Appends up to `len` bytes; returns how many were taken. */
  write(src: usize, len: i32): i32 {
    if (this.fin) return 0;
    const n = len < this.room ? len : this.room;
    if (n <= 0) return 0;
    const used = <i32>(this.end - this.base);
    if (used + n > this.data.length) {
      let size = this.data.length < 1024 ? 1024 : this.data.length;
      while (size < used + n) size <<= 1;
      if (size > this.capacity) size = this.capacity; // used + n <= capacity
      const d = new Uint8Array(size);
      if (size > sendBufferHighWater) sendBufferHighWater = size;
      memory.copy(d.dataStart, this.data.dataStart, <usize>used);
      this.data = d;
    }
    memory.copy(this.data.dataStart + <usize>used, src, <usize>n);
    this.end += <u64>n;
    return n;
  }

  /** True when something (data or FIN) waits to be sent. */
  hasPending(): bool {
    return !this.lost.isEmpty() || this.nextSend < this.end || (this.fin && (!this.finSent || this.finLost));
  }

  /** Address of the byte at `offset` (which must be within [base, end)). */
  ptr(offset: u64): usize {
    return this.data.dataStart + <usize>(offset - this.base);
  }

  /**
   * Next chunk to send, at most `max` bytes and below `limit` (flow control) for new
   * data: returns the length and sets chunkOffset. Retransmissions come first and are
   * not limited by flow control (those bytes were already counted).
   */
  chunkOffset: u64 = 0;
  next(max: i32, limit: u64): i32 {
    if (!this.lost.isEmpty()) {
      const lo = this.lost.lo(0), hi = this.lost.hi(0);
      let n = <i32>(hi - lo);
      if (n > max) n = max;
      this.chunkOffset = lo;
      this.lost.remove(lo, lo + <u64>n);
      return n;
    }
    let stop = this.end < limit ? this.end : limit;
    if (this.nextSend >= stop) { this.chunkOffset = this.nextSend; return 0; }
    let n = <i32>(stop - this.nextSend);
    if (n > max) n = max;
    this.chunkOffset = this.nextSend;
    this.nextSend += <u64>n;
    return n;
  }

  /** Whether a chunk ending at `endOffset` should carry the FIN. */
  finWith(endOffset: u64): bool {
    return this.fin && endOffset == this.end && (!this.finSent || this.finLost);
  }

  onAcked(offset: u64, len: i32, fin: bool): void {
    if (fin) this.finAcked = true;
    if (len == 0) return;
    this.acked.add(offset, offset + <u64>len);
    // Release the acknowledged prefix.
    const newBase = this.acked.contiguousEnd(this.base);
    if (newBase > this.base) {
      const drop = <i32>(newBase - this.base);
      const used = <i32>(this.end - this.base);
      this.data.copyWithin(0, drop, used);
      this.base = newBase;
      this.acked.trimBelow(newBase);
      this.lost.trimBelow(newBase);
    }
  }

  onLost(offset: u64, len: i32, fin: bool): void {
    if (fin && !this.finAcked) this.finLost = true;
    if (len == 0) return;
    let lo = offset, hi = offset + <u64>len;
    if (hi <= this.base) return;
    if (lo < this.base) lo = this.base;
    this.lost.add(lo, hi);
    // Do not resend what was acknowledged meanwhile.
    for (let i = 0; i < this.acked.count; i++) this.lost.remove(this.acked.lo(i), this.acked.hi(i));
  }

  /** Everything including the FIN was acknowledged. */
  allAcked(): bool {
    return this.base == this.end && (!this.fin || this.finAcked);
  }
}
