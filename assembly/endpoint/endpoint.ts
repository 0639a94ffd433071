// The endpoint (RFC 9000 §5.2, §6, §14.1): demultiplexes datagrams to connections by
// destination CID, accepts new connections from client Initials that authenticate,
// answers unknown versions with Version Negotiation, and serves its connections'
// timers and transmissions. Constant cost per datagram: a CID is found through a
// keyed hash table (cid-table.ts), deadlines sit in a heap (timer-heap.ts) that each
// connection's timer table updates when its earliest deadline moves (conn/timer-table.ts
// deadlineSink), and only connections that something touched — a datagram, a command
// from the host, an expired timer — are asked to send (handle-queue.ts).
//
// One core instance holds exactly one endpoint (module-level `ep`): a host that wants
// several endpoints instantiates the core several times (memory is per instance, so
// endpoints never share state). Decided in issue 17; see README "layout".

import { Connection, STATE_CLOSING, STATE_DRAINING, STATE_CLOSED } from "../conn/connection";
import { Config, ConfigKey } from "../conn/config";
import { receiveDatagram } from "../conn/receive";
import { buildDatagram } from "../conn/transmit";
import { pathRef, pathRefs, releasePaths } from "../conn/path";
import { nextTimeout, onTimers } from "../conn/timers";
import { setDeadlineSink } from "../conn/timer-table";
import { parseHeader, hdrFirstByte, hdrType, hdrIsLong, hdrDcid, hdrDcidLen, hdrScid, hdrScidLen, hdrVersion, hdrPnOffset, buildVersionNegotiation } from "../wire/header";
import { PacketType, QUIC_V1, QUIC_V2, isSupportedVersion } from "../wire/version";
import { speaks, localVersionList } from "../conn/versions";
import { prngNext } from "../util/prng";
import { hostRandomFill } from "../util/entropy";
import { pushEvent, EventKind } from "../conn/events";
import { CidTable } from "./cid-table";
import { TimerHeap } from "./timer-heap";
import { HandleQueue } from "./handle-queue";
import { HalfOpenList } from "./half-open";
import { initialAuthenticates } from "./initial-probe";
import { CidGenerator } from "./cid-gen";
import { StatelessReset, endsWithToken } from "./stateless-reset";
import { MAX_ISSUED } from "../conn/cid";
import { TpId } from "../wire/tparams";
import { TOKEN_MAX } from "./address-token";
import { retry, mintNewToken, checkInitialToken, shouldRetry, queueRetry, pollRetry, retryTxPath, retryOdcid, retryOdcidLen, TOKEN_NONE, TOKEN_VALID_RETRY } from "./retry";

/** Counters the host reads through endpointStats (abi/conn.ts). */
export class EndpointCounters {
  datagramsDropped: f64 = 0;
  /** Initial-shaped datagrams for unknown CIDs that did not decrypt (junk): no state taken. */
  initialsUnauthenticated: f64 = 0;
  /** Half-open connections evicted to make room for a newer one. */
  halfOpenEvicted: f64 = 0;
  /** Initials refused because their path already had its share of half-open connections. */
  refusedPerPath: f64 = 0;
  /** Initials refused because every slot held an established connection. */
  refusedFull: f64 = 0;
  /** Connections closed by the handshake timeout. */
  handshakeTimeouts: f64 = 0;
}

export class Endpoint {
  isServer: bool = false;
  localCidLen: i32 = 8;
  defaults: Config = new Config();
  /** Connections by handle (index 0 unused). */
  conns: Array<Connection | null> = [null];
  free: Array<i32> = new Array<i32>();
  live: i32 = 0;
  maxConnections: i32 = 10000;
  maxHalfOpen: i32 = 1024;
  maxHalfOpenPerPath: i32 = 8;
  /** µs from connect (client) or first Initial (server) until the handshake must be complete. */
  handshakeTimeout: f64 = 10_000_000;
  cids: CidTable = new CidTable();
  /** Where our CIDs come from (random, QUIC-LB, the host's function). */
  cidGen: CidGenerator = new CidGenerator();
  /** Reset tokens, resets sent, resets recognised (stateless-reset.ts). */
  reset: StatelessReset = new StatelessReset();
  /** Client with zero-length CIDs: path handle -> connection (datagrams carry no CID to route by). */
  byPath: Map<i32, i32> = new Map<i32, i32>();
  timers: TimerHeap = new TimerHeap();
  /** Connections that may have something to send. */
  sendQueue: HandleQueue = new HandleQueue();
  halfOpen: HalfOpenList = new HalfOpenList();
  /** Per handle: the handshake deadline (+Infinity once complete). */
  hsDeadline: StaticArray<f64> = new StaticArray<f64>(0);
  counters: EndpointCounters = new EndpointCounters();
  lastNow: f64 = 0;
  // A Version Negotiation packet waiting for pollTransmit (one at most: a newer one replaces it).
  vn: Uint8Array = new Uint8Array(0);
  vnPath: i32 = 0;
  /** Server: the 24 address bytes of our preferred_address (RFC 9000 §18.2), empty when none (abi/paths.ts). */
  preferredAddress: Uint8Array = new Uint8Array(0);
}

export const ep = new Endpoint();

/** The connection behind a handle, without marking it touched. */
export function connAt(h: i32): Connection | null {
  if (h <= 0 || h >= ep.conns.length) return null;
  return unchecked(ep.conns[h]);
}

/** Something may have changed for `h`: ask it to send (its deadlines are written by its rooms). */
export function touch(h: i32): void {
  ep.sendQueue.push(h);
}

/** A connection's earliest deadline moved (its timer table calls this): move it in the heap. */
function onDeadlineMoved(h: i32): void {
  const c = connAt(h);
  if (c) ep.timers.set(h, deadlineOf(c));
}
setDeadlineSink(onDeadlineMoved);

/** The connection behind a handle for an ABI door: the door may change it, so it is touched. */
export function getConn(h: i32): Connection | null {
  const c = connAt(h);
  if (c) touch(h);
  return c;
}

/** Handles reachable right now (the connection limit bounds it). */
function allocHandle(): i32 {
  if (ep.live >= ep.maxConnections) return -1;
  if (ep.free.length) return ep.free.pop();
  const h = ep.conns.length;
  ep.conns.push(null);
  ep.timers.reserve(h);
  ep.halfOpen.reserve(h);
  if (h >= ep.hsDeadline.length) {
    const grown = new StaticArray<f64>(h < 32 ? 64 : h * 2);
    for (let i = 0; i < ep.hsDeadline.length; i++) unchecked(grown[i] = ep.hsDeadline[i]);
    ep.hsDeadline = grown;
  }
  return h;
}

function register(c: Connection, now: f64): void {
  const h = c.handle;
  ep.conns[h] = c;
  ep.live++;
  if (c.ids.local.length) ep.cids.set(c.ids.local.dataStart, c.ids.local.length, h);
  else ep.byPath.set(c.path.handle, h);
  // The preferred address's CID (sequence 1) routes here from the start.
  for (let i = 1; i < c.ids.issued.length; i++) { const id = c.ids.issued[i].cid; ep.cids.set(id.dataStart, id.length, h); }
  unchecked(ep.hsDeadline[h] = now + ep.handshakeTimeout);
  ep.timers.set(h, deadlineOf(c));
  pathRef(c.path.handle);
  touch(h);
}

function release(c: Connection): void {
  const h = c.handle;
  // Every CID we issued stops routing here, and the peer's token stops resetting it.
  const issued = c.ids.issued;
  for (let i = 0; i < issued.length; i++) { const id = issued[i].cid; if (id.length) ep.cids.delete(id.dataStart, id.length, h); }
  unrouteRetired(c);
  const tok = c.ids.registeredToken;
  if (tok) { ep.reset.tokens.delete(tok.dataStart, 16, h); c.ids.registeredToken = null; }
  if (c.ids.local.length == 0 && ep.byPath.has(c.path.handle) && ep.byPath.get(c.path.handle) == h) ep.byPath.delete(c.path.handle);
  if (c.isServer) {
    const first = c.ids.clientFirstDcid();
    if (first.length) ep.cids.delete(first.dataStart, first.length, h);
  }
  ep.halfOpen.remove(h, c.path.handle);
  ep.timers.remove(h);
  ep.conns[h] = null;
  ep.free.push(h);
  ep.live--;
  releasePaths(c); // each path whose count drops to 0 is reported PATH_UNUSED: the host may forget it
  if (ep.live == 0) ep.sendQueue.compact();
}

/** Connections on `path` (0 once the host may forget it). */
export function pathInUse(path: i32): i32 {
  return pathRefs(path);
}

/**
 * A CID of ours not routed anywhere yet (the generator's output, checked against the
 * table). Its buffer has room for its reset token after it (tokenOf): one block for
 * both rather than two (issue 17: 32 bytes less per CID we issue).
 */
function freshCid(): Uint8Array {
  const len = ep.localCidLen;
  const cid = Uint8Array.wrap(new ArrayBuffer(len + 16), 0, len);
  // A collision is astronomically unlikely with random bytes, less so with a user generator.
  for (let i = 0; i < 8; i++) {
    ep.cidGen.generate(cid.dataStart, cid.length);
    if (cid.length == 0 || ep.cids.get(cid.dataStart, cid.length) == 0) break;
  }
  return cid;
}

/**
 * The stateless reset token of our CID (RFC 9000 §10.3.2: keyed, so a restarted endpoint
 * with the same key can reset), in the 16 bytes freshCid left after the CID. Both views
 * are written only here and in freshCid, before anything else holds them.
 */
function tokenOf(cid: Uint8Array): Uint8Array {
  const t = Uint8Array.wrap(cid.buffer, cid.byteOffset + cid.length, 16);
  if (cid.length) ep.reset.token(cid.dataStart, cid.length, t.dataStart);
  else hostRandomFill(t.dataStart, 16); // zero-length CIDs cannot be reset; the token is never sent
  return t;
}

/** A new connection (client or server) with its first connection ID and reset token. */
function newConnection(h: i32, isServer: bool, version: u32, path: i32): Connection {
  const c = new Connection(h, isServer, version, path, ep.defaults);
  const cid = freshCid();
  c.ids.setFirstLocal(cid, tokenOf(cid));
  if (isServer && ep.preferredAddress.length == 24) {
    // §5.1.1: the preferred address's CID is sequence number 1, issued in the transport parameters.
    const pc = freshCid();
    c.ids.setPreferredLocal(ep.preferredAddress, pc, tokenOf(pc));
  }
  return c;
}

/** Our CIDs the peer retired stop routing to `c`. */
function unrouteRetired(c: Connection): void {
  const gone = c.ids.unrouted;
  for (let i = 0; i < gone.length; i++) { const id = gone[i]; ep.cids.delete(id.dataStart, id.length, c.handle); }
  gone.length = 0;
}

/**
 * Brings a connection's CIDs in line with the endpoint (conn/cid.ts): retired ones
 * unrouted; new ones issued up to the peer's active_connection_id_limit (at most
 * MAX_ISSUED), routed and owed in NEW_CONNECTION_ID; the reset token of the peer CID in
 * use registered for reset detection. Runs for touched connections before they send.
 */
function syncCids(c: Connection): void {
  const ids = c.ids;
  if (ids.unrouted.length) unrouteRetired(c);
  if (c.state >= STATE_CLOSING) return;
  // Issue once the handshake is complete (1-RTT packets carry NEW_CONNECTION_ID), never
  // with zero-length CIDs (§5.1: nothing to issue).
  if (c.handshakeComplete && c.peerTpSet && ids.local.length > 0) {
    const peerLimit = c.peerTp.get(TpId.ACTIVE_CONNECTION_ID_LIMIT);
    const target = peerLimit < <u64>MAX_ISSUED ? <i32>peerLimit : MAX_ISSUED;
    let added = false;
    while (ids.activeIssued() < target) {
      const cid = freshCid();
      ids.addIssued(cid, tokenOf(cid));
      ep.cids.set(cid.dataStart, cid.length, c.handle);
      added = true;
    }
    if (added) c.pending.cids = true;
  }
  const tok = ids.activeToken();
  const reg = ids.registeredToken;
  if (tok.length == 16 && reg !== tok) {
    if (reg) ep.reset.tokens.delete(reg.dataStart, 16, c.handle);
    ep.reset.tokens.set(tok.dataStart, 16, c.handle);
    ids.registeredToken = tok;
  }
}

/** Client: a new connection toward `path`. Returns its handle or a negative code. */
export function connect(version: u32, path: i32, now: f64): i32 {
  if (!isSupportedVersion(version)) return -0x10003;
  const h = allocHandle();
  if (h < 0) return -0x02;
  // Zero-length CIDs route by path: one connection per path (§5.1).
  if (ep.localCidLen == 0 && ep.byPath.has(path)) return -0x02;
  const c = newConnection(h, false, version, path);
  // §7.2: the client's first DCID is unpredictable and at least 8 bytes.
  const odcid = new Uint8Array(8);
  hostRandomFill(odcid.dataStart, 8);
  c.ids.originalDcid = odcid;
  c.ids.peer = odcid;
  c.setupLocal(now);
  register(c, now);
  return h;
}

/** The handshake of `c` completed: it is no longer half-open and has no handshake deadline. */
export function onHandshakeComplete(c: Connection): void {
  unchecked(ep.hsDeadline[c.handle] = Infinity);
  if (connAt(c.handle) == c) ep.timers.set(c.handle, deadlineOf(c));
  ep.halfOpen.remove(c.handle, c.path.handle);
  issueNewToken(c);
}

/** §8.1.3: a token for the client's next connection, bound to its current address (again after a move, §9.3). */
function issueNewToken(c: Connection): void {
  if (c.isServer && retry.sendNewToken) {
    const t = new Uint8Array(TOKEN_MAX);
    const n = mintNewToken(t.dataStart, c.path.handle, ep.lastNow, c.version);
    if (n > 0) { c.sentToken = t.subarray(0, n); c.pending.newToken = true; }
  }
}

function drop(): i32 {
  ep.counters.datagramsDropped++;
  return 0;
}

/** A datagram in [p, p+len) from `path`. Returns the connection it went to, 0, or a negative code. */
export function handleDatagram(p: usize, len: i32, path: i32, now: f64): i32 {
  ep.lastNow = now;
  const end = p + <usize>len;
  // A cleared QUIC bit passes here: whether it may be (RFC 9287) is the connection's
  // setting, checked as its packets are read, and the endpoint's for a new connection.
  const n = parseHeader(p, end, ep.localCidLen, true);
  if (n <= 0) { ep.counters.datagramsDropped++; return n < 0 ? n : 0; }
  const dcid = hdrDcid, dcidLen = hdrDcidLen, isLong = hdrIsLong;
  const h = dcidLen == 0 && ep.localCidLen == 0 ? (ep.byPath.has(path) ? ep.byPath.get(path) : 0) : ep.cids.get(dcid, dcidLen);
  if (h != 0) {
    const c = connAt(h)!;
    const before = c.packetsReceived;
    receiveDatagram(c, p, end, ep.localCidLen, path, now);
    // §9.3: after verifying a new client address, the server sends a token bound to it.
    if (c.newAddressValidated) { c.newAddressValidated = false; issueNewToken(c); }
    // §10.3.1: a datagram none of whose packets could be processed may be a reset.
    if (c.packetsReceived == before && !isLong && c.state < STATE_DRAINING && endsWithToken(p, len, c.ids.activeToken())) onReset(c, now);
    // The datagram may have ended the connection (a client's Version Negotiation).
    if (c.state == STATE_CLOSED) { release(c); return h; }
    touch(h);
    return h;
  }
  // Unknown CID: a stateless reset from the peer of one of our connections?
  const rh = ep.reset.match(p, len);
  if (rh != 0) {
    const c = connAt(rh);
    if (c && c.path.handle == path && c.state < STATE_DRAINING && endsWithToken(p, len, c.ids.activeToken())) {
      onReset(c, now);
      touch(rh);
      return rh;
    }
  }
  if (!isLong) {
    // §10.3: tell the sender we have no state for its CID (rate-limited; never with zero-length CIDs).
    if (ep.localCidLen > 0) ep.reset.answer(dcid, dcidLen, len, path, now);
    return drop();
  }
  if (!ep.isServer) return drop();
  // §14.1: only datagrams of at least 1200 bytes may open a connection or draw a VN.
  if (len < 1200) return drop();
  // A version we do not accept, but never a Version Negotiation packet (RFC 9368 §2.1: servers ignore those).
  if (hdrType == PacketType.UNKNOWN_VERSION || (hdrType != PacketType.VERSION_NEGOTIATION && !speaks(hdrVersion))) {
    queueVersionNegotiation(path);
    return 0;
  }
  if (hdrType != PacketType.INITIAL || dcidLen < 8) return drop();
  if ((hdrFirstByte & 0x40) == 0 && ep.defaults.get(ConfigKey.GREASE_QUIC_BIT) == 0) return drop();
  return accept(p, n, end, path, now);
}

/** A client Initial for an unknown DCID (header parsed into the hdr* globals). */
function accept(p: usize, n: i32, end: usize, path: i32, now: f64): i32 {
  // Cheap refusals first: they cost no key derivation.
  if (ep.live >= ep.maxConnections && ep.halfOpen.count == 0) { ep.counters.refusedFull++; return drop(); }
  // §8.1: a valid token proves the address; without one, Retry when the policy says so
  // (endpoint/retry.ts) — before any key derivation, and with no state kept.
  const token = checkInitialToken(path, now);
  if (token == TOKEN_NONE && shouldRetry(ep.halfOpen.count, ep.maxHalfOpen, ep.halfOpen.onPath(path), ep.maxHalfOpenPerPath)) {
    queueRetry(path, ep.localCidLen, now);
    return 0;
  }
  // A path (source address and port) gets a bounded share of the half-open slots; a
  // validated address is exempt (it is not spoofed, and may be a NAT of many clients).
  if (token == TOKEN_NONE && ep.halfOpen.onPath(path) >= ep.maxHalfOpenPerPath) { ep.counters.refusedPerPath++; return drop(); }
  const dcid = hdrDcid, dcidLen = hdrDcidLen, scid = hdrScid, scidLen = hdrScidLen, version = hdrVersion;
  if (!initialAuthenticates(version, dcid, dcidLen, p, n, <i32>(hdrPnOffset - p))) {
    ep.counters.initialsUnauthenticated++;
    return drop();
  }
  // Full: the oldest half-open connection makes room, never an established one.
  if (ep.halfOpen.count >= ep.maxHalfOpen || ep.live >= ep.maxConnections) evictOldestHalfOpen();
  const h = allocHandle();
  if (h < 0) { ep.counters.refusedFull++; return drop(); }
  const c = newConnection(h, true, version, path);
  // The client's first DCID and its SCID share one buffer (issue 17: 16 bytes or more
  // less per connection); both are kept for the connection's life and never written.
  const cidBytes = new ArrayBuffer(dcidLen + scidLen);
  const first = Uint8Array.wrap(cidBytes, 0, dcidLen);
  memory.copy(first.dataStart, dcid, <usize>dcidLen);
  if (token == TOKEN_VALID_RETRY) {
    // §7.3: the client's first DCID came back in the token; the one it uses now is our Retry's SCID.
    const odcid = new Uint8Array(retryOdcidLen);
    memory.copy(odcid.dataStart, retryOdcid, <usize>retryOdcidLen);
    c.ids.originalDcid = odcid;
    c.ids.retrySource = first;
  } else c.ids.originalDcid = first;
  if (token != TOKEN_NONE) c.path.validated = true; // §8.1.2, §8.1.3: no amplification limit
  const peer = Uint8Array.wrap(cidBytes, dcidLen, scidLen);
  memory.copy(peer.dataStart, scid, <usize>scidLen);
  c.ids.setFirstPeer(peer);
  c.setupLocal(now);
  register(c, now);
  ep.cids.set(first.dataStart, first.length, h);
  ep.halfOpen.add(h, path);
  pushEvent(EventKind.NEW_CONNECTION, <u32>h, <u64>c.version, <u64>path, 0);
  // Keys are not installed yet: the packet is buffered and replayed when they are; so is
  // a 0-RTT packet coalesced after it (conn/early.ts).
  receiveDatagram(c, p, end, ep.localCidLen, path, now);
  return h;
}

function onReset(c: Connection, now: f64): void {
  ep.reset.received++;
  c.onStatelessReset(now);
}

function evictOldestHalfOpen(): void {
  const h = ep.halfOpen.oldest;
  const c = connAt(h);
  if (!c) return;
  ep.counters.halfOpenEvicted++;
  c.finishClose();
  release(c);
}

function queueVersionNegotiation(path: i32): void {
  // §6.1: list the versions we support (answering the packet whose header was just parsed).
  const versions = memory.data(16);
  const count = localVersionList(versions);
  const buf = new Uint8Array(7 + hdrDcidLen + hdrScidLen + 4 * count);
  const n = buildVersionNegotiation(buf.dataStart, buf.dataStart + <usize>buf.length, hdrDcid, hdrDcidLen, hdrScid, hdrScidLen, versions, count, <i32>prngNext());
  if (n > 0) { ep.vn = buf.subarray(0, n); ep.vnPath = path; }
}

/** Next datagram to send into [out, out+cap): returns its length (slots: path, conn). */
export let txPath: i32 = 0;
export let txConn: i32 = 0;
export function pollTransmit(out: usize, cap: i32, now: f64): i32 {
  ep.lastNow = now;
  if (ep.vn.length) {
    const n = ep.vn.length;
    memory.copy(out, ep.vn.dataStart, <usize>n);
    ep.vn = new Uint8Array(0);
    txPath = ep.vnPath; txConn = 0;
    return n;
  }
  const rs = ep.reset.pending;
  if (rs.length) {
    memory.copy(out, rs.dataStart, <usize>rs.length);
    ep.reset.pending = new Uint8Array(0);
    txPath = ep.reset.pendingPath; txConn = 0;
    return rs.length;
  }
  const rn = pollRetry(out, cap);
  if (rn > 0) { txPath = retryTxPath; txConn = 0; return rn; }
  const q = ep.sendQueue;
  while (q.length) {
    const h = q.shift();
    const c = connAt(h);
    if (!c) continue;
    syncCids(c);
    const n = buildDatagram(c, out, cap, now);
    if (n > 0) {
      q.push(h); // round robin: back of the queue, it may have more
      txPath = c.txHandle; txConn = h;
      return n;
    }
  }
  return 0;
}

/** The earliest deadline of a connection, including the endpoint's handshake deadline. */
function deadlineOf(c: Connection): f64 {
  const t = nextTimeout(c);
  if (c.state >= STATE_CLOSING) return t;
  const hs = unchecked(ep.hsDeadline[c.handle]);
  return hs < t ? hs : t;
}

/** The endpoint's earliest deadline: the top of the heap, which the connections keep current. */
export function pollTimeout(): f64 {
  return ep.timers.peekTime();
}

const expired: Array<i32> = new Array<i32>();

export function handleTimeout(now: f64): void {
  ep.lastNow = now;
  // Take every expired connection off the heap first, then serve each once: a deadline
  // that only a transmission clears (an ACK due) must not spin in this loop.
  const t = ep.timers;
  expired.length = 0;
  while (t.size && t.peekTime() <= now) {
    const h = t.peekHandle();
    t.remove(h);
    expired.push(h);
  }
  for (let i = 0; i < expired.length; i++) {
    const h = unchecked(expired[i]);
    const c = connAt(h);
    if (c) onConnectionTimeout(c!, now);
  }
}

function onConnectionTimeout(conn: Connection, now: f64): void {
  const h = conn.handle;
  if (conn.state < STATE_CLOSING && unchecked(ep.hsDeadline[h]) <= now) {
    // The handshake took too long: give up silently, and tell the host why.
    ep.counters.handshakeTimeouts++;
    pushEvent(EventKind.HANDSHAKE_TIMEOUT, <u32>h, 0, 0, 0);
    conn.finishClose();
    release(conn);
    return;
  }
  // The connection's own timers, one dispatch by kind (conn/timers.ts).
  if (onTimers(conn, now)) { release(conn); return; }
  // Back into the heap (taken off above), whatever its rooms wrote meanwhile.
  ep.timers.set(h, deadlineOf(conn));
  touch(h);
}

export { STATE_CLOSED, STATE_DRAINING };
