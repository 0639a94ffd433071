// The handshake glue of one connection (RFC 9001 §4): CRYPTO bytes from the core go to
// the TLS engine; the engine's handshake bytes go back to the core at their level; its
// secrets become packet keys in the host's key table, installed in the core by handle;
// the peer's transport parameters go to the core for validation. The transport only
// moves bytes and secrets — no TLS logic here, no QUIC logic in the engine.

import type { ConnAbi } from '../core/conn-abi';
import { Level } from '../core/conn-abi';
import { QuicError, QuicTransportError, TransportErrorCode } from '../errors';

export type { TlsOutput, HandshakeInfo, TlsSession } from '../tls/types';
import type { TlsSession } from '../tls/types';
import type { HandshakeInfo, TlsOutput } from '../tls/types';
import type { SessionTicket } from '../tls/session-ticket';
import { Suite } from '../crypto/suites';
import type { VersionsAbi } from '../core/versions-abi';
import { rememberedTransportParameters, type EarlyDataState } from './early-data';
import type { RowCursor } from './parking-lot';

/** Cipher suites as the core numbers them (same numbering as host/crypto/suites.ts). */
export type CoreSuite = Suite;

/** Installs packet keys in the host's key table; handles are what the core's crypto imports use. */
export interface KeyInstaller {
  /** Initial keys from the client's original DCID (RFC 9001 §5.2, v2: RFC 9369 §3.3). */
  initial(version: number, dcid: Uint8Array, isServer: boolean): { read: KeyHandles; write: KeyHandles };
  /** Packet keys from a TLS traffic secret. */
  fromSecret(version: number, suite: CoreSuite, secret: Uint8Array): KeyHandles;
  /**
   * The next 1-RTT generation after `secret` (RFC 9001 §6.1): its secret and an AEAD
   * handle (header protection keys do not change).
   */
  nextGeneration(version: number, suite: CoreSuite, secret: Uint8Array): { secret: Uint8Array; aead: number };
  /** Frees one AEAD table entry. */
  releaseAead(handle: number): void;
  /** Frees table entries. */
  release(handles: KeyHandles): void;
}

/** Handles of one direction's packet protection state in the key table. */
export interface KeyHandles {
  aead: number;
  hp: number;
}

/** What the handshake tells its connection (one object, not a closure per callback: issue 17). */
export interface HandshakeOwner {
  /** TLS completed (once). */
  handshakeCompleted(info: HandshakeInfo): void;
  /** The handshake failed. */
  handshakeFailed(err: Error): void;
  /** 0-RTT moved to 'offered', 'accepted' or 'rejected'. */
  earlyDataChanged(state: EarlyDataState): void;
  /** Client: a session ticket arrived. */
  sessionTicketReceived(ticket: SessionTicket): void;
}

/** No next-generation key yet (shared: a direction's own array is made with its first). */
const NO_AEADS: number[] = [];

/** One direction's 1-RTT keys: the suite, the newest derived secret, AEAD handles by generation. */
interface OneRttKeys {
  suite: CoreSuite;
  secret: Uint8Array;
  aeads: number[];
}

export class HandshakeDriver {
  /** The connection (set by it). */
  owner: HandshakeOwner | null = null;
  /** Sees the completion first (qlog's state update). */
  beforeComplete: ((info: HandshakeInfo) => void) | null = null;
  /**
   * 0-RTT on this connection. Client: 'offered' once its 0-RTT keys are installed (the
   * ticket allowed it), then the server's answer. Server: 'accepted' when TLS accepted
   * the client's early data; 'rejected' (at completion) when the client offered it and
   * this server refused.
   */
  earlyData: EarlyDataState = 'none';
  /** Client: the core refused the ticket's remembered parameters: no 0-RTT keys are installed. */
  private rememberedRefused = false;
  /** Sees the peer's encoded transport parameters (qlog). */
  onPeerTransportParameters: ((data: Uint8Array) => void) | null = null;
  /** Key table entries installed: (level, aead, hp) triples in one flat array (issue 17: few objects per connection). */
  private installed: number[] = [];
  /** Per direction: the suite, the newest derived 1-RTT secret, and AEAD handles by generation. */
  private oneRttRead: OneRttKeys | null = null;
  private oneRttWrite: OneRttKeys | null = null;
  /** Server: oneRttWrite's keys are not installed yet (they are at completion). */
  private oneRttWritePending = false;
  private done = false;
  private failed = false;

  constructor(
    private readonly abi: ConnAbi,
    private readonly conn: number,
    private tls: TlsSession | null,
    private readonly keys: KeyInstaller,
    private currentVersion: number,
    private readonly isServer: boolean,
    private readonly versions?: VersionsAbi,
  ) {
    this.originalVersion = currentVersion;
  }

  /**
   * Server, when all it waits for is the client's Finished (first flight sent, no 0-RTT,
   * no qlog watching): writes this driver's state to `bytes` and returns the TLS session's
   * parked state (issue 17: a half-open connection keeps these, not its driver, TLS session
   * and connection); else null. resume() makes a driver again from them.
   */
  park(bytes: RowCursor): unknown {
    const w = this.oneRttWrite;
    if (!this.isServer || this.done || this.failed || this.earlyData !== 'none' || !w || !this.oneRttWritePending || this.oneRttRead) return null;
    if (this.onPeerTransportParameters || this.beforeComplete) return null;
    // Versions and suite, the TLS session's secrets, our 1-RTT write secret (its keys and
    // their next generation are made from it at completion), the key handles installed.
    bytes.writeInts([this.originalVersion, this.currentVersion, w.suite]);
    const tls = this.tls?.park?.(bytes);
    if (!tls) return null;
    bytes.write(w.secret);
    bytes.writeInts(this.installed);
    return tls;
  }

  /** A server driver again from what park() wrote and returned; `session` makes its TLS session, which takes back its part. */
  static resume(abi: ConnAbi, conn: number, keys: KeyInstaller, versions: VersionsAbi | undefined, bytes: RowCursor, parkedTls: unknown, session: (d: HandshakeDriver) => TlsSession): HandshakeDriver {
    const [originalVersion, version, suite] = bytes.readInts();
    const d = new HandshakeDriver(abi, conn, null, keys, originalVersion, true, versions);
    d.currentVersion = version;
    const tls = session(d);
    tls.unpark!(parkedTls, bytes);
    d.oneRttWrite = { suite: suite as CoreSuite, secret: bytes.read(), aeads: NO_AEADS };
    d.oneRttWritePending = true;
    d.installed = bytes.readInts();
    d.attach(tls);
    return d;
  }

  /** Gives the driver its TLS session (made after the driver: a server's session asks it for the version). */
  attach(tls: TlsSession): void {
    this.tls = tls;
  }

  /** The version of the first flight (0-RTT keys stay in it, RFC 9369 §4). */
  readonly originalVersion: number;

  /** The QUIC version in use: after compatible version negotiation (RFC 9368), the negotiated one. */
  get version(): number {
    return this.currentVersion;
  }

  /**
   * Server, from inside the TLS engine before it answers the ClientHello: the core picks
   * the version from the client's transport parameters (conn/versions.ts); on a switch,
   * the new version's Initial keys go in (the core kept the original read keys). Returns
   * our transport parameters, whose version_information names the choice. An invalid
   * version_information closes the connection (TRANSPORT_PARAMETER_ERROR or
   * VERSION_NEGOTIATION_ERROR); nothing the engine says afterwards is applied.
   */
  negotiateVersion(clientParams: Uint8Array): Uint8Array {
    if (this.versions && !this.failed) {
      const v = this.versions.negotiate(this.conn, clientParams);
      if (v < 0) this.fail(-v, -v === TransportErrorCode.VERSION_NEGOTIATION_ERROR ? 'version_information does not match the version in use (RFC 9368 §4)' : 'invalid version_information');
      else if (v !== this.currentVersion) this.switchVersion(v);
    }
    return this.abi.localTransportParams(this.conn);
  }

  /** Our transport parameters as they stand (VersionNegotiator: tickets remember them). */
  localTransportParameters(): Uint8Array {
    return this.abi.localTransportParams(this.conn);
  }

  /** Client: the server answered in version `v` (the core switched; RFC 9368 §2.3). */
  onVersionChanged(v: number): void {
    if (!this.failed && v !== this.currentVersion) this.switchVersion(v);
  }

  /** Initial keys of `v` from the DCID the Initial keys come from (RFC 9369 §3.3.1; a Retry's after one); later levels follow in `v` too. */
  private switchVersion(v: number): void {
    this.currentVersion = v;
    const k = this.keys.initial(v, this.abi.initialDcid(this.conn), this.isServer);
    this.install(Level.Initial, true, k.write);
    this.install(Level.Initial, false, k.read);
  }

  /** Installs Initial keys and starts TLS (the client's ClientHello goes out on the next pump). */
  start(): void {
    const dcid = this.abi.initialDcid(this.conn);
    const k = this.keys.initial(this.currentVersion, dcid, this.isServer);
    this.install(Level.Initial, false, k.read);
    this.install(Level.Initial, true, k.write);
    this.step(() => this.tls!.start());
  }

  /**
   * Client: the core followed a Retry (RFC 9000 §17.2.5.2). The Initial keys come from
   * the new DCID now (RFC 9001 §5.2): the old ones are freed and the new ones installed
   * before the pump resends the ClientHello.
   */
  onRetry(): void {
    this.onKeysDiscarded(Level.Initial);
    const k = this.keys.initial(this.version, this.abi.initialDcid(this.conn), this.isServer);
    this.install(Level.Initial, false, k.read);
    this.install(Level.Initial, true, k.write);
  }

  /** The core has CRYPTO bytes at `level`. */
  onCryptoData(level: Level): void {
    const data = this.abi.readCrypto(this.conn, level);
    if (!data.length) return;
    // A server's TLS session is released once the handshake completes; a client may
    // send nothing more at any level (RFC 9001 §4.1.3: no post-handshake messages to a
    // server in QUIC), so bytes after that are an unexpected_message.
    if (!this.tls) return this.fail(0x100 + 10, 'handshake data after the handshake completed');
    this.step(() => this.tls!.receive(level, data));
  }

  /** The core dropped the keys of a level (RFC 9001 §4.9): free their table entries. */
  onKeysDiscarded(level: Level): void {
    const all = this.installed;
    if (!all.includes(level)) return;
    const kept: number[] = [];
    for (let i = 0; i < all.length; i += 3) {
      if (all[i] === level) this.keys.release({ aead: all[i + 1], hp: all[i + 2] });
      else kept.push(all[i], all[i + 1], all[i + 2]);
    }
    this.installed = kept;
  }

  /** Frees every key of this connection. */
  dispose(): void {
    for (let l = 0; l < 4; l++) this.onKeysDiscarded(l as Level);
    // A server that failed after its Finished has 1-RTT write keys but no read keys.
    for (const d of [this.oneRttRead, this.oneRttWrite]) if (d) for (const h of d.aeads.splice(0)) this.keys.releaseAead(h);
  }

  /**
   * The core moved a direction to its next 1-RTT generation: derive and install the one
   * after, and free the generation the core can no longer use (it keeps at most the
   * previous, current and next ones).
   */
  onKeyUpdated(write: boolean): void {
    const d = write ? this.oneRttWrite : this.oneRttRead;
    if (!d) return;
    this.installNext(write);
    while (d.aeads.length > 3) this.keys.releaseAead(d.aeads.shift()!);
  }

  private installNext(write: boolean): void {
    const d = (write ? this.oneRttWrite : this.oneRttRead)!;
    const next = this.keys.nextGeneration(this.currentVersion, d.suite, d.secret);
    d.secret = next.secret;
    if (d.aeads.length) d.aeads.push(next.aead);
    else d.aeads = [next.aead]; // an exact-size array, not a push's 17 slots (issue 17); never NO_AEADS itself
    const r = this.abi.installNextKeys(this.conn, write, next.aead);
    if (r < 0) this.fail(-r, 'the core refused the next 1-RTT keys');
  }

  private step(action: () => void): void {
    if (this.failed) return;
    try {
      action();
      for (const out of this.tls!.drain()) this.apply(out);
      // A server needs its TLS session no more once the handshake completed (its tickets
      // went out with the last flight): drop it, with its transcript, key shares and
      // certificate state (issue 17: memory per idle connection).
      if (this.done && this.isServer) this.tls = null;
    } catch (err) {
      // The engine promises alerts, not exceptions; if one escapes anyway, close with
      // internal_error (alert 80) rather than let it unwind into the pump.
      this.fail(TransportErrorCode.CRYPTO_ERROR_BASE + 80, `TLS engine error: ${(err as Error)?.message ?? String(err)}`);
    }
  }

  private apply(out: TlsOutput): void {
    if (this.failed) return; // e.g. version negotiation failed while the engine was answering
    switch (out.type) {
      case 'handshake-data': {
        const r = this.abi.writeCrypto(this.conn, out.level, out.data);
        if (r < 0) this.fail(-r, `the core refused handshake bytes at level ${out.level}`);
        break;
      }
      case 'secret': {
        if (out.level === Level.EarlyData) return this.earlySecret(out.direction === 'write', out.suite, out.secret);
        const write = out.direction === 'write';
        if (out.level === Level.Application && write && this.isServer && !this.done && this.earlyData !== 'accepted') {
          // A server sends nothing in 1-RTT before its handshake completes unless it accepted
          // 0-RTT (only then does the application have the connection, to answer in
          // 0.5-RTT): its write keys are made at completion, and a half-open connection
          // that never completes holds none (issue 17: two key slots each).
          this.oneRttWrite = { suite: out.suite, secret: out.secret, aeads: NO_AEADS };
          this.oneRttWritePending = true;
          break;
        }
        this.install(out.level, write, this.keys.fromSecret(this.currentVersion, out.suite, out.secret));
        if (out.level === Level.Application) {
          // Key updates (RFC 9001 §6): the next generation is ready before anyone needs it.
          // Nobody needs it before the handshake completes (§6: no update before it is
          // confirmed): a server's write keys (with an accepted 0-RTT, made with its first
          // flight) get theirs then, so a half-open connection derives and holds none (issue 17).
          const keys: OneRttKeys = { suite: out.suite, secret: out.secret, aeads: NO_AEADS };
          if (write) this.oneRttWrite = keys; else this.oneRttRead = keys;
          if (this.done || !write) this.installNext(write);
        }
        break;
      }
      case 'peer-transport-parameters': {
        this.onPeerTransportParameters?.(out.data);
        const r = this.abi.setPeerTransportParams(this.conn, out.data);
        if (r < 0) this.fail(-r, 'invalid transport parameters from the peer', false);
        break;
      }
      case 'remembered-transport-parameters': {
        const r = this.abi.setRememberedParams(this.conn, out.data);
        // A stored session with unusable parameters: no 0-RTT (the handshake still resumes).
        if (r < 0) this.rememberedRefused = true;
        break;
      }
      case 'early-data':
        if (this.earlyData !== 'offered') break;
        this.abi.earlyDataOutcome(this.conn, out.accepted);
        this.setEarly(out.accepted ? 'accepted' : 'rejected');
        break;
      case 'complete':
        if (this.isServer && this.earlyData === 'none' && out.info.earlyDataRejected && out.info.earlyDataRejected !== 'not offered') this.setEarly('rejected');
        if (!this.done) {
          this.done = true;
          const w = this.oneRttWrite;
          if (w && this.oneRttWritePending) {
            this.oneRttWritePending = false;
            this.install(Level.Application, true, this.keys.fromSecret(this.currentVersion, w.suite, w.secret));
          }
          if (w && w.aeads.length === 0 && !this.failed) this.installNext(true);
          if (this.failed) break;
          this.abi.handshakeComplete(this.conn);
          this.beforeComplete?.(out.info);
          this.owner?.handshakeCompleted(out.info);
        }
        break;
      case 'session-ticket':
        // Keep only what a client may remember for 0-RTT (RFC 9000 §7.4.1).
        this.owner?.sessionTicketReceived({ ...out.ticket, peerTransportParameters: rememberedTransportParameters(out.ticket.peerTransportParameters) });
        break;
      case 'alert':
        this.fail(TransportErrorCode.CRYPTO_ERROR_BASE + out.alert, `TLS alert ${out.alert}: ${out.reason}`);
        break;
      default:
        break;
    }
  }

  /** 0-RTT keys: the client's write keys (when its ticket's parameters were usable), the server's read keys. */
  private earlySecret(write: boolean, suite: CoreSuite, secret: Uint8Array): void {
    if (write && this.rememberedRefused) return;
    this.install(Level.EarlyData, write, this.keys.fromSecret(this.originalVersion, suite, secret));
    if (this.failed) return;
    if (write) this.earlyData = 'offered';
    else this.setEarly('accepted');
  }

  private setEarly(state: EarlyDataState): void {
    this.earlyData = state;
    this.owner?.earlyDataChanged(state);
  }

  private install(level: Level, write: boolean, h: KeyHandles): void {
    this.installed.push(level, h.aead, h.hp);
    const r = this.abi.installKeys(this.conn, level, write, h.aead, h.hp);
    if (r < 0) this.fail(-r, `the core refused keys for level ${level}`);
  }

  /** Closes the connection with a transport error (CRYPTO_ERROR for alerts, RFC 9001 §4.8). */
  private fail(code: number, reason: string, closeCore = true): void {
    if (this.failed) return;
    this.failed = true;
    if (closeCore) this.abi.close(this.conn, code, false, new TextEncoder().encode(reason.slice(0, 200)));
    this.owner?.handshakeFailed(code >= 0x100 && code <= 0x1ff ? new QuicTransportError(code, reason) : new QuicError('ERR_QUIC_HANDSHAKE', reason, code));
  }
}
