// The frames that end a handshake and a connection, with their whole life in one room:
// HANDSHAKE_DONE (RFC 9000 §19.20; the server confirms the handshake, RFC 9001 §4.1.2)
// received, written, lost; CONNECTION_CLOSE (§19.19) received (the peer closes: draining,
// §10.2.2) and written while we close (§10.2.1, §10.2.3). The closing state itself —
// code, reason, deadlines — is the connection's (startClose, startDraining).

import { Connection, STATE_ESTABLISHED, STATE_DRAINING } from "./connection";
import { SPACE_APP, PacketSpace } from "./space";
import { Frame } from "./frame";
import { pkt } from "./packet";
import { FrameType } from "../wire/frames/types";
import { encodeEmpty, encodeConnectionClose } from "../wire/frames/encode";
import { SF_HANDSHAKE_DONE } from "../recovery/sent";
import { PROTOCOL_VIOLATION, APPLICATION_ERROR } from "../wire/errors";

/** Largest reason phrase we keep from the peer (abi connPeerCloseReason), as for our own (connClose). */
const PEER_REASON_MAX: i32 = 1024;
/** Largest reason phrase we send: a CONNECTION_CLOSE must fit a packet whatever the path (§10.2). */
const REASON_SENT_MAX: i32 = 200;

/** HANDSHAKE_DONE received. Returns 0 or -code. */
export function onHandshakeDone(c: Connection, sp: PacketSpace, f: Frame, now: f64): i32 {
  if (c.isServer) return -PROTOCOL_VIOLATION; // §19.20: only servers send it
  if (c.state < STATE_ESTABLISHED) c.state = STATE_ESTABLISHED;
  c.confirmHandshake();
  return 0;
}

/** Writes HANDSHAKE_DONE when owed (server, 1-RTT). */
export function writeHandshakeDone(c: Connection, q: usize, end: usize): usize {
  const owed = c.pending;
  if (!owed.handshakeDone || !c.isServer) return q;
  const n = encodeEmpty(q, end, FrameType.HANDSHAKE_DONE);
  if (n <= 0) return q;
  owed.handshakeDone = false;
  pkt.wrote(SF_HANDSHAKE_DONE, 0, 0, 0, false);
  return q + <usize>n;
}

/** A packet carrying HANDSHAKE_DONE was lost: it is owed again. */
export function onHandshakeDoneLost(c: Connection): void {
  c.pending.handshakeDone = true;
}

/** CONNECTION_CLOSE (transport 0x1c, or application 0x1d) received: the peer closed, we drain. */
export function onConnectionClose(c: Connection, sp: PacketSpace, f: Frame, now: f64): i32 {
  const isApp = f.type == FrameType.CONNECTION_CLOSE_APP;
  c.closeCode = f.a;
  c.closeIsApp = isApp;
  if (c.state < STATE_DRAINING) {
    // The first close's reason phrase is kept for the application.
    const len = f.dataLen < PEER_REASON_MAX ? f.dataLen : PEER_REASON_MAX;
    const r = new Uint8Array(len);
    memory.copy(r.dataStart, f.data, <usize>len);
    c.peerCloseReason = r;
  }
  c.startDraining(f.a, f.b, isApp, now);
  return 0;
}

/**
 * Our CONNECTION_CLOSE, alone in a packet of space `si` (§10.2.1). An application close
 * sent before 1-RTT keys becomes the transport's APPLICATION_ERROR without a reason, so
 * that nothing of the application leaks in the clear (§10.2.3).
 */
export function writeConnectionClose(c: Connection, si: i32, q: usize, end: usize): usize {
  let n: i32;
  if (c.closeIsApp && si != SPACE_APP) n = encodeConnectionClose(q, end, false, APPLICATION_ERROR, 0, 0, 0);
  else {
    const len = c.closeReason.length < REASON_SENT_MAX ? c.closeReason.length : REASON_SENT_MAX;
    n = encodeConnectionClose(q, end, c.closeIsApp, c.closeCode, c.closeFrameType, c.closeReason.dataStart, len);
  }
  return n > 0 ? q + <usize>n : q;
}
