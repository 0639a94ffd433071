// An endpoint: one core instance, one network, one clock, many connections
// (ARCHITECTURE.md §1, seed 000's "single multipoint"). It routes core events to
// connections, accepts server connections, and starts client connections.
// Platform-neutral: the core, the network and the TLS/key factories are injected.

import { ConnAbi, CoreEvent, EventKind, type EndpointLimits, type EndpointStats } from '../core/conn-abi';
import type { Clock } from './clock';
import type { Network, PathHandle } from '../net/network';
import { CorePump, PumpListener } from './pump';
import { ConnectionHost, QuicConnection, StatsReader } from './connection';
import type { GracefulCloser } from './connection-types';
import { HandshakeDriver, KeyInstaller, TlsSession } from './handshake';
import { QuicError, TransportErrorCode } from '../errors';
import type { QlogTap } from './qlog/tap';
import { toHex } from '../tls/bytes';
import { VersionsAbi } from '../core/versions-abi';
import { ParkingLots } from './parking-lot';
import { retrySettings, type RetryMode, type AddressTokenOptions } from './address-validation';

import { QUIC_V1, QUIC_V2, CID_GEN_QUIC_LB, CID_GEN_HOST } from '../core/abi.generated';
export { QUIC_V1, QUIC_V2 };

/** A server connection's QUIC version choice, made when its ClientHello arrives (the HandshakeDriver). */
export interface VersionNegotiator {
  /** The version of the connection's first flight (a ticket from another version does not resume, RFC 9369 §5). */
  readonly originalVersion: number;
  /** Called with the client's transport parameters before the ClientHello is answered: returns ours after choosing the QUIC version (RFC 9368). */
  negotiateVersion(clientParams: Uint8Array): Uint8Array;
  /** Ours as they stand (encoded again on each call: what tickets remember, read once per connection). */
  localTransportParameters(): Uint8Array;
}

/** Makes a client connection's TLS session, given our encoded transport parameters. */
export type ClientTlsFactory = (localTransportParams: Uint8Array) => TlsSession;

/**
 * Makes a server connection's TLS session. Our transport parameters depend on the QUIC
 * version chosen from the ClientHello: the session asks `negotiator` for them.
 */
export type ServerTlsFactory = (negotiator: VersionNegotiator) => TlsSession;

/** Endpoint configuration. */
export interface EndpointOptions {
  abi: ConnAbi;
  network: Network;
  clock: Clock;
  keys: KeyInstaller;
  readStats: StatsReader;
  /** Server endpoints accept connections and need a TLS factory for them. */
  server?: { tls: ServerTlsFactory };
  /** Length of the connection IDs we issue (default 8; 4..20, or 0 for a client: zero-length CIDs, routed by path). */
  localCidLength?: number;
  /** Where our connection IDs come from (default: random bytes from the CSPRNG). */
  cids?: CidSource;
  /** Stateless reset (RFC 9000 §10.3): the token key and how many resets we send per second. */
  statelessReset?: StatelessResetOptions;
  /** Core config keys applied as endpoint defaults (conn 0), e.g. flow-control windows. */
  config?: Record<number, number>;
  /** Random words seeding the core's PRNG (CIDs, packet numbers). */
  seed: Uint32Array;
  /** Bytes of received data buffered per stream before reading pauses. */
  streamHighWaterMark?: number;
  /** qlog traces, when the user asked for them (its imports must be bound to this core). */
  qlog?: QlogTap;
  /** Connection caps and the handshake timeout (the core's defaults where absent). */
  limits?: Partial<EndpointLimits>;
  /** QUIC versions, most preferred first (default QUIC_V1, QUIC_V2): accepted and preferred (server), offered (client). */
  versions?: readonly number[];
  /** Servers: when to answer with Retry (default 'under-load'). */
  retry?: RetryMode;
  /** Servers: token lifetimes and NEW_TOKEN. */
  addressTokens?: AddressTokenOptions;
}

/**
 * QUIC-LB plaintext connection IDs (draft-ietf-quic-load-balancers): a load balancer
 * that knows the configuration reads the server ID out of every CID this server issues
 * and routes the datagram to it. CIDs are 1 + serverId.length + nonceLength bytes.
 */
export interface QuicLbConfig {
  /** This server's ID (1..15 bytes; with the nonce at most 19). */
  serverId: Uint8Array;
  /** Config rotation codepoint, 0..6 (0b111 means "unroutable" in the draft). Default 0. */
  configId?: number;
  /** Random nonce bytes after the server ID (at least 4; default 8 - serverId.length, min 4). */
  nonceLength?: number;
}

/** A CID generator: either QUIC-LB, or a function returning `length` fresh bytes per call. */
export type CidSource = { quicLb: QuicLbConfig } | { generate: (length: number) => Uint8Array };

/** Stateless reset settings. */
export interface StatelessResetOptions {
  /**
   * The 16-byte static key from which every CID's reset token is derived
   * (SipHash-2-4-128(key, CID)). Default: random per endpoint. Keep it (and the CID length)
   * across restarts so that a restarted server resets its old connections' peers at once.
   */
  key?: Uint8Array;
  /** Resets sent per second at most, after a burst of 10 (default 100; 0: never send one). */
  maxPerSecond?: number;
}

/** The core's defaults (assembly/endpoint/endpoint.ts), restated for validation messages. */
export const DEFAULT_LIMITS: EndpointLimits = { maxConnections: 10000, maxHalfOpen: 1024, maxHalfOpenPerPath: 8, handshakeTimeoutMs: 10000 };

function checkLimits(l: Partial<EndpointLimits> | undefined): EndpointLimits {
  const out = { ...DEFAULT_LIMITS };
  for (const [k, v] of Object.entries(l ?? {})) {
    if (v === undefined) continue;
    if (!(k in DEFAULT_LIMITS)) throw new QuicError('ERR_QUIC_INVALID_CONFIG', `unknown limit "${k}"`);
    const max = k === 'handshakeTimeoutMs' ? 2 ** 31 : 1 << 20;
    if (typeof v !== 'number' || !(v >= 1 && v <= max) || (k !== 'handshakeTimeoutMs' && !Number.isInteger(v))) {
      throw new QuicError('ERR_QUIC_INVALID_CONFIG', `limits.${k} must be ${k === 'handshakeTimeoutMs' ? 'a number of milliseconds' : 'an integer'} between 1 and ${max}, got ${String(v)}`);
    }
    (out as Record<string, number>)[k] = v;
  }
  return out;
}

function configureCids(abi: ConnAbi, o: EndpointOptions): void {
  const bad = (m: string) => new QuicError('ERR_QUIC_INVALID_CONFIG', m);
  const src = o.cids;
  if (src && 'quicLb' in src) {
    const lb = src.quicLb;
    if (!(lb?.serverId instanceof Uint8Array) || lb.serverId.length < 1 || lb.serverId.length > 15) throw bad('quicLb.serverId must be a Uint8Array of 1..15 bytes');
    const nonce = lb.nonceLength ?? Math.max(4, 8 - lb.serverId.length);
    const configId = lb.configId ?? 0;
    if (abi.setCidGenerator(CID_GEN_QUIC_LB, lb.serverId, configId, nonce) < 0) {
      throw bad(`quicLb: configId must be 0..6 and nonceLength at least 4 with serverId + nonce at most 19 bytes (got configId ${configId}, ${lb.serverId.length} + ${nonce})`);
    }
  } else if (src && 'generate' in src) {
    if (typeof src.generate !== 'function') throw bad('cidGenerator must be a function (length) => Uint8Array');
    abi.setCidGenerator(CID_GEN_HOST);
  }
  const r = o.statelessReset;
  if (r?.key !== undefined) {
    if (!(r.key instanceof Uint8Array) || r.key.length !== 16) throw bad('statelessReset.key must be a Uint8Array of 16 bytes');
    abi.setResetKey(r.key);
  }
  if (r?.maxPerSecond !== undefined && abi.setResetRate(r.maxPerSecond) < 0) throw bad(`statelessReset.maxPerSecond must be a number in 0..1000000, got ${String(r.maxPerSecond)}`);
}

export class QuicEndpoint implements PumpListener, ConnectionHost {
  readonly abi: ConnAbi;
  readonly readStats: StatsReader;
  private readonly pump: CorePump;
  private readonly versionsAbi: VersionsAbi;
  private readonly connections = new Map<number, QuicConnection>();
  /**
   * Server connections that wait for nothing but the client's Finished keep only a row of
   * `lots` (the path, the handshake's versions, secrets and key handles; the TLS session's
   * parked state beside it), without a connection, driver or TLS session (issue 17: a
   * flood of spoofed Initials leaves thousands of these). By handle: its row's ticket, 0 when
   * not parked (handles are small and dense: the core's connection table). The next core
   * event for one makes them again (unpark()).
   */
  private parkedRows = new Int32Array(64);
  private parkedCount = 0;
  private readonly lots = new ParkingLots();
  /** Server connections that may be parked when the current service round ends. */
  private parkCandidates: number[] = [];
  private readonly pending: QuicConnection[] = [];
  private readonly gracefulClosing = new Set<GracefulCloser>();
  private readonly acceptors: { resolve: (c: QuicConnection) => void; reject: (e: Error) => void }[] = [];
  private fatalError: Error | null = null;
  private closedFlag = false;

  constructor(private readonly options: EndpointOptions) {
    this.abi = options.abi;
    this.readStats = options.readStats;
    this.abi.seed(options.seed);
    this.abi.configureEndpoint(options.localCidLength ?? 8, !!options.server);
    configureCids(this.abi, options);
    for (const [k, v] of Object.entries(options.config ?? {})) {
      const r = this.abi.configure(0, Number(k), v);
      if (r < 0) throw new QuicError('ERR_QUIC_INVALID_CONFIG', `the core rejected config key ${k} = ${v} (code ${-r})`);
    }
    const limits = checkLimits(options.limits);
    if (this.abi.setLimits(limits) < 0) throw new QuicError('ERR_QUIC_INVALID_CONFIG', `the core refused the limits ${JSON.stringify(limits)}`);
    this.versionsAbi = new VersionsAbi(this.abi.core);
    if (options.versions && this.versionsAbi.setVersions(options.versions) < 0) {
      throw new QuicError('ERR_QUIC_INVALID_CONFIG', `versions must list QUIC versions this core speaks (0x1, 0x6b3343cf) once each, got ${options.versions.map((v) => `0x${(v >>> 0).toString(16)}`).join(', ')}`);
    }
    if (this.abi.setRetry(retrySettings(options.retry, options.addressTokens)) < 0) throw new QuicError('ERR_QUIC_INVALID_CONFIG', 'the core refused the retry settings');
    if (options.qlog) this.abi.setQlog(true);
    this.pump = new CorePump(this.abi, options.network, options.clock, this);
    options.network.onError((err) => this.onNetworkError(err));
  }

  /** Counters of datagrams and bytes moved by this endpoint. */
  get counters() {
    return this.pump.counters;
  }

  /** The core's endpoint counters: connections, half-open, junk Initials dropped, evictions, memory. */
  get stats(): EndpointStats {
    return this.abi.endpointStats();
  }

  /** Number of live connections. */
  get connectionCount(): number {
    return this.connections.size + this.parkedCount;
  }

  /**
   * Starts a client connection on `path` with the given TLS session factory, its first
   * flight in `version`, carrying `addressToken` (a NEW_TOKEN token) when given.
   * `followsVersionNegotiation`: this attempt answers a Version Negotiation packet (RFC 9368 §4).
   */
  connect(path: PathHandle, tls: ClientTlsFactory, version = QUIC_V1, addressToken?: Uint8Array, followsVersionNegotiation = false): QuicConnection {
    this.assertUsable();
    const now = this.options.clock.now();
    const handle = this.abi.connect(version, path, now);
    if (handle <= 0) throw new QuicError('ERR_QUIC_CONNECT', `the core could not create a connection (code ${-handle})`);
    if (followsVersionNegotiation) this.versionsAbi.followsVersionNegotiation(handle);
    // RFC 9000 §8.1.3: a NEW_TOKEN token from an earlier connection to this server.
    if (addressToken?.length) this.abi.setToken(handle, addressToken);
    const conn = this.adopt(handle, version, false, () => tls(this.abi.localTransportParams(handle)));
    this.pump.service();
    return conn;
  }

  /** The next connection a client opens to this (server) endpoint. */
  accept(): Promise<QuicConnection> {
    const c = this.pending.shift();
    if (c) return Promise.resolve(c);
    if (this.fatalError || this.closedFlag) return Promise.reject(this.fatalError ?? new QuicError('ERR_QUIC_ENDPOINT_CLOSED', 'endpoint closed'));
    return new Promise((resolve, reject) => this.acceptors.push({ resolve, reject }));
  }

  /** Closes every connection (application code 0) and waits for them to finish, then stops. */
  async close(): Promise<void> {
    if (this.closedFlag) return;
    this.closedFlag = true;
    this.unparkAll();
    // Each connection to its end, closing period included (close() resolves before it):
    // the socket and the pump must serve the peers' late packets until then.
    await Promise.all([...this.connections.values()].map(async (c) => {
      await c.close(0, 'endpoint closing');
      await c.closed;
    }));
    this.pump.stop();
    for (const a of this.acceptors.splice(0)) a.reject(new QuicError('ERR_QUIC_ENDPOINT_CLOSED', 'endpoint closed'));
    this.options.network.close();
  }

  // ---- ConnectionHost ---------------------------------------------------------------

  get clock(): Clock {
    return this.options.clock;
  }

  get network(): Network {
    return this.options.network;
  }

  get isServer(): boolean {
    return this.options.server !== undefined;
  }

  watchGracefulClose(conn: GracefulCloser): void {
    this.gracefulClosing.add(conn);
  }

  service(): void {
    this.pump.service();
  }

  serviceSoon(): void {
    this.pump.serviceSoon();
  }

  forget(conn: number): void {
    this.connections.delete(conn);
  }

  // ---- PumpListener -----------------------------------------------------------------

  onCoreEvent(ev: CoreEvent): void {
    if (ev.kind === EventKind.PATH_UNUSED) {
      // No connection refers to the address any more: the network's path table drops it.
      this.options.network.forgetPath?.(ev.a);
      return;
    }
    if (this.options.qlog) this.qlogEvent(ev);
    if (ev.kind === EventKind.NEW_CONNECTION) {
      if (!this.options.server || this.closedFlag) {
        this.abi.close(ev.conn, TransportErrorCode.CONNECTION_REFUSED, false, new Uint8Array(0));
        return;
      }
      const tls = this.options.server.tls;
      const conn = this.adopt(ev.conn, ev.a || QUIC_V1, true, (driver) => tls(driver));
      conn.acceptPath = ev.b;
      conn.acceptQueue = this;
      this.parkCandidates.push(ev.conn);
      return;
    }
    const conn = this.connections.get(ev.conn) ?? this.unpark(ev.conn);
    conn?.onCoreEvent(ev);
    if (conn && this.options.server && !conn.handshakeInfo && !conn.closeInfo) this.parkCandidates.push(ev.conn);
    if (ev.kind === EventKind.CLOSED && conn?.closeInfo) {
      // Synchronously: the core may reuse this handle for the next connection.
      this.options.qlog?.close(ev.conn, this.options.clock.now(), conn.closeInfo);
    }
  }

  /**
   * A server connection may go to accept(). With 0-RTT accepted the application gets it
   * at once, to read the early data and answer in 0.5-RTT (RFC 9001 §4.1.1); otherwise
   * once established. Called by the connection rather than through a listener and a
   * promise per half-open connection (issue 17); acted on after the current pump step,
   * as a promise's callback would be.
   */
  acceptable(conn: QuicConnection, established: boolean): void {
    queueMicrotask(() => {
      if (conn.closeInfo) return; // failed handshakes are never handed to accept()
      if (established) this.options.network.peerAccepted?.(conn.acceptPath); // an authenticated peer may get its own socket
      if (conn.handedToAccept) return;
      conn.handedToAccept = true;
      const a = this.acceptors.shift();
      if (a) a.resolve(conn);
      else this.pending.push(conn);
    });
  }

  onIdle(): void {
    if (this.parkCandidates.length) this.parkWaiting();
    // A graceful close may send CONNECTION_CLOSE now, which runs the pump again (re-entrant
    // calls only mark it to run once more), so check before flushing qlog.
    for (const c of this.gracefulClosing) if (c.checkGracefulClose()) this.gracefulClosing.delete(c);
    this.options.qlog?.flush();
  }

  /** Connection state changes that qlog shows (connection_state_updated). */
  private qlogEvent(ev: CoreEvent): void {
    const trace = this.options.qlog!.trace(ev.conn);
    if (!trace) return;
    const now = this.options.clock.now();
    if (ev.kind === EventKind.HANDSHAKE_CONFIRMED) trace.stateUpdated(now, 'handshake_confirmed');
    else if (ev.kind === EventKind.CLOSING) trace.stateUpdated(now, (ev.c & 2) !== 0 ? 'draining' : 'closing');
  }

  onFatal(err: Error): void {
    this.fatalError = err;
    this.unparkAll();
    for (const c of [...this.connections.values()]) c.abort(err);
    for (const a of this.acceptors.splice(0)) a.reject(err);
  }

  /** `session` makes the TLS session once the driver exists (a server's asks the driver for the version). */
  private adopt(handle: number, version: number, isServer: boolean, session: (driver: HandshakeDriver) => TlsSession): QuicConnection {
    const driver = new HandshakeDriver(this.abi, handle, null, this.options.keys, version, isServer, this.versionsAbi);
    driver.attach(session(driver));
    const conn = new QuicConnection(this, handle, driver, this.options.streamHighWaterMark);
    this.connections.set(handle, conn);
    if (this.options.qlog) this.startQlog(handle, driver, isServer);
    driver.start();
    return conn;
  }

  /** Parks the candidates that wait for nothing but the client's Finished. */
  private parkWaiting(): void {
    const handles = this.parkCandidates;
    this.parkCandidates = [];
    for (const h of handles) {
      const conn = this.connections.get(h);
      if (!conn) continue;
      const bytes = this.lots.draft();
      let tls: unknown = null;
      try {
        bytes.writeInts([conn.acceptPath]);
        tls = conn.park(bytes);
      } catch {
        // More than the largest row holds (RangeError): it stays as it is.
      }
      if (!tls) {
        this.lots.discard(bytes);
        continue;
      }
      const ticket = this.lots.park(bytes, tls);
      this.connections.delete(h);
      if (h >= this.parkedRows.length) {
        const grown = new Int32Array(Math.max(2 * this.parkedRows.length, h + 1));
        grown.set(this.parkedRows);
        this.parkedRows = grown;
      }
      this.parkedRows[h] = ticket;
      this.parkedCount++;
    }
  }

  /** A parked connection made again: driver, TLS session (from its factory) and connection. */
  private unpark(handle: number): QuicConnection | undefined {
    const ticket = this.parkedRows[handle] ?? 0;
    if (ticket === 0) return undefined;
    this.parkedRows[handle] = 0;
    this.parkedCount--;
    const tls = this.options.server!.tls;
    let driver: HandshakeDriver;
    let acceptPath: number;
    try {
      const bytes = this.lots.cursor(ticket);
      [acceptPath] = bytes.readInts();
      driver = HandshakeDriver.resume(this.abi, handle, this.options.keys, this.versionsAbi, bytes, this.lots.attached(ticket), (d) => tls(d));
    } finally {
      this.lots.release(ticket); // read, then zeroed
    }
    const conn = new QuicConnection(this, handle, driver, this.options.streamHighWaterMark);
    conn.acceptPath = acceptPath;
    conn.acceptQueue = this;
    this.connections.set(handle, conn);
    return conn;
  }

  private unparkAll(): void {
    for (let h = 0; this.parkedCount > 0 && h < this.parkedRows.length; h++) this.unpark(h);
  }

  private startQlog(handle: number, driver: HandshakeDriver, isServer: boolean): void {
    const qlog = this.options.qlog!;
    const clock = this.options.clock;
    const odcid = toHex(this.abi.originalDcid(handle));
    const trace = qlog.open(handle, { odcid, vantage: isServer ? 'server' : 'client' });
    trace.stateUpdated(clock.now(), 'attempted');
    qlog.transportParameters(handle, clock.now(), 'local', this.abi.localTransportParams(handle), isServer);
    driver.onPeerTransportParameters = (data) => qlog.transportParameters(handle, clock.now(), 'remote', data, !isServer);
    // Synchronously (not via conn.established) so the state lands before HANDSHAKE_DONE's.
    driver.beforeComplete = () => trace.stateUpdated(clock.now(), 'handshake_complete');
  }

  private onNetworkError(err: Error): void {
    // Socket errors (an ICMP port unreachable surfacing as ECONNREFUSED, a send to a bad
    // address) affect one datagram, not the endpoint: QUIC's loss recovery covers them.
    this.lastNetworkError = err;
  }

  /** The most recent network error (for diagnostics). */
  lastNetworkError: Error | null = null;

  private assertUsable(): void {
    if (this.fatalError) throw this.fatalError;
    if (this.closedFlag) throw new QuicError('ERR_QUIC_ENDPOINT_CLOSED', 'endpoint closed');
  }
}
