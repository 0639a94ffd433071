// Receiving: split a datagram into packets, remove protection, check the packet, and
// dispatch its frames (RFC 9000 §12, §13, §19; RFC 9001 §5). A packet that cannot be
// opened is dropped (counted), never a connection error; a frame that breaks the
// rules closes the connection with the matching error code.

import { Connection, STATE_CLOSING, STATE_DRAINING, STATE_CLOSED } from "./connection";
import { PacketSpace, NO_PACKETS, SPACE_INITIAL, SPACE_HANDSHAKE, SPACE_APP, MAX_BUFFERED_PACKETS, levelOfSpace } from "./space";
import { parseHeader, hdrType, hdrIsLong, hdrPnOffset, hdrScid, hdrScidLen, hdrDcid, hdrDcidLen, hdrVersion } from "../wire/header";
import { PacketType } from "../wire/version";
import { unprotectPacket, removeHeaderProtection, openPayload, unprotectedPn, unprotectedFirstByte, unprotectedHeaderLen } from "../crypto/protect";
import { readKeyFor, readHandle, onPeerUpdated, onOpenedCurrent, KEY_NEXT, KEY_CURRENT } from "./keyupdate";
import { ERR_DROP_PACKET } from "../wire/errors";
import { decodeFrame, fType } from "../wire/frames/decode";
import { takeFrame, Frame } from "./frame";
import { onMaxData, onMaxStreams, onBlocked } from "./flow";
import { onStreamFrame, onResetStream, onStopSending, onMaxStreamData, onStreamDataBlocked } from "./streams/frames";
import { FrameType } from "../wire/frames/types";
import { frameAllowedIn, frameIsAckEliciting, frameIsProbing, frameRowIndex, FRAME_ROWS, PKT_I, PKT_H, PKT_0, PKT_1 } from "../wire/frames/table";
import { earlyAdmits, onFirstOneRtt } from "./early";
import { PROTOCOL_VIOLATION, FRAME_ENCODING_ERROR } from "../wire/errors";
import { onCryptoFrame } from "./crypto-frames";
import { onNewConnectionId, onRetireConnectionId } from "./cid";
import { onPathFrame, beginDatagram, fromOtherPath, onPacketFromOtherPath, holdWhileBlocked } from "./path";
import { ConfigKey } from "./config";
import { onHandshakeDone, onConnectionClose } from "./close";
import { onVersionNegotiation } from "./version-negotiation";
import { onDatagramFrame } from "./datagrams";
import { onRetry } from "./retry";
import { onNewToken } from "./new-token";
import { onOtherVersion, OTHER_VERSION_DROP, OTHER_VERSION_CURRENT_KEYS, OTHER_VERSION_ORIGINAL_KEYS } from "./versions";
import { onAckFrame, setLossTimer } from "./loss";
import { isLocalStream } from "./stream-ops";
import { pushEvent, EventKind } from "./events";
import { Stream } from "./streams/stream";
import { qlogEnabled, qlogPacket, QLOG_PACKET_RECEIVED, QLOG_PACKET_DROPPED, QLOG_DROPPED_DECRYPTION, QLOG_DROPPED_DUPLICATE, QLOG_DROPPED_KEYS_GONE, QLOG_SPACE_ZERO_RTT } from "./qlog";

/** Feeds the packets of a datagram [p, end) that came on path `pathHandle` to `c`. */
export function receiveDatagram(c: Connection, p: usize, end: usize, localCidLen: i32, pathHandle: i32, now: f64): void {
  if (c.state == STATE_CLOSED) return;
  beginDatagram(c, pathHandle, <f64>(end - p)); // §8.1: bytes count on the path they came on
  c.bytesReceivedTotal += <u64>(end - p);
  let q = p;
  let first = true;
  let dcid: usize = 0, dcidLen = 0;
  while (q < end) {
    const n = parseHeader(q, end, localCidLen, c.config.get(ConfigKey.GREASE_QUIC_BIT) != 0);
    if (n <= 0) { c.packetsDropped++; break; }
    // §12.2: coalesced packets must share the first packet's DCID; others are dropped.
    // (The first one's, not ours: a client's Initial and 0-RTT both carry the DCID it chose.)
    if (first) { dcid = hdrDcid; dcidLen = hdrDcidLen; }
    else if (hdrDcidLen != dcidLen || memory.compare(hdrDcid, dcid, <usize>dcidLen) != 0) { c.packetsDropped++; break; }
    first = false;
    const isLong = hdrIsLong;
    receivePacket(c, q, n, now);
    q += <usize>n;
    if (!isLong) break;
  }
  if (c.state == STATE_CLOSING && c.closeDeadline > now) c.pending.close = true; // answer with CONNECTION_CLOSE again (§10.2.1)
  holdWhileBlocked(c); // the bytes received (or an address validated) may give a server budget again
}

function spaceOfType(t: i32): i32 {
  if (t == PacketType.INITIAL) return SPACE_INITIAL;
  if (t == PacketType.HANDSHAKE) return SPACE_HANDSHAKE;
  if (t == PacketType.ONE_RTT || t == PacketType.ZERO_RTT) return SPACE_APP;
  return -1;
}

/** One packet at p (length n, header already parsed into the hdr* globals). */
function receivePacket(c: Connection, p: usize, n: i32, now: f64): void {
  const t = hdrType;
  if (t == PacketType.VERSION_NEGOTIATION) { if (!onVersionNegotiation(c, p + <usize>n)) c.packetsDropped++; return; }
  if (t == PacketType.RETRY) { if (!onRetry(c, p, n)) c.packetsDropped++; return; }
  if (t == PacketType.UNKNOWN_VERSION) { c.packetsDropped++; return; }
  // Another version than the connection's: compatible version negotiation (conn/versions.ts) may take it.
  const otherVersion = hdrIsLong && hdrVersion != c.version ? onOtherVersion(c, t, hdrVersion) : OTHER_VERSION_CURRENT_KEYS;
  if (otherVersion == OTHER_VERSION_DROP) { c.packetsDropped++; return; }
  const early = t == PacketType.ZERO_RTT; // opened with the 0-RTT keys (conn/early.ts), application space
  if (early && !earlyAdmits(c, p, n)) return;
  const si = spaceOfType(t);
  if (si < 0) { c.packetsDropped++; return; }
  const sp = c.spaces[si];
  if (sp.discarded) {
    c.packetsDropped++;
    if (qlogEnabled) qlogPacket(c, QLOG_PACKET_DROPPED, si, 0, n, QLOG_DROPPED_KEYS_GONE, 0, 0, now);
    return;
  }
  if (!early && !sp.hasReadKeys()) {
    // Keys not here yet (reordering, or the server's first Initial before the host
    // installed keys): keep a copy to try again when they arrive (RFC 9001 §5.7).
    if (sp.buffered.length < MAX_BUFFERED_PACKETS) {
      const copy = new Uint8Array(n);
      memory.copy(copy.dataStart, p, <usize>n);
      if (sp.buffered == NO_PACKETS) sp.buffered = new Array<Uint8Array>();
      sp.buffered.push(copy);
    } else c.packetsDropped++;
    return;
  }
  const scid = hdrScid, scidLen = hdrScidLen, isLong = hdrIsLong;
  const payloadLen = isLong
    ? unprotectPacket(p, n, <i32>(hdrPnOffset - p), sp.ack.largest,
      early ? c.early.aead : otherVersion == OTHER_VERSION_ORIGINAL_KEYS ? c.origInitialReadAead : sp.readAead,
      early ? c.early.hp : otherVersion == OTHER_VERSION_ORIGINAL_KEYS ? c.origInitialReadHp : sp.readHp)
    : unprotectShort(c, sp, p, n, now);
  if (payloadLen < 0) {
    c.packetsDropped++;
    if (qlogEnabled) qlogPacket(c, QLOG_PACKET_DROPPED, si, 0, n, QLOG_DROPPED_DECRYPTION, 0, 0, now);
    return;
  }
  const pn = unprotectedPn;
  const firstByte = unprotectedFirstByte;
  // §17.2 / §17.3.1: reserved bits must be zero after removing protection.
  if ((isLong && (firstByte & 0x0c) != 0) || (!isLong && (firstByte & 0x18) != 0)) {
    c.startClose(PROTOCOL_VIOLATION, 0, false, 0, 0, now);
    return;
  }
  if (sp.ack.isDuplicate(pn)) {
    c.packetsDropped++;
    if (qlogEnabled) qlogPacket(c, QLOG_PACKET_DROPPED, si, pn, n, QLOG_DROPPED_DUPLICATE, 0, 0, now);
    return;
  }
  c.packetsReceived++;
  if (!isLong) c.wireBits.onReceived(firstByte, pn, c.isServer);

  // The client takes the server's SCID as its DCID from the first Initial (§7.2).
  if (!c.isServer && t == PacketType.INITIAL) c.ids.adoptPeerScid(scid, scidLen);
  const payload = p + <usize>unprotectedHeaderLen;
  const keyPhaseBit: u8 = isLong ? 0 : <u8>((firstByte >> 2) & 1);
  if (c.state == STATE_DRAINING) {
    if (qlogEnabled) qlogPacket(c, QLOG_PACKET_RECEIVED, early ? QLOG_SPACE_ZERO_RTT : si, pn, n, keyPhaseBit, payload, payloadLen, now);
    return;
  }

  const largestBefore = sp.ack.largest;
  const pktBit = si == SPACE_INITIAL ? PKT_I : si == SPACE_HANDSHAKE ? PKT_H : early ? PKT_0 : PKT_1;
  if (early) c.early.packets++;
  else if (si == SPACE_APP) onFirstOneRtt(c);
  if (early) c.early.receiving = true; // a 0-RTT packet opened: this connection has its own state
  const ackEliciting = processFrames(c, sp, payload, payload + <usize>payloadLen, pktBit, now);
  if (early) c.early.receiving = false;
  // Logged after processing so that the metrics include what this packet's ACK changed.
  if (qlogEnabled) qlogPacket(c, QLOG_PACKET_RECEIVED, early ? QLOG_SPACE_ZERO_RTT : si, pn, n, keyPhaseBit, payload, payloadLen, now);
  if (ackEliciting < 0) return; // closed
  c.onPeerActivity(now);
  sp.ownAck().onReceived(pn, ackEliciting == 1, now, si != SPACE_APP, c.localMaxAckDelay());
  c.armAckTimer();

  if (c.isServer && si == SPACE_HANDSHAKE) {
    // §8.1: a Handshake packet proves the client's address; RFC 9001 §4.9.1: drop Initial keys.
    c.path.validated = true;
    c.discardSpace(SPACE_INITIAL);
  }
  if (!c.isServer && si != SPACE_INITIAL) c.path.validated = true;
  // §9.3: the highest-numbered non-probing packet from another address moves the peer there.
  if (si == SPACE_APP && !early && fromOtherPath(c)) onPacketFromOtherPath(c, nonProbing && <i64>pn > largestBefore, now);
  if (c.state < STATE_CLOSING) setLossTimer(c, now);
}

/** A 1-RTT packet: its key phase bit picks the generation that opens it (RFC 9001 §6.3). */
function unprotectShort(c: Connection, sp: PacketSpace, p: usize, n: i32, now: f64): i32 {
  const r = removeHeaderProtection(p, n, <i32>(hdrPnOffset - p), sp.ack.largest, sp.readHp);
  if (r < 0) return r;
  const pn = unprotectedPn;
  const which = readKeyFor(c.keys, (unprotectedFirstByte >> 2) & 1, pn);
  const handle = readHandle(sp, c.keys, which);
  if (handle == 0) return -ERR_DROP_PACKET; // next keys not installed yet, or old ones gone
  const len = openPayload(p, n, handle);
  if (len < 0) return len;
  // Only an authenticated packet may move the key phase (§6.3: never on a failed open).
  if (which == KEY_NEXT) onPeerUpdated(c, sp, pn, now);
  else if (which == KEY_CURRENT) onOpenedCurrent(c.ownKeys(), pn);
  return len;
}

/** The packet processFrames handled last carried a non-probing frame (§9.1). */
let nonProbing = false;

/** Dispatches frames; returns 1 if any was ack-eliciting, 0 if none, -1 if the connection closed. */
function processFrames(c: Connection, sp: PacketSpace, p: usize, end: usize, pktBit: u8, now: f64): i32 {
  nonProbing = false;
  if (p >= end) { c.startClose(PROTOCOL_VIOLATION, 0, false, 0, 0, now); return -1; } // §12.4: a packet needs a frame
  let eliciting = 0;
  let cryptoArrived = false;
  while (p < end) {
    const n = decodeFrame(p, end);
    if (n < 0) { c.startClose(<u64>(-n), fType, false, 0, 0, now); return -1; }
    const type = fType;
    if (!frameAllowedIn(type, pktBit)) { c.startClose(PROTOCOL_VIOLATION, type, false, 0, 0, now); return -1; }
    if (frameIsAckEliciting(type)) eliciting = 1;
    if (!frameIsProbing(type)) nonProbing = true;
    const r = handleFrame(c, sp, type, now);
    if (r < 0) {
      if (c.state < STATE_CLOSING) c.startClose(<u64>(-r), type, false, 0, 0, now);
      return -1;
    }
    if (r == 2) cryptoArrived = true;
    if (c.state >= STATE_DRAINING) return -1;
    p += <usize>n;
  }
  if (cryptoArrived) pushEvent(EventKind.CRYPTO_DATA, <u32>c.handle, <u64>levelOfSpace(sp.id), 0, 0);
  return eliciting;
}

/** A received frame's handler: 0, 2 (CRYPTO data arrived) or -code (the connection closes with it). */
export type FrameHandler = (c: Connection, sp: PacketSpace, f: Frame, now: f64) => i32;

/**
 * The handler column of RFC 9000 Table 3 (wire/frames/table.ts holds the other columns),
 * one row per frameRowIndex: a decoded frame goes as a record to the room that owns its
 * state (conn/README.md). Adding a frame type is one row here and one in table.ts.
 */
const FRAME_HANDLERS: StaticArray<FrameHandler> = [
  onPadding,            // 0x00 PADDING
  onPadding,            // 0x01 PING (only elicits an ACK)
  onAckFrame,           // 0x02 ACK                      loss.ts
  onAckFrame,           // 0x03 ACK_ECN                  loss.ts
  onResetStream,        // 0x04 RESET_STREAM             streams/frames.ts
  onStopSending,        // 0x05 STOP_SENDING             streams/frames.ts
  onCryptoFrame,        // 0x06 CRYPTO                   crypto-frames.ts
  onToken,              // 0x07 NEW_TOKEN                new-token.ts
  onStreamFrame, onStreamFrame, onStreamFrame, onStreamFrame, // 0x08-0x0b STREAM  streams/frames.ts
  onStreamFrame, onStreamFrame, onStreamFrame, onStreamFrame, // 0x0c-0x0f STREAM
  onMaxData,            // 0x10 MAX_DATA                 flow.ts
  onMaxStreamData,      // 0x11 MAX_STREAM_DATA          streams/frames.ts
  onMaxStreams,         // 0x12 MAX_STREAMS (bidi)       flow.ts
  onMaxStreams,         // 0x13 MAX_STREAMS (uni)        flow.ts
  onBlocked,            // 0x14 DATA_BLOCKED             flow.ts
  onStreamDataBlocked,  // 0x15 STREAM_DATA_BLOCKED      streams/frames.ts
  onBlocked,            // 0x16 STREAMS_BLOCKED (bidi)   flow.ts
  onBlocked,            // 0x17 STREAMS_BLOCKED (uni)    flow.ts
  onNewCid,             // 0x18 NEW_CONNECTION_ID        cid.ts
  onRetireCid,          // 0x19 RETIRE_CONNECTION_ID     cid.ts
  onPath,               // 0x1a PATH_CHALLENGE           path.ts
  onPath,               // 0x1b PATH_RESPONSE            path.ts
  onConnectionClose,    // 0x1c CONNECTION_CLOSE         close.ts
  onConnectionClose,    // 0x1d CONNECTION_CLOSE (app)   close.ts
  onHandshakeDone,      // 0x1e HANDSHAKE_DONE           close.ts
  onDatagram,           // 0x30 DATAGRAM                 datagrams.ts
  onDatagram,           // 0x31 DATAGRAM (with length)   datagrams.ts
];
assert(FRAME_HANDLERS.length == FRAME_ROWS, "frame handler column out of step with wire/frames/table.ts");

/** One decoded frame, dispatched by its row. Returns 0, 2 (CRYPTO data arrived) or -code. */
function handleFrame(c: Connection, sp: PacketSpace, type: u64, now: f64): i32 {
  const row = frameRowIndex(type);
  if (row < 0) return -FRAME_ENCODING_ERROR; // unreachable: the decoder refuses unknown types
  return unchecked(FRAME_HANDLERS[row])(c, sp, takeFrame(), now);
}

function onPadding(c: Connection, sp: PacketSpace, f: Frame, now: f64): i32 { return 0; }

// Adapters to the rows' signature: these rooms take the connection (or their own state)
// and the frame only.
function onToken(c: Connection, sp: PacketSpace, f: Frame, now: f64): i32 { return onNewToken(c, f); }
function onDatagram(c: Connection, sp: PacketSpace, f: Frame, now: f64): i32 { return onDatagramFrame(c, f); }
// §5.1.1: more active CIDs than our active_connection_id_limit is CONNECTION_ID_LIMIT_ERROR.
function onNewCid(c: Connection, sp: PacketSpace, f: Frame, now: f64): i32 {
  return onNewConnectionId(c.ids, c.pending, f, <i32>c.config.get(ConfigKey.ACTIVE_CONNECTION_ID_LIMIT));
}
function onRetireCid(c: Connection, sp: PacketSpace, f: Frame, now: f64): i32 { return onRetireConnectionId(c.ids, f); }
// The path frames act on the arrival path (PATH_CHALLENGE) or any path of ours (PATH_RESPONSE).
function onPath(c: Connection, sp: PacketSpace, f: Frame, now: f64): i32 { return onPathFrame(c, f); }

/** Retries packets buffered before their keys (called when read keys are installed). */
export function replayBuffered(c: Connection, si: i32, localCidLen: i32, now: f64): void {
  const sp = c.spaces[si];
  beginDatagram(c, c.path.handle, 0); // buffered before keys: counted when it arrived
  const list = sp.buffered;
  sp.buffered = NO_PACKETS;
  for (let i = 0; i < list.length; i++) {
    const b = unchecked(list[i]);
    const n = parseHeader(b.dataStart, b.dataStart + <usize>b.length, localCidLen, c.config.get(ConfigKey.GREASE_QUIC_BIT) != 0);
    if (n > 0) receivePacket(c, b.dataStart, n, now);
  }
}

export { isLocalStream, Stream };
