// Connection-level flow control and stream limits as frames (RFC 9000 §4, §19.9-§19.14):
// what the peer's MAX_DATA, MAX_STREAMS, DATA_BLOCKED and STREAMS_BLOCKED do here.
// What we owe the peer (our MAX_DATA, MAX_STREAMS, STREAMS_BLOCKED) is in pending.ts;
// transmit.ts writes it, loss.ts owes it again.

import { Connection } from "./connection";
import { Frame } from "./frame";
import { pushEvent, EventKind } from "./events";

/** MAX_DATA (§19.9): more connection credit; streams blocked on writing may continue. */
export function onMaxData(c: Connection, f: Frame): i32 {
  if (f.a <= c.sendMaxData) return 0;
  c.sendMaxData = f.a;
  for (let i = 0; i < c.streamIds.length; i++) {
    const s = c.streams.get(unchecked(c.streamIds[i]));
    if (s.writeBlocked && s.send && s.send!.room > 0) { s.writeBlocked = false; pushEvent(EventKind.STREAM_WRITABLE, <u32>c.handle, s.id, 0, 0); }
  }
  return 0;
}

/** MAX_STREAMS (§19.11): the peer lets us open more streams. */
export function onMaxStreams(c: Connection, f: Frame, bidi: bool): i32 {
  if (bidi) {
    if (f.a > c.peerMaxStreamsBidi) { c.peerMaxStreamsBidi = f.a; pushEvent(EventKind.STREAMS_AVAILABLE, <u32>c.handle, 1, 0, 0); }
  } else if (f.a > c.peerMaxStreamsUni) {
    c.peerMaxStreamsUni = f.a;
    pushEvent(EventKind.STREAMS_AVAILABLE, <u32>c.handle, 0, 0, 0);
  }
  return 0;
}

/** DATA_BLOCKED, STREAMS_BLOCKED (§19.12, §19.14): informational; our windows move as the application reads. */
export function onBlocked(c: Connection, f: Frame): i32 {
  return 0;
}
