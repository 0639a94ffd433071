// Our CRYPTO bytes at one level (RFC 9000 §7.5, §19.6): written by TLS, sent in CRYPTO
// frames, sent again when lost, released when acknowledged. The send ring of sendbuf.ts
// without FIN or flow control, plus one segment: a run of the stream's bytes that lives
// in a block shared by the endpoint's connections (shared-flight.ts: a server's
// Certificate message), so that a half-open connection keeps only the rest of its first
// flight (issue 17: ~0.4 KB less per connection with a small certificate).
//
// Stream offsets [segAt, segAt + seg.length) are read from `seg`, never written; all
// other bytes sit in the ring `data`, which skips the segment: own(offset) is an
// offset's place in that sequence. A chunk may span the ring's end and the segment's
// edges: copyTo gathers its pieces into the frame, so the frames on the wire are the
// ones one flat buffer would give.
// While small the ring grows to exactly what it holds: TLS writes a flight message by
// message, a few writes per level, so the copies cost little and a half-open server
// keeps its first flight without slack; above EXACT_GROWTH_MAX it doubles.

import { RangeSet } from "../util/ranges";
import { firstSize, noteSendBufferSize } from "./sendbuf";
import { NO_RANGES, NO_STORAGE, ackRange, loseRange, relaidFlat, copyIntoRing } from "./send-ranges";

const EXACT_GROWTH_MAX: i32 = 16 * 1024;


// Fields: four references, two i32/u32, four u64, capacity: 60 bytes, an 80-byte heap
// block like a stream's SendBuffer (segAt is 32 bits: writeShared refuses beyond).
export class CryptoSendBuffer {
  /** The ring: bytes from `base` to `end` but the segment's, `base`'s (or the segment end's) at index `head`. */
  data: StaticArray<u8> = NO_STORAGE;
  /** The shared segment (NO_STORAGE when none); never written. */
  private seg: StaticArray<u8> = NO_STORAGE;
  /** Ranges to send again (lost); the shared empty set until the first loss. */
  lost: RangeSet = NO_RANGES;
  /** Ranges acknowledged (above base); the shared empty set until the first out-of-order acknowledgment. */
  acked: RangeSet = NO_RANGES;
  head: i32 = 0;
  /** Stream offset of the segment's first byte. */
  private segAt: u32 = 0;
  base: u64 = 0;
  end: u64 = 0;
  /** First offset never sent. */
  nextSend: u64 = 0;
  /** Where the chunk next() returned starts. */
  chunkOffset: u64 = 0;

  constructor(public capacity: i32) {}

  /** Bytes buffered and not yet acknowledged (the segment's included). */
  get buffered(): i32 { return <i32>(this.end - this.base); }

  /**
   * `offset`'s place among the ring's bytes (stream offsets without the segment's); an
   * offset inside the segment maps to its start.
   */
  private own(offset: u64): u64 {
    const n = <u64>this.seg.length;
    const at = <u64>this.segAt;
    if (n == 0 || offset <= at) return offset;
    return offset < at + n ? at : offset - n;
  }

  /** True when `offset` is one of the segment's bytes. */
  private inSegment(offset: u64): bool {
    const at = <u64>this.segAt;
    return offset >= at && offset < at + <u64>this.seg.length;
  }

  /** Appends up to `len` bytes (copied); returns how many were taken. */
  write(src: usize, len: i32): i32 {
    const room = this.capacity - this.buffered;
    const n = len < room ? len : room;
    if (n <= 0) return 0;
    const used = <i32>(this.own(this.end) - this.own(this.base));
    if (used + n > this.data.length) this.grow(used + n);
    copyIntoRing(this.data, this.index(this.end), src, n);
    this.end += <u64>n;
    return n;
  }

  /**
   * Appends `seg`'s bytes by reference: the segment. `seg` must never be written again
   * (shared-flight.ts). False, nothing taken, when this buffer has its segment already or
   * no room: the caller copies them instead.
   */
  writeShared(seg: StaticArray<u8>): bool {
    const n = seg.length;
    if (this.seg.length != 0 || n == 0 || this.capacity - this.buffered < n || this.end + <u64>n > <u64>u32.MAX_VALUE) return false;
    this.segAt = <u32>this.end;
    this.seg = seg;
    this.end += <u64>n;
    return true;
  }

  /** Reallocates the ring to hold `need` bytes, laying it out flat again. */
  private grow(need: i32): void {
    let size = this.data.length == 0 || need <= EXACT_GROWTH_MAX ? firstSize(need) : this.data.length;
    while (size < need) size <<= 1;
    if (size > this.capacity) size = this.capacity; // need <= buffered <= capacity
    noteSendBufferSize(size);
    this.data = relaidFlat(this.data, this.head, <i32>(this.own(this.end) - this.own(this.base)), size);
    this.head = 0;
  }

  /** Ring index of stream offset `offset` (base <= offset <= end, not inside the segment). */
  index(offset: u64): i32 {
    const size = this.data.length;
    if (size == 0) return 0;
    let i = this.head + <i32>(this.own(offset) - this.own(this.base));
    if (i >= size) i -= size;
    return i;
  }

  /** True when something waits to be sent. */
  hasPending(): bool {
    return !this.lost.isEmpty() || this.nextSend < this.end;
  }

  /** Copies the `n` bytes from `offset` (within [base, end)) to `dst`, piece by piece: the ring's end and the segment's edges split them. */
  copyTo(dst: usize, offset: u64, n: i32): void {
    while (n > 0) {
      const c = this.contiguous(offset);
      if (c <= 0) break; // unreachable: every offset in [base, end) has a byte
      const k = n < c ? n : c;
      memory.copy(dst, this.ptr(offset), <usize>k);
      dst += <usize>k;
      offset += <u64>k;
      n -= k;
    }
  }

  /** Address of the byte at `offset` (within [base, end)); contiguous() says how many follow it there. */
  private ptr(offset: u64): usize {
    if (this.inSegment(offset)) return changetype<usize>(this.seg) + <usize>(offset - <u64>this.segAt);
    return changetype<usize>(this.data) + <usize>this.index(offset);
  }

  /** Bytes from `offset` in one piece: to the segment's end inside it, else to the ring's end or the segment's start. */
  private contiguous(offset: u64): i32 {
    if (this.inSegment(offset)) return <i32>(<u64>this.segAt + <u64>this.seg.length - offset);
    let n = this.data.length - this.index(offset);
    if (this.seg.length != 0 && offset < <u64>this.segAt && <u64>this.segAt - offset < <u64>n) n = <i32>(<u64>this.segAt - offset);
    return n;
  }

  /**
   * Next chunk to send, at most `max` bytes: returns the length and sets chunkOffset
   * (copyTo reads it). Retransmissions come first.
   */
  next(max: i32): i32 {
    if (!this.lost.isEmpty()) {
      const lo = this.lost.lo(0), hi = this.lost.hi(0);
      let n = <i32>(hi - lo);
      if (n > max) n = max;
      this.chunkOffset = lo;
      this.lost.remove(lo, lo + <u64>n);
      return n;
    }
    if (this.nextSend >= this.end) { this.chunkOffset = this.nextSend; return 0; }
    let n = <i32>(this.end - this.nextSend);
    if (n > max) n = max;
    this.chunkOffset = this.nextSend;
    this.nextSend += <u64>n;
    return n;
  }

  onAcked(offset: u64, len: i32): void {
    ackRange<CryptoSendBuffer>(this, offset, len);
  }

  onLost(offset: u64, len: i32): void {
    loseRange<CryptoSendBuffer>(this, offset, len);
  }
}
