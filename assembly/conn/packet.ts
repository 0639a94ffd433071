// The packet being built: the state transmit.ts and the rooms' write functions share
// while frames go into it (ngtcp2's ppe context). One per instance; building a packet
// allocates nothing.

import { SentQueue } from "../recovery/sent-queue";

export class PacketInProgress {
  /** An ack-eliciting frame was written. */
  eliciting: bool = false;
  /** Ack-eliciting frames may be written (congestion window, pacer, record ceiling). */
  allowEliciting: bool = false;
  /** Frames are recorded in `rec` (false past its ceiling: ACK-only packets then go unrecorded). */
  recording: bool = false;
  rec: SentQueue | null = null;
  /** Largest acknowledged of the ACK frame in the packet, or -1. */
  largestAckedSent: i64 = -1;

  /** Starts a packet recorded in `rec`. */
  begin(rec: SentQueue): void {
    this.rec = rec;
    rec.begin();
    this.recording = rec.canRecord();
    this.largestAckedSent = -1;
    this.eliciting = false;
  }

  /** Records a frame (recovery/sent-queue.ts) without making the packet ack-eliciting (ACK). */
  record(kind: u8, streamId: u64, offset: u64, len: i32, fin: bool): void {
    if (this.recording && this.rec!.canRecordAckOnly()) this.rec!.addFrame(kind, streamId, offset, len, fin);
  }

  /** An ack-eliciting frame was written: records it. */
  wrote(kind: u8, streamId: u64, offset: u64, len: i32, fin: bool): void {
    if (this.recording) this.rec!.addFrame(kind, streamId, offset, len, fin);
    this.eliciting = true;
  }
}

export const pkt = new PacketInProgress();
