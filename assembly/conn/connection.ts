// One QUIC connection's state and the small state transitions its rooms share: keys,
// handshake progress, closing, the idle timer (it writes the IDLE, KEEP_ALIVE, CLOSE and ACK
// slots of its timer table, timer-table.ts). The work is cut by noun
// (conn/README.md): receive.ts and transmit.ts dispatch frames to the rooms that own
// them (streams/, flow.ts, loss.ts), pending.ts holds what is owed to the peer.

import { NO_BYTES } from "../util/empty";
import { WireBits } from "./wire-bits";
import { KeyPhase, NO_KEY_PHASE } from "./keyphase";
import { EarlyData, EARLY_REJECTED, NO_EARLY } from "./early-state";
import { PacketSpace, NO_PACKETS, SPACE_INITIAL, SPACE_HANDSHAKE, SPACE_APP, levelOfSpace, discardedSpace } from "./space";
import { Config, ConfigKey } from "./config";
import { RttEstimator } from "../recovery/rtt";
import { Pacer } from "../recovery/pacer";
import { CongestionController } from "../recovery/cc";
import { TransportParams, TpId } from "../wire/tparams";
import { Stream } from "./streams/stream";
import { ConnectionIds } from "./cid";
import { Path, NO_PATHS } from "./path-state";
import { PathCounters, NO_PATH_COUNTERS } from "./path-counters";
import { Pending } from "./pending";
import { pushEvent, EventKind } from "./events";
import { Datagrams } from "./datagram-queue";
import { TimerTable, TimerKind } from "./timer-table";

/** The shared stream table of connections that have no stream yet (never written). */
export const NO_STREAMS = new Map<u64, Stream>();
export const NO_STREAM_IDS = new Array<u64>();

/**
 * Our transport parameters, filled from a connection's configuration and IDs when they
 * are encoded (localTransportParams): one set per instance, not per connection, since
 * nothing else reads them (issue 17: the half-open connection is small).
 */
const localTpScratch = new TransportParams();
/** The preferred_address parameter being encoded (24 + 1 + 20 + 16 bytes at most). */
const preferredScratch = memory.data(64);

export const STATE_HANDSHAKING: i32 = 0;
export const STATE_ESTABLISHED: i32 = 1;
export const STATE_CONFIRMED: i32 = 2;
export const STATE_CLOSING: i32 = 3;
export const STATE_DRAINING: i32 = 4;
export const STATE_CLOSED: i32 = 5;

/** Datagram size a connection starts with (the QUIC minimum, safe on every path); DPLPMTUD raises it (conn/pmtud.ts). */
export const SEND_DATAGRAM_SIZE: i32 = 1200;

export class Connection {
  state: i32 = STATE_HANDSHAKING;
  /**
   * The endpoint's defaults as they were when the connection was made, shared by every
   * connection made then (never written: abi connConfigure replaces the endpoint's
   * defaults rather than change them), until ownConfig() gives the connection its own
   * (issue 17: ~0.4 KB less per connection).
   */
  config: Config;
  /** This connection's own configuration, for a writer. */
  ownConfig(): Config {
    if (!this.configOwned) {
      const own = new Config();
      own.copyFrom(this.config);
      this.config = own;
      this.configOwned = true;
    }
    return this.config;
  }
  spaces: StaticArray<PacketSpace> = [new PacketSpace(SPACE_INITIAL), new PacketSpace(SPACE_HANDSHAKE), new PacketSpace(SPACE_APP)];
  rtt: RttEstimator = new RttEstimator();
  cc: CongestionController = new CongestionController(0, <f64>SEND_DATAGRAM_SIZE);
  pacer: Pacer = new Pacer(<f64>SEND_DATAGRAM_SIZE);
  /** 1-RTT key generations (RFC 9001 §6, conn/keyupdate.ts); shared until first written. */
  keys: KeyPhase = NO_KEY_PHASE;
  /** This connection's own key phase, for a writer. */
  ownKeys(): KeyPhase {
    if (this.keys == NO_KEY_PHASE) this.keys = new KeyPhase();
    return this.keys;
  }
  /** Spin bit and QUIC-bit greasing (conn/wire-bits.ts). */
  wireBits: WireBits = new WireBits();
  /** 0-RTT keys, status and remembered parameters (conn/early.ts); shared until first written. */
  early: EarlyData = NO_EARLY;
  /** This connection's own 0-RTT state, for a writer. */
  ownEarly(): EarlyData {
    if (this.early == NO_EARLY) this.early = new EarlyData();
    return this.early;
  }
  ptoCount: i32 = 0;
  /** Deadlines by kind, each written by its owner (timer-table.ts). */
  timers: TimerTable;
  /** The loss detection timer (loss.ts writes it). */
  get lossTimer(): f64 { return this.timers.get(TimerKind.LOSS); }
  /** Data waits for the pacer until this time (+Infinity when not paced; transmit.ts writes it). */
  get pacerWakeAt(): f64 { return this.timers.get(TimerKind.PACER); }
  /** Non-probe packets that left bytes in flight above cwnd (must stay 0). */
  sendsOverCwnd: u32 = 0;

  /** Connection IDs and the reset token (conn/cid.ts). */
  ids: ConnectionIds = new ConnectionIds();

  peerTp: TransportParams = new TransportParams();
  peerTpSet: bool = false;

  // Handshake progress.
  handshakeComplete: bool = false;
  handshakeConfirmed: bool = false;
  /** `config` is this connection's own (ownConfig); declared here, beside the other flags, so that no padding follows it. */
  private configOwned: bool = false;
  /** DATAGRAM state (conn/datagrams.ts), created at first use. */
  datagrams: Datagrams | null = null;
  /** Control frames owed to the peer (conn/pending.ts). */
  pending: Pending = new Pending();
  /** Client: Retry packets followed (0 or 1; conn/retry.ts). Here, not with the address validation fields below, to fill what would be padding. */
  retriesReceived: u32 = 0;

  // Connection-level flow control.
  sendMaxData: u64 = 0;
  dataSent: u64 = 0;
  dataBlockedSentAt: u64 = 0xffffffffffffffff;
  recvMaxData: u64 = 0;
  recvWindow: u64 = 0;
  dataReceived: u64 = 0;
  dataRead: u64 = 0;
  lastMaxDataUpdate: f64 = -1;

  // Streams. A connection without streams (every half-open one) shares one empty table,
  // never written: stream-ops.ts gives it its own with its first stream (issue 17).
  streams: Map<u64, Stream> = NO_STREAMS;
  streamIds: Array<u64> = NO_STREAM_IDS;
  nextLocalBidi: u64 = 0;
  nextLocalUni: u64 = 0;
  peerMaxStreamsBidi: u64 = 0;
  peerMaxStreamsUni: u64 = 0;
  localMaxStreamsBidi: u64 = 0;
  localMaxStreamsUni: u64 = 0;
  peerOpenedBidi: u64 = 0;
  peerOpenedUni: u64 = 0;
  peerClosedBidi: u64 = 0;
  peerClosedUni: u64 = 0;
  rrCounter: u64 = 0;

  // Closing.
  closeCode: u64 = 0;
  closeFrameType: u64 = 0;
  closeDeadline: f64 = Infinity;
  closeReason: Uint8Array = NO_BYTES;
  /** The reason phrase of the peer's CONNECTION_CLOSE (at most 1024 bytes kept; abi connPeerCloseReason). */
  peerCloseReason: Uint8Array = NO_BYTES;
  closeIsApp: bool = false;
  closedByPeer: bool = false;
  /** The peer's stateless reset ended the connection (RFC 9000 §10.3.1; the CLOSING event's c has bit 4). */
  statelessReset: bool = false;
  // Flags of other rooms, kept beside the closing ones so that the object has no padding
  // holes (issue 17: a half-open connection's Connection takes 432 bytes, not 496; path-counters.ts).
  /** An ack-eliciting packet went out since the last packet from the peer was processed (§10.1, the idle timer below). */
  elicitingSinceReceive: bool = false;
  /** Client: the server's preferred address was taken (conn/path-migrate.ts). */
  preferredAddressUsed: bool = false;
  /** The address we moved to was just validated (the endpoint sends a NEW_TOKEN for it, §9.3). */
  newAddressValidated: bool = false;
  /** Client: this attempt follows a Version Negotiation packet (RFC 9368 §4: VN ignored, the server's choice checked). */
  afterVersionNegotiation: bool = false;

  // Idle timeout and keep-alive.
  idleTimeout: f64 = 0;
  /** When the idle timer last restarted (RFC 9000 §10.1). */
  idleStart: f64 = 0;
  /** Last packet received or ack-eliciting packet sent: the keep-alive timer's base. */
  lastActivity: f64 = 0;

  // Address validation (conn/retry.ts, conn/new-token.ts).
  /** Client: the latest NEW_TOKEN token from the server (the host reads it on the NEW_TOKEN event). */
  receivedToken: Uint8Array = NO_BYTES;
  /** Server: our NEW_TOKEN token until the client acknowledges it. */
  sentToken: Uint8Array = NO_BYTES;

  // Statistics.
  packetsSent: u64 = 0;
  packetsReceived: u64 = 0;
  packetsLost: u64 = 0;
  packetsDropped: u64 = 0;
  bytesSentTotal: u64 = 0;
  bytesReceivedTotal: u64 = 0;
  streamBytesSent: u64 = 0;
  streamBytesReceived: u64 = 0;

  /** A PING is owed (kept as a property for the ABI and the endpoint's keep-alive). */
  get pingPending(): bool { return this.pending.ping; }
  set pingPending(v: bool) { this.pending.ping = v; }
  /** HANDSHAKE_DONE is owed (kept as a property for the ABI). */
  get handshakeDonePending(): bool { return this.pending.handshakeDone; }
  set handshakeDonePending(v: bool) { this.pending.handshakeDone = v; }

  /** The path in use: its handle and the anti-amplification budget (conn/path.ts). */
  path: Path;
  /** Other paths: the last validated fallback, paths being validated or answered (conn/path.ts, bounded). */
  others: Array<Path> = NO_PATHS;
  /** The path of the datagram buildDatagram wrote last (the endpoint's txPath). */
  txHandle: i32 = 0;
  // Path statistics (conn/path.ts). Every connection validates its first path; the
  // counters of path changes are shared zeros until the first change (path-counters.ts).
  pathsValidated: u32 = 0;
  pathCounters: PathCounters = NO_PATH_COUNTERS;
  /** This connection's own path-change counters, for a writer. */
  ownPathCounters(): PathCounters {
    if (this.pathCounters == NO_PATH_COUNTERS) this.pathCounters = new PathCounters();
    return this.pathCounters;
  }
  get pathChallengesSent(): u32 { return this.pathCounters.pathChallengesSent; }
  get migrations(): u32 { return this.pathCounters.migrations; }
  get pathReverts(): u32 { return this.pathCounters.pathReverts; }
  /** Client moves we started and those that failed (conn/path-migrate.ts; preferredAddressUsed is with the flags above). */
  get ownMigrations(): u32 { return this.pathCounters.ownMigrations; }
  get ownMigrationsFailed(): u32 { return this.pathCounters.ownMigrationsFailed; }

  /** The version of the client's first flight; `version` is the negotiated one (conn/versions.ts, RFC 9368). */
  originalVersion: u32;
  /** Server after compatible version negotiation: the original version's Initial read keys, kept for the client's Initials (RFC 9369 §4). */
  origInitialReadAead: i32 = 0;
  origInitialReadHp: i32 = 0;

  constructor(public handle: i32, public isServer: bool, public version: u32, pathHandle: i32, defaults: Config) {
    this.originalVersion = version;
    this.path = new Path(pathHandle);
    this.timers = new TimerTable(handle);
    this.txHandle = pathHandle;
    this.config = defaults;
  }

  /** Applies configuration to our transport parameters and limits (before the handshake). */
  setupLocal(now: f64): void {
    const c = this.config;
    this.rtt = new RttEstimator(c.get(ConfigKey.INITIAL_RTT_MS) * 1000);
    this.cc = new CongestionController(<i32>c.get(ConfigKey.CONGESTION_CONTROL), <f64>SEND_DATAGRAM_SIZE, c.get(ConfigKey.HYSTART) != 0);
    this.recvMaxData = <u64>c.get(ConfigKey.INITIAL_MAX_DATA);
    this.recvWindow = this.recvMaxData;
    this.localMaxStreamsBidi = <u64>c.get(ConfigKey.INITIAL_MAX_STREAMS_BIDI);
    this.localMaxStreamsUni = <u64>c.get(ConfigKey.INITIAL_MAX_STREAMS_UNI);
    this.idleTimeout = c.get(ConfigKey.MAX_IDLE_TIMEOUT_MS) * 1000;
    this.lastActivity = now;
    this.idleStart = now;
    this.armIdleTimers();
  }

  /** Our transport parameters (§18.2) from the configuration and IDs, for encoding; valid until the next call. */
  localTransportParams(): TransportParams {
    const c = this.config;
    const tp = localTpScratch;
    tp.clear();
    tp.set(TpId.INITIAL_MAX_DATA, <u64>c.get(ConfigKey.INITIAL_MAX_DATA));
    tp.set(TpId.INITIAL_MAX_STREAM_DATA_BIDI_LOCAL, <u64>c.get(ConfigKey.INITIAL_MAX_STREAM_DATA_BIDI_LOCAL));
    tp.set(TpId.INITIAL_MAX_STREAM_DATA_BIDI_REMOTE, <u64>c.get(ConfigKey.INITIAL_MAX_STREAM_DATA_BIDI_REMOTE));
    tp.set(TpId.INITIAL_MAX_STREAM_DATA_UNI, <u64>c.get(ConfigKey.INITIAL_MAX_STREAM_DATA_UNI));
    tp.set(TpId.INITIAL_MAX_STREAMS_BIDI, <u64>c.get(ConfigKey.INITIAL_MAX_STREAMS_BIDI));
    tp.set(TpId.INITIAL_MAX_STREAMS_UNI, <u64>c.get(ConfigKey.INITIAL_MAX_STREAMS_UNI));
    tp.set(TpId.MAX_IDLE_TIMEOUT, <u64>c.get(ConfigKey.MAX_IDLE_TIMEOUT_MS));
    tp.set(TpId.MAX_UDP_PAYLOAD_SIZE, <u64>c.get(ConfigKey.MAX_UDP_PAYLOAD_SIZE));
    tp.set(TpId.ACK_DELAY_EXPONENT, <u64>c.get(ConfigKey.ACK_DELAY_EXPONENT));
    tp.set(TpId.MAX_ACK_DELAY, <u64>c.get(ConfigKey.MAX_ACK_DELAY_MS));
    tp.set(TpId.ACTIVE_CONNECTION_ID_LIMIT, <u64>c.get(ConfigKey.ACTIVE_CONNECTION_ID_LIMIT));
    if (c.get(ConfigKey.DISABLE_ACTIVE_MIGRATION) != 0) tp.set(TpId.DISABLE_ACTIVE_MIGRATION, 1);
    if (c.get(ConfigKey.GREASE_QUIC_BIT) != 0) tp.set(TpId.GREASE_QUIC_BIT, 1);
    this.wireBits.init(c.get(ConfigKey.SPIN_BIT) != 0);
    if (c.get(ConfigKey.MAX_DATAGRAM_FRAME_SIZE) > 0) tp.set(TpId.MAX_DATAGRAM_FRAME_SIZE, <u64>c.get(ConfigKey.MAX_DATAGRAM_FRAME_SIZE));
    tp.setBytes(TpId.INITIAL_SOURCE_CONNECTION_ID, this.ids.local.dataStart, this.ids.local.length);
    if (this.isServer) {
      tp.setBytes(TpId.ORIGINAL_DESTINATION_CONNECTION_ID, this.ids.originalDcid.dataStart, this.ids.originalDcid.length);
      tp.setBytes(TpId.STATELESS_RESET_TOKEN, this.ids.resetToken.dataStart, 16);
      // §7.3: after a Retry, the SCID of that Retry (the client's DCID now).
      if (this.ids.retrySource.length) tp.setBytes(TpId.RETRY_SOURCE_CONNECTION_ID, this.ids.retrySource.dataStart, this.ids.retrySource.length);
      const n = this.ids.writePreferred(preferredScratch);
      if (n > 0) tp.setBytes(TpId.PREFERRED_ADDRESS, preferredScratch, n);
    }
    return tp;
  }

  /** Our max_ack_delay in µs (what we promise the peer). */
  localMaxAckDelay(): f64 { return this.config.get(ConfigKey.MAX_ACK_DELAY_MS) * 1000; }
  /** The peer's max_ack_delay in µs (what recovery allows for). */
  peerMaxAckDelay(): f64 { return this.peerTpSet ? <f64>this.peerTp.get(TpId.MAX_ACK_DELAY) * 1000 : 25000; }
  localAckDelayExponent(): u64 { return <u64>this.config.get(ConfigKey.ACK_DELAY_EXPONENT); }
  peerAckDelayExponent(): u64 { return this.peerTpSet ? this.peerTp.get(TpId.ACK_DELAY_EXPONENT) : 3; }

  /** The current PTO period including backoff (RFC 9002 §6.2.1). */
  ptoPeriod(space: i32): f64 {
    const mad = space == SPACE_APP ? this.peerMaxAckDelay() : 0;
    return this.rtt.pto(mad) * <f64>(1 << (this.ptoCount < 16 ? this.ptoCount : 16));
  }

  /** Applies validated peer transport parameters. */
  applyPeerTransportParams(): void {
    const p = this.peerTp;
    this.peerTpSet = true;
    this.wireBits.greaseSend = p.has(TpId.GREASE_QUIC_BIT);
    // §10.3: the server's token for its first CID (conn/cid.ts keeps it with that CID).
    if (!this.isServer && p.bytesLen(TpId.STATELESS_RESET_TOKEN) == 16) this.ids.setFirstPeerToken(p.bytesPtr(TpId.STATELESS_RESET_TOKEN));
    // §5.1.1: the CID of the server's preferred_address is its sequence number 1.
    if (!this.isServer && p.bytesLen(TpId.PREFERRED_ADDRESS) > 0) this.ids.addPreferred(p.bytesPtr(TpId.PREFERRED_ADDRESS), p.bytesLen(TpId.PREFERRED_ADDRESS));
    this.sendMaxData = p.get(TpId.INITIAL_MAX_DATA);
    this.peerMaxStreamsBidi = p.get(TpId.INITIAL_MAX_STREAMS_BIDI);
    this.peerMaxStreamsUni = p.get(TpId.INITIAL_MAX_STREAMS_UNI);
    // §10.1: the effective idle timeout is the minimum of both non-zero values.
    const peerIdle = <f64>p.get(TpId.MAX_IDLE_TIMEOUT) * 1000;
    if (peerIdle > 0 && (this.idleTimeout == 0 || peerIdle < this.idleTimeout)) this.idleTimeout = peerIdle;
    this.armIdleTimers();
    // Streams opened before the parameters arrived (0-RTT, under the remembered limits)
    // get the new limits: raised (§7.4.1), or reset when 0-RTT was rejected.
    const reset = this.early.status == EARLY_REJECTED;
    for (let i = 0; i < this.streamIds.length; i++) {
      const s = this.streams.get(unchecked(this.streamIds[i]));
      const m = this.initialSendMax(s.id);
      if (s.send && (reset || m > s.sendMax)) s.sendMax = m;
    }
  }

  /** The peer's initial limit on our sending on stream `id`. */
  initialSendMax(id: u64): u64 {
    // Before the handshake gives the peer's parameters: the remembered ones (0-RTT, §7.4.1).
    const tp = this.peerTpSet ? this.peerTp : this.early.remembered;
    if (!tp) return 0;
    const local = ((id & 1) == 1) == this.isServer;
    if ((id & 2) != 0) return tp.get(TpId.INITIAL_MAX_STREAM_DATA_UNI);
    // For a stream we opened, the peer's "bidi_remote" limit applies; for theirs, "bidi_local".
    return local ? tp.get(TpId.INITIAL_MAX_STREAM_DATA_BIDI_REMOTE) : tp.get(TpId.INITIAL_MAX_STREAM_DATA_BIDI_LOCAL);
  }

  /** Our initial limit on the peer's sending on stream `id`. */
  initialRecvMax(id: u64): u64 {
    const local = ((id & 1) == 1) == this.isServer;
    if ((id & 2) != 0) return <u64>this.config.get(ConfigKey.INITIAL_MAX_STREAM_DATA_UNI);
    return local ? <u64>this.config.get(ConfigKey.INITIAL_MAX_STREAM_DATA_BIDI_LOCAL) : <u64>this.config.get(ConfigKey.INITIAL_MAX_STREAM_DATA_BIDI_REMOTE);
  }

  /** Drops a space's keys and state (RFC 9001 §4.9) and tells the host. */
  discardSpace(space: i32): void {
    const s = this.spaces[space];
    if (s.discarded) return;
    s.discarded = true;
    for (let i = s.sent.start; i < s.sent.end; i++) {
      const p = s.sent.at(i);
      if (!p.retired && p.inFlight) this.cc.onDiscarded(p.size);
    }
    s.sent.clear();
    s.ackElicitingInFlight = 0;
    s.lossTime = Infinity;
    s.buffered = NO_PACKETS;
    s.readAead = 0; s.readHp = 0; s.writeAead = 0; s.writeHp = 0;
    // An idle connection keeps nothing of its handshake spaces (issue 17: memory per idle
    // connection): the space is swapped for a shared, never-written stand-in. Every path
    // that could touch a space checks `discarded` (or the keys it lacks) first.
    unchecked(this.spaces[space] = discardedSpace(space));
    this.armAckTimer();
    this.ptoCount = 0;
    pushEvent(EventKind.KEYS_DISCARDED, <u32>this.handle, <u64>levelOfSpace(space), 0, 0);
  }

  /** The handshake is confirmed (RFC 9001 §4.1.2): drop Handshake keys. */
  confirmHandshake(): void {
    if (this.handshakeConfirmed) return;
    this.handshakeConfirmed = true;
    if (this.state < STATE_CONFIRMED) this.state = STATE_CONFIRMED;
    this.discardSpace(SPACE_HANDSHAKE);
    pushEvent(EventKind.HANDSHAKE_CONFIRMED, <u32>this.handle, 0, 0, 0);
    // §9.6: a client may move to the server's preferred address once the handshake is confirmed.
    if (!this.isServer && this.ids.holdsUnused(1) && this.peerTp.bytesLen(TpId.PREFERRED_ADDRESS) > 0) pushEvent(EventKind.PREFERRED_ADDRESS, <u32>this.handle, 0, 0, 0);
  }

  /** Starts closing with our CONNECTION_CLOSE (§10.2.1). */
  startClose(code: u64, frameType: u64, isApp: bool, reason: usize, reasonLen: i32, now: f64): void {
    if (this.state >= STATE_CLOSING) return;
    this.state = STATE_CLOSING;
    this.closeCode = code;
    this.closeFrameType = frameType;
    this.closeIsApp = isApp;
    const r = new Uint8Array(reasonLen);
    memory.copy(r.dataStart, reason, <usize>reasonLen);
    this.closeReason = r;
    this.pending.close = true;
    // §10.2: the closing period lasts at least three PTOs.
    this.closeDeadline = now + 3 * this.rtt.pto(0);
    this.timers.enterClosing();
    this.timers.set(TimerKind.CLOSE, this.closeDeadline);
    pushEvent(EventKind.CLOSING, <u32>this.handle, code, frameType, isApp ? 1 : 0);
  }

  /** The peer closed: draining, no more sending (§10.2.2). */
  startDraining(code: u64, frameType: u64, isApp: bool, now: f64): void {
    if (this.state >= STATE_DRAINING) return;
    const wasClosing = this.state == STATE_CLOSING;
    this.state = STATE_DRAINING;
    this.closedByPeer = true;
    this.pending.close = false;
    this.closeDeadline = now + 3 * this.rtt.pto(0);
    this.timers.enterClosing();
    this.timers.set(TimerKind.CLOSE, this.closeDeadline);
    if (!wasClosing) pushEvent(EventKind.CLOSING, <u32>this.handle, code, frameType, (isApp ? 1 : 0) | 2 | (this.statelessReset ? 4 : 0));
  }

  /** The peer's stateless reset arrived (RFC 9000 §10.3.1): draining at once, nothing more is sent. */
  onStatelessReset(now: f64): void {
    if (this.state >= STATE_DRAINING) return;
    this.statelessReset = true;
    this.startDraining(0, 0, false, now);
  }

  /** Gone: the host may forget the handle after this event. */
  finishClose(): void {
    if (this.state == STATE_CLOSED) return;
    this.state = STATE_CLOSED;
    for (let i = 0; i < 3; i++) this.discardSpace(i);
    this.timers.clear();
    pushEvent(EventKind.CLOSED, <u32>this.handle, this.closeCode, 0, this.closedByPeer ? 2 : 0);
  }

  /**
   * RFC 9000 §10.1: the idle timer restarts when a packet from the peer is processed
   * (conn/receive.ts) and when an ack-eliciting packet is sent, but only the first one
   * since the last packet received (conn/transmit.ts): probes to a silent peer must
   * not keep the connection alive. +Infinity when there is no idle timeout.
   */
  idleDeadline(): f64 {
    return this.idleTimeout > 0 ? this.idleStart + this.effectiveIdle() : Infinity;
  }

  /** The keep-alive deadline: a PING after KEEP_ALIVE_MS without activity, once the handshake is complete. */
  keepAliveDeadline(): f64 {
    const ka = this.config.get(ConfigKey.KEEP_ALIVE_MS) * 1000;
    return ka > 0 && this.handshakeComplete ? this.lastActivity + ka : Infinity;
  }

  /**
   * Writes the IDLE and KEEP_ALIVE slots. Called whenever an input moves: activity,
   * the timeouts (setupLocal, the peer's parameters), an RTT sample (the §10.1 floor of
   * three PTOs), the handshake completing (keep-alive starts then).
   */
  armIdleTimers(): void {
    this.timers.set(TimerKind.IDLE, this.idleDeadline());
    this.timers.set(TimerKind.KEEP_ALIVE, this.keepAliveDeadline());
  }

  /** Writes the ACK slot: the earliest ACK deadline of the spaces in use (after their trackers change). */
  armAckTimer(): void {
    let ack: f64 = Infinity;
    for (let i = 0; i < 3; i++) {
      const s = unchecked(this.spaces[i]);
      if (!s.discarded && s.ack.deadline < ack) ack = s.ack.deadline;
    }
    this.timers.set(TimerKind.ACK, ack);
  }

  /** A packet from the peer was processed: restart the idle timer (§10.1). */
  onPeerActivity(now: f64): void {
    this.idleStart = now;
    this.lastActivity = now;
    this.elicitingSinceReceive = false;
    this.armIdleTimers();
  }

  /** An ack-eliciting packet left: the first since the last packet received restarts the idle timer (§10.1). */
  onElicitingSent(now: f64): void {
    if (!this.elicitingSinceReceive) {
      this.idleStart = now;
      this.elicitingSinceReceive = true;
    }
    this.lastActivity = now;
    this.armIdleTimers();
  }

  /** §10.1: at least three PTOs, so that a lossy handshake is not cut short. */
  effectiveIdle(): f64 {
    const min = 3 * this.rtt.pto(this.peerMaxAckDelay());
    return this.idleTimeout > min ? this.idleTimeout : min;
  }

  /** Streams with written data the peer has not acknowledged yet (a graceful close waits for 0). */
  streamsUnacked(): i32 {
    let n = 0;
    for (let i = 0; i < this.streamIds.length; i++) {
      if (this.streams.get(unchecked(this.streamIds[i])).sendUnacked()) n++;
    }
    return n;
  }

  stream(id: u64): Stream | null {
    return this.streams.has(id) ? this.streams.get(id) : null;
  }
}
