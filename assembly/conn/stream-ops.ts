// Stream operations (RFC 9000 §2-§4): opening local streams within the peer's limits,
// accepting peer streams within ours, reading with flow-control credit returned as the
// application consumes (and windows that grow when it reads fast), writing, reset,
// stop sending.

import { Connection, NO_STREAMS } from "./connection";
import { Stream } from "./streams/stream";
import { SendBuffer } from "./sendbuf";
import { RecvBuffer } from "./recvbuf";
import { ConfigKey } from "./config";
import { pushEvent, EventKind } from "./events";
import { BLOCKED_BIDI, BLOCKED_UNI } from "./pending";
import { STREAM_LIMIT_ERROR, STREAM_STATE_ERROR } from "../wire/errors";

/** True if `id` was opened by us. */
export function isLocalStream(c: Connection, id: u64): bool {
  return ((id & 1) == 1) == c.isServer;
}

function createStream(c: Connection, id: u64): Stream {
  const s = new Stream(id);
  const local = isLocalStream(c, id);
  const uni = (id & 2) != 0;
  // A unidirectional stream has only the opener's send half.
  if (!uni || local) {
    s.send = new SendBuffer(<i32>c.config.get(ConfigKey.STREAM_SEND_BUFFER));
    s.sendMax = c.initialSendMax(id);
  }
  if (!uni || !local) {
    s.recvMax = c.initialRecvMax(id);
    s.recvWindow = s.recvMax;
    // The buffer may hold up to the largest window auto-tuning can reach.
    const maxWin = <u64>c.config.get(ConfigKey.MAX_RECEIVE_WINDOW);
    s.recv = new RecvBuffer(<i32>(maxWin > s.recvMax ? maxWin : s.recvMax));
  }
  if (c.streams == NO_STREAMS) { c.streams = new Map<u64, Stream>(); c.streamIds = new Array<u64>(); } // the first stream
  c.streams.set(id, s);
  c.streamIds.push(id);
  return s;
}

/** Opens a local stream; returns its id or -STREAM_LIMIT_ERROR (and queues STREAMS_BLOCKED). */
/** True when the peer's MAX_STREAMS allows one more local stream; if not, tells the peer (STREAMS_BLOCKED). */
export function canOpenLocalStream(c: Connection, bidi: bool): bool {
  const n = bidi ? c.nextLocalBidi : c.nextLocalUni;
  const limit = bidi ? c.peerMaxStreamsBidi : c.peerMaxStreamsUni;
  if (n < limit) return true;
  c.pending.streamsBlocked |= bidi ? BLOCKED_BIDI : BLOCKED_UNI;
  return false;
}

export function openLocalStream(c: Connection, bidi: bool): f64 {
  const n = bidi ? c.nextLocalBidi : c.nextLocalUni;
  const limit = bidi ? c.peerMaxStreamsBidi : c.peerMaxStreamsUni;
  if (n >= limit) {
    c.pending.streamsBlocked |= bidi ? BLOCKED_BIDI : BLOCKED_UNI;
    return -<f64>STREAM_LIMIT_ERROR;
  }
  const id: u64 = (n << 2) | (bidi ? 0 : 2) | (c.isServer ? 1 : 0);
  if (bidi) c.nextLocalBidi++; else c.nextLocalUni++;
  createStream(c, id);
  return <f64>id;
}

/**
 * The stream a frame from the peer refers to, opening peer streams as needed.
 * `sending`: the frame carries data from the peer (STREAM, RESET_STREAM, STREAM_DATA_BLOCKED).
 * Returns null with `streamError` set on a violation, or null with streamError 0 for a
 * stream that is already closed and forgotten (frames for it are ignored).
 */
export let streamError: i32 = 0;
export function peerStream(c: Connection, id: u64, sending: bool): Stream | null {
  streamError = 0;
  const local = isLocalStream(c, id);
  const uni = (id & 2) != 0;
  // §19.8 / §19.10: data on our own unidirectional stream, or flow control for the
  // peer's unidirectional stream, is a STREAM_STATE_ERROR.
  if (uni && local && sending) { streamError = STREAM_STATE_ERROR; return null; }
  if (uni && !local && !sending) { streamError = STREAM_STATE_ERROR; return null; }
  if (c.streams.has(id)) return c.streams.get(id);
  const n = id >> 2;
  if (local) {
    const opened = uni ? c.nextLocalUni : c.nextLocalBidi;
    if (n >= opened) streamError = STREAM_STATE_ERROR; // a stream we never opened
    return null; // else: closed and forgotten
  }
  const limit = uni ? c.localMaxStreamsUni : c.localMaxStreamsBidi;
  if (n >= limit) { streamError = STREAM_LIMIT_ERROR; return null; }
  const opened = uni ? c.peerOpenedUni : c.peerOpenedBidi;
  if (n < opened) return null; // closed and forgotten
  // Opening stream n implicitly opens every lower-numbered stream of its type (§3.2).
  let s: Stream | null = null;
  for (let k = opened; k <= n; k++) {
    const sid: u64 = (k << 2) | (id & 3);
    s = createStream(c, sid);
    pushEvent(EventKind.STREAM_OPENED, <u32>c.handle, sid, c.early.receiving ? 1 : 0, 0); // b = 1: opened by 0-RTT
  }
  if (uni) c.peerOpenedUni = n + 1; else c.peerOpenedBidi = n + 1;
  return s;
}

/** Reads into dst; returns bytes and sets lastReadFin. Negative: -STREAM_STATE_ERROR. */
export let lastReadFin: bool = false;
export function streamRead(c: Connection, id: u64, dst: usize, cap: i32, now: f64): i32 {
  lastReadFin = false;
  const s = c.stream(id);
  if (!s || !s.recv) return -STREAM_STATE_ERROR;
  const r = s.recv!;
  const n = r.read(dst, cap);
  lastReadFin = r.finished();
  if (lastReadFin) s.finRead = true;
  if (n > 0) {
    c.dataRead += <u64>n;
    returnCredit(c, s, now);
  }
  if (lastReadFin) maybeForget(c, s);
  return n;
}

/** Sends MAX_STREAM_DATA / MAX_DATA when half a window was consumed; grows windows when updates come fast. */
function returnCredit(c: Connection, s: Stream, now: f64): void {
  const r = s.recv!;
  const maxWin = <u64>c.config.get(ConfigKey.MAX_RECEIVE_WINDOW);
  if (r.finalSize < 0 && s.recvMax - r.readOffset < s.recvWindow / 2) {
    // Auto-tuning: if the window was used up within ~2 RTTs, the reader keeps up and
    // the window limits throughput: double it (up to MAX_RECEIVE_WINDOW).
    if (s.recvWindow < maxWin && c.rtt.hasSample) s.recvWindow = s.recvWindow * 2 < maxWin ? s.recvWindow * 2 : maxWin;
    s.recvMax = r.readOffset + s.recvWindow;
    s.sendMaxStreamData = true;
    c.pending.queueStream(s);
  }
  if (c.recvMaxData - c.dataRead < c.recvWindow / 2) {
    if (c.lastMaxDataUpdate >= 0 && now - c.lastMaxDataUpdate < 2 * c.rtt.smoothedRtt && c.recvWindow < maxWin * 4) c.recvWindow *= 2;
    c.lastMaxDataUpdate = now;
    c.recvMaxData = c.dataRead + c.recvWindow;
    c.pending.maxData = true;
  }
}

export function streamWrite(c: Connection, id: u64, src: usize, len: i32, fin: bool): i32 {
  const s = c.stream(id);
  if (!s || !s.send || s.resetSent || s.send!.fin) return -STREAM_STATE_ERROR;
  const b = s.send!;
  const n = b.write(src, len);
  if (fin && n == len) b.fin = true;
  if (n < len) s.writeBlocked = true;
  return n;
}

export function streamReset(c: Connection, id: u64, code: u64): i32 {
  const s = c.stream(id);
  if (!s || !s.send) return -STREAM_STATE_ERROR;
  // §3.1: RESET_STREAM is for the Ready, Send and Data Sent states; only once every byte
  // and the FIN are acknowledged (Data Recvd) is there nothing left to reset. A stream
  // with nothing written yet is in Ready: "all of nothing acknowledged" does not count.
  if (s.resetSent || s.resetPending || (s.send!.fin && s.send!.allAcked())) return 0;
  s.resetCode = code;
  s.resetPending = true;
  c.pending.queueStream(s);
  return 0;
}

export function streamStopSending(c: Connection, id: u64, code: u64): i32 {
  const s = c.stream(id);
  if (!s || !s.recv) return -STREAM_STATE_ERROR;
  // With every byte in (§3.2 "Data Recvd") there is nothing left to stop.
  if (!s.peerReset && !s.recv!.allReceived()) { s.stopCode = code; s.stopPending = true; c.pending.queueStream(s); }
  s.readStopped = true;
  maybeForget(c, s);
  return 0;
}

/** Forgets a stream whose both halves are finished; peer streams free a MAX_STREAMS slot. */
export function maybeForget(c: Connection, s: Stream): void {
  if (!s.isClosed() || s.resetPending || s.stopPending) return;
  if (!c.streams.has(s.id)) return;
  c.streams.delete(s.id);
  const i = c.streamIds.indexOf(s.id);
  if (i >= 0) { c.streamIds[i] = c.streamIds[c.streamIds.length - 1]; c.streamIds.pop(); }
  if (!isLocalStream(c, s.id)) {
    // Give the peer a new stream slot (§4.6).
    if ((s.id & 2) != 0) { c.peerClosedUni++; c.localMaxStreamsUni++; c.pending.maxStreamsUni = true; }
    else { c.peerClosedBidi++; c.localMaxStreamsBidi++; c.pending.maxStreamsBidi = true; }
  }
}
