// The first-byte bits that mean nothing to the endpoints themselves and are left outside
// header protection for the path's benefit: the latency spin bit (RFC 9000 §17.4, short
// headers) and the QUIC ("fixed") bit, greased under RFC 9287. Per-packet randomness comes
// from a small per-connection generator seeded once from the core PRNG, so that greasing
// does not shift the sequence that CIDs and packet-number skips draw from.

import { prngNext } from "../util/prng";

// Wide fields first, flags last: no padding holes (issue 17: 48 bytes, not 64).
export class WireBits {
  /** Largest 1-RTT packet number received: only a packet that raises it moves the spin value. */
  spinLargest: i64 = -1;
  /** Peer CID sequence number our spin value belongs to (§17.4: reset on a new CID). */
  spinCidSeq: u64 = 0;
  /** xorshift32 state (never 0). */
  rand: u32 = 1;
  /** The value we put in the spin bit of our next 1-RTT packet. */
  spinValue: u32 = 0;
  /** The spin bit is ours to drive (option on, and this connection not in the 1-in-16 that opt out). */
  spinOn: bool = false;
  /** The peer advertised grease_quic_bit: we may clear the QUIC bit (RFC 9287 §3.1). */
  greaseSend: bool = false;

  /**
   * Called once per connection. §17.4: with the option off, the bit carries a random
   * value chosen per connection ID; with it on, at least one connection in 16 must still
   * opt out, so that those that do are common on the network.
   */
  init(spinOption: bool): void {
    const r = prngNext();
    this.rand = r | 1;
    this.spinOn = spinOption && (r >>> 28) != 0; // 15 in 16
    this.spinValue = this.spinOn ? 0 : (r >>> 27) & 1;
  }

  next(): u32 {
    let x = this.rand;
    x ^= x << 13; x ^= x >>> 17; x ^= x << 5;
    this.rand = x;
    return x;
  }

  /**
   * A 1-RTT packet was opened (first byte without protection, number pn). §17.4: the
   * server reflects the spin bit of the highest-numbered packet, the client inverts it.
   */
  onReceived(firstByte: u32, pn: u64, isServer: bool): void {
    if (!this.spinOn || <i64>pn <= this.spinLargest) return;
    this.spinLargest = <i64>pn;
    const bit = (firstByte >> 5) & 1;
    this.spinValue = isServer ? bit : bit ^ 1;
  }

  /** The spin bit for our next 1-RTT packet, sent to the peer CID with sequence `cidSeq`. */
  spinFor(cidSeq: u64): i32 {
    if (cidSeq != this.spinCidSeq) {
      // §17.4: a new CID starts from zero when spinning, or draws a fresh random value.
      this.spinCidSeq = cidSeq;
      this.spinValue = this.spinOn ? 0 : this.next() & 1;
    }
    return <i32>this.spinValue;
  }

  /**
   * RFC 9287 §3.1: once the peer's transport parameters allowed it, clear the QUIC bit of
   * about half our packets, long headers included. Not done (both are MAYs): a client's
   * first Initial carrying a NEW_TOKEN token, and 0-RTT under remembered parameters.
   */
  grease(p: usize): void {
    if (this.greaseSend && (this.next() & 0x100) == 0) store<u8>(p, load<u8>(p) & ~0x40);
  }
}
