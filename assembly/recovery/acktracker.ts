// Received packet numbers of one space and when to acknowledge them (RFC 9000 §13.2).

import { RangeSet } from "../util/ranges";

/**
 * The tracker is its set of received packet numbers (a RangeSet of at most 32 ranges)
 * plus when to acknowledge them: one object rather than two (issue 17: 80 bytes a space
 * rather than 112). trimBelow (stop tracking, and acknowledging, packet numbers below
 * `pn`; they become duplicates) is the set's.
 */
export class AckTracker extends RangeSet {
  largest: i64 = -1;
  largestTime: f64 = 0;
  /** Ack-eliciting packets received since our last ACK. */
  unacked: i32 = 0;
  /** When an ACK must go out at the latest (+Infinity if none pending). */
  deadline: f64 = Infinity;
  /** An ACK should be sent with the next packet. */
  pending: bool = false;

  constructor() { super(32); }

  /** The received packet numbers (ranges, ascending). */
  get received(): RangeSet { return this; }

  /**
   * True if pn was already received (duplicate). RFC 9000 §12.3: a packet number must
   * never be processed twice, so every number below the tracked window (the ranges
   * forgotten by trimBelow or by the range limit) counts as a duplicate too.
   */
  isDuplicate(pn: u64): bool {
    return pn < this.floor || this.contains(pn);
  }

  /**
   * Records pn. `immediate`: acknowledge at once (Initial/Handshake, out of order,
   * every second packet); otherwise within maxAckDelay.
   */
  onReceived(pn: u64, ackEliciting: bool, now: f64, immediate: bool, maxAckDelay: f64): void {
    const outOfOrder = this.largest >= 0 && <i64>pn != this.largest + 1;
    this.add(pn, pn + 1);
    if (<i64>pn > this.largest) { this.largest = <i64>pn; this.largestTime = now; }
    if (!ackEliciting) return;
    this.unacked++;
    // §13.2.2: ack every second ack-eliciting packet; §13.2.1: out of order at once.
    if (immediate || outOfOrder || this.unacked >= 2) {
      this.pending = true;
      this.deadline = now;
    } else if (this.deadline == Infinity) {
      this.deadline = now + maxAckDelay;
    }
  }

  /** An ACK was sent: nothing pending until the next ack-eliciting packet. */
  onAckSent(): void {
    this.unacked = 0;
    this.pending = false;
    this.deadline = Infinity;
  }

  /** Whether there is anything to acknowledge at all. */
  hasRanges(): bool {
    return !this.isEmpty();
  }
}
