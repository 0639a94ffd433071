// Connection IDs of one connection (RFC 9000 §5.1, §7.2, §10.3), with the frames that
// manage them — NEW_CONNECTION_ID and RETIRE_CONNECTION_ID received, written, acked, lost.
//
// Ours (`issued`): every CID the peer may send to, each with its sequence number and
// stateless reset token; the endpoint generates them and routes them to this connection
// (endpoint/endpoint.ts syncCids), up to the peer's active_connection_id_limit (and at
// most MAX_ISSUED: what the peer asks for is state we hold). A CID the peer retires
// goes to `unrouted` for the endpoint to drop from its table, and a replacement is
// issued. `rotate()` asks the peer to retire all current ones (Retire Prior To).
//
// Theirs (`peers`): up to our active_connection_id_limit; `peer` is the one we send to.
// Retire Prior To retires older ones (RETIRE_CONNECTION_ID owed, §5.1.2) and moves us to
// the lowest unretired one when ours goes. More active CIDs than our limit is
// CONNECTION_ID_LIMIT_ERROR (§5.1.1).

import { PROTOCOL_VIOLATION, CONNECTION_ID_LIMIT_ERROR } from "../wire/errors";
import { NO_BYTES, NO_U64S, NO_BYTE_LISTS } from "../util/empty";
import { FrameType } from "../wire/frames/types";
import { encodeNewConnectionId, encodeOne } from "../wire/frames/encode";
import { SF_NEW_CONNECTION_ID, SF_RETIRE_CONNECTION_ID, SentFrame } from "../recovery/sent";
import { hdrDcid, hdrDcidLen } from "../wire/header";
import { Frame } from "./frame";
import { pkt } from "./packet";
import { Pending } from "./pending";

/** The token of a CID the peer gave none for (shared: asked for on every transmission, never written). */
const NO_TOKEN = new Uint8Array(0);

/** Most CIDs we keep issued to one peer, whatever its limit asks (§5.1.1 lets us give fewer). */
export const MAX_ISSUED: i32 = 8;

export class LocalCid {
  constructor(public seq: u64, public cid: Uint8Array, public token: Uint8Array) {}
  /** NEW_CONNECTION_ID owed for it (not yet sent, or lost). */
  owed: bool = true;
  /** The peer acknowledged it. */
  acked: bool = false;
}

export class PeerCid {
  constructor(public seq: u64, public cid: Uint8Array) {}
  /** Its stateless reset token (§10.3), when the peer gave one (not for a client's first CID). */
  token: Uint8Array = NO_TOKEN;
  /** We sent to it on some path: §9.5 forbids using it on another one (path.ts moveTo). */
  used: bool = false;
}

// NO_BYTES (util/empty.ts) is the shared empty array for the optional CIDs and tokens
// below (never written in place: fields are replaced).

export class ConnectionIds {
  /** Our first CID: the SCID of our long headers (chosen by the endpoint's generator). */
  local: Uint8Array = NO_BYTES;
  /** The peer's CID we send to (the DCID of our packets). */
  peer: Uint8Array = NO_BYTES;
  /** The DCID of the client's first Initial (Initial keys and §7.3 authentication). */
  originalDcid: Uint8Array = NO_BYTES;
  /** The SCID the peer used in its first packet (checked against initial_source_connection_id). */
  peerInitialScid: Uint8Array = NO_BYTES;
  /** The stateless reset token of our first CID (a server's stateless_reset_token parameter). */
  resetToken: Uint8Array = new Uint8Array(16);

  /** Our CIDs the peer may use (sequence order). */
  issued: Array<LocalCid> = new Array<LocalCid>();
  nextLocalSeq: u64 = 1;
  /** Our Retire Prior To: the peer must retire our CIDs below it (rotate()). */
  localRetirePriorTo: u64 = 0;
  /** Our CIDs retired by the peer, for the endpoint to stop routing (shared empty until the first). */
  unrouted: Array<Uint8Array> = NO_BYTE_LISTS;

  /** The peer's CIDs we hold (sequence order); `activeSeq` is the one in `peer`. */
  peers: Array<PeerCid> = new Array<PeerCid>();
  activeSeq: u64 = 0;
  /** The largest Retire Prior To the peer sent. */
  peerRetirePriorTo: u64 = 0;
  /** RETIRE_CONNECTION_ID owed (sequence numbers, each once; shared empty until the first). */
  retireOwed: Array<u64> = NO_U64S;
  /** The token registered with the endpoint for reset detection (endpoint.ts syncCids). */
  registeredToken: Uint8Array | null = null;
  /** Times we moved to another of the peer's CIDs. */
  switches: u32 = 0;

  /** Records our first CID (sequence 0) and its token. */
  setFirstLocal(cid: Uint8Array, token: Uint8Array): void {
    this.local = cid;
    this.resetToken = token;
    const first = new LocalCid(0, cid, token);
    first.owed = false; // it travels in the long header's SCID, its token in the transport parameters
    first.acked = true;
    this.issued = [first]; // a literal holds one element, `new Array` room for eight (most connections keep one)
  }

  /** Records the peer's first CID (sequence 0): the SCID of its first Initial. */
  setFirstPeer(cid: Uint8Array): void {
    this.peer = cid;
    this.peerInitialScid = cid;
    this.peerSet = true;
    const first = new PeerCid(0, cid);
    first.used = true;
    this.peers = [first]; // room for one, as `issued`
    this.activeSeq = 0;
  }

  /** The SCID of the Retry the client followed (server: the DCID the validated client used); empty without Retry (§7.3). */
  retrySource: Uint8Array = NO_BYTES;
  /** Client: the address validation token echoed in every Initial (§8.1: from a Retry or a NEW_TOKEN). */
  token: Uint8Array = NO_BYTES;

  /** The DCID of the client's current Initials: the one its Initial keys come from (RFC 9001 §5.2). */
  clientFirstDcid(): Uint8Array {
    return this.retrySource.length ? this.retrySource : this.originalDcid;
  }

  /** A client adopts the SCID of the server's first Initial as its DCID (§7.2). */
  adoptPeerScid(scid: usize, len: i32): void {
    if (this.peerSet) return;
    const cid = new Uint8Array(len);
    memory.copy(cid.dataStart, scid, <usize>len);
    this.setFirstPeer(cid);
  }

  /** The server's stateless_reset_token parameter: the token of its first CID. */
  setFirstPeerToken(p: usize): void {
    if (this.peers.length == 0 || this.peers[0].seq != 0) return;
    const t = new Uint8Array(16);
    memory.copy(t.dataStart, p, 16);
    this.peers[0].token = t;
  }

  /** The token of the CID we send to (empty when the peer gave none). */
  activeToken(): Uint8Array {
    for (let i = 0; i < this.peers.length; i++) if (this.peers[i].seq == this.activeSeq) return this.peers[i].token;
    return NO_TOKEN;
  }

  /** Our CIDs not being retired: what counts against the peer's limit. */
  activeIssued(): i32 {
    let n = 0;
    for (let i = 0; i < this.issued.length; i++) if (this.issued[i].seq >= this.localRetirePriorTo) n++;
    return n;
  }

  /** Server: the addresses of our preferred_address (24 bytes, shared with the endpoint), empty when none. */
  preferredAddress: Uint8Array = NO_BYTES;
  /** The peer's CID is known (a client learns it from the server's first Initial, §7.2). Last: no padding after it (issue 17). */
  peerSet: bool = false;

  /**
   * Server: our preferred address (RFC 9000 §9.6) and its CID, sequence number 1 (§5.1.1),
   * which travels with its token in the transport parameter, not in NEW_CONNECTION_ID.
   */
  setPreferredLocal(address: Uint8Array, cid: Uint8Array, token: Uint8Array): void {
    this.preferredAddress = address;
    const l = new LocalCid(this.nextLocalSeq++, cid, token);
    l.owed = false;
    l.acked = true;
    this.issued.push(l);
  }

  /** Writes the preferred_address parameter body at p (24 + 1 + CID + 16 bytes); its length, 0 when none. */
  writePreferred(p: usize): i32 {
    if (this.preferredAddress.length != 24 || this.issued.length < 2 || this.issued[1].seq != 1) return 0;
    const l = this.issued[1];
    memory.copy(p, this.preferredAddress.dataStart, 24);
    store<u8>(p + 24, <u8>l.cid.length);
    memory.copy(p + 25, l.cid.dataStart, <usize>l.cid.length);
    memory.copy(p + 25 + <usize>l.cid.length, l.token.dataStart, 16);
    return 25 + l.cid.length + 16;
  }

  /** A new CID of ours (generated by the endpoint), owed to the peer in NEW_CONNECTION_ID. */
  addIssued(cid: Uint8Array, token: Uint8Array): void {
    this.issued.push(new LocalCid(this.nextLocalSeq++, cid, token));
  }

  /**
   * Asks the peer to retire every CID issued so far (§5.1.2): new ones follow with Retire
   * Prior To. False while the peer has not retired those of the previous rotation: the
   * CIDs we keep routing stay bounded (2 × MAX_ISSUED) however often this is asked.
   */
  rotate(): bool {
    if (this.activeIssued() < this.issued.length) return false;
    this.localRetirePriorTo = this.nextLocalSeq;
    return true;
  }

  /** RETIRE_CONNECTION_ID owed for the peer's CID `seq` (once). */
  queueRetireSeq(seq: u64): void {
    for (let i = 0; i < this.retireOwed.length; i++) if (this.retireOwed[i] == seq) return;
    if (this.retireOwed == NO_U64S) this.retireOwed = new Array<u64>();
    this.retireOwed.push(seq);
  }

  /** When the CID we send to was retired, moves to the lowest one left. */
  switchIfRetired(): void {
    for (let i = 0; i < this.peers.length; i++) if (this.peers[i].seq == this.activeSeq) return;
    // The CID in use was retired: take the lowest remaining (the list is in sequence order).
    const next = this.peers[0];
    this.activeSeq = next.seq;
    this.peer = next.cid;
    next.used = true;
    this.switches++;
  }

  /** The lowest-numbered CID of the peer's never sent to on any path (§9.5), or null. */
  unusedPeer(): PeerCid | null {
    for (let i = 0; i < this.peers.length; i++) if (!this.peers[i].used) return this.peers[i];
    return null;
  }

  /** We hold the peer's CID `seq` and never sent to it. */
  holdsUnused(seq: u64): bool {
    for (let i = 0; i < this.peers.length; i++) if (this.peers[i].seq == seq) return !this.peers[i].used;
    return false;
  }

  /**
   * The server's preferred_address (§18.2, validated by wire/tparams.ts: addresses, CID
   * length, CID, reset token at p): its CID is sequence number 1 (§5.1.1), with its token.
   */
  addPreferred(p: usize, len: i32): void {
    const cidLen = <i32>load<u8>(p + 24);
    if (len != 25 + cidLen + 16 || this.peers.length != 1) return;
    const cid = new Uint8Array(cidLen);
    memory.copy(cid.dataStart, p + 25, <usize>cidLen);
    const entry = new PeerCid(1, cid);
    const token = new Uint8Array(16);
    memory.copy(token.dataStart, p + 25 + <usize>cidLen, 16);
    entry.token = token;
    this.peers.push(entry);
  }

  /** Sends to the peer's CID `seq` from now on (a path move); false when we no longer hold it. */
  useSeq(seq: u64): bool {
    for (let i = 0; i < this.peers.length; i++) {
      const p = this.peers[i];
      if (p.seq != seq) continue;
      if (seq != this.activeSeq) this.switches++;
      p.used = true;
      this.activeSeq = seq;
      this.peer = p.cid;
      return true;
    }
    return false;
  }

  /**
   * Retires the peer's CID `seq` (a path that used it is gone, §9.5: it must not travel on
   * another path): RETIRE_CONNECTION_ID owed, and the peer issues a replacement. Not the
   * one in use, and never the last one held.
   */
  retirePeerSeq(seq: u64, owed: Pending): void {
    if (seq == this.activeSeq || this.peers.length < 2) return;
    for (let i = 0; i < this.peers.length; i++) {
      if (this.peers[i].seq != seq) continue;
      this.peers.splice(i, 1);
      this.queueRetireSeq(seq);
      owed.cids = true;
      return;
    }
  }
}

function sameBytes(a: Uint8Array, p: usize, len: i32): bool {
  return a.length == len && memory.compare(a.dataStart, p, <usize>len) == 0;
}

/** How many RETIRE_CONNECTION_ID frames may wait unsent before the peer is cut off (§5.1.2). */
function retireCap(limit: i32): i32 {
  return limit * 4 > 16 ? limit * 4 : 16;
}

/** NEW_CONNECTION_ID (§19.15) received; `limit` is our active_connection_id_limit. Returns 0 or -code. */
export function onNewConnectionId(ids: ConnectionIds, owed: Pending, f: Frame, limit: i32): i32 {
  // §19.15: an endpoint sending to a zero-length CID must not receive it.
  if (ids.peer.length == 0) return -PROTOCOL_VIOLATION;
  const seq = f.a, rpt = f.b;
  const peers = ids.peers;
  // A repeat must say the same thing; a CID or a sequence number reused differently is an error.
  for (let i = 0; i < peers.length; i++) {
    const p = peers[i];
    const sameCid = sameBytes(p.cid, f.data, f.dataLen);
    if (p.seq == seq) {
      if (sameCid && (p.token.length == 0 || memory.compare(p.token.dataStart, f.token, 16) == 0)) return 0;
      return -PROTOCOL_VIOLATION;
    }
    if (sameCid) return -PROTOCOL_VIOLATION;
  }
  if (seq < ids.peerRetirePriorTo) {
    // Already covered by an earlier Retire Prior To: retire it at once (§19.15).
    ids.queueRetireSeq(seq);
  } else {
    if (rpt > ids.peerRetirePriorTo) {
      // Every sequence number below it is retired, also those whose NEW_CONNECTION_ID has
      // not arrived (it may have been lost, and the peer need not send it again): the peer
      // keeps routing a CID until we retire it.
      if (rpt - ids.peerRetirePriorTo > <u64>retireCap(limit)) return -CONNECTION_ID_LIMIT_ERROR;
      for (let q = ids.peerRetirePriorTo; q < rpt; q++) ids.queueRetireSeq(q);
      ids.peerRetirePriorTo = rpt;
      let k = 0;
      for (let i = 0; i < peers.length; i++) {
        const p = peers[i];
        if (p.seq >= rpt) peers[k++] = p;
      }
      peers.length = k;
    }
    const cid = new Uint8Array(f.dataLen);
    memory.copy(cid.dataStart, f.data, <usize>f.dataLen);
    const entry = new PeerCid(seq, cid);
    const token = new Uint8Array(16);
    memory.copy(token.dataStart, f.token, 16);
    entry.token = token;
    // Keep sequence order (frames may arrive reordered).
    peers.push(entry);
    for (let at = peers.length - 1; at > 0 && peers[at - 1].seq > seq; at--) {
      peers[at] = peers[at - 1];
      peers[at - 1] = entry;
    }
    // §5.1.1: after adding and retiring, more active CIDs than we allowed is an error.
    if (peers.length > limit) return -CONNECTION_ID_LIMIT_ERROR;
    ids.switchIfRetired();
  }
  if (ids.retireOwed.length > 0) owed.cids = true;
  if (ids.retireOwed.length > retireCap(limit)) return -CONNECTION_ID_LIMIT_ERROR;
  return 0;
}

/** RETIRE_CONNECTION_ID (§19.16) received. Returns 0 or -code. */
export function onRetireConnectionId(ids: ConnectionIds, f: Frame): i32 {
  const seq = f.a;
  // §19.16: a sequence number we never sent is a violation.
  if (seq >= ids.nextLocalSeq) return -PROTOCOL_VIOLATION;
  const list = ids.issued;
  for (let i = 0; i < list.length; i++) {
    const l = list[i];
    if (l.seq != seq) continue;
    // §19.16: it must not name the CID the packet carrying it was sent to.
    if (sameBytes(l.cid, hdrDcid, hdrDcidLen)) return -PROTOCOL_VIOLATION;
    list.splice(i, 1);
    if (ids.unrouted == NO_BYTE_LISTS) ids.unrouted = new Array<Uint8Array>();
    ids.unrouted.push(l.cid);
    return 0;
  }
  return 0; // retired already (a repeat)
}

/** Writes the NEW_CONNECTION_ID and RETIRE_CONNECTION_ID frames owed (1-RTT packets; `owed.cids` says whether any is). */
export function writeCidFrames(ids: ConnectionIds, owed: Pending, q: usize, end: usize): usize {
  if (!owed.cids) return q;
  while (ids.retireOwed.length) {
    const seq = ids.retireOwed[0];
    const n = encodeOne(q, end, FrameType.RETIRE_CONNECTION_ID, seq);
    if (n <= 0) return q;
    q += <usize>n;
    ids.retireOwed.shift();
    pkt.wrote(SF_RETIRE_CONNECTION_ID, seq, 0, 0, false);
  }
  const list = ids.issued;
  for (let i = 0; i < list.length; i++) {
    const l = list[i];
    if (!l.owed) continue;
    const rpt = ids.localRetirePriorTo < l.seq ? ids.localRetirePriorTo : l.seq;
    const n = encodeNewConnectionId(q, end, l.seq, rpt, l.cid.dataStart, l.cid.length, l.token.dataStart);
    if (n <= 0) return q;
    q += <usize>n;
    l.owed = false;
    pkt.wrote(SF_NEW_CONNECTION_ID, l.seq, 0, 0, false);
  }
  owed.cids = false; // everything fitted
  return q;
}

/** A packet with our NEW_CONNECTION_ID was lost: owed again if the CID is still ours and unacknowledged. */
export function onNewCidLost(ids: ConnectionIds, owed: Pending, f: SentFrame): void {
  const list = ids.issued;
  for (let i = 0; i < list.length; i++) {
    const l = list[i];
    // Not for a CID we asked the peer to retire: the newer frames' Retire Prior To covers it.
    if (l.seq == f.streamId && !l.acked && l.seq >= ids.localRetirePriorTo) { l.owed = true; owed.cids = true; return; }
  }
}

/** Our NEW_CONNECTION_ID was acknowledged: a PTO no longer resends it. */
export function onNewCidAcked(ids: ConnectionIds, f: SentFrame): void {
  const list = ids.issued;
  for (let i = 0; i < list.length; i++) if (list[i].seq == f.streamId) { list[i].acked = true; list[i].owed = false; return; }
}

/** A packet with our RETIRE_CONNECTION_ID was lost: owed again. */
export function onRetireCidLost(ids: ConnectionIds, owed: Pending, f: SentFrame): void {
  ids.queueRetireSeq(f.streamId);
  owed.cids = true;
}

/** Our RETIRE_CONNECTION_ID was acknowledged: a copy queued by a PTO need not go out. */
export function onRetireCidAcked(ids: ConnectionIds, f: SentFrame): void {
  const owed = ids.retireOwed;
  for (let i = 0; i < owed.length; i++) if (owed[i] == f.streamId) { owed.splice(i, 1); return; }
}
