// Stream frames written into the packet being built (RFC 9000 §19.4, §19.5, §19.8,
// §19.10, §19.13): the control frames queued in Pending (STOP_SENDING, MAX_STREAM_DATA,
// RESET_STREAM), then data within the stream's and the connection's credit, with
// STREAM_DATA_BLOCKED / DATA_BLOCKED when credit runs out (§4.1). transmit.ts decides
// which stream goes when; what an acknowledgment or a loss does is in frames.ts.

import { Connection } from "../connection";
import { Stream } from "./stream";
import { pkt } from "../packet";
import { maybeForget } from "../stream-ops";
import { FrameType } from "../../wire/frames/types";
import { encodeStream, streamHeaderLen, encodeOne, encodeTwo, encodeResetStream } from "../../wire/frames/encode";
import { SF_STREAM, SF_MAX_STREAM_DATA, SF_RESET_STREAM, SF_STOP_SENDING, SF_DATA_BLOCKED, SF_STREAM_DATA_BLOCKED } from "../../recovery/sent";

/** The streams queued in Pending, in order: their STOP_SENDING, MAX_STREAM_DATA and RESET_STREAM. */
export function writeStreamControl(c: Connection, q: usize, end: usize): usize {
  const owed = c.pending;
  const ids = owed.streams;
  let i = owed.streamsHead;
  for (; i < ids.length; i++) {
    const s = c.stream(unchecked(ids[i]));
    if (!s) continue; // forgotten meanwhile
    q = writeStreamControlFrames(s, q, end);
    if (s.owesControl()) break; // the packet is full: the rest waits, in order
    s.queued = false;
    maybeForget(c, s);
  }
  owed.streamsHead = i;
  owed.compactStreams();
  return q;
}

function writeStreamControlFrames(s: Stream, q: usize, end: usize): usize {
  if (s.stopPending) {
    const n = encodeTwo(q, end, FrameType.STOP_SENDING, s.id, s.stopCode);
    if (n <= 0) return q;
    q += <usize>n; s.stopPending = false; pkt.wrote(SF_STOP_SENDING, s.id, 0, 0, false);
  }
  if (s.sendMaxStreamData) {
    if (!s.recv) s.sendMaxStreamData = false;
    else {
      const n = encodeTwo(q, end, FrameType.MAX_STREAM_DATA, s.id, s.recvMax);
      if (n <= 0) return q;
      q += <usize>n; s.sendMaxStreamData = false; pkt.wrote(SF_MAX_STREAM_DATA, s.id, 0, 0, false);
    }
  }
  if (s.resetPending) {
    const n = encodeResetStream(q, end, s.id, s.resetCode, s.send ? s.send!.nextSend : 0);
    if (n <= 0) return q;
    q += <usize>n; s.resetPending = false; s.resetSent = true;
    pkt.wrote(SF_RESET_STREAM, s.id, 0, 0, false);
  }
  return q;
}

export function writeStreamData(c: Connection, s: Stream, q: usize, end: usize): usize {
  const b = s.send;
  if (!b || s.resetSent) return q;
  const buf = b!;
  // Data: retransmissions first (already counted against flow control), then new data within both limits.
  for (;;) {
    const room = <i32>(end - q) - streamHeaderLen(s.id, buf.nextSend, <i32>(end - q), true); // the length field sized for the room (packets past 16 KiB need 4 bytes)
    if (room < 1 && !(buf.fin && buf.nextSend == buf.end)) break;
    const connCredit = c.sendMaxData > c.dataSent ? c.sendMaxData - c.dataSent : 0;
    let limit = s.sendMax;
    if (buf.nextSend + connCredit < limit) limit = buf.nextSend + connCredit;
    const before = buf.nextSend;
    const n = buf.next(room > 0 ? room : 0, limit);
    const off = buf.chunkOffset;
    const fin = buf.finWith(off + <u64>n);
    if (n == 0 && !fin) {
      // Blocked by flow control: tell the peer once per limit (§4.1).
      if (buf.nextSend < buf.end) {
        if (buf.nextSend >= s.sendMax && s.blockedAt != s.sendMax + 1) {
          const w = encodeTwo(q, end, FrameType.STREAM_DATA_BLOCKED, s.id, s.sendMax);
          if (w > 0) { q += <usize>w; s.blockedAt = s.sendMax + 1; pkt.wrote(SF_STREAM_DATA_BLOCKED, s.id, 0, 0, false); }
        } else if (connCredit == 0 && c.dataBlockedSentAt != c.sendMaxData) {
          const w = encodeOne(q, end, FrameType.DATA_BLOCKED, c.sendMaxData);
          if (w > 0) { q += <usize>w; c.dataBlockedSentAt = c.sendMaxData; pkt.wrote(SF_DATA_BLOCKED, 0, 0, 0, false); }
        }
      }
      break;
    }
    const w = encodeStream(q, end, s.id, off, buf.ptr(off), n, fin, true);
    if (w <= 0) { buf.onLost(off, n, fin); break; }
    q += <usize>w;
    if (buf.nextSend > before) { c.dataSent += buf.nextSend - before; }
    if (fin) { buf.finSent = true; buf.finLost = false; }
    c.streamBytesSent += <u64>n;
    pkt.wrote(SF_STREAM, s.id, off, n, fin);
    if (n < room) break;
  }
  maybeForget(c, s);
  return q;
}
