// The packet being built: the state transmit.ts and the rooms' write functions share
// while frames go into it (ngtcp2's ppe context). One per instance; building a packet
// allocates nothing.

import { PacketSpace, NO_SENT } from "./space";

export class PacketInProgress {
  /** An ack-eliciting frame was written. */
  eliciting: bool = false;
  /** Ack-eliciting frames may be written (congestion window, pacer, record ceiling). */
  allowEliciting: bool = false;
  /** Frames are recorded in the space's sent-packet record (false past its ceiling: ACK-only packets then go unrecorded). */
  recording: bool = false;
  /** The space of the packet: its record is made with the first frame recorded (space.ts ownSent). */
  space: PacketSpace | null = null;
  /** Largest acknowledged of the ACK frame in the packet, or -1. */
  largestAckedSent: i64 = -1;

  /** Starts a packet of space `sp`, recorded in its sent-packet record. */
  begin(sp: PacketSpace): void {
    this.space = sp;
    const rec = sp.sent;
    if (rec != NO_SENT) rec.begin(); // the shared empty record is never written (nothing to begin from)
    this.recording = rec.canRecord();
    this.largestAckedSent = -1;
    this.eliciting = false;
  }

  /** Records a frame (recovery/sent-queue.ts) without making the packet ack-eliciting (ACK). */
  record(kind: u8, streamId: u64, offset: u64, len: i32, fin: bool): void {
    if (this.recording && this.space!.sent.canRecordAckOnly()) this.space!.ownSent().addFrame(kind, streamId, offset, len, fin);
  }

  /** An ack-eliciting frame was written: records it. */
  wrote(kind: u8, streamId: u64, offset: u64, len: i32, fin: bool): void {
    if (this.recording) this.space!.ownSent().addFrame(kind, streamId, offset, len, fin);
    this.eliciting = true;
  }
}

export const pkt = new PacketInProgress();
