// Incoming bytes of a stream or a CRYPTO level, reassembled in order. The buffer
// holds at most `window` bytes beyond the read offset (flow control bounds what a peer
// may send; CRYPTO uses a fixed bound, RFC 9000 §7.5).

import { firstSize, NO_STORAGE } from "./sendbuf";
import { RangeSet } from "../util/ranges";

/** Largest reassembly buffer allocated by this core instance (a bound tests check). */
export let recvBufferHighWater: i32 = 0;

/** The shared empty set of buffers that have received nothing yet: never written. */
const NO_RECEIVED = new RangeSet(256);

export class RecvBuffer {
  /** A ring: the byte at `readOffset` (the next the reader gets) sits at index `head`. */
  data: StaticArray<u8> = NO_STORAGE;
  head: i32 = 0;
  readOffset: u64 = 0;
  /** Ranges received beyond the read offset; the shared empty set until the first insert. */
  received: RangeSet = NO_RECEIVED;
  /** Final size once known (FIN or RESET_STREAM), else -1. */
  finalSize: i64 = -1;

  constructor(public window: i32) {}

  /** Highest offset received + 1. */
  get highest(): u64 { return this.received.isEmpty() ? this.readOffset : (this.received.max() > this.readOffset ? this.received.max() : this.readOffset); }

  /**
   * Stores [offset, offset+len). Returns 0, or -1 when it lies beyond the window
   * (the caller maps that to FLOW_CONTROL_ERROR / CRYPTO_BUFFER_EXCEEDED).
   */
  insert(offset: u64, src: usize, len: i32): i32 {
    const end = offset + <u64>len;
    if (end <= this.readOffset) return 0; // old duplicate
    if (end > this.readOffset + <u64>this.window) return -1;
    let lo = offset, s = src;
    if (lo < this.readOffset) { s += <usize>(this.readOffset - lo); lo = this.readOffset; }
    const need = <i32>(end - this.readOffset);
    if (need > this.data.length) this.grow(need);
    if (this.received == NO_RECEIVED) this.received = new RangeSet(256);
    this.copyIn(<i32>(lo - this.readOffset), s, <i32>(end - lo));
    this.received.add(lo, end);
    return 0;
  }

  /** Reallocates for `need` bytes past the read offset (at most the window), flattening the ring. */
  private grow(need: i32): void {
    // First allocation fits (a ClientHello in one Initial), later ones double (sendbuf.ts).
    let size = this.data.length == 0 ? firstSize(need) : this.data.length;
    while (size < need) size <<= 1;
    if (size > this.window) size = this.window;
    const d = new StaticArray<u8>(size);
    if (size > recvBufferHighWater) recvBufferHighWater = size;
    const old = this.data.length;
    if (old > 0) {
      memory.copy(changetype<usize>(d), changetype<usize>(this.data) + <usize>this.head, <usize>(old - this.head));
      memory.copy(changetype<usize>(d) + <usize>(old - this.head), changetype<usize>(this.data), <usize>this.head);
    }
    this.data = d;
    this.head = 0;
  }

  /** Copies `n` bytes from `src` to ring position `rel` bytes past the read offset. */
  private copyIn(rel: i32, src: usize, n: i32): void {
    const size = this.data.length;
    let at = this.head + rel;
    if (at >= size) at -= size;
    const first = size - at < n ? size - at : n;
    memory.copy(changetype<usize>(this.data) + <usize>at, src, <usize>first);
    if (first < n) memory.copy(changetype<usize>(this.data), src + <usize>first, <usize>(n - first));
  }

  /** Contiguous bytes ready to read. */
  readable(): i32 {
    return <i32>(this.received.contiguousEnd(this.readOffset) - this.readOffset);
  }

  /** Copies up to `cap` ready bytes to `dst`; returns the count. */
  read(dst: usize, cap: i32): i32 {
    let n = this.readable();
    if (n > cap) n = cap;
    if (n <= 0) return 0;
    const size = this.data.length;
    const first = size - this.head < n ? size - this.head : n;
    memory.copy(dst, changetype<usize>(this.data) + <usize>this.head, <usize>first);
    if (first < n) memory.copy(dst + <usize>first, changetype<usize>(this.data), <usize>(n - first));
    this.head += n;
    if (this.head >= size) this.head -= size;
    this.readOffset += <u64>n;
    this.received.trimBelow(this.readOffset);
    return n;
  }

  /**
   * Gives the storage and the range set back when everything received has been read
   * (CRYPTO: a server waiting for the client's second flight keeps no copy of the
   * ClientHello, nor its ranges; issue 17). Only `readOffset` matters after that: the
   * set's floor is never read here. Not for streams, where the next packet would
   * allocate again.
   */
  releaseIfDrained(): void {
    if (this.data.length != 0 && this.received.isEmpty()) {
      this.data = NO_STORAGE;
      this.head = 0;
      this.received = NO_RECEIVED;
    }
  }

  /** True when everything up to the final size has been read. */
  /** The final size is known and every byte up to it arrived (§3.2 "Data Recvd"), read or not. */
  allReceived(): bool {
    return this.finalSize >= 0 && this.readOffset + <u64>this.readable() == <u64>this.finalSize;
  }

  /** Every byte up to the final size was read. */
  finished(): bool {
    return this.finalSize >= 0 && this.readOffset == <u64>this.finalSize;
  }
}
