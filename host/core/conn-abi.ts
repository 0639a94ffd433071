// Typed access to the core's connection and endpoint ABI (assembly/abi/conn.ts and endpoint.ts are the
// source of truth for names, argument order and slot layouts). This file only moves
// numbers and bytes across the boundary; policy lives in host/transport.

import type { Core } from './core';
import { QuicArgumentError } from '../errors';

import { Level } from '../tls/types';
import { EventKind, ConnState, Timers, EndpointStats as Slot } from './abi.generated';
export { Level };

// The ABI's numbers (event kinds, states, stats and timer slots) are generated from
// assembly/ (scripts/gen-abi.mjs); re-exported here for the transport.
export { EventKind, ConnState } from './abi.generated';

/** Endpoint counters (assembly/abi/endpoint.ts endpointStats). */
export interface EndpointStats {
  connections: number;
  halfOpen: number;
  datagramsDropped: number;
  /** Initial-shaped datagrams for unknown CIDs that did not decrypt: dropped, no state taken. */
  initialsUnauthenticated: number;
  halfOpenEvicted: number;
  refusedPerPath: number;
  refusedFull: number;
  handshakeTimeouts: number;
  cidTableBytes: number;
  eventCapacity: number;
  /** The core's linear memory (bytes). */
  memoryBytes: number;
  /** Stateless resets sent for short-header datagrams with a CID we do not know (RFC 9000 §10.3). */
  statelessResetsSent: number;
  /** Resets not sent because the rate limit was reached. */
  statelessResetsRateLimited: number;
  /** Resets not sent because the datagram was too small to answer with a smaller one (§10.3.3). */
  statelessResetsTooSmall: number;
  /** Stateless resets received that ended one of our connections. */
  statelessResetsReceived: number;
  /** Retry packets sent (RFC 9000 §8.1.2): stateless, no connection behind them. */
  retriesSent: number;
  /** Address validation tokens (Retry or NEW_TOKEN) accepted in client Initials. */
  tokensAccepted: number;
  /** Tokens refused (forged, altered, expired, or from another address): treated as no token (§8.1.3). */
  tokensRefused: number;
  /** NEW_TOKEN tokens issued after handshakes (§8.1.3). */
  newTokensSent: number;
}

/** Address validation of a server endpoint (RFC 9000 §8.1; assembly/endpoint/retry.ts). */
export interface RetrySettings {
  /** 0 never, 1 always, 2 under load. */
  mode: 0 | 1 | 2;
  retryTokenLifetimeMs: number;
  newTokenLifetimeMs: number;
  sendNewToken: boolean;
}

/** Connection and half-open caps of an endpoint (see README "Limits"). */
export interface EndpointLimits {
  maxConnections: number;
  maxHalfOpen: number;
  maxHalfOpenPerPath: number;
  handshakeTimeoutMs: number;
}

/** One event drained from the core. `a`/`b` are u64 on the core side; numbers here (exact below 2^53). */
export interface CoreEvent {
  kind: EventKind;
  conn: number;
  a: number;
  b: number;
  c: number;
}

interface ConnExports {
  coreSeed(a: number, b: number, c: number, d: number): void;
  endpointConfigure(localCidLen: number, isServer: number): void;
  endpointSetQlog(on: number): void;
  endpointSetLimits(maxConnections: number, maxHalfOpen: number, maxHalfOpenPerPath: number, handshakeTimeoutMs: number): number;
  endpointPathInUse(path: number): number;
  endpointSetRetry(mode: number, retryTokenLifetimeMs: number, newTokenLifetimeMs: number, sendNewToken: number): number;
  connInitialDcid(conn: number): number;
  connSetToken(conn: number, len: number): number;
  connNewToken(conn: number): number;
  endpointStats(): number;
  coreCollect(): void;
  connConfigure(conn: number, key: number, value: number): number;
  connConnect(version: number, path: number, now: number): number;
  connOriginalDcid(conn: number): number;
  connLocalTransportParams(conn: number): number;
  connSetPeerTransportParams(conn: number, len: number): number;
  connSetRememberedParams(conn: number, len: number): number;
  connEarlyDataOutcome(conn: number, accepted: number): number;
  connInstallKeys(conn: number, level: number, direction: number, aead: number, hp: number): number;
  connReadCrypto(conn: number, level: number, cap: number): number;
  connWriteCrypto(conn: number, level: number, len: number): number;
  connHandshakeComplete(conn: number): number;
  handleDatagram(len: number, path: number, now: number): number;
  pollTransmit(now: number): number;
  pollTimeout(): number;
  handleTimeout(now: number): void;
  pollEvent(): number;
  connStreamOpen(conn: number, bidi: number): number;
  connStreamOpenable(conn: number, bidi: number): number;
  connStreamWrite(conn: number, id: number, len: number, fin: number): number;
  connStreamRead(conn: number, id: number, cap: number): number;
  connStreamReset(conn: number, id: number, code: number): number;
  connStreamStopSending(conn: number, id: number, code: number): number;
  connStreamSetUrgency(conn: number, id: number, urgency: number): number;
  connClose(conn: number, code: number, isApplication: number, reasonLen: number): number;
  connStats(conn: number): number;
  connStreamsUnacked(conn: number): number;
  connInstallNextKeys(conn: number, direction: number, aead: number): number;
  connUpdateKeys(conn: number): number;
  connState(conn: number): number;
  connPing(conn: number): number;
  connTimers(conn: number): number;
  endpointSetCidGenerator(kind: number, configId: number, sidLen: number, nonceLen: number): number;
  endpointSetResetKey(): void;
  endpointSetResetRate(perSecond: number): number;
  connRetireConnectionIds(conn: number): number;
}

/** The deadlines of one connection, for diagnostics. */
export interface ConnTimers {
  lossTimer: number; ackDeadline: number[]; lossTime: number[]; idleDeadline: number; closeDeadline: number; ptoCount: number;
  /** The earliest deadline as the connection's rooms wrote it into its timer table. */
  tableMin: number;
  /** The same recomputed from the rooms' state (equal unless an owner missed a write). */
  recomputedMin: number;
}

/** The connection ABI of one core instance, with bytes moved through its scratch region. */
export class ConnAbi {
  private readonly x: ConnExports;

  constructor(readonly core: Core) {
    this.x = core.exports as unknown as ConnExports;
    if (typeof this.x.connConnect !== 'function') {
      throw new QuicArgumentError('this core build has no connection ABI (assembly/abi/conn.ts)');
    }
  }

  seed(words: Uint32Array): void {
    this.x.coreSeed(words[0], words[1], words[2], words[3]);
  }

  configureEndpoint(localCidLen: number, isServer: boolean): void {
    this.x.endpointConfigure(localCidLen, isServer ? 1 : 0);
  }

  /** Sets the connection caps and the handshake timeout; 0 or a negative code for a value out of range. */
  setLimits(l: EndpointLimits): number {
    return this.x.endpointSetLimits(l.maxConnections, l.maxHalfOpen, l.maxHalfOpenPerPath, l.handshakeTimeoutMs);
  }

  /** Connections on a path handle (0: nothing in the core refers to it). */
  pathInUse(path: number): number {
    return this.x.endpointPathInUse(path);
  }

  endpointStats(): EndpointStats {
    this.x.coreCollect();
    const p = this.x.endpointStats();
    const dv = this.core.view;
    const v = (slot: number) => dv.getFloat64(p + 8 * slot, true);
    return {
      connections: v(Slot.CONNECTIONS), halfOpen: v(Slot.HALF_OPEN), datagramsDropped: v(Slot.DATAGRAMS_DROPPED),
      initialsUnauthenticated: v(Slot.INITIALS_UNAUTHENTICATED), halfOpenEvicted: v(Slot.HALF_OPEN_EVICTED),
      refusedPerPath: v(Slot.REFUSED_PER_PATH), refusedFull: v(Slot.REFUSED_FULL), handshakeTimeouts: v(Slot.HANDSHAKE_TIMEOUTS),
      cidTableBytes: v(Slot.CID_TABLE_BYTES), eventCapacity: v(Slot.EVENT_CAPACITY), memoryBytes: v(Slot.MEMORY_BYTES),
      statelessResetsSent: v(Slot.RESETS_SENT), statelessResetsRateLimited: v(Slot.RESETS_RATE_LIMITED),
      statelessResetsTooSmall: v(Slot.RESETS_TOO_SMALL), statelessResetsReceived: v(Slot.RESETS_RECEIVED),
      retriesSent: v(Slot.RETRIES_SENT), tokensAccepted: v(Slot.TOKENS_ACCEPTED), tokensRefused: v(Slot.TOKENS_REFUSED),
      newTokensSent: v(Slot.NEW_TOKENS_SENT),
    };
  }

  /** Chooses the CID generator (CID_GEN_*); for QUIC-LB the server ID bytes go with it. 0 or a negative code. */
  setCidGenerator(kind: number, serverId: Uint8Array = new Uint8Array(0), configId = 0, nonceLength = 0): number {
    this.core.writeScratch(serverId);
    return this.x.endpointSetCidGenerator(kind, configId, serverId.length, nonceLength);
  }

  /** The 16-byte static key of stateless reset tokens. */
  setResetKey(key: Uint8Array): void {
    this.core.writeScratch(key);
    this.x.endpointSetResetKey();
  }

  /** Stateless resets per second at most (after a burst of 10). 0 or a negative code. */
  setResetRate(perSecond: number): number {
    return this.x.endpointSetResetRate(perSecond);
  }

  /** Issues fresh CIDs to the peer and asks it to retire the ones it holds. 1, 0 while the previous retirement is pending, or a negative code. */
  retireConnectionIds(conn: number): number {
    return this.x.connRetireConnectionIds(conn);
  }

  /** Sets the address validation policy; 0 or a negative code for a value out of range. */
  setRetry(r: RetrySettings): number {
    return this.x.endpointSetRetry(r.mode, r.retryTokenLifetimeMs, r.newTokenLifetimeMs, r.sendNewToken ? 1 : 0);
  }

  /** The DCID the connection's Initial keys come from (the Retry's SCID after a Retry). */
  initialDcid(conn: number): Uint8Array {
    const n = this.x.connInitialDcid(conn);
    return n > 0 ? this.core.read(this.core.scratchPtr, n) : new Uint8Array(0);
  }

  /** Client, before its first Initial: a NEW_TOKEN token to send (RFC 9000 §8.1.3). */
  setToken(conn: number, token: Uint8Array): number {
    this.core.writeScratch(token);
    return this.x.connSetToken(conn, token.length);
  }

  /** Client: the NEW_TOKEN token the server sent (after a NEW_TOKEN event). */
  newToken(conn: number): Uint8Array {
    const n = this.x.connNewToken(conn);
    return n > 0 ? this.core.read(this.core.scratchPtr, n) : new Uint8Array(0);
  }

  /** Streams whose written data the peer has not acknowledged yet (0 when none; negative: no such connection). */
  streamsUnacked(conn: number): number {
    return this.x.connStreamsUnacked(conn);
  }

  /** Turns the core's qlog taps on or off (the host's qlogPacket import receives them). */
  setQlog(on: boolean): void {
    this.x.endpointSetQlog(on ? 1 : 0);
  }

  /** Sets a config key (conn 0 = endpoint default). Returns 0 or a negative code. */
  configure(conn: number, key: number, value: number): number {
    return this.x.connConfigure(conn, key, value);
  }

  connect(version: number, path: number, now: number): number {
    return this.x.connConnect(version >>> 0, path, now);
  }

  originalDcid(conn: number): Uint8Array {
    const n = this.x.connOriginalDcid(conn);
    return n > 0 ? this.core.read(this.core.scratchPtr, n) : new Uint8Array(0);
  }

  localTransportParams(conn: number): Uint8Array {
    const n = this.x.connLocalTransportParams(conn);
    if (n < 0) return new Uint8Array(0);
    return this.core.read(this.core.scratchPtr, n);
  }

  setPeerTransportParams(conn: number, bytes: Uint8Array): number {
    this.core.writeScratch(bytes);
    return this.x.connSetPeerTransportParams(conn, bytes.length);
  }

  /** Client, before 0-RTT: the server's transport parameters remembered with the ticket (RFC 9000 §7.4.1). */
  setRememberedParams(conn: number, bytes: Uint8Array): number {
    this.core.writeScratch(bytes);
    return this.x.connSetRememberedParams(conn, bytes.length);
  }

  /** Client: the server accepted or rejected 0-RTT (before its new transport parameters). */
  earlyDataOutcome(conn: number, accepted: boolean): number {
    return this.x.connEarlyDataOutcome(conn, accepted ? 1 : 0);
  }

  /** The next 1-RTT key generation of one direction (RFC 9001 §6). */
  installNextKeys(conn: number, write: boolean, aeadHandle: number): number {
    return this.x.connInstallNextKeys(conn, write ? 1 : 0, aeadHandle);
  }

  /** Asks for a key update as soon as RFC 9001 §6.1 allows. */
  updateKeys(conn: number): number {
    return this.x.connUpdateKeys(conn);
  }

  /** Installs packet protection by key-table handle (the handle carries its suite: host table or in-core slot). */
  installKeys(conn: number, level: Level, write: boolean, aeadHandle: number, hpHandle: number): number {
    return this.x.connInstallKeys(conn, level, write ? 1 : 0, aeadHandle, hpHandle);
  }

  /** All contiguous CRYPTO bytes available at `level` (empty when none). */
  readCrypto(conn: number, level: Level): Uint8Array {
    const parts: Uint8Array[] = [];
    let total = 0;
    for (;;) {
      const n = this.x.connReadCrypto(conn, level, this.core.scratchCapacity);
      if (n <= 0) break;
      parts.push(this.core.read(this.core.scratchPtr, n));
      total += n;
      if (n < this.core.scratchCapacity) break;
    }
    if (parts.length === 1) return parts[0];
    const out = new Uint8Array(total);
    let o = 0;
    for (const p of parts) { out.set(p, o); o += p.length; }
    return out;
  }

  /** Queues TLS handshake bytes at `level`; returns 0 or a negative code. */
  writeCrypto(conn: number, level: Level, bytes: Uint8Array): number {
    for (let off = 0; off < bytes.length; off += this.core.scratchCapacity) {
      const chunk = bytes.subarray(off, Math.min(bytes.length, off + this.core.scratchCapacity));
      this.core.writeScratch(chunk);
      const r = this.x.connWriteCrypto(conn, level, chunk.length);
      if (r < 0) return r;
    }
    return 0;
  }

  handshakeComplete(conn: number): number {
    return this.x.connHandshakeComplete(conn);
  }

  /** Feeds one datagram; returns the connection handle, 0 (stateless / dropped) or a negative code. */
  handleDatagram(data: Uint8Array, path: number, now: number): number {
    this.core.writeRx(data);
    return this.x.handleDatagram(data.length, path, now);
  }

  /**
   * Next datagram to send as a view into the transmit region, or null. The returned
   * object is reused by the next call (no allocation per datagram beyond the view):
   * use it before calling into the core again.
   */
  pollTransmit(now: number): { data: Uint8Array; path: number; conn: number } | null {
    const n = this.x.pollTransmit(now);
    if (n <= 0) return null;
    const tx = this.tx;
    tx.data = this.core.u8.subarray(this.core.txPtr, this.core.txPtr + n);
    tx.path = this.core.resultNumber(0);
    tx.conn = this.core.resultNumber(1);
    return tx;
  }

  private readonly tx: { data: Uint8Array; path: number; conn: number } = { data: new Uint8Array(0), path: 0, conn: 0 };

  pollTimeout(): number {
    return this.x.pollTimeout();
  }

  handleTimeout(now: number): void {
    this.x.handleTimeout(now);
  }

  pollEvent(): CoreEvent | null {
    const kind = this.x.pollEvent();
    if (kind === EventKind.NONE) return null;
    return {
      kind: kind as EventKind,
      conn: this.core.resultNumber(0),
      a: this.core.resultNumber(1),
      b: this.core.resultNumber(2),
      c: this.core.resultNumber(3),
    };
  }

  /** True when the peer's limit allows another local stream of that kind now. */
  streamOpenable(conn: number, bidi: boolean): boolean {
    return this.x.connStreamOpenable(conn, bidi ? 1 : 0) === 1;
  }

  streamOpen(conn: number, bidi: boolean): number {
    return this.x.connStreamOpen(conn, bidi ? 1 : 0);
  }

  /** Writes as much of `data` as the core accepts (at most one scratch region); returns bytes accepted or a negative code. */
  streamWrite(conn: number, id: number, data: Uint8Array, fin: boolean): number {
    const n = Math.min(data.length, this.core.scratchCapacity);
    this.core.writeScratch(data.subarray(0, n));
    return this.x.connStreamWrite(conn, id, n, fin && n === data.length ? 1 : 0);
  }

  /** Reads up to one scratch region of stream data; `fin` is true when the read reached the end. */
  /**
   * Up to the scratch region's size of the stream's readable bytes (across the core's
   * ring wrap). `more`: the read filled the region, so more may be readable now; a shorter
   * read took everything there was.
   */
  streamRead(conn: number, id: number): { data: Uint8Array; fin: boolean; more: boolean } | number {
    const cap = this.core.scratchCapacity;
    const n = this.x.connStreamRead(conn, id, cap);
    if (n < 0) return n;
    const data = n > 0 ? this.core.read(this.core.scratchPtr, n) : new Uint8Array(0);
    return { data, fin: this.core.resultNumber(0) === 1, more: n === cap }; // no BigInt on the data path
  }

  /**
   * Copies the stream's readable bytes straight into `target` (one scratch region per
   * call into the core, as many calls as `target` takes): no buffer is allocated. `n` is
   * how many bytes went in; `more`: `target` is full, so more may be readable now.
   */
  streamReadInto(conn: number, id: number, target: Uint8Array): { n: number; fin: boolean; more: boolean } | number {
    const cap = this.core.scratchCapacity;
    let n = 0;
    for (;;) {
      const ask = Math.min(cap, target.length - n);
      const got = this.x.connStreamRead(conn, id, ask);
      if (got < 0) return n > 0 ? { n, fin: false, more: false } : got;
      if (got > 0) target.set(this.core.u8.subarray(this.core.scratchPtr, this.core.scratchPtr + got), n);
      n += got;
      const fin = this.core.resultNumber(0) === 1;
      if (fin || got < ask || n === target.length) return { n, fin, more: !fin && n === target.length };
    }
  }

  streamReset(conn: number, id: number, code: number): number {
    return this.x.connStreamReset(conn, id, code);
  }

  streamStopSending(conn: number, id: number, code: number): number {
    return this.x.connStreamStopSending(conn, id, code);
  }

  streamSetUrgency(conn: number, id: number, urgency: number): number {
    return this.x.connStreamSetUrgency(conn, id, urgency);
  }

  close(conn: number, code: number, isApplication: boolean, reason: Uint8Array): number {
    const r = reason.subarray(0, Math.min(reason.length, 1024));
    this.core.writeScratch(r);
    return this.x.connClose(conn, code, isApplication ? 1 : 0, r.length);
  }

  statsPtr(conn: number): number {
    return this.x.connStats(conn);
  }

  state(conn: number): ConnState {
    return this.x.connState(conn) as ConnState;
  }

  ping(conn: number): number {
    return this.x.connPing(conn);
  }

  /** Diagnostics: the deadlines behind pollTimeout (µs; Infinity when unset). */
  timers(conn: number): ConnTimers | null {
    const p = this.x.connTimers(conn);
    if (p < 0) return null;
    const dv = this.core.view;
    const v = (slot: number) => dv.getFloat64(p + 8 * slot, true);
    return {
      lossTimer: v(Timers.LOSS_TIMER),
      ackDeadline: [v(Timers.ACK_DEADLINE_INITIAL), v(Timers.ACK_DEADLINE_HANDSHAKE), v(Timers.ACK_DEADLINE_APP)],
      lossTime: [v(Timers.LOSS_TIME_INITIAL), v(Timers.LOSS_TIME_HANDSHAKE), v(Timers.LOSS_TIME_APP)],
      idleDeadline: v(Timers.IDLE_DEADLINE), closeDeadline: v(Timers.CLOSE_DEADLINE), ptoCount: v(Timers.PTO_COUNT),
      tableMin: v(Timers.TABLE_MIN), recomputedMin: v(Timers.RECOMPUTED_MIN),
    };
  }

  /** The reason phrase of the peer's CONNECTION_CLOSE (empty when none), as the core kept it (≤ 1024 bytes). */
  peerCloseReason(conn: number): Uint8Array {
    const n = (this.x as unknown as { connPeerCloseReason(conn: number): number }).connPeerCloseReason(conn);
    return n > 0 ? this.core.read(this.core.scratchPtr, n) : new Uint8Array(0);
  }
}
