// DATAGRAM frames (RFC 9221), their whole life in one room: the limits both ends
// advertise (max_datagram_frame_size, §3), the send queue, frames written into 1-RTT
// packets, their acknowledgment or loss reported to the host on request, frames
// received and the receive queue the host drains.
//
// - Ours: the config key MAX_DATAGRAM_FRAME_SIZE goes into our transport parameters
//   (connection.ts setupLocal); 0 (the default) advertises nothing, and then any DATAGRAM
//   frame is a PROTOCOL_VIOLATION (§3), as is one larger than what we advertised.
// - The peer's: read from its transport parameters, kept by the connection (peerTp).
// - Sending: the host queues a datagram (abi/datagrams.ts) into a bounded queue
//   (datagram-queue.ts: a byte cap, the oldest dropped and counted when full). Frames go
//   into 1-RTT packets — or, for a client resuming with early data, 0-RTT packets under
//   the ticket's remembered max_datagram_frame_size (RFC 9221 §3: a server that accepts
//   0-RTT must not lower it) — only when ack-eliciting frames are allowed there (congestion
//   window and pacer, transmit.ts), before stream data since datagrams are the
//   latency-sensitive traffic. They are never retransmitted (§5.2): a lost packet's
//   DATAGRAM is reported, not queued again, and PTO probes do not repeat it; so are those
//   of 0-RTT packets the server rejected (early.ts): reported lost, not sent again.
// - Size: one packet of the path's current size (pmtud.ts: what DPLPMTUD found, within
//   the peer's max_udp_payload_size). When the limit shrinks (a black hole sends the path
//   back to 1200 bytes, a new path, the server's new parameters after a rejected 0-RTT),
//   queued datagrams above it are dropped and reported, never sent over-size.
// - Tracking: a datagram the host gave an id (non-zero) is reported once: acknowledged,
//   lost, or dropped from the send queue (EventKind.DATAGRAM, c = DATAGRAM_*). Untracked
//   ones only count. (§5.2: an acknowledgment says the peer's QUIC got it, not its app.)
// - Receiving: datagrams wait in a bounded receive queue until the host reads them; when
//   it does not keep up, the oldest are dropped and counted. EventKind.DATAGRAM with
//   c = DATAGRAM_READABLE is raised when the queue goes from empty to not empty.

import { Connection } from "./connection";
import { pathDatagramSize } from "./pmtud";
import { PacketSpace } from "./space";
import { Frame } from "./frame";
import { pkt } from "./packet";
import { ConfigKey } from "./config";
import { pushEvent, EventKind } from "./events";
import { Datagrams, ENTRY_HEADER } from "./datagram-queue";
import { SentPacket, SentFrame, SF_DATAGRAM } from "../recovery/sent";
import { FrameType } from "../wire/frames/types";
import { encodeDatagram } from "../wire/frames/encode";
import { varintLen } from "../wire/varint";
import { TpId } from "../wire/tparams";
import { TAG_LEN } from "../crypto/protect";
import { PROTOCOL_VIOLATION } from "../wire/errors";

/** EventKind.DATAGRAM, field c: datagrams wait in the receive queue (a = b = 0). */
export const DATAGRAM_READABLE: u32 = 0;
/** EventKind.DATAGRAM, field c: the datagram with id a was acknowledged. */
export const DATAGRAM_ACKED: u32 = 1;
/** EventKind.DATAGRAM, field c: the packet carrying the datagram with id a was declared lost (RFC 9002 §6.1). */
export const DATAGRAM_LOST: u32 = 2;
/** EventKind.DATAGRAM, field c: the datagram with id a left the send queue unsent (newer ones needed the room). */
export const DATAGRAM_DROPPED: u32 = 3;

/**
 * Bytes a 1-RTT packet may need for an ACK frame beside a datagram (a few ACK ranges).
 * The largest datagram offered leaves this room, so that an ACK riding in every packet
 * cannot keep the head of the queue from ever fitting.
 */
const ACK_RESERVE: i32 = 48;

/** The connection's datagram state, created on first use with the configured queue caps. */
export function datagramsOf(c: Connection): Datagrams {
  let d = c.datagrams;
  if (d == null) {
    d = new Datagrams(<i32>c.config.get(ConfigKey.DATAGRAM_SEND_QUEUE), <i32>c.config.get(ConfigKey.DATAGRAM_RECV_QUEUE));
    c.datagrams = d;
  }
  return d;
}

/** The largest payload `p` whose DATAGRAM frame (type, Length, payload) is at most `limit` bytes. */
function payloadWithin(limit: i64): i32 {
  if (limit < 2) return -1;
  let p = limit - 1 - 1;
  while (p > 0 && 1 + <i64>varintLen(<u64>p) + p > limit) p--;
  return <i32>p;
}

/** Client: 0-RTT packets go out now (the test of early.ts earlyCanSend, which imports this room through loss.ts). */
function sendingEarly(c: Connection): bool {
  return !c.isServer && c.early.aead != 0 && !c.handshakeComplete;
}

/**
 * The peer's max_datagram_frame_size that applies now: from its transport parameters or,
 * while a client sends 0-RTT, from the remembered ones of the connection that gave the
 * ticket (RFC 9221 §3). 0: it takes none (or nothing is known yet).
 */
function peerFrameLimit(c: Connection): u64 {
  if (c.peerTpSet) return c.peerTp.get(TpId.MAX_DATAGRAM_FRAME_SIZE);
  const r = c.early.remembered;
  return r != null && sendingEarly(c) ? r!.get(TpId.MAX_DATAGRAM_FRAME_SIZE) : 0;
}

/** Longest long header of a 0-RTT packet: first byte, version, two CIDs with their lengths, Length, packet number. */
const LONG_HEADER_MAX: i32 = 1 + 4 + 1 + 20 + 1 + 20 + 2 + 4;

/**
 * The largest datagram payload that can be sent now: within the peer's
 * max_datagram_frame_size (§3), one packet of the path's current size (with room for an
 * ACK), and our send queue. 0 when the peer does not take datagrams (or before its
 * transport parameters, or a ticket's remembered ones, are known); a zero-length
 * datagram can then not be sent either.
 */
export function datagramMaxPayload(c: Connection): i32 {
  const peer = peerFrameLimit(c);
  if (peer == 0) return 0;
  // Short header: first byte, DCID, packet number (up to 4 bytes); a 0-RTT packet's long
  // header is longer. Then the AEAD tag.
  const header = c.peerTpSet ? 1 + c.ids.peer.length + 4 : LONG_HEADER_MAX;
  const packetRoom = pathDatagramSize(c) - header - TAG_LEN - ACK_RESERVE;
  let max = payloadWithin(<i64>packetRoom);
  const byPeer = payloadWithin(peer > <u64>0x7fffffff ? <i64>0x7fffffff : <i64>peer);
  if (byPeer < max) max = byPeer;
  const byQueue = <i32>c.config.get(ConfigKey.DATAGRAM_SEND_QUEUE) - ENTRY_HEADER;
  if (byQueue < max) max = byQueue;
  return max < 0 ? 0 : max;
}

/**
 * Queues a datagram of `len` bytes at `data` (id 0: untracked). Returns 0, or
 * -PROTOCOL_VIOLATION when the peer would refuse it (no support, or too large: §3 makes
 * sending it a violation), so nothing larger than datagramMaxPayload is ever queued.
 */
export function queueDatagram(c: Connection, data: usize, len: i32, id: u32): i32 {
  if (peerFrameLimit(c) == 0 || len < 0 || len > datagramMaxPayload(c)) return -PROTOCOL_VIOLATION;
  const d = datagramsOf(c);
  const q = d.send;
  while (q.isFullFor(len)) dropHead(c, d);
  q.push(data, len, id);
  return 0;
}

/** Takes the oldest queued datagram out unsent: counted, and reported when tracked. */
function dropHead(c: Connection, d: Datagrams): void {
  const q = d.send;
  const dropped = q.peekId();
  q.pop();
  d.sendDropped++;
  if (dropped != 0) pushEvent(EventKind.DATAGRAM, <u32>c.handle, <u64>dropped, 0, DATAGRAM_DROPPED);
}

/** True when datagrams wait to be sent. */
export function datagramsWaiting(c: Connection): bool {
  const d = c.datagrams;
  return d != null && d.send.count > 0;
}

/**
 * Writes queued datagrams into the 1-RTT or 0-RTT packet being built (transmit.ts calls
 * this only where ack-eliciting frames are allowed). Drops those above the current limit;
 * stops at the first that does not fit this packet: it waits for the next packet (a PTO
 * probe is smaller than the path allows), so the queue keeps its order.
 */
export function writeDatagrams(c: Connection, q: usize, end: usize): usize {
  const d = c.datagrams;
  if (d == null) return q;
  const sq = d.send;
  // Between a rejected 0-RTT and the server's parameters no limit is known: drop nothing.
  if (!c.peerTpSet && !sendingEarly(c)) return q;
  // The limit may have shrunk since these were queued: what no longer fits is dropped.
  const max = peerFrameLimit(c) == 0 ? -1 : datagramMaxPayload(c);
  while (sq.count > 0) {
    const len = sq.peekLen();
    if (len > max) { dropHead(c, d); continue; }
    const size = 1 + varintLen(<u64>len) + len;
    if (<i64>size > <i64>(end - q)) break;
    const n = encodeDatagram(q, end, sq.peekData(), len, true);
    if (n <= 0) break;
    q += <usize>n;
    pkt.wrote(SF_DATAGRAM, <u64>sq.peekId(), 0, len, false);
    d.sent++;
    sq.pop();
  }
  return q;
}

/** A packet carrying a DATAGRAM frame was acknowledged. */
export function onDatagramAcked(c: Connection, f: SentFrame): void {
  const d = datagramsOf(c);
  d.acked++;
  if (f.streamId != 0) pushEvent(EventKind.DATAGRAM, <u32>c.handle, f.streamId, 0, DATAGRAM_ACKED);
}

/**
 * A packet was declared lost: its datagrams are reported, never queued again (§5.2).
 * (loss.ts calls this for lost packets only; a PTO probe's requeue leaves them alone.)
 */
export function onDatagramsLost(c: Connection, sp: PacketSpace, p: SentPacket): void {
  if (c.datagrams == null) return;
  const d = c.datagrams!;
  const q = sp.sent;
  for (let k = 0; k < p.frameCount; k++) {
    const f = q.frame(p.firstFrame + <i64>k);
    if (f.kind != SF_DATAGRAM) continue;
    d.lost++;
    if (f.streamId != 0) pushEvent(EventKind.DATAGRAM, <u32>c.handle, f.streamId, 0, DATAGRAM_LOST);
  }
}

/** DATAGRAM or DATAGRAM_LEN received (the frame table allows them in 0-RTT and 1-RTT only). Returns 0 or -code. */
export function onDatagramFrame(c: Connection, f: Frame): i32 {
  // §3: a DATAGRAM frame larger than our max_datagram_frame_size, or any when we
  // advertised none (0), is a PROTOCOL_VIOLATION. Its size counts the type and Length.
  const local = <i64>c.config.get(ConfigKey.MAX_DATAGRAM_FRAME_SIZE);
  const size = f.type == FrameType.DATAGRAM_LEN ? 1 + <i64>varintLen(<u64>f.dataLen) + <i64>f.dataLen : 1 + <i64>f.dataLen;
  if (local == 0 || size > local) return -PROTOCOL_VIOLATION;
  const d = datagramsOf(c);
  d.received++;
  const q = d.recv;
  if (!q.fits(f.dataLen)) { d.recvDropped++; return 0; } // larger than the whole receive queue
  const wasEmpty = q.count == 0;
  while (q.isFullFor(f.dataLen)) { q.pop(); d.recvDropped++; }
  q.push(f.data, f.dataLen, 0);
  if (wasEmpty) pushEvent(EventKind.DATAGRAM, <u32>c.handle, 0, 0, DATAGRAM_READABLE);
  return 0;
}

/**
 * Moves the oldest received datagram to `out` (at most `cap` bytes; a longer one is cut,
 * which cannot happen when cap is at least the receive queue). Returns its length, or
 * -1 when none waits.
 */
export function readDatagram(c: Connection, out: usize, cap: i32): i32 {
  const d = c.datagrams;
  if (d == null || d.recv.count == 0) return -1;
  const q = d.recv;
  const len = q.peekLen();
  const n = len < cap ? len : cap;
  memory.copy(out, q.peekData(), <usize>n);
  q.pop();
  return n;
}
