// One stream (RFC 9000 §2-§4): its send and receive halves, flow-control limits both
// ways, and what control frames it owes the peer. States follow §3 implicitly: the
// send half is Ready/Send → Data Sent (fin) → Data Recvd (all acked), or Reset Sent →
// Reset Recvd; the receive half Recv → Size Known → Data Recvd → Data Read, or Reset.

import { SendBuffer } from "../sendbuf";
import { RecvBuffer } from "../recvbuf";

export class Stream {
  send: SendBuffer | null = null;
  recv: RecvBuffer | null = null;
  /** Peer's limit on our sending (MAX_STREAM_DATA). */
  sendMax: u64 = 0;
  /** Our advertised limit on the peer's sending. */
  recvMax: u64 = 0;
  /** Receive window: how far ahead of the read offset we let the peer go. */
  recvWindow: u64 = 0;
  urgency: i32 = 3;

  // Owed control frames (the stream waits in the connection's Pending queue, conn/pending.ts).
  /** In the Pending queue. */
  queued: bool = false;
  sendMaxStreamData: bool = false;
  blockedAt: u64 = 0;
  resetCode: u64 = 0;
  resetPending: bool = false;
  resetSent: bool = false;
  resetAcked: bool = false;
  stopCode: u64 = 0;
  stopPending: bool = false;

  // Received control state.
  peerReset: bool = false;
  peerStopSending: bool = false;

  // Notifications owed to the host.
  notifiedFinished: bool = false;
  /**
   * The host read the FIN (§3.2 "Data Read"). Until then the stream stays, even with every
   * byte received and read: forgetting it earlier (say, when an ACK of our own FIN follows
   * the peer's FIN in the same datagram) would leave the host a READABLE event for a
   * stream that no longer exists, and the application would never see the end.
   */
  finRead: bool = false;
  /** The host stopped reading (STOP_SENDING): once every byte is in, nothing is owed to it. */
  readStopped: bool = false;
  /** The host wants STREAM_WRITABLE once room frees up. */
  writeBlocked: bool = false;

  constructor(public id: u64) {}

  get isUni(): bool { return (this.id & 2) != 0; }
  get isServerInitiated(): bool { return (this.id & 1) != 0; }

  /** Bytes of new data flow control still lets us send on this stream. */
  sendCredit(): u64 {
    const s = this.send;
    if (!s) return 0;
    return this.sendMax > s.nextSend ? this.sendMax - s.nextSend : 0;
  }

  /** True while it owes STOP_SENDING, MAX_STREAM_DATA or RESET_STREAM. */
  owesControl(): bool {
    return this.stopPending || this.resetPending || (this.sendMaxStreamData && this.recv != null);
  }

  /** True when this stream has data or a FIN to send (control frames: owesControl). */
  wantsToSend(): bool {
    if (this.resetPending) return false;
    const s = this.send;
    if (!s || this.resetSent) return false;
    if (!s.lost.isEmpty()) return true;
    if (s.fin && (!s.finSent || s.finLost) && s.nextSend == s.end) return true;
    return s.nextSend < s.end && s.nextSend < this.sendMax;
  }

  /** Data (or a FIN) we wrote is not yet acknowledged, and the stream was not reset. */
  sendUnacked(): bool {
    const s = this.send;
    if (!s || this.resetPending || this.resetSent) return false;
    return !s.allAcked();
  }

  /** Both halves are done and the host was told: the stream can be forgotten. */
  isClosed(): bool {
    const sendDone = this.send == null || (this.send!.fin && this.send!.allAcked()) || this.resetAcked;
    const recvDone = this.recv == null || this.finRead || this.peerReset || (this.readStopped && this.recv!.allReceived());
    return sendDone && recvDone;
  }
}
