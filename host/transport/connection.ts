// One QUIC connection as the application sees it: the handshake (TLS bytes and
// secrets moved between the TLS engine and the core, host/transport/handshake.ts),
// streams, and the close. Owned by an endpoint, which routes core events here.

import { ConnAbi, CoreEvent, EventKind, ConnState, Level, type ConnTimers } from '../core/conn-abi';
import { QuicArgumentError, QuicError, QuicTransportError } from '../errors';
import { MAX_REASON_BYTES, abortInfo, checkCloseArguments, closedError, closingRecord, decodePhrase, handshakeTimeoutRecord, idleTimeoutInfo, versionNegotiationRecord } from './close-info';
import type { QuicStream } from './stream';
import type { StreamTable } from './stream-table';
import { ConnectionStreams } from './connection-streams';
import { clockTimers, guard, type WaitOptions } from '../api/abort';
import { checkStreamOptions } from '../api/options';
import { TypedEvents, type Listener } from '../api/events';
import type { HandshakeDriver, HandshakeInfo } from './handshake';
import type { RowCursor } from './parking-lot';
import { LazyOutcome } from './lazy-outcome';
import type { SessionTicket } from '../tls/session-ticket';
import type { EarlyDataState } from './early-data';
import type { Clock } from './clock';
import { DatagramChannel, type DatagramOutcome, type DatagramSendOptions, type DatagramStats } from './datagrams';
import { DatagramAbi } from '../core/datagram-abi';
import { ConnectionPaths, type MigrateOptions, type PathChange } from './migration';
import { KeyGenerations } from './key-generations';
export type { ConnectionState, CloseInfo, ConnectionEvents, ConnectionStats, StatsReader, CloseOptions, ConnectionHost } from './connection-types';
import { connectionStateName, type ConnectionState, type CloseInfo, type ConnectionEvents, type ConnectionStats, type CloseOptions, type ConnectionHost } from './connection-types';

/** @internal Where a server connection goes when it may be accepted (its endpoint; QuicConnection.acceptQueue). */
export interface AcceptQueue {
  acceptable(conn: QuicConnection, established: boolean): void;
}

/** One QUIC connection: made by connect() / accept() (or an Endpoint), never constructed by applications. */
export class QuicConnection {
  private endInfo: CloseInfo | null = null;
  /** The reason phrase of our own close(), as sent. */
  private localReason = '';
  /** Set by a graceful close() until the CONNECTION_CLOSE goes out. */
  private closeRequest: { code: number; reason: string; timer: unknown } | null = null;
  // Promises made when first asked for (lazy-outcome.ts), the outcomes when asked for or
  // settled: a half-open connection has none (issue 17).
  private establishedO: LazyOutcome<HandshakeInfo> | null = null;
  private closedO: LazyOutcome<CloseInfo> | null = null;
  private ticketO: LazyOutcome<SessionTicket | null> | null = null;
  private get establishedOutcome(): LazyOutcome<HandshakeInfo> { return (this.establishedO ??= new LazyOutcome()); }
  private get closedOutcome(): LazyOutcome<CloseInfo> { return (this.closedO ??= new LazyOutcome()); }
  private get ticketOutcome(): LazyOutcome<SessionTicket | null> { return (this.ticketO ??= new LazyOutcome()); }
  /** Settles with endInfo: what close() returns (see there); made by the first close(). */
  private endedOutcome: LazyOutcome<CloseInfo> | null = null;
  /** Resolves when the handshake completes (rejects if the connection fails before). */
  get established(): Promise<HandshakeInfo> {
    return this.establishedOutcome.promise;
  }

  /** Resolves when the connection is gone, with how it ended. Never rejects. */
  get closed(): Promise<CloseInfo> {
    return this.closedOutcome.promise;
  }

  /**
   * Client: the first session ticket the server sends (resume with it through the
   * `session` connect option), or null if the connection ends without one.
   */
  get sessionTicket(): Promise<SessionTicket | null> {
    return this.ticketOutcome.promise;
  }

  /**
   * @internal Server endpoints: told when the connection may go to accept(): 0-RTT
   * accepted (false), then established (true). The endpoint itself, not a closure per
   * connection (issue 17: half-open connections are small).
   */
  acceptQueue: AcceptQueue | null = null;
  /** @internal Server endpoints: the path the connection arrived on. */
  acceptPath = 0;
  /** @internal Server endpoints: true once handed to accept(). */
  handedToAccept = false;
  /** Set once the handshake completed. */
  handshakeInfo: HandshakeInfo | null = null;
  /** Client: called for every session ticket (servers may send several). */
  onSessionTicket: ((ticket: SessionTicket) => void) | null = null;
  private lastTicket: SessionTicket | null = null;
  private keyGen: KeyGenerations | null = null; // installed per direction, made with the first key update
  /** Client: the server's latest NEW_TOKEN token (RFC 9000 §8.1.3), also stored in the session tickets. */
  addressToken: Uint8Array | null = null;
  /** Listeners, made with the first on()/once(). */
  private listeners: TypedEvents<ConnectionEvents> | null = null;
  private closeEmitted = false;
  private dgram: DatagramChannel | null = null; // datagrams.ts, made at first use
  private pathTable: ConnectionPaths | null = null;
  /** @internal Paths: migrate(), the preferred address, `pathchange` (host/transport/migration.ts); made at first use. */
  get paths(): ConnectionPaths {
    return (this.pathTable ??= new ConnectionPaths(this.host, this.handle, () => this.assertOpen(), (c) => this.listeners?.emit('pathchange', c)));
  }

  /** @internal */
  constructor(
    private readonly host: ConnectionHost,
    /** @internal The core's connection handle. */
    readonly handle: number,
    private readonly handshake: HandshakeDriver,
    /** Bytes of received data buffered per stream before reading pauses. */
    streamHighWaterMark = 1 << 20,
  ) {
    this.streamHighWaterMark = streamHighWaterMark;
    handshake.owner = this;
  }

  private readonly streamHighWaterMark: number;
  /** The streams and their door to the core (connection-streams.ts), made with the first stream or wait for one. */
  private streamLink: ConnectionStreams | null = null;
  private get link(): ConnectionStreams {
    return (this.streamLink ??= new ConnectionStreams(this.host, this, this.streamHighWaterMark));
  }
  private get streams(): StreamTable {
    return this.link.table;
  }
  private get streamTable(): StreamTable | null {
    return this.streamLink?.table ?? null;
  }

  private get events(): TypedEvents<ConnectionEvents> {
    return (this.listeners ??= new TypedEvents<ConnectionEvents>(() => clockTimers(this.host.clock)));
  }

  /** @internal The handshake completed (HandshakeOwner). */
  handshakeCompleted(info: HandshakeInfo): void {
    this.handshakeInfo = info;
    this.establishedOutcome.resolve(info);
    this.listeners?.emit('established', info);
    this.acceptQueue?.acceptable(this, true);
  }

  /** @internal The handshake failed (HandshakeOwner). */
  handshakeFailed(err: Error): void {
    this.establishedOutcome.reject(err);
  }

  /** @internal 0-RTT moved (HandshakeOwner). */
  earlyDataChanged(state: EarlyDataState): void {
    if (state === 'accepted' || state === 'rejected') this.listeners?.emit('earlydata', { state });
    if (state === 'accepted') this.acceptQueue?.acceptable(this, false);
  }

  /** @internal A session ticket arrived (HandshakeOwner). */
  sessionTicketReceived(t: SessionTicket): void {
    // The NEW_TOKEN token travels with the session the application saves (RFC 9000 §8.1.3).
    this.lastTicket = t;
    if (this.addressToken) t.addressToken = this.addressToken;
    this.ticketOutcome.resolve(t);
    this.onSessionTicket?.(t);
    this.listeners?.emit('sessionticket', t);
  }

  private get abi(): ConnAbi {
    return this.host.abi;
  }

  /** Calls `listener` on every event of `type` (see ConnectionEvents); returns a function that removes it. */
  on<K extends keyof ConnectionEvents>(type: K, listener: Listener<ConnectionEvents[K]>): () => void {
    const off = this.events.on(type, listener);
    // Datagrams that waited for someone to want them go to the new listener.
    if (type === 'datagram') queueMicrotask(() => this.dgram?.pull());
    return off;
  }

  /** Removes a listener added with on(). */
  off<K extends keyof ConnectionEvents>(type: K, listener: Listener<ConnectionEvents[K]>): void {
    this.listeners?.off(type, listener);
  }

  /** The next event of `type` as a promise (`signal` / `timeoutMs` to stop waiting). */
  once<K extends keyof ConnectionEvents>(type: K, options?: WaitOptions): Promise<ConnectionEvents[K]> {
    return this.events.once(type, options);
  }

  /** How the connection ended, once it has (null before). */
  get closeInfo(): CloseInfo | null {
    return this.endInfo;
  }

  /**
   * The QUIC version in use (QUIC_V1 = 0x1, QUIC_V2 = 0x6b3343cf): after compatible
   * version negotiation (RFC 9368), the version the server chose, not the first flight's.
   */
  get version(): number {
    return this.handshake.version;
  }

  /**
   * 0-RTT (RFC 9001 §4.6): 'none'; client: 'offered' (streams may be opened and written
   * before the handshake completes: they go in 0-RTT packets under the limits the server
   * gave the earlier connection), then 'accepted' or 'rejected' (everything is sent again
   * in 1-RTT, nothing lost); server: 'accepted' (the connection is handed to accept()
   * before the handshake completes; streams the client opened in 0-RTT have `early` set)
   * or 'rejected'.
   */
  get earlyData(): EarlyDataState {
    return this.handshake.earlyData;
  }

  /** Current state as the core sees it. */
  get state(): ConnectionState {
    return connectionStateName(this.coreState);
  }

  private get coreState(): ConnState {
    return this.endInfo ? ConnState.STATE_CLOSED : this.abi.state(this.handle);
  }

  /** Opens a stream (bidirectional by default). Throws a typed error when the peer's stream limit is reached. */
  openStream(options: { unidirectional?: boolean; urgency?: number } = {}): QuicStream {
    this.assertOpen();
    if (this.closeRequest) throw new QuicError('ERR_QUIC_CONNECTION_CLOSING', 'close() was called: no new streams');
    if (!this.handshakeInfo && !this.earlyStreams) {
      // The peer's stream limits arrive with its transport parameters during the handshake.
      throw new QuicError('ERR_QUIC_NOT_ESTABLISHED', 'open streams after the handshake: await connection.established first (or resume a session with earlyData: true)');
    }
    checkStreamOptions(options, 'openStream()'); // before the stream exists: a refusal must not leak one
    const id = this.abi.streamOpen(this.handle, !options.unidirectional);
    if (id < 0) {
      throw new QuicTransportError(-id, `cannot open a ${options.unidirectional ? 'unidirectional' : 'bidirectional'} stream now (the peer's MAX_STREAMS limit is reached; retry after a stream closes)`);
    }
    const s = this.streams.obtain(id, true);
    if (options.urgency !== undefined) s.setUrgency(options.urgency);
    return s;
  }

  /**
   * Opens a stream, waiting while the peer's MAX_STREAMS limit is reached (until the peer
   * allows more, or the connection closes).
   */
  async openStreamAsync(options: { unidirectional?: boolean; urgency?: number } & WaitOptions = {}): Promise<QuicStream> {
    let cancelled = false;
    const work = (async () => {
      if (!this.earlyStreams) await this.established;
      for (;;) {
        this.assertOpen();
        if (cancelled) throw new QuicError('ERR_QUIC_ABORTED', 'openStreamAsync() was aborted');
        const bidi = !options.unidirectional;
        if (this.abi.streamOpenable(this.handle, bidi)) return this.openStream(options);
        await this.streams.waitCredit(bidi);
      }
    })();
    // Cancelled before the limit rises: the loop above stops at its next wake-up without opening.
    return guard(work, options, 'openStreamAsync()', () => { cancelled = true; }, clockTimers(this.host.clock));
  }

  /**
   * Streams may open before the handshake completes: a client sending 0-RTT (under the
   * remembered limits, then the new ones), a server that accepted it (0.5-RTT, RFC 9001
   * §4.1.1: it has the client's parameters and its 1-RTT keys).
   */
  private get earlyStreams(): boolean {
    return this.handshake.earlyData !== 'none';
  }

  /** The next stream the peer opens (with `signal` / `timeoutMs` to stop waiting). */
  acceptStream(options?: WaitOptions): Promise<QuicStream> {
    const s = this.streams.takeAccepted();
    if (s) return Promise.resolve(s);
    if (this.endInfo) return Promise.reject(this.closedError());
    const w = this.streams.waitAccept();
    return guard(w.promise, options, 'acceptStream()', w.cancel, clockTimers(this.host.clock));
  }

  /** Closes gracefully (code 0), for `await using conn = await connect(...)`. */
  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }

  /**
   * Closes the connection with an application error code (0 = no error). By default
   * the close is graceful: everything written before it is delivered first (see
   * CloseOptions). Opening streams and writing after close() fail with
   * ERR_QUIC_CONNECTION_CLOSING. Resolves with how the connection ended as soon as that
   * is settled: our CONNECTION_CLOSE sent (or the peer's received). The endpoint keeps
   * answering the peer's late packets with it for three PTOs (RFC 9000 §10.2.1) in the
   * background, without the application waiting; `closed` resolves after that.
   */
  close(code = 0, reason = '', options: CloseOptions = {}): Promise<CloseInfo> {
    checkCloseArguments(code, reason);
    if (options.signal) {
      const { signal, ...rest } = options;
      const closing = this.close(code, reason, rest);
      return guard(closing, { signal }, 'close()', () => {
        if (this.closeRequest) this.closeNow(this.closeRequest.code, this.closeRequest.reason);
      });
    }
    if (this.endInfo || this.coreState >= ConnState.STATE_CLOSING) return this.endedPromise();
    if (this.closeRequest && options.graceful !== false) return this.endedPromise();
    if (options.graceful === false || !this.handshakeInfo) {
      this.closeNow(code, reason);
      return this.endedPromise();
    }
    const timeoutMs = options.timeoutMs ?? 10_000;
    if (!(timeoutMs >= 0)) throw new QuicArgumentError('close(): timeoutMs must be a non-negative number');
    const clock = this.host.clock;
    const timer = clock.setTimer(clock.now() + timeoutMs * 1000, () => {
      if (this.closeRequest) this.closeNow(this.closeRequest.code, this.closeRequest.reason);
    });
    this.closeRequest = { code, reason, timer };
    this.host.watchGracefulClose(this);
    this.checkGracefulClose();
    return this.endedPromise();
  }

  /** @internal After each pump round: sends the requested CONNECTION_CLOSE once all written data is acknowledged. */
  checkGracefulClose(): boolean {
    const req = this.closeRequest;
    if (!req || this.endInfo) return true;
    if (this.streamTable?.hasQueuedWrites()) return false;
    if (this.abi.streamsUnacked(this.handle) > 0) return false;
    this.closeNow(req.code, req.reason);
    return true;
  }

  private closeNow(code: number, reason: string): void {
    if (this.closeRequest) this.host.clock.clearTimer(this.closeRequest.timer);
    this.closeRequest = null;
    if (this.endInfo || this.coreState >= ConnState.STATE_CLOSING) return;
    const bytes = new TextEncoder().encode(reason).subarray(0, MAX_REASON_BYTES);
    this.localReason = decodePhrase(bytes);
    this.abi.close(this.handle, code, true, bytes);
    this.host.service();
  }

  /**
   * Gives the peer fresh connection IDs and asks it to retire every one it holds of ours
   * (NEW_CONNECTION_ID with Retire Prior To, RFC 9000 §5.1.2): the peer moves to a new CID,
   * so an observer cannot link what follows to what came before. The old CIDs keep
   * routing until the peer's RETIRE_CONNECTION_ID arrives. Returns false (and does
   * nothing) while the peer has not yet retired those of the previous call. After the
   * handshake; not with zero-length CIDs (QuicError ERR_QUIC_NOT_ESTABLISHED /
   * ERR_QUIC_INVALID_STATE).
   */
  retireConnectionIds(): boolean {
    this.assertOpen();
    if (!this.handshakeInfo) throw new QuicError('ERR_QUIC_NOT_ESTABLISHED', 'retireConnectionIds() after the handshake: await connection.established first');
    const r = this.abi.retireConnectionIds(this.handle);
    if (r < 0) throw new QuicError('ERR_QUIC_INVALID_STATE', 'this connection uses zero-length connection IDs: there are none to retire');
    this.host.service();
    return r === 1;
  }

  /**
   * The largest datagram payload sendDatagram() takes now, in bytes: within the peer's
   * max_datagram_frame_size (RFC 9221 §3), one packet on the current path and our send
   * queue. 0 when the peer does not accept datagrams (or before the handshake, unless 0-RTT).
   */
  get maxDatagramSize(): number {
    return this.endInfo ? 0 : this.datagramChannel().maxSize;
  }

  /**
   * Sends an unreliable datagram (RFC 9221): once, in a 1-RTT packet under congestion
   * control (before the handshake completes, in 0-RTT under the ticket's remembered
   * max_datagram_frame_size), never retransmitted. Strings go as UTF-8. Throws a QuicError before anything
   * is queued: ERR_QUIC_DATAGRAM_UNSUPPORTED (the peer takes none),
   * ERR_QUIC_DATAGRAM_TOO_LARGE (above maxDatagramSize), ERR_QUIC_NOT_ESTABLISHED,
   * ERR_QUIC_CONNECTION_CLOSING / _CLOSED. Datagrams wait in a bounded send queue
   * (`datagrams.sendQueue`); when it is full the oldest waiting one is dropped.
   * With `{ track: true }` it returns a promise of the outcome ('acked', 'lost' or
   * 'dropped'; never rejected).
   */
  sendDatagram(data: Uint8Array | string): void;
  sendDatagram(data: Uint8Array | string, options: DatagramSendOptions & { track: true }): Promise<DatagramOutcome>;
  sendDatagram(data: Uint8Array | string, options?: DatagramSendOptions): Promise<DatagramOutcome> | void;
  sendDatagram(data: Uint8Array | string, options?: DatagramSendOptions): Promise<DatagramOutcome> | void {
    this.assertOpen();
    if (this.closeRequest || this.coreState >= ConnState.STATE_CLOSING) throw new QuicError('ERR_QUIC_CONNECTION_CLOSING', 'the connection is closing: no new datagrams');
    if (!this.handshakeInfo && !this.earlyStreams) throw new QuicError('ERR_QUIC_NOT_ESTABLISHED', 'send datagrams after the handshake: await connection.established first (or resume a session with earlyData: true)');
    return this.datagramChannel().send(data, options);
  }

  /**
   * The next received datagram (with `signal` / `timeoutMs` to stop waiting); rejects
   * once the connection is gone. Datagrams wait in a bounded receive queue
   * (`datagrams.receiveQueue` bytes): when the application reads too slowly the oldest
   * are dropped and counted (datagramStats().receiveDropped).
   */
  receiveDatagram(options?: WaitOptions): Promise<Uint8Array> {
    const w = this.datagramChannel().receive();
    return guard(w.promise, options, 'receiveDatagram()', w.cancel, clockTimers(this.host.clock));
  }

  /** Received datagrams as an async iterable (receiveDatagram() in a loop); it ends when the connection does. */
  async *datagrams(options?: WaitOptions): AsyncGenerator<Uint8Array, void, undefined> {
    for (;;) {
      let d: Uint8Array;
      try {
        d = await this.receiveDatagram(options);
      } catch (err) {
        if (this.endInfo) return;
        throw err;
      }
      yield d;
    }
  }

  /** Datagram counters: sent, received, acknowledged, lost, dropped at either queue, queue sizes. */
  datagramStats(): DatagramStats | null {
    return this.endInfo ? null : this.datagramChannel().stats();
  }

  private datagramChannel(): DatagramChannel {
    if (!this.dgram) {
      this.dgram = new DatagramChannel(new DatagramAbi(this.abi.core), this.handle, {
        emit: (d) => this.listeners?.emit('datagram', d),
        hasListeners: () => (this.listeners?.listenerCount('datagram') ?? 0) > 0,
        service: () => this.host.service(),
      });
      if (this.endInfo) this.dgram.onClosed(this.closedError());
    }
    return this.dgram;
  }

  /**
   * Client: moves to a new local UDP socket (`localAddress`, default the current one's;
   * `localPort`, default ephemeral), RFC 9000 §9.2: sends there at once to an unused server
   * CID (§9.5) with fresh CC/RTT state (§9.4) and validates the path. Resolves when the
   * server answered (the old socket then closes); rejects with a QuicMigrationError when
   * refused, or when validation fails and the connection went back to the old path.
   */
  migrate(options?: MigrateOptions): Promise<PathChange> {
    return this.paths.migrate(options);
  }

  /** Sends a PING (e.g. to keep a NAT binding alive). */
  ping(): void {
    this.assertOpen();
    this.abi.ping(this.handle);
    this.host.service();
  }

  /**
   * Starts a 1-RTT key update (RFC 9001 §6) as soon as the protocol allows: after the
   * handshake is confirmed and a packet with the current keys was acknowledged. The core
   * also updates on its own long before the AEAD limits (every 2^22 packets).
   */
  updateKeys(): void {
    this.assertOpen();
    this.abi.updateKeys(this.handle);
    this.host.service();
  }

  /** Diagnostics: the core's pending deadlines for this connection (µs on the endpoint's clock), or null once it is gone. */
  timers(): ConnTimers | null {
    return this.abi.timers(this.handle);
  }

  /** A snapshot of RTT, congestion window and packet counters. */
  stats(): ConnectionStats {
    return this.host.readStats(this.abi, this.handle);
  }

  // ---- what the stream link (connection-streams.ts) asks -------------------------------

  /** @internal */
  acceptsWrites(): boolean { return this.closeRequest === null; }
  /** @internal */
  isOpen(): boolean { return this.endInfo === null; }

  /** @internal Server endpoints: parks the handshake (HandshakeDriver.park) if nothing else was made for this half-open connection (issue 17), else null. */
  park(bytes: RowCursor): unknown {
    const untouched = !this.listeners && !this.establishedO && !this.closedO && !this.ticketO && !this.endedOutcome && !this.streamLink && !this.dgram && !this.pathTable && !this.closeRequest && !this.endInfo && !this.handedToAccept && !this.keyGen;
    return untouched ? this.handshake.park(bytes) : null;
  }

  // ---- events from the core (via the endpoint) --------------------------------------

  /** @internal */
  onCoreEvent(ev: CoreEvent): void {
    switch (ev.kind) {
      case EventKind.CRYPTO_DATA:
        this.handshake.onCryptoData(ev.a as Level);
        break;
      case EventKind.KEYS_DISCARDED:
        this.handshake.onKeysDiscarded(ev.a as Level);
        break;
      case EventKind.VERSION_CHANGED:
        this.handshake.onVersionChanged(ev.a);
        break;
      case EventKind.RETRY:
        this.handshake.onRetry();
        break;
      case EventKind.NEW_TOKEN:
        this.addressToken = this.abi.newToken(this.handle);
        if (this.lastTicket) this.lastTicket.addressToken = this.addressToken;
        break;
      case EventKind.PATH_MIGRATED: case EventKind.PATH_VALIDATED: case EventKind.PREFERRED_ADDRESS:
        this.paths.onCoreEvent(ev);
        break;
      case EventKind.KEY_UPDATED:
        this.handshake.onKeyUpdated(ev.a === 1);
        { const u = (this.keyGen ??= new KeyGenerations()).step(ev.a === 1); if (u) this.listeners?.emit('keyupdate', u); }
        break;
      case EventKind.STREAM_OPENED: case EventKind.STREAM_READABLE: case EventKind.STREAM_WRITABLE:
      case EventKind.STREAM_RESET: case EventKind.STREAM_STOP_SENDING: case EventKind.STREAM_FINISHED:
        this.link.onStreamEvent(ev, this.listeners);
        break;
      case EventKind.STREAMS_AVAILABLE: {
        const bidi = ev.a === 1;
        this.listeners?.emit('streamsavailable', { bidirectional: bidi });
        this.streamTable?.creditAvailable(bidi);
        break;
      }
      case EventKind.CLOSING:
        this.recordClose(ev);
        break;
      case EventKind.VERSION_NEGOTIATION:
        this.endBeforeHandshake(versionNegotiationRecord(ev));
        break;
      case EventKind.HANDSHAKE_TIMEOUT:
        this.endBeforeHandshake(handshakeTimeoutRecord());
        break;
      case EventKind.DATAGRAM:
        this.datagramChannel().onEvent(ev.a, ev.c);
        break;
      case EventKind.CLOSED:
        this.finish();
        break;
      default:
        break;
    }
  }

  /** @internal The endpoint is going away (fatal error or shutdown). */
  abort(err: Error): void {
    if (!this.endInfo) this.ended(abortInfo(err));
    this.establishedOutcome.reject(err);
    this.finish();
  }

  /** The connection ends without having completed its handshake (no CLOSING event follows). */
  private endBeforeHandshake(rec: { info: CloseInfo; error: Error }): void {
    if (this.endInfo) return;
    this.ended(rec.info);
    this.establishedOutcome.reject(rec.error);
  }

  private recordClose(ev: CoreEvent): void {
    if (this.endInfo) return;
    const byPeer = (ev.c & 2) !== 0;
    const rec = closingRecord(ev, () => (byPeer ? decodePhrase(this.abi.peerCloseReason(this.handle)) : this.localReason));
    this.ended(rec.info);
    // Nothing written from now on can be delivered: fail queued writes at once (reads keep
    // what arrived). No stream can arrive any more: accept loops end now, not after draining.
    this.streamTable?.closing(this.lazyClosedError(), !rec.statelessReset);
    this.emitClose();
    if ((!this.handshakeInfo || rec.statelessReset) && !this.establishedOutcome.settled) this.establishedOutcome.rejectLazily(rec.handshakeError);
  }

  private finish(): void {
    if (this.closeRequest) this.host.clock.clearTimer(this.closeRequest.timer);
    this.closeRequest = null;
    if (!this.endInfo) this.ended(idleTimeoutInfo());
    this.emitClose();
    const err = this.lazyClosedError();
    this.streamTable?.closed(err);
    this.dgram?.onClosed(err());
    this.pathTable?.onClosed(err());
    if (!this.establishedOutcome.settled) this.establishedOutcome.reject(err());
    this.handshake.dispose();
    this.host.forget(this.handle);
    this.closedOutcome.resolve(this.endInfo!);
    this.ticketOutcome.resolve(null);
  }

  /** How the connection ended, known: for the application it has. */
  private ended(info: CloseInfo): void {
    this.streamLink?.takeHeldData(); // while isOpen() still says yes
    this.endInfo = info;
    this.endedOutcome?.resolve(info);
  }

  private endedPromise(): Promise<CloseInfo> {
    if (!this.endedOutcome) {
      this.endedOutcome = new LazyOutcome<CloseInfo>();
      if (this.endInfo) this.endedOutcome.resolve(this.endInfo);
    }
    return this.endedOutcome.promise;
  }

  private emitClose(): void {
    if (this.closeEmitted || !this.endInfo) return;
    this.closeEmitted = true;
    this.listeners?.emit('close', this.endInfo);
  }

  private closedError(): QuicError {
    return closedError(this.endInfo!);
  }

  /** The closed error, made on first use, once (an Error captures a stack; most connections end with nobody to reject). */
  private lazyClosedError(): () => QuicError { let e: QuicError | null = null; return () => (e ??= this.closedError()); }

  private assertOpen(): void {
    if (this.endInfo) throw this.closedError();
  }
}
