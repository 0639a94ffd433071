// ACK frames we write (RFC 9000 §13.2, §19.3): from the space's ACK tracker
// (recovery/acktracker.ts), when one is due or can ride along with other frames. ACK
// frames received are RFC 9002's business: loss.ts onAckFrame.

import { Connection } from "./connection";
import { PacketSpace, SPACE_APP } from "./space";
import { pkt } from "./packet";
import { encodeAck } from "../wire/frames/encode";
import { SF_ACK } from "../recovery/sent";

// ACK ranges staged for the encoder: (lo, hi) u64 pairs, highest first.
const MAX_ACK_RANGES: i32 = 32;
const ackRanges: usize = heap.alloc(<usize>(MAX_ACK_RANGES * 16));

/** Writes the space's ACK into the packet being built when one is due, or piggybacks it; returns the new write position. */
export function writeAck(c: Connection, sp: PacketSpace, q: usize, end: usize, now: f64): usize {
  const t = sp.ack;
  if (!t.hasRanges()) return q;
  // Send an ACK when one is due, or piggyback when we send anyway and something is unacknowledged.
  if (!(t.pending || t.deadline <= now || (t.unacked > 0 && pkt.allowEliciting))) return q;
  const rs = t.received;
  let count = 0;
  for (let i = rs.count - 1; i >= 0 && count < MAX_ACK_RANGES; i--, count++) {
    store<u64>(ackRanges + (<usize>count << 4), rs.lo(i));
    store<u64>(ackRanges + (<usize>count << 4) + 8, rs.hi(i) - 1);
  }
  let delay: u64 = 0;
  if (sp.id == SPACE_APP && now > t.largestTime) delay = (<u64>(now - t.largestTime)) >> c.localAckDelayExponent();
  const n = encodeAck(q, end, ackRanges, count, delay, false, 0, 0, 0);
  if (n <= 0) return q;
  pkt.largestAckedSent = <i64>(rs.max() - 1);
  pkt.record(SF_ACK, 0, 0, 0, false);
  t.onAckSent();
  return q + <usize>n;
}

