// Outgoing bytes of a stream: written by the application, sent in chunks, retransmitted
// when a packet carrying them is lost, released when acknowledged. Offsets are absolute
// stream offsets. (A CRYPTO level's bytes: crypto-send.ts, the same ring without FIN or
// flow control, and with one run of bytes shared by the endpoint's connections.)

import { RangeSet } from "../util/ranges";
import { NO_RANGES, NO_STORAGE, ackRange, loseRange, relaidFlat, copyIntoRing } from "./send-ranges";

/** Largest send buffer allocated by this core instance (a bound tests check). */
export let sendBufferHighWater: i32 = 0;

/** A send buffer's storage of `size` bytes was allocated (CRYPTO buffers, crypto-send.ts, count too). */
export function noteSendBufferSize(size: i32): void {
  if (size > sendBufferHighWater) sendBufferHighWater = size;
}

// Storage is a StaticArray<u8> (NO_STORAGE while empty, send-ranges.ts): one block, not a
// Uint8Array view over a buffer (issue 17: 32 bytes less per buffer in use).
export { NO_STORAGE, KEEP_IDLE_STORAGE } from "./send-ranges";

/**
 * A first buffer for `need` bytes: at least 64; above that, the smallest size at least
 * `need` that fills its heap block. The allocator's blocks are multiples of 16 bytes
 * with 20 bytes of header, so sizes of 16k + 12 waste nothing (a half-open connection
 * keeps its first flight in two such buffers; rounding to 64 wasted ~30 bytes each).
 */
export function firstSize(need: i32): i32 {
  return need <= 64 ? 64 : ((need + 20 + 15) & ~15) - 20;
}


export class SendBuffer {
  /**
   * Bytes from `base` to `end` in a ring: `base` sits at index `head` and moves up as
   * the acknowledged prefix grows, so releasing acknowledged bytes copies nothing.
   */
  data: StaticArray<u8> = NO_STORAGE;
  head: i32 = 0;
  base: u64 = 0;
  end: u64 = 0;
  /** First offset never sent. */
  nextSend: u64 = 0;
  /** Where the chunk next() returned starts (declared here, among the wide fields: no padding, issue 17). */
  chunkOffset: u64 = 0;
  /** Ranges to send again (lost); the shared empty set until the first loss. */
  lost: RangeSet = NO_RANGES;
  /** Ranges acknowledged (above base); the shared empty set until the first out-of-order acknowledgment. */
  acked: RangeSet = NO_RANGES;
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
    const used = this.buffered;
    if (used + n > this.data.length) this.grow(used + n);
    copyIntoRing(this.data, this.index(this.end), src, n);
    this.end += <u64>n;
    return n;
  }

  /** Reallocates to hold `need` bytes (at most `capacity`), laying the ring out flat again. */
  private grow(need: i32): void {
    // The first allocation fits what was written; later ones double (a CRYPTO buffer
    // grows to fit while small instead: crypto-send.ts).
    let size = this.data.length == 0 ? firstSize(need) : this.data.length;
    while (size < need) size <<= 1;
    if (size > this.capacity) size = this.capacity; // need <= capacity
    noteSendBufferSize(size);
    this.data = relaidFlat(this.data, this.head, this.buffered, size);
    this.head = 0;
  }

  /** Ring index of stream offset `offset` (base <= offset <= end; send-ranges.ts uses it too). */
  index(offset: u64): i32 {
    const size = this.data.length;
    if (size == 0) return 0;
    let i = this.head + <i32>(offset - this.base);
    if (i >= size) i -= size;
    return i;
  }

  /** True when something (data or FIN) waits to be sent. */
  hasPending(): bool {
    return !this.lost.isEmpty() || this.nextSend < this.end || (this.fin && (!this.finSent || this.finLost));
  }

  /** Address of the byte at `offset` (within [base, end)); next() keeps chunks from crossing the ring's end. */
  ptr(offset: u64): usize {
    return changetype<usize>(this.data) + <usize>this.index(offset);
  }

  /** Bytes from `offset` to the end of the ring's storage (a chunk must not cross it). */
  private contiguous(offset: u64): i32 {
    return this.data.length - this.index(offset);
  }

  /**
   * Next chunk to send, at most `max` bytes and below `limit` (flow control) for new
   * data: returns the length and sets chunkOffset. Retransmissions come first and are
   * not limited by flow control (those bytes were already counted).
   */
  next(max: i32, limit: u64): i32 {
    if (!this.lost.isEmpty()) {
      const lo = this.lost.lo(0), hi = this.lost.hi(0);
      let n = <i32>(hi - lo);
      if (n > max) n = max;
      const c = this.contiguous(lo);
      if (n > c) n = c;
      this.chunkOffset = lo;
      this.lost.remove(lo, lo + <u64>n);
      return n;
    }
    let stop = this.end < limit ? this.end : limit;
    if (this.nextSend >= stop) { this.chunkOffset = this.nextSend; return 0; }
    let n = <i32>(stop - this.nextSend);
    if (n > max) n = max;
    const c = this.contiguous(this.nextSend);
    if (n > c) n = c;
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
    ackRange<SendBuffer>(this, offset, len);
  }

  onLost(offset: u64, len: i32, fin: bool): void {
    if (fin && !this.finAcked) this.finLost = true;
    loseRange<SendBuffer>(this, offset, len);
  }

  /** Everything becomes unsent again: the peer never saw it (0-RTT rejected, conn/early.ts). */
  rewind(): void {
    this.nextSend = this.base;
    if (this.lost != NO_RANGES) this.lost.clear();
    this.finSent = false;
    this.finLost = false;
  }

  /** Everything including the FIN was acknowledged. */
  allAcked(): bool {
    return this.base == this.end && (!this.fin || this.finAcked);
  }
}
