// Connection-level flow control and stream limits as frames (RFC 9000 §4, §19.9-§19.14),
// both ways: what the peer's MAX_DATA, MAX_STREAMS, DATA_BLOCKED and STREAMS_BLOCKED do
// here; writing what we owe (pending.ts: our MAX_DATA, MAX_STREAMS, STREAMS_BLOCKED) into
// the packet being built; owing it again when lost. (DATA_BLOCKED goes out with stream
// data, streams/send.ts.)

import { Connection } from "./connection";
import { PacketSpace } from "./space";
import { Frame } from "./frame";
import { pushEvent, EventKind } from "./events";
import { pkt } from "./packet";
import { BLOCKED_BIDI, BLOCKED_UNI } from "./pending";
import { FrameType } from "../wire/frames/types";
import { encodeOne } from "../wire/frames/encode";
import { SF_MAX_DATA, SF_MAX_STREAMS_BIDI, SF_MAX_STREAMS_UNI, SF_STREAMS_BLOCKED } from "../recovery/sent";

/** MAX_DATA (§19.9): more connection credit; streams blocked on writing may continue. */
export function onMaxData(c: Connection, sp: PacketSpace, f: Frame, now: f64): i32 {
  if (f.a <= c.sendMaxData) return 0;
  c.sendMaxData = f.a;
  for (let i = 0; i < c.streamIds.length; i++) {
    const s = c.streams.get(unchecked(c.streamIds[i]));
    if (s.writeBlocked && s.send && s.send!.room > 0) { s.writeBlocked = false; pushEvent(EventKind.STREAM_WRITABLE, <u32>c.handle, s.id, 0, 0); }
  }
  return 0;
}

/** MAX_STREAMS (§19.11, bidirectional or unidirectional by its type): the peer lets us open more streams. */
export function onMaxStreams(c: Connection, sp: PacketSpace, f: Frame, now: f64): i32 {
  if (f.type == FrameType.MAX_STREAMS_BIDI) {
    if (f.a > c.peerMaxStreamsBidi) { c.peerMaxStreamsBidi = f.a; pushEvent(EventKind.STREAMS_AVAILABLE, <u32>c.handle, 1, 0, 0); }
  } else if (f.a > c.peerMaxStreamsUni) {
    c.peerMaxStreamsUni = f.a;
    pushEvent(EventKind.STREAMS_AVAILABLE, <u32>c.handle, 0, 0, 0);
  }
  return 0;
}

/** Our MAX_DATA was lost: owed again, with the current limit. */
export function onMaxDataLost(c: Connection): void {
  c.pending.maxData = true;
}

/** Our MAX_STREAMS was lost: owed again, with the current limit. */
export function onMaxStreamsLost(c: Connection, bidi: bool): void {
  if (bidi) c.pending.maxStreamsBidi = true; else c.pending.maxStreamsUni = true;
}

/** DATA_BLOCKED, STREAMS_BLOCKED (§19.12, §19.14): informational; our windows move as the application reads. */
export function onBlocked(c: Connection, sp: PacketSpace, f: Frame, now: f64): i32 {
  return 0;
}

/** Writes the flow-control frames owed (pending.ts) into the packet being built (packet.ts). */
export function writeFlowFrames(c: Connection, q: usize, end: usize): usize {
  const owed = c.pending;
  if (owed.maxData) {
    const n = encodeOne(q, end, FrameType.MAX_DATA, c.recvMaxData);
    if (n > 0) { q += <usize>n; owed.maxData = false; pkt.wrote(SF_MAX_DATA, 0, 0, 0, false); }
  }
  if (owed.maxStreamsBidi) {
    const n = encodeOne(q, end, FrameType.MAX_STREAMS_BIDI, c.localMaxStreamsBidi);
    if (n > 0) { q += <usize>n; owed.maxStreamsBidi = false; pkt.wrote(SF_MAX_STREAMS_BIDI, 0, 0, 0, false); }
  }
  if (owed.maxStreamsUni) {
    const n = encodeOne(q, end, FrameType.MAX_STREAMS_UNI, c.localMaxStreamsUni);
    if (n > 0) { q += <usize>n; owed.maxStreamsUni = false; pkt.wrote(SF_MAX_STREAMS_UNI, 0, 0, 0, false); }
  }
  if (owed.streamsBlocked != 0) {
    const bidi = (owed.streamsBlocked & BLOCKED_BIDI) != 0;
    const n = encodeOne(q, end, bidi ? FrameType.STREAMS_BLOCKED_BIDI : FrameType.STREAMS_BLOCKED_UNI, bidi ? c.peerMaxStreamsBidi : c.peerMaxStreamsUni);
    if (n > 0) { q += <usize>n; owed.streamsBlocked &= bidi ? ~BLOCKED_BIDI : ~BLOCKED_UNI; pkt.wrote(SF_STREAMS_BLOCKED, 0, 0, 0, false); }
  }
  return q;
}
