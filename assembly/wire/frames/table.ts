// RFC 9000 Table 3 (§12.4), one row per frame type: the packet types that may carry it
// ("Pkts"), and its N (not ack-eliciting), C (not counted in flight), P (probing, §9.1)
// and F (flow controlled) columns. receive.ts checks a frame against its row once,
// before dispatch; transmit.ts and recovery read the same row. The handler column (which
// room a received frame goes to) is conn/receive.ts FRAME_HANDLERS, indexed by the same
// frameRowIndex: the wire layer does not know the connection's rooms.

import { FrameType } from "./types";

/** Packet-type bits of the "Pkts" column: I = Initial, H = Handshake, 0 = 0-RTT, 1 = 1-RTT. */
export const PKT_I: u8 = 1;
export const PKT_H: u8 = 2;
export const PKT_0: u8 = 4;
export const PKT_1: u8 = 8;

/** The N column: not ack-eliciting (RFC 9000 §13.2). */
export const ROW_N: u8 = 0x10;
/** The C column: not counted toward bytes in flight (RFC 9002 §2). */
export const ROW_C: u8 = 0x20;
/** The P column: a probing frame (§9.1). */
export const ROW_P: u8 = 0x40;
/** The F column: flow controlled (§4). */
export const ROW_F: u8 = 0x80;

const IH01: u8 = PKT_I | PKT_H | PKT_0 | PKT_1;
const IH_1: u8 = PKT_I | PKT_H | PKT_1;
const ih01: u8 = IH01; // CONNECTION_CLOSE 0x1c: lower case in the RFC only because 0x1d is not allowed in I/H
const __01: u8 = PKT_0 | PKT_1;
const ___1: u8 = PKT_1;

/** Number of rows: types 0x00..0x1e, then DATAGRAM 0x30 and 0x31 (RFC 9221 §4) as rows 0x1f, 0x20. */
export const FRAME_ROWS: i32 = 0x21;

/**
 * The row of frame `type` in this table (and in the handler column, conn/receive.ts
 * FRAME_HANDLERS), or -1 for a type we do not know (§12.4: FRAME_ENCODING_ERROR).
 * A new frame type is one more row here and there.
 */
export function frameRowIndex(type: u64): i32 {
  if (type <= 0x1e) return <i32>type;
  if (type == FrameType.DATAGRAM) return 0x1f;
  if (type == FrameType.DATAGRAM_LEN) return 0x20;
  return -1;
}

const ROWS: StaticArray<u8> = [
  IH01 | ROW_N | ROW_P,  // 0x00 PADDING
  IH01,                  // 0x01 PING
  IH_1 | ROW_N | ROW_C,  // 0x02 ACK (ACKs of 0-RTT packets travel in 1-RTT packets)
  IH_1 | ROW_N | ROW_C,  // 0x03 ACK_ECN
  __01,                  // 0x04 RESET_STREAM
  __01,                  // 0x05 STOP_SENDING
  IH_1,                  // 0x06 CRYPTO
  ___1,                  // 0x07 NEW_TOKEN
  __01 | ROW_F, __01 | ROW_F, __01 | ROW_F, __01 | ROW_F, // 0x08-0x0b STREAM
  __01 | ROW_F, __01 | ROW_F, __01 | ROW_F, __01 | ROW_F, // 0x0c-0x0f STREAM
  __01,                  // 0x10 MAX_DATA
  __01,                  // 0x11 MAX_STREAM_DATA
  __01, __01,            // 0x12-0x13 MAX_STREAMS
  __01,                  // 0x14 DATA_BLOCKED
  __01,                  // 0x15 STREAM_DATA_BLOCKED
  __01, __01,            // 0x16-0x17 STREAMS_BLOCKED
  __01 | ROW_P,          // 0x18 NEW_CONNECTION_ID
  __01,                  // 0x19 RETIRE_CONNECTION_ID
  __01 | ROW_P,          // 0x1a PATH_CHALLENGE
  ___1 | ROW_P,          // 0x1b PATH_RESPONSE
  ih01 | ROW_N | ROW_C,  // 0x1c CONNECTION_CLOSE (transport)
  __01 | ROW_N | ROW_C,  // 0x1d CONNECTION_CLOSE (application)
  ___1,                  // 0x1e HANDSHAKE_DONE
  __01, __01,            // 0x30-0x31 DATAGRAM (RFC 9221 §4: 0-RTT and 1-RTT)
];

/** The row of `type` (0 for an unknown type: allowed nowhere). */
export function frameRow(type: u64): u8 {
  const i = frameRowIndex(type);
  return i < 0 ? 0 : unchecked(ROWS[i]);
}

/** True if a frame of `type` may appear in a packet of kind `pktBit` (PKT_*). */
export function frameAllowedIn(type: u64, pktBit: u8): bool {
  return (frameRow(type) & pktBit) != 0;
}

/** Ack-eliciting: every frame except ACK, PADDING and CONNECTION_CLOSE (RFC 9000 §13.2, RFC 9002 §2). */
export function frameIsAckEliciting(type: u64): bool {
  return (frameRow(type) & ROW_N) == 0;
}

/** In flight (counts against cwnd): every frame except ACK and CONNECTION_CLOSE (RFC 9002 §2). */
export function frameCountsInFlight(type: u64): bool {
  return (frameRow(type) & ROW_C) == 0;
}

/** Probing (§9.1): PATH_CHALLENGE, PATH_RESPONSE, NEW_CONNECTION_ID, PADDING. */
export function frameIsProbing(type: u64): bool {
  return (frameRow(type) & ROW_P) != 0;
}

/** Flow controlled (§4): STREAM. */
export function frameIsFlowControlled(type: u64): bool {
  return (frameRow(type) & ROW_F) != 0;
}
