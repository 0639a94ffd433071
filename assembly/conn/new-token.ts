// NEW_TOKEN (RFC 9000 §8.1.3, §19.7) with its whole life in one room: a server owes one
// token after the handshake (minted by the endpoint, endpoint/retry.ts, and kept here
// until acknowledged, so that a loss sends the same bytes again); a client receives it
// and hands it to the host, which keeps it with the session for the next connection to
// the same server.

import { Connection } from "./connection";
import { NO_BYTES } from "../util/empty";
import { Frame } from "./frame";
import { pkt } from "./packet";
import { encodeNewToken } from "../wire/frames/encode";
import { SF_NEW_TOKEN } from "../recovery/sent";
import { PROTOCOL_VIOLATION, FRAME_ENCODING_ERROR } from "../wire/errors";
import { pushEvent, EventKind } from "./events";

/** Longest token from a peer we keep (ours are under 50 bytes; others' are opaque). */
const TOKEN_KEEP_MAX: i32 = 512;

/** NEW_TOKEN received. Returns 0 or -code. */
export function onNewToken(c: Connection, f: Frame): i32 {
  if (c.isServer) return -PROTOCOL_VIOLATION; // §19.7: only servers send it
  if (f.dataLen == 0) return -FRAME_ENCODING_ERROR; // §19.7: an empty token
  if (f.dataLen > TOKEN_KEEP_MAX) return 0;
  const t = new Uint8Array(f.dataLen);
  memory.copy(t.dataStart, f.data, <usize>f.dataLen);
  c.receivedToken = t;
  pushEvent(EventKind.NEW_TOKEN, <u32>c.handle, <u64>t.length, 0, 0);
  return 0;
}

/** Writes the owed NEW_TOKEN (server, 1-RTT, once the handshake is confirmed). */
export function writeNewToken(c: Connection, q: usize, end: usize): usize {
  if (!c.pending.newToken || !c.isServer || !c.handshakeConfirmed) return q;
  const t = c.sentToken;
  const n = encodeNewToken(q, end, t.dataStart, t.length);
  if (n <= 0) return q;
  c.pending.newToken = false;
  pkt.wrote(SF_NEW_TOKEN, 0, 0, 0, false);
  return q + <usize>n;
}

/** The packet with our NEW_TOKEN was lost: the same token is owed again. */
export function onNewTokenLost(c: Connection): void {
  if (c.sentToken.length) c.pending.newToken = true;
}

/** The peer has our token: its bytes are no longer needed. */
export function onNewTokenAcked(c: Connection): void {
  c.sentToken = NO_BYTES;
}
