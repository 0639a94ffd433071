// Incoming bytes of a stream or a CRYPTO level, reassembled in order. The buffer
// holds at most `window` bytes beyond the read offset (flow control bounds what a peer
// may send; CRYPTO uses a fixed bound, RFC 9000 §7.5).

import { RangeSet } from "../util/ranges";

/** Largest reassembly buffer allocated by this core instance (a bound tests check). */
export let recvBufferHighWater: i32 = 0;

export class RecvBuffer {
  data: Uint8Array = new Uint8Array(0);
  /** Offset of data[0] = the next byte the reader gets. */
  readOffset: u64 = 0;
  received: RangeSet = new RangeSet(256);
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
    if (need > this.data.length) {
      let size = this.data.length < 1024 ? 1024 : this.data.length;
      while (size < need) size <<= 1;
      if (size > this.window) size = this.window;
      const d = new Uint8Array(size);
      if (size > recvBufferHighWater) recvBufferHighWater = size;
      memory.copy(d.dataStart, this.data.dataStart, <usize>this.data.length);
      this.data = d;
    }
    memory.copy(this.data.dataStart + <usize>(lo - this.readOffset), s, <usize>(end - lo));
    this.received.add(lo, end);
    return 0;
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
    memory.copy(dst, this.data.dataStart, <usize>n);
    const used = <i32>(this.highest - this.readOffset);
    this.data.copyWithin(0, n, used > n ? used : n);
    this.readOffset += <u64>n;
    this.received.trimBelow(this.readOffset);
    return n;
  }

  /** True when everything up to the final size has been read. */
  finished(): bool {
    return this.finalSize >= 0 && this.readOffset == <u64>this.finalSize;
  }
}
