// Stream frames (RFC 9000 §19.4, §19.5, §19.8, §19.10, §19.13) in both directions.
// Received: the peer's STREAM data, RESET_STREAM, STOP_SENDING, MAX_STREAM_DATA and
// STREAM_DATA_BLOCKED, applied to the stream they name (opened on demand,
// conn/stream-ops.ts); each returns 0 or -code (the connection closes with that error).
// Sent: what an acknowledgment or a loss of ours does (loss.ts dispatches here). Writing
// them into packets is transmit.ts's (the packet builder's) job.

import { Connection } from "../connection";
import { PacketSpace } from "../space";
import { Frame } from "../frame";
import { SentFrame } from "../../recovery/sent";
import { peerStream, streamError, maybeForget } from "../stream-ops";
import { pushEvent, EventKind } from "../events";
import { FLOW_CONTROL_ERROR, FINAL_SIZE_ERROR, STREAM_STATE_ERROR } from "../../wire/errors";

/** STREAM: data (a = id, b = offset, data, flag = FIN), within flow control and the final size (§4.1, §4.5). */
export function onStreamFrame(c: Connection, sp: PacketSpace, f: Frame, now: f64): i32 {
  const s = peerStream(c, f.a, true);
  if (!s) return streamError ? -streamError : 0;
  if (!s.recv) return -STREAM_STATE_ERROR;
  const r = s.recv!;
  const off = f.b;
  const len = f.dataLen;
  const end = off + <u64>len;
  const fin = f.flag;
  if (r.finalSize >= 0 && (end > <u64>r.finalSize || (fin && end != <u64>r.finalSize))) return -FINAL_SIZE_ERROR;
  if (fin && end < r.highest) return -FINAL_SIZE_ERROR;
  if (end > s.recvMax) return -FLOW_CONTROL_ERROR; // §4.1
  if (end > r.highest) {
    c.dataReceived += end - r.highest;
    if (c.dataReceived > c.recvMaxData) return -FLOW_CONTROL_ERROR;
  }
  if (fin) r.finalSize = <i64>end;
  if (s.peerReset) return 0;
  if (r.insert(off, f.data, len) < 0) return -FLOW_CONTROL_ERROR;
  c.streamBytesReceived += <u64>len;
  if (s.readStopped) {
    maybeForget(c, s); // the host reads no more: the last byte in closes the receive half
  } else if (r.readable() > 0 || r.allReceived()) {
    pushEvent(EventKind.STREAM_READABLE, <u32>c.handle, s.id, 0, 0);
  }
  return 0;
}

/** RESET_STREAM (a = id, b = error code, c = final size). */
export function onResetStream(c: Connection, sp: PacketSpace, f: Frame, now: f64): i32 {
  const s = peerStream(c, f.a, true);
  if (!s) return streamError ? -streamError : 0;
  if (!s.recv) return -STREAM_STATE_ERROR;
  const r = s.recv!;
  const size = f.c;
  // §4.5: the final size cannot change, nor be below what was received.
  if ((r.finalSize >= 0 && <u64>r.finalSize != size) || size < r.highest) return -FINAL_SIZE_ERROR;
  if (size > s.recvMax) return -FLOW_CONTROL_ERROR;
  if (size > r.highest) { c.dataReceived += size - r.highest; if (c.dataReceived > c.recvMaxData) return -FLOW_CONTROL_ERROR; }
  r.finalSize = <i64>size;
  if (!s.peerReset) {
    s.peerReset = true;
    s.stopPending = false;
    pushEvent(EventKind.STREAM_RESET, <u32>c.handle, s.id, f.b, 0);
    maybeForget(c, s);
  }
  return 0;
}

/** STOP_SENDING (a = id, b = error code): answered with RESET_STREAM unless all data is acknowledged (§3.5). */
export function onStopSending(c: Connection, sp: PacketSpace, f: Frame, now: f64): i32 {
  const s = peerStream(c, f.a, false);
  if (!s) return streamError ? -streamError : 0;
  if (!s.send) return -STREAM_STATE_ERROR;
  if (!s.peerStopSending) {
    s.peerStopSending = true;
    pushEvent(EventKind.STREAM_STOP_SENDING, <u32>c.handle, s.id, f.b, 0);
    if (!s.resetSent && !(s.send!.fin && s.send!.allAcked())) { s.resetCode = f.b; s.resetPending = true; c.pending.queueStream(s); }
  }
  return 0;
}

/** MAX_STREAM_DATA (a = id, b = limit). */
export function onMaxStreamData(c: Connection, sp: PacketSpace, f: Frame, now: f64): i32 {
  const s = peerStream(c, f.a, false);
  if (!s) return streamError ? -streamError : 0;
  if (!s.send) return -STREAM_STATE_ERROR;
  if (f.b > s.sendMax) s.sendMax = f.b;
  return 0;
}

/** STREAM_DATA_BLOCKED (a = id): informational, but it may open the stream (§19.13). */
export function onStreamDataBlocked(c: Connection, sp: PacketSpace, f: Frame, now: f64): i32 {
  const s = peerStream(c, f.a, true);
  if (!s && streamError) return -streamError;
  return 0;
}

// ---- Frames we sent, acknowledged or declared lost (recovery/sent.ts records) ----

/** Our STREAM frame was acknowledged: release the bytes; tell the host about room and the end. */
export function onStreamAcked(c: Connection, f: SentFrame): void {
  const s = c.stream(f.streamId);
  if (!s || !s.send) return;
  const b = s.send!;
  const roomBefore = b.room;
  b.onAcked(f.offset, f.len, f.fin);
  if (s.writeBlocked && b.room > roomBefore && b.room > 0) {
    s.writeBlocked = false;
    pushEvent(EventKind.STREAM_WRITABLE, <u32>c.handle, s.id, 0, 0);
  }
  if (b.allAcked() && b.fin && !s.notifiedFinished) {
    s.notifiedFinished = true;
    pushEvent(EventKind.STREAM_FINISHED, <u32>c.handle, s.id, 0, 0);
    maybeForget(c, s);
  }
}

/** Our STREAM frame was lost: its bytes go again, unless the stream was reset. */
export function onStreamLost(c: Connection, f: SentFrame): void {
  const s = c.stream(f.streamId);
  if (s && s.send && !s.resetSent) s.send!.onLost(f.offset, f.len, f.fin);
}

export function onResetStreamAcked(c: Connection, f: SentFrame): void {
  const s = c.stream(f.streamId);
  if (s) { s.resetAcked = true; maybeForget(c, s); }
}

export function onResetStreamLost(c: Connection, f: SentFrame): void {
  const s = c.stream(f.streamId);
  if (s && !s.resetAcked) { s.resetSent = false; s.resetPending = true; c.pending.queueStream(s); }
}

/** STOP_SENDING lost: owed again while the peer may still send. */
export function onStopSendingLost(c: Connection, f: SentFrame): void {
  const s = c.stream(f.streamId);
  if (s && s.recv && !s.peerReset && !s.recv!.allReceived()) { s.stopPending = true; c.pending.queueStream(s); }
}

/** MAX_STREAM_DATA lost: owed again (with the current limit) until the final size is known. */
export function onMaxStreamDataLost(c: Connection, f: SentFrame): void {
  const s = c.stream(f.streamId);
  if (s && s.recv && s.recv!.finalSize < 0) { s.sendMaxStreamData = true; c.pending.queueStream(s); }
}
