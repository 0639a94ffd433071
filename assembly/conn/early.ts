// 0-RTT (RFC 9001 §4.6, §4.9.3; RFC 9000 §7.4.1, §12.3, §17.2.3). 0-RTT packets share
// the application packet number space with 1-RTT; only their keys and header differ.
//
// Client: the host installs the 0-RTT write keys and the server's remembered transport
// parameters before the first flight; transmit.ts then sends stream data in 0-RTT
// packets within the remembered limits until the handshake completes. The host reports
// the server's answer (connEarlyDataOutcome) before the server's new parameters: on
// rejection every 0-RTT packet is forgotten (taken out of bytes in flight without a
// congestion event, RFC 9002 §6.4) and its frames are owed again (its datagrams are
// reported lost instead, never resent), and the streams are
// rewound to offset 0 (the server saw none of it), so the data goes again in 1-RTT under
// the new limits. Accepted: the new limits must not be smaller (§7.4.1).
//
// Server: the host installs the 0-RTT read keys when TLS accepts early data; receive.ts
// opens 0-RTT packets with them and checks their frames against Table 3's 0-RTT column.
// 0-RTT packets that arrive before TLS has decided are buffered; after a rejection they
// are dropped unread (RFC 9001 §4.6.2: "MUST NOT process any 0-RTT packets").

import { Connection } from "./connection";
import { SPACE_APP, SPACE_HANDSHAKE, MAX_BUFFERED_PACKETS, Level, NO_PACKETS } from "./space";
import { EARLY_PENDING, EARLY_ACCEPTED, EARLY_REJECTED } from "./early-state";
import { requeueFrames } from "./loss";
import { onDatagramsLost } from "./datagrams";
import { pushEvent, EventKind } from "./events";
import { TransportParams, TpId } from "../wire/tparams";
import { PROTOCOL_VIOLATION, INTERNAL_ERROR } from "../wire/errors";

/** Installs 0-RTT keys: the client's write keys or the server's read keys. 0, or -INTERNAL_ERROR for the wrong side. */
export function installEarlyKeys(c: Connection, write: bool, aead: i32, hp: i32): i32 {
  if (write == c.isServer) return -INTERNAL_ERROR; // servers never send 0-RTT, clients never receive it
  if (c.handshakeComplete || c.early.status == EARLY_REJECTED) return 0; // too late: keys unused (freed at close)
  const e = c.ownEarly();
  e.aead = aead;
  e.hp = hp;
  e.status = EARLY_PENDING;
  return 0;
}

/** Drops the 0-RTT keys and tells the host (KEYS_DISCARDED, level 0-RTT) so that it frees them. */
export function discardEarlyKeys(c: Connection): void {
  const e = c.early;
  if (e.aead == 0) return;
  e.aead = 0;
  e.hp = 0;
  pushEvent(EventKind.KEYS_DISCARDED, <u32>c.handle, <u64>Level.ZERO_RTT, 0, 0);
}

/** Client: 0-RTT packets may be sent now (keys installed, handshake not complete, not rejected). */
export function earlyCanSend(c: Connection): bool {
  return !c.isServer && c.early.aead != 0 && !c.handshakeComplete;
}

/**
 * A 0-RTT packet arrived: true if it can be opened now. Otherwise it is buffered (server,
 * TLS has not decided yet: no Handshake keys) or dropped (a client never receives 0-RTT;
 * a server that rejected it must not process it).
 */
export function earlyAdmits(c: Connection, p: usize, n: i32): bool {
  if (c.isServer && c.early.aead != 0) return true;
  const hs = c.spaces[SPACE_HANDSHAKE];
  const undecided = c.isServer && !c.handshakeComplete && !hs.discarded && hs.readAead == 0;
  const sp = c.spaces[SPACE_APP];
  if (undecided && !sp.discarded && sp.buffered.length < MAX_BUFFERED_PACKETS) {
    const copy = new Uint8Array(n);
    memory.copy(copy.dataStart, p, <usize>n);
    if (sp.buffered == NO_PACKETS) sp.buffered = new Array<Uint8Array>(); // the shared empty list is never written
    sp.buffered.push(copy);
  } else c.packetsDropped++;
  return false;
}

/** Server: a 1-RTT packet from the client opened; RFC 9001 §4.9.3 lets the 0-RTT keys go now. */
export function onFirstOneRtt(c: Connection): void {
  if (c.isServer && c.early.aead != 0) discardEarlyKeys(c);
}

/** The §7.4.1 limits a server accepting 0-RTT must not reduce (and RFC 9221 §3's max_datagram_frame_size). */
const LIMITS: StaticArray<u64> = [
  TpId.MAX_DATAGRAM_FRAME_SIZE,
  TpId.ACTIVE_CONNECTION_ID_LIMIT, TpId.INITIAL_MAX_DATA, TpId.INITIAL_MAX_STREAM_DATA_BIDI_LOCAL,
  TpId.INITIAL_MAX_STREAM_DATA_BIDI_REMOTE, TpId.INITIAL_MAX_STREAM_DATA_UNI, TpId.INITIAL_MAX_STREAMS_BIDI,
  TpId.INITIAL_MAX_STREAMS_UNI,
];

/**
 * Client: the server's transport parameters from the connection that gave the ticket
 * ([p, end), encoded). Only what §7.4.1 lets a client remember is used: the flow-control
 * and stream limits (never ack_delay_exponent, max_ack_delay, CIDs, reset token,
 * preferred_address). 0 or -TRANSPORT_PARAMETER_ERROR.
 */
export function setRememberedParams(c: Connection, p: usize, end: usize): i32 {
  if (c.isServer || c.peerTpSet) return -INTERNAL_ERROR;
  const tp = new TransportParams();
  const r = tp.decode(p, end, true);
  if (r < 0) return r;
  c.ownEarly().remembered = tp;
  c.sendMaxData = tp.get(TpId.INITIAL_MAX_DATA);
  c.peerMaxStreamsBidi = tp.get(TpId.INITIAL_MAX_STREAMS_BIDI);
  c.peerMaxStreamsUni = tp.get(TpId.INITIAL_MAX_STREAMS_UNI);
  return 0;
}

/** Client: the server's answer to our early_data (its EncryptedExtensions), before its transport parameters. */
export function onEarlyOutcome(c: Connection, accepted: bool): void {
  const e = c.early;
  if (e.status != EARLY_PENDING || c.isServer) return;
  if (accepted) { e.status = EARLY_ACCEPTED; return; }
  e.status = EARLY_REJECTED;
  discardEarlyKeys(c);
  // Every packet sent so far in the application space was a 0-RTT packet (1-RTT keys come
  // later): none reached the server. Out of flight without a congestion event (RFC 9002
  // §6.4), their control frames owed again.
  const sp = c.spaces[SPACE_APP];
  const q = sp.sent;
  for (let i = q.start; i < q.end; i++) {
    const pk = q.at(i);
    if (pk.retired) continue;
    q.retire(i);
    if (pk.inFlight) c.cc.onDiscarded(pk.size);
    // Datagrams are never sent again (RFC 9221 §5.2): reported lost, as a lost packet's are.
    onDatagramsLost(c, sp, pk);
    requeueFrames(c, sp, pk);
  }
  q.trim();
  sp.ackElicitingInFlight = 0;
  sp.lossTime = Infinity;
  sp.timeOfLastAckEliciting = -1;
  // The server knows nothing of our streams: their data starts again from offset 0, and
  // flow control counts from zero (RFC 9001 §4.6.2 resets stream state; we keep the
  // bytes so that nothing the application wrote is lost).
  for (let i = 0; i < c.streamIds.length; i++) {
    const s = c.streams.get(unchecked(c.streamIds[i]));
    if (s.send) s.send!.rewind();
    s.blockedAt = 0;
  }
  c.dataSent = 0;
  c.dataBlockedSentAt = 0xffffffffffffffff;
}

/**
 * Client: checks the server's new transport parameters against 0-RTT (after they were
 * decoded into c.peerTp, before they apply). Accepted: none of the §7.4.1 limits may
 * shrink (PROTOCOL_VIOLATION). 0 or -code.
 */
export function checkNewParams(c: Connection): i32 {
  const e = c.early;
  const old = e.remembered;
  if (e.status == EARLY_ACCEPTED && old) {
    for (let i = 0; i < LIMITS.length; i++) {
      const id = unchecked(LIMITS[i]);
      if (c.peerTp.get(id) < old.get(id)) return -PROTOCOL_VIOLATION;
    }
  }
  return 0;
}

/**
 * Client: after the new parameters applied, the remembered ones are done with. A
 * rejection may leave more streams open than the server now allows; those cannot be sent
 * again under their ids: the connection closes (INTERNAL_ERROR) rather than break the
 * server's limit. 0 or -code.
 */
export function afterNewParams(c: Connection): i32 {
  if (c.early.remembered) c.early.remembered = null;
  if (c.early.status != EARLY_REJECTED) return 0;
  if (c.nextLocalBidi > c.peerMaxStreamsBidi || c.nextLocalUni > c.peerMaxStreamsUni) return -INTERNAL_ERROR;
  return 0;
}

/** True when stream limits on our sending are reset rather than raised (0-RTT rejected). */
export function earlyRejected(c: Connection): bool {
  return c.early.status == EARLY_REJECTED;
}

