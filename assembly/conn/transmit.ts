// Building datagrams (RFC 9000 §12.2 coalescing, §13 what goes where, §14.1 padding,
// §8.1 anti-amplification; RFC 9002 §7 congestion window). Packets are assembled in
// place in the transmit region and protected there (STYLE.md: ngtcp2's ppe style); the
// packet being built is packet.ts's `pkt`, which the rooms' write functions share
// (streams/send.ts writes stream frames).

import { Connection, STATE_CLOSING, STATE_DRAINING, STATE_CLOSED } from "./connection";
import { PacketSpace, SPACE_INITIAL, SPACE_HANDSHAKE, SPACE_APP } from "./space";
import { buildLongHeader, buildShortHeader, patchLength, builtLengthOffset, builtLengthSize } from "../wire/header";
import { pnEncodeLength } from "../wire/pn";
import { PacketType } from "../wire/version";
import { FrameType } from "../wire/frames/types";
import { encodeEmpty, encodePadding } from "../wire/frames/encode";
import { writeConnectionClose, writeHandshakeDone } from "./close";
import { protectPacket, TAG_LEN } from "../crypto/protect";
import { SF_PING } from "../recovery/sent";
import { writeAck } from "./ack";
import { writeCrypto } from "./crypto-frames";
import { pkt } from "./packet";
import { TimerKind } from "./timer-table";
import { writeStreamControl, writeStreamData } from "./streams/send";
import { writeFlowFrames } from "./flow";
import { writeCidFrames } from "./cid";
import { setLossTimer } from "./loss";
import { qlogEnabled, qlogPacket, QLOG_PACKET_SENT, QLOG_SPACE_ZERO_RTT } from "./qlog";
import { maybeInitiate } from "./keyupdate";
import { earlyCanSend } from "./early";
import { writeDatagrams } from "./datagrams";
import { writeNewToken } from "./new-token";
import { pathDatagramSize, pmtuProbeSize, BASE_PLPMTU } from "./pmtud";
import { Path, otherPathDue, writePathFrames, holdWhileBlocked } from "./path";



/** A PMTU probe waits for window: 1-RTT packets carry no ack-eliciting frames meanwhile (conn/pmtud.ts). */
let holdForProbe = false;

/**
 * Writes the next datagram of `c` at `out` (at most `cap` bytes). Returns its length,
 * 0 when nothing is to be sent now.
 */
export function buildDatagram(c: Connection, out: usize, cap: i32, now: f64): i32 {
  if (c.state == STATE_CLOSED || c.state == STATE_DRAINING) return 0;
  c.txHandle = c.path.handle;
  if (c.state < STATE_CLOSING && c.handshakeComplete) {
    // A PATH_RESPONSE or PATH_CHALLENGE owed on another path goes first, in its own datagram there.
    const other = otherPathDue(c);
    if (other) {
      const n = buildProbe(c, other, out, cap, now);
      if (n > 0) return n;
    }
  }
  const n = buildOnPath(c, out, cap, now);
  holdWhileBlocked(c); // bytes sent may have used up a server's amplification budget (path.ts)
  return n;
}

/** A datagram on the path in use (`c.path`). */
function buildOnPath(c: Connection, out: usize, cap: i32, now: f64): i32 {
  // The path's size (DPLPMTUD, conn/pmtud.ts); PTO probes at 1200, so that they pass a
  // black hole that swallows every larger datagram (RFC 8899 §4.3).
  let size = c.spaces[SPACE_APP].probes > 0 ? BASE_PLPMTU : pathDatagramSize(c);
  if (size > cap) size = cap;
  // §8.1: a server sends at most three times what it received until the address is validated.
  const maxSize = c.path.sendLimit(size, c.isServer);
  if (maxSize < 64) return 0;
  if (c.state == STATE_CLOSING) return buildClose(c, out, maxSize, now);
  c.timers.set(TimerKind.PACER, Infinity); // set again below if the pacer holds data back
  // DPLPMTUD probes only a validated path with nothing of path validation owed on it: a
  // probe may not spend a server's 3× budget (§8.1: a 9000-byte probe to a rebound client
  // left the budget in debt, so its PATH_CHALLENGE never went), nor go ahead of the
  // challenge that validates the path.
  const p = c.path;
  const unproven = p.validating || p.challengeDue || p.responseDue || (c.isServer && !p.validated);
  const probe = unproven ? 0 : pmtuProbeSize(c, cap, now);
  holdForProbe = probe < 0;
  if (probe > 0) {
    const sp = c.spaces[SPACE_APP];
    const pn = sp.nextPn;
    const n = buildPacket(c, sp, out, probe, now, true, false, true);
    if (n > 0) {
      c.path.ownPmtud().onProbeSent(pn, n);
      c.path.bytesSent += <f64>n;
      c.bytesSentTotal += <u64>n;
      setLossTimer(c, now);
      return n;
    }
  }

  let pos: i32 = 0;
  let padded = false;
  for (let si = 0; si < 3; si++) {
    const sp = c.spaces[si];
    // Client: 1-RTT after its handshake completes; before, 0-RTT when it has the keys (conn/early.ts).
    const early = si == SPACE_APP && !c.handshakeComplete && !c.isServer;
    if (early ? !earlyCanSend(c) : !sp.hasWriteKeys()) continue;
    const room = maxSize - pos;
    if (room < 48) break;
    // §14.1: a client pads every datagram with an Initial packet, a server every datagram
    // with an ack-eliciting Initial. Padding this packet to fill the datagram is simplest.
    const padInitial = si == SPACE_INITIAL && maxSize >= BASE_PLPMTU;
    const n = buildPacket(c, sp, out + <usize>pos, room, now, padInitial, early);
    if (n > 0) {
      pos += n;
      if (padInitial && (!c.isServer || pkt.eliciting)) { padded = true; }
      if (si == SPACE_HANDSHAKE && !c.isServer) c.discardSpace(SPACE_INITIAL); // RFC 9001 §4.9.1
    }
    if (padded) break;
  }
  if (pos > 0) {
    c.path.bytesSent += <f64>pos;
    c.bytesSentTotal += <u64>pos;
    setLossTimer(c, now);
  }
  c.armAckTimer(); // ACKs written (or held back) moved the trackers' deadlines
  return pos;
}

/**
 * A datagram on path `p` (not the one in use) carrying only its PATH_RESPONSE /
 * PATH_CHALLENGE, padded to 1200 bytes when the path's 3× budget allows (§8.2.1, §8.2.2;
 * §9.3: the budget applies to any unvalidated peer address). Probing frames are not
 * retransmitted (§13.3), so the packet is recorded like an ACK-only one.
 */
function buildProbe(c: Connection, p: Path, out: usize, cap: i32, now: f64): i32 {
  const sp = c.spaces[SPACE_APP];
  if (!sp.hasWriteKeys()) return 0;
  const maxSize = p.sendLimit(cap < BASE_PLPMTU ? cap : BASE_PLPMTU, true); // a path not probed yet (DPLPMTUD is per path)
  if (maxSize < 48) { p.responseDue = false; return 0; } // no budget: the peer's next challenge asks again
  probeTarget = p;
  const n = buildPacket(c, sp, out, maxSize, now, true, false);
  probeTarget = null;
  if (n > 0) {
    p.bytesSent += <f64>n;
    c.bytesSentTotal += <u64>n;
    c.txHandle = p.handle;
  }
  return n;
}

/** Set while buildPacket writes a probe for a path other than the one in use. */
let probeTarget: Path | null = null;

function buildClose(c: Connection, out: usize, maxSize: i32, now: f64): i32 {
  if (!c.pending.close) return 0;
  c.pending.close = false;
  let pos = 0;
  // During the handshake the peer may lack our newest keys: send in every space we can
  // (§10.2.3), long headers first since a short header runs to the end of the datagram.
  for (let si = 0; si < 3; si++) {
    const sp = c.spaces[si];
    if (!sp.hasWriteKeys()) continue;
    if (si == SPACE_APP && !c.handshakeComplete && !c.isServer) continue;
    if (c.handshakeConfirmed && si != SPACE_APP) continue;
    pos += buildPacket(c, sp, out + <usize>pos, maxSize - pos, now, false, false);
  }
  c.path.bytesSent += <f64>pos;
  return pos;
}

/**
 * Builds one packet of space `sp` at p (room bytes). Returns its length or 0. A PMTU
 * probe (`pmtuProbe`) is PING + PADDING filling `room` (RFC 9000 §14.4): no data rides
 * in a packet that may well be lost.
 */
function buildPacket(c: Connection, sp: PacketSpace, p: usize, room: i32, now: f64, padToRoom: bool, early: bool, pmtuProbe: bool = false): i32 {
  const si = sp.id;
  const end = p + <usize>room;
  const pn = sp.nextPn;
  let pnLen = pnEncodeLength(pn, sp.largestAcked);
  if (pnLen < 2) pnLen = 2;
  let hlen: i32;
  let lengthOffset: usize = 0;
  let lengthSize = 0;
  if (early) {
    // RFC 9369 §4: 0-RTT stays in the original version, even after the server moved us to another.
    hlen = buildLongHeader(p, end, PacketType.ZERO_RTT, c.originalVersion,
      c.ids.peer.dataStart, c.ids.peer.length, c.ids.local.dataStart, c.ids.local.length, 0, 0, pn, pnLen, 2);
    lengthOffset = builtLengthOffset;
    lengthSize = builtLengthSize;
  } else if (si == SPACE_APP) {
    maybeInitiate(c, sp);
    hlen = buildShortHeader(p, end, c.ids.peer.dataStart, c.ids.peer.length, pn, pnLen, <i32>c.keys.writePhase, c.wireBits.spinFor(c.ids.activeSeq));
  } else {
    hlen = buildLongHeader(p, end, si == SPACE_INITIAL ? PacketType.INITIAL : PacketType.HANDSHAKE, c.version,
      c.ids.peer.dataStart, c.ids.peer.length, c.ids.local.dataStart, c.ids.local.length,
      si == SPACE_INITIAL ? c.ids.token.dataStart : 0, si == SPACE_INITIAL ? c.ids.token.length : 0, pn, pnLen, 2); // §17.2.2: the client's token (empty for a server)
    lengthOffset = builtLengthOffset;
    lengthSize = builtLengthSize;
  }
  if (hlen <= 0) return 0;
  if (!early) c.wireBits.grease(p); // RFC 9287 §3.1; not 0-RTT: its parameters are only remembered ones
  const pnOffset = hlen - pnLen;
  const payloadStart = p + <usize>hlen;
  const payloadEnd = end - <usize>TAG_LEN;
  if (payloadEnd <= payloadStart + 8) return 0;
  let q = payloadStart;

  pkt.begin(sp);
  // The congestion window bounds ack-eliciting packets; probes may exceed it (§7.5).
  // Within the window, 1-RTT data is paced (§7.7); ACKs and handshake packets are not.
  // A full sent-packet record (its ceiling) holds back ack-eliciting packets too.
  pkt.allowEliciting = pkt.recording && (sp.probes > 0 || (c.cc.canSend(room) && !(holdForProbe && si == SPACE_APP && !pmtuProbe)));
  if (pkt.allowEliciting && sp.probes == 0 && si == SPACE_APP && !pmtuProbe && !c.pacer.canSend(room, c.cc.cwnd, c.rtt.smoothedRtt, now)) {
    pkt.allowEliciting = false;
    c.timers.set(TimerKind.PACER, c.pacer.nextSendTime);
  }

  let pathFrames = false;
  const target = probeTarget;
  if (target) {
    q = writePathFrames(c, target, q, payloadEnd);
    pathFrames = true;
  } else if (pmtuProbe) {
    if (!pkt.allowEliciting) { sp.sent.abandon(); return 0; }
    q += <usize>encodeEmpty(q, payloadEnd, FrameType.PING);
    pkt.wrote(SF_PING, 0, 0, 0, false);
  } else if (c.state == STATE_CLOSING) {
    q = writeConnectionClose(c, si, q, payloadEnd);
  } else {
    // An ACK that is not due yet only rides along with other frames (§13.2.1): remember
    // the tracker so that a packet that would carry nothing else can be abandoned.
    const t = sp.ack;
    const ackDue = t.pending || t.deadline <= now;
    const savedUnacked = t.unacked, savedDeadline = t.deadline;
    // 0-RTT packets carry no ACK and no CRYPTO (RFC 9000 Table 3).
    if (!early) q = writeAck(c, sp, q, payloadEnd, now);
    const afterAck = q;
    if (si == SPACE_APP && !early && (c.path.responseDue || c.path.challengeDue)) {
      q = writePathFrames(c, c.path, q, payloadEnd);
      pathFrames = q > afterAck;
    }
    if (pkt.allowEliciting) {
      if (!early) q = writeCrypto(sp, q, payloadEnd);
      if (si == SPACE_APP) q = writeAppFrames(c, q, payloadEnd, now);
      if ((sp.probes > 0 || (c.pending.ping && si == SPACE_APP)) && !pkt.eliciting) {
        q += <usize>encodeEmpty(q, payloadEnd, FrameType.PING);
        pkt.wrote(SF_PING, 0, 0, 0, false);
        if (si == SPACE_APP) c.pending.ping = false;
      }
    }
    if (!ackDue && afterAck > payloadStart && q == afterAck) {
      t.unacked = savedUnacked; t.deadline = savedDeadline;
      sp.sent.abandon();
      return 0;
    }
  }
  if (q == payloadStart) { sp.sent.abandon(); return 0; } // nothing to send in this space
  const isProbe = pkt.eliciting && sp.probes > 0;
  if (isProbe) sp.probes--;

  // Padding: to fill the datagram (Initial), or so that the header protection sample exists (RFC 9001 §5.4.2).
  let payloadLen = <i32>(q - payloadStart);
  // PATH_CHALLENGE / PATH_RESPONSE datagrams are expanded to what the path allows (§8.2.1-2).
  const want = pathFrames || (padToRoom && (!c.isServer || pkt.eliciting)) ? <i32>(payloadEnd - payloadStart) : 4 - pnLen;
  if (payloadLen < want) {
    encodePadding(q, payloadEnd, want - payloadLen);
    payloadLen = want;
  }
  if (lengthSize > 0) patchLength(lengthOffset, lengthSize, pnLen + payloadLen + TAG_LEN);
  if (qlogEnabled) {
    const size = hlen + payloadLen + TAG_LEN;
    qlogPacket(c, QLOG_PACKET_SENT, early ? QLOG_SPACE_ZERO_RTT : si, pn, size, si == SPACE_APP && !early ? <u8>c.keys.writePhase : 0, payloadStart, payloadLen, now, pkt.eliciting ? <i64>size : 0);
  }
  const total = protectPacket(p, hlen, pnOffset, pnLen, pn, payloadLen, early ? c.early.aead : sp.writeAead, early ? c.early.hp : sp.writeHp);
  if (total < 0) { sp.sent.abandon(); return 0; }
  if (early) c.early.packets++;
  sp.nextPn++;
  c.packetsSent++;
  if (pkt.eliciting) {
    sp.ownSent().commit(pn, now, total, true, true, pkt.largestAckedSent);
    sp.ackElicitingInFlight++;
    sp.timeOfLastAckEliciting = now;
    c.cc.onSent(total);
    if (si == SPACE_APP) c.pacer.onSent(total);
    // RFC 9002 §7: only probes may take bytes in flight above the window. Counted, not
    // assumed, so that the simulator can assert it.
    if (!isProbe && <f64>c.cc.bytesInFlight > c.cc.cwnd) c.sendsOverCwnd++;
    c.onElicitingSent(now); // §10.1 idle timer
  } else if (sp.sent.pendingFrames > 0) {
    // An ACK-only packet: recorded so that its acknowledgment lets the ACK tracker prune.
    sp.ownSent().commit(pn, now, total, false, false, pkt.largestAckedSent);
  }
  return total;
}

function writeAppFrames(c: Connection, q: usize, end: usize, now: f64): usize {
  q = writeHandshakeDone(c, q, end);
  q = writeNewToken(c, q, end);
  q = writeFlowFrames(c, q, end);
  q = writeCidFrames(c.ids, c.pending, q, end);
  q = writeStreamControl(c, q, end);
  q = writeDatagrams(c, q, end);
  // Stream data: most urgent first (0 = highest), round robin within an urgency level.
  const ids = c.streamIds;
  const count = ids.length;
  if (count == 0) return q;
  const start = <i32>(c.rrCounter % <u64>count);
  c.rrCounter++;
  for (let u = 0; u < 8; u++) {
    for (let k = 0; k < count; k++) {
      if (<i32>(end - q) < 24) return q;
      const idx = (start + k) % count;
      if (idx >= ids.length) continue;
      const s = c.streams.get(unchecked(ids[idx]));
      if (s.urgency != u || !s.wantsToSend()) continue;
      q = writeStreamData(c, s, q, end);
    }
  }
  return q;
}

