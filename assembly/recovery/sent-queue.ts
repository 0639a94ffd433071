// The packets of one space awaiting acknowledgment, in packet-number order (they are
// sent in that order). ACK processing and loss detection touch only the packets they
// concern: ranges are found by binary search, retired packets are skipped, and the
// retired prefix is dropped as it grows, so that a large window of packets in flight
// costs O(log n) per ACK range instead of a scan of every packet (ngtcp2's rtb and
// quinn's sent_packets map do the same job).

import { SentPacket } from "./sent";

export class SentQueue {
  private items: Array<SentPacket> = new Array<SentPacket>();
  /** Index of the first packet that may still be live. */
  private head: i32 = 0;
  /** Live (not yet acknowledged or lost) packets. */
  live: i32 = 0;

  push(p: SentPacket): void {
    this.items.push(p);
    this.live++;
  }

  /** First index to visit (inclusive) and end (exclusive) for iteration. */
  get start(): i32 { return this.head; }
  get end(): i32 { return this.items.length; }

  at(i: i32): SentPacket { return unchecked(this.items[i]); }

  /** Index of the first packet (live or not) with pn >= `pn`, at or after head. */
  lowerBound(pn: u64): i32 {
    let lo = this.head, hi = this.items.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (unchecked(this.items[mid]).pn < pn) lo = mid + 1; else hi = mid;
    }
    return lo;
  }

  /** Marks the packet at `i` acknowledged or lost. */
  retire(i: i32): void {
    const p = unchecked(this.items[i]);
    if (p.retired) return;
    p.retired = true;
    this.live--;
  }

  /** Drops the retired prefix; compacts the array when the dead part dominates. */
  trim(): void {
    const n = this.items.length;
    while (this.head < n && unchecked(this.items[this.head]).retired) this.head++;
    if (this.head == n) { this.items.length = 0; this.head = 0; return; }
    if (this.head >= 256 && this.head * 2 >= n) {
      const rest = new Array<SentPacket>(n - this.head);
      for (let i = this.head; i < n; i++) unchecked(rest[i - this.head] = this.items[i]);
      this.items = rest;
      this.head = 0;
    }
  }

  clear(): void {
    this.items.length = 0;
    this.head = 0;
    this.live = 0;
  }
}
