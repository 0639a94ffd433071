// Which frames each packet type may carry (RFC 9000 §12.4, Table 3, column "Pkts"),
// and which frames make a packet ack-eliciting or count as in flight (§13.2, RFC 9002 §2).

import { FrameType } from "./types";

/** Packet-type bits of the "Pkts" column: I = Initial, H = Handshake, 0 = 0-RTT, 1 = 1-RTT. */
export const PKT_I: u8 = 1;
export const PKT_H: u8 = 2;
export const PKT_0: u8 = 4;
export const PKT_1: u8 = 8;

const IH01: u8 = PKT_I | PKT_H | PKT_0 | PKT_1;
const IH_1: u8 = PKT_I | PKT_H | PKT_1;
const __01: u8 = PKT_0 | PKT_1;
const ___1: u8 = PKT_1;

// Indexed by frame type 0x00..0x1e; DATAGRAM (0x30, 0x31) handled separately.
const allowed: StaticArray<u8> = [
  IH01, // 0x00 PADDING
  IH01, // 0x01 PING
  IH_1, IH_1, // 0x02-0x03 ACK (ACKs of 0-RTT packets travel in 1-RTT packets)
  __01, __01, // 0x04 RESET_STREAM, 0x05 STOP_SENDING
  IH_1, // 0x06 CRYPTO
  ___1, // 0x07 NEW_TOKEN
  __01, __01, __01, __01, __01, __01, __01, __01, // 0x08-0x0f STREAM
  __01, __01, __01, __01, __01, __01, __01, __01, // 0x10-0x17 flow control
  __01, __01, __01, // 0x18 NEW_CONNECTION_ID, 0x19 RETIRE_CONNECTION_ID, 0x1a PATH_CHALLENGE
  ___1, // 0x1b PATH_RESPONSE
  IH01, // 0x1c CONNECTION_CLOSE (transport)
  __01, // 0x1d CONNECTION_CLOSE (application)
  ___1, // 0x1e HANDSHAKE_DONE
];

/** True if a frame of `type` may appear in a packet of kind `pktBit` (PKT_*). */
export function frameAllowedIn(type: u64, pktBit: u8): bool {
  if (type <= 0x1e) return (unchecked(allowed[<i32>type]) & pktBit) != 0;
  if (type == FrameType.DATAGRAM || type == FrameType.DATAGRAM_LEN) return (__01 & pktBit) != 0;
  return false;
}

/** Ack-eliciting: every frame except ACK, PADDING and CONNECTION_CLOSE (RFC 9000 §13.2, RFC 9002 §2). */
export function frameIsAckEliciting(type: u64): bool {
  return !(type == FrameType.PADDING || type == FrameType.ACK || type == FrameType.ACK_ECN
    || type == FrameType.CONNECTION_CLOSE || type == FrameType.CONNECTION_CLOSE_APP);
}

/** In flight (counts against cwnd): ack-eliciting frames and PADDING (RFC 9002 §2). */
export function frameCountsInFlight(type: u64): bool {
  return type == FrameType.PADDING || frameIsAckEliciting(type);
}
