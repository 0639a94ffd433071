// The endpoint (RFC 9000 §5.2, §6, §14.1): a table of connections, demultiplexing of
// incoming datagrams by destination connection ID, accepting new connections from
// client Initials, Version Negotiation for unknown versions, and the poll loop's
// fan-in (next datagram to send, earliest timer) across connections.

import { onKeyTimer } from "../conn/keyupdate";
import { Connection, STATE_CLOSING, STATE_DRAINING, STATE_CLOSED } from "../conn/connection";
import { Config, ConfigKey } from "../conn/config";
import { receiveDatagram } from "../conn/receive";
import { buildDatagram } from "../conn/transmit";
import { onLossTimeout } from "../conn/loss";
import { parseHeader, hdrType, hdrIsLong, hdrDcid, hdrDcidLen, hdrScid, hdrScidLen, hdrVersion, buildVersionNegotiation } from "../wire/header";
import { PacketType, QUIC_V1, QUIC_V2, isSupportedVersion } from "../wire/version";
import { prngFill, prngNext } from "../util/prng";
import { pushEvent, EventKind } from "../conn/events";

export const MAX_CONNECTIONS: i32 = 4096;

export class Endpoint {
  isServer: bool = false;
  localCidLen: i32 = 8;
  retryRequired: bool = false;
  defaults: Config = new Config();
  conns: Array<Connection | null> = new Array<Connection | null>(MAX_CONNECTIONS + 1);
  free: Array<i32> = new Array<i32>();
  nextHandle: i32 = 1;
  byCid: Map<u64, i32> = new Map<u64, i32>();
  byOdcid: Map<u64, i32> = new Map<u64, i32>();
  rr: i32 = 0;
  lastNow: f64 = 0;
  // A Version Negotiation packet waiting for pollTransmit.
  vn: Uint8Array = new Uint8Array(0);
  vnPath: i32 = 0;
  datagramsDropped: u64 = 0;
}

export const ep = new Endpoint();

/** A u64 key from a CID (CIDs are random: their first 8 bytes suffice; the bytes are compared after lookup). */
export function cidKey(p: usize, len: i32): u64 {
  let k: u64 = <u64>len << 56;
  const n = len < 8 ? len : 8;
  for (let i = 0; i < n; i++) k ^= <u64>load<u8>(p + <usize>i) << (<u64>i * 8);
  return k;
}

function sameBytes(a: Uint8Array, p: usize, len: i32): bool {
  if (a.length != len) return false;
  for (let i = 0; i < len; i++) if (a[i] != load<u8>(p + <usize>i)) return false;
  return true;
}

export function getConn(h: i32): Connection | null {
  if (h <= 0 || h > MAX_CONNECTIONS) return null;
  return unchecked(ep.conns[h]);
}

function allocHandle(): i32 {
  if (ep.free.length) return ep.free.pop();
  if (ep.nextHandle > MAX_CONNECTIONS) return -1;
  return ep.nextHandle++;
}

function register(c: Connection): void {
  ep.conns[c.handle] = c;
  ep.byCid.set(cidKey(c.localCid.dataStart, c.localCid.length), c.handle);
}

function release(c: Connection): void {
  ep.byCid.delete(cidKey(c.localCid.dataStart, c.localCid.length));
  if (c.originalDcid.length) {
    const k = cidKey(c.originalDcid.dataStart, c.originalDcid.length);
    if (ep.byOdcid.has(k) && ep.byOdcid.get(k) == c.handle) ep.byOdcid.delete(k);
  }
  ep.conns[c.handle] = null;
  ep.free.push(c.handle);
}

function randomCid(len: i32): Uint8Array {
  const b = new Uint8Array(len);
  prngFill(b.dataStart, len);
  return b;
}

/** Client: a new connection toward `path`. Returns its handle or a negative code. */
export function connect(version: u32, path: i32, now: f64): i32 {
  if (!isSupportedVersion(version)) return -0x10003;
  const h = allocHandle();
  if (h < 0) return -0x02;
  const c = new Connection(h, false, version, path, ep.defaults);
  c.localCid = randomCid(ep.localCidLen);
  // §7.2: the client's first DCID is random and at least 8 bytes.
  c.originalDcid = randomCid(8);
  c.peerCid = c.originalDcid;
  c.setupLocal(now);
  register(c);
  return h;
}

/** A datagram in [p, p+len) from `path`. Returns the connection it went to, 0, or a negative code. */
export function handleDatagram(p: usize, len: i32, path: i32, now: f64): i32 {
  ep.lastNow = now;
  const end = p + <usize>len;
  const n = parseHeader(p, end, ep.localCidLen);
  if (n <= 0) { ep.datagramsDropped++; return n < 0 ? n : 0; }
  const dcid = hdrDcid, dcidLen = hdrDcidLen;
  let h = ep.byCid.has(cidKey(dcid, dcidLen)) ? ep.byCid.get(cidKey(dcid, dcidLen)) : 0;
  if (h == 0 && hdrIsLong && ep.byOdcid.has(cidKey(dcid, dcidLen))) h = ep.byOdcid.get(cidKey(dcid, dcidLen));
  if (h != 0) {
    const c = getConn(h);
    if (c && (sameBytes(c.localCid, dcid, dcidLen) || sameBytes(c.originalDcid, dcid, dcidLen))) {
      if (c.path != path && c.isServer) { ep.datagramsDropped++; return 0; } // migration is not supported yet
      receiveDatagram(c!, p, end, ep.localCidLen, now);
      return h;
    }
  }
  if (!ep.isServer || !hdrIsLong) { ep.datagramsDropped++; return 0; }
  // §14.1: only datagrams of at least 1200 bytes may open a connection or draw a VN.
  if (len < 1200) { ep.datagramsDropped++; return 0; }
  if (hdrType == PacketType.UNKNOWN_VERSION) {
    queueVersionNegotiation(path);
    return 0;
  }
  if (hdrType != PacketType.INITIAL || dcidLen < 8) { ep.datagramsDropped++; return 0; }
  const handle = allocHandle();
  if (handle < 0) { ep.datagramsDropped++; return 0; }
  const c = new Connection(handle, true, hdrVersion, path, ep.defaults);
  c.localCid = randomCid(ep.localCidLen);
  const odcid = new Uint8Array(dcidLen);
  memory.copy(odcid.dataStart, dcid, <usize>dcidLen);
  c.originalDcid = odcid;
  const scid = new Uint8Array(hdrScidLen);
  memory.copy(scid.dataStart, hdrScid, <usize>hdrScidLen);
  c.peerCid = scid;
  c.peerInitialScid = scid;
  c.peerCidSet = true;
  c.setupLocal(now);
  register(c);
  ep.byOdcid.set(cidKey(odcid.dataStart, odcid.length), handle);
  pushEvent(EventKind.NEW_CONNECTION, <u32>handle, <u64>c.version, 0, 0);
  // Keys are not installed yet: the packet is buffered and replayed when they are.
  receiveDatagram(c, p, end, ep.localCidLen, now);
  return handle;
}

function queueVersionNegotiation(path: i32): void {
  // §6.1: list the versions we support (answering the packet whose header was just parsed).
  const versions = memory.data(8);
  store<u32>(versions, QUIC_V1);
  store<u32>(versions + 4, QUIC_V2);
  const buf = new Uint8Array(7 + hdrDcidLen + hdrScidLen + 8);
  const n = buildVersionNegotiation(buf.dataStart, buf.dataStart + <usize>buf.length, hdrDcid, hdrDcidLen, hdrScid, hdrScidLen, versions, 2, <i32>prngNext());
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
  const total = ep.nextHandle;
  for (let k = 0; k < total; k++) {
    ep.rr = ep.rr % total + 1;
    const c = getConn(ep.rr > MAX_CONNECTIONS ? 1 : ep.rr);
    if (!c) continue;
    const n = buildDatagram(c!, out, cap, now);
    if (n > 0) { txPath = c!.path; txConn = c!.handle; return n; }
  }
  return 0;
}

export function pollTimeout(): f64 {
  let t: f64 = Infinity;
  for (let h = 1; h < ep.nextHandle; h++) {
    const c = getConn(h);
    if (!c) continue;
    const d = c!.nextTimeout();
    if (d < t) t = d;
  }
  return t;
}

export function handleTimeout(now: f64): void {
  ep.lastNow = now;
  for (let h = 1; h < ep.nextHandle; h++) {
    const c = getConn(h);
    if (!c) continue;
    const conn = c!;
    if (conn.state >= STATE_CLOSING) {
      if (conn.closeDeadline <= now) { conn.finishClose(); release(conn); }
      continue;
    }
    if (conn.idleDeadline() <= now) {
      // §10.1: idle timeout closes silently.
      conn.finishClose();
      release(conn);
      continue;
    }
    if (conn.lossTimer <= now) onLossTimeout(conn, now);
    onKeyTimer(conn.keys, now);
    if (conn.pacerWakeAt <= now) conn.pacerWakeAt = Infinity; // the host polls transmit next
    const ka = conn.config.get(ConfigKey.KEEP_ALIVE_MS) * 1000;
    if (ka > 0 && conn.handshakeComplete && conn.lastActivity + ka <= now) { conn.pingPending = true; conn.lastActivity = now; }
  }
}

export { STATE_CLOSED, STATE_DRAINING };
