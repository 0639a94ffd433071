// What each sent packet carried, so that an ACK can retire it and a loss can schedule
// its frames again (RFC 9002 §2: frames are retransmitted, not packets). Records are
// fixed-size structs in linear memory (ngtcp2's rtb entries), never GC objects: they
// live in the rings of recovery/sent-queue.ts and are read through these unmanaged
// views, so that sending, acknowledging and losing a packet allocates nothing.

export const SF_CRYPTO: u8 = 1;
export const SF_STREAM: u8 = 2;
export const SF_HANDSHAKE_DONE: u8 = 3;
export const SF_MAX_DATA: u8 = 4;
export const SF_MAX_STREAM_DATA: u8 = 5;
export const SF_MAX_STREAMS_BIDI: u8 = 6;
export const SF_MAX_STREAMS_UNI: u8 = 7;
export const SF_RESET_STREAM: u8 = 8;
export const SF_STOP_SENDING: u8 = 9;
export const SF_PING: u8 = 10;
export const SF_ACK: u8 = 11;
export const SF_DATA_BLOCKED: u8 = 12;
export const SF_STREAM_DATA_BLOCKED: u8 = 13;
export const SF_STREAMS_BLOCKED: u8 = 14;
/** streamId = sequence number. */
export const SF_NEW_CONNECTION_ID: u8 = 15;
/** streamId = sequence number. */
export const SF_RETIRE_CONNECTION_ID: u8 = 16;
/** DATAGRAM (RFC 9221): streamId holds the host's id (0 = untracked); reported, never resent. */
export const SF_DATAGRAM: u8 = 17;
/** NEW_TOKEN (RFC 9000 §19.7): resent when lost. */
export const SF_NEW_TOKEN: u8 = 18;

/**
 * One frame of a sent packet: enough to act on its acknowledgment or loss.
 *
 *   0        8        16     20   21   22
 *   +--------+--------+------+----+----+--+
 *   |streamId| offset | len  |kind|fin |  |   24 bytes
 *   +--------+--------+------+----+----+--+
 */
@unmanaged
export class SentFrame {
  streamId: u64;
  offset: u64;
  len: i32;
  kind: u8;
  fin: bool;
}

/**
 * One sent packet. Its frames are the `frameCount` records from sequence number
 * `firstFrame` in the queue's frame ring (contiguous: a packet's frames are written
 * while it is built).
 *
 *   0    8          16                 24           32   36          40  41  42
 *   +----+----------+------------------+------------+----+-----------+---+---+---+
 *   | pn | timeSent | largestAckedSent | firstFrame |size| frameCount|eli|inF|ret|  48 bytes
 *   +----+----------+------------------+------------+----+-----------+---+---+---+
 */
@unmanaged
export class SentPacket {
  pn: u64;
  timeSent: f64;
  /** ACK frames: the largest acknowledged it carried (lets the receiver prune, §13.2.4); -1 if none. */
  largestAckedSent: i64;
  firstFrame: i64;
  size: i32;
  frameCount: i32;
  ackEliciting: bool;
  inFlight: bool;
  /** Acknowledged or declared lost: no longer awaiting anything (sent-queue.ts). */
  retired: bool;
}

/** Bytes per record in the rings (rounded up to 8 for alignment). */
// @ts-ignore: decorator
@inline export const PACKET_RECORD_SIZE: usize = (offsetof<SentPacket>() + 7) & ~7;
// @ts-ignore: decorator
@inline export const FRAME_RECORD_SIZE: usize = (offsetof<SentFrame>() + 7) & ~7;
