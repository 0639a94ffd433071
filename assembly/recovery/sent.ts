// What each sent packet carried, so that an ACK can retire it and a loss can schedule
// its frames again (RFC 9002 §2: frames are retransmitted, not packets).

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

export class SentFrame {
  constructor(public kind: u8, public streamId: u64, public offset: u64, public len: i32, public fin: bool) {}
}

export class SentPacket {
  frames: Array<SentFrame> = new Array<SentFrame>();
  /** ACK frames: the largest acknowledged it carried (lets the receiver prune, §13.2.4). */
  largestAckedSent: i64 = -1;
  /** Acknowledged or declared lost: no longer awaiting anything (sent-queue.ts). */
  retired: bool = false;
  constructor(public pn: u64, public timeSent: f64, public size: i32, public ackEliciting: bool, public inFlight: bool) {}
}
