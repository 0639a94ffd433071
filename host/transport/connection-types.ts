// The types a connection shows the application (state, events, stats, close info) and
// what it needs from its endpoint: kept apart from the QuicConnection class so that
// modules needing only the shapes do not import the class.

import type { ConnAbi, ConnState } from '../core/conn-abi';
import type { QuicStream } from './stream';
import type { HandshakeInfo } from './handshake';
import type { SessionTicket } from '../tls/session-ticket';
import type { Clock } from './clock';
import type { Network } from '../net/network';
import type { PathChange } from './migration';

/**
 * Where a connection is in its life (RFC 9000 §10, RFC 9001 §4.1.2): 'handshaking';
 * 'established' (handshake complete); 'confirmed' (handshake confirmed: HANDSHAKE_DONE
 * sent or received); 'closing' (we sent CONNECTION_CLOSE); 'draining' (the peer did);
 * 'closed'.
 */
export type ConnectionState = 'handshaking' | 'established' | 'confirmed' | 'closing' | 'draining' | 'closed';

const STATE_NAMES: readonly ConnectionState[] = ['handshaking', 'established', 'confirmed', 'closing', 'draining', 'closed'];

/** @internal The core's state number (assembly/conn/connection.ts) as a name. */
export function connectionStateName(s: ConnState | number): ConnectionState {
  return STATE_NAMES[s] ?? 'closed';
}

/** How a connection ended. */
export interface CloseInfo {
  /** QUIC error code (transport or application). */
  code: number;
  /** True when the code is an application error code (CONNECTION_CLOSE 0x1d). */
  application: boolean;
  /** True when the peer closed; false when we did (or the idle timer did). */
  byPeer: boolean;
  /** True when the idle timer ended the connection silently (RFC 9000 §10.1). */
  idleTimeout: boolean;
  /** True when the handshake did not complete within the endpoint's handshake timeout (ERR_QUIC_HANDSHAKE_TIMEOUT). */
  handshakeTimeout?: boolean;
  /** True when the peer's stateless reset ended the connection (RFC 9000 §10.3: it had lost its state; ERR_QUIC_STATELESS_RESET). */
  statelessReset?: boolean;
  /** Human-readable description (with the reason phrase, when one was given). */
  reason: string;
  /**
   * The reason phrase of the CONNECTION_CLOSE as sent on the wire: what the closing side
   * passed to close(code, reason) — the peer's when `byPeer` — or '' when none.
   */
  reasonPhrase: string;
}

/**
 * A connection's events (seed 001 §5's notifications): listen with `conn.on(type, fn)`,
 * or await the next one with `conn.once(type, { signal, timeoutMs })`. Path changes
 * (migration, NAT rebinding, the preferred address) are `pathchange`.
 */
export interface ConnectionEvents {
  /** The handshake completed. */
  established: HandshakeInfo;
  /**
   * 0-RTT was accepted or rejected (client: the server's answer, before the handshake
   * completes; server: accepted when the client's early data is read). After a rejection
   * the client sends everything again in 1-RTT.
   */
  earlydata: { state: 'accepted' | 'rejected' };
  /** The peer opened a stream (acceptStream() still hands it out). */
  stream: QuicStream;
  /** The peer raised its stream limit (MAX_STREAMS): opening streams may succeed again. */
  streamsavailable: { bidirectional: boolean };
  /**
   * A stream changed state: the peer acknowledged all its data and the FIN ('finished'),
   * reset it ('reset', RESET_STREAM) or asked us to stop sending ('stopsending').
   */
  streamupdate: { stream: QuicStream; state: 'finished' | 'reset' | 'stopsending'; code?: number };
  /**
   * A 1-RTT key update began (RFC 9001 §6): raised once per update, when the first of the
   * two directions moves to the new keys. `generation` counts updates from 1 (the keys
   * the handshake made are generation 0); `initiatedBy` says which end started it — ours
   * (updateKeys() or the automatic update before the AEAD limit) or the peer's.
   */
  keyupdate: { generation: number; initiatedBy: 'local' | 'peer' };
  /**
   * The path changed (RFC 9000 §9; see PathChange). Server: the client's address changed
   * (NAT rebinding or its migration, §9.3) and we now send to the new path (a path handle
   * of the network), or went back to the last validated one after the new path failed
   * validation (`reverted`, §9.3.2). Client: migrate() or the server's preferred address
   * moved us ('moved'), the new path answered ('validated'), or it did not ('reverted').
   */
  pathchange: PathChange;
  /** Client: the server sent a session ticket (resume with it through `session`). */
  sessionticket: SessionTicket;
  /** Closing or draining began, or the idle timer ended the connection (`closed` resolves when it is gone). */
  close: CloseInfo;
  /**
   * A datagram arrived (RFC 9221; needs the `datagrams` option). While a listener exists,
   * datagrams are taken from the receive queue as they arrive (see receiveDatagram()).
   */
  datagram: Uint8Array;
}

/** Connection statistics (a snapshot). */
export interface ConnectionStats {
  state: ConnectionState;
  /** RTT estimates (RFC 9002 §5), microseconds. */
  smoothedRttUs: number;
  rttVarUs: number;
  minRttUs: number;
  latestRttUs: number;
  /** Congestion window, slow-start threshold and bytes in flight, bytes. */
  cwnd: number;
  ssthresh: number;
  bytesInFlight: number;
  /** Congestion events (window reductions). */
  congestionEvents: number;
  packetsSent: number;
  packetsReceived: number;
  packetsLost: number;
  /** Received packets dropped (undecryptable, duplicate, malformed). */
  packetsDropped: number;
  /** UDP payload bytes sent and received. */
  bytesSent: number;
  bytesReceived: number;
  /** Stream payload bytes sent (including retransmissions) and received. */
  streamBytesSent: number;
  streamBytesReceived: number;
  ptoCount: number;
  /** Non-probe packets that left bytes in flight above cwnd; RFC 9002 §7 says this stays 0. */
  sendsOverCwnd: number;
  /** Largest stream/CRYPTO receive and send buffers allocated by this endpoint's core, bytes. */
  recvBufferHighWater: number;
  sendBufferHighWater: number;
  /** Completed 1-RTT key updates (RFC 9001 §6), started by either end. */
  keyUpdates: number;
  /** Connection IDs we issued the peer, the handshake's included (RFC 9000 §5.1). */
  connectionIdsIssued: number;
  /** Sequence number of the peer's connection ID we send to (it moves when the peer retires ours, §5.1.2). */
  peerConnectionIdSequence: number;
  /** The peer's connection IDs we hold (at most transport.activeConnectionIdLimit). */
  peerConnectionIdsHeld: number;
  /** Client: Retry packets followed (0 or 1, RFC 9000 §17.2.5). */
  retriesReceived: number;
  /** The largest datagram the path carries now, as PMTU discovery found it (1200 until a probe succeeds). */
  pathMtu: number;
  /** PMTU probes sent and lost, and black holes detected (the size fell back to 1200). */
  pmtuProbesSent: number;
  pmtuProbesLost: number;
  pmtuBlackHoles: number;
  /** PATH_CHALLENGE frames sent (RFC 9000 §8.2). */
  pathChallengesSent: number;
  /** Paths validated by a PATH_RESPONSE (RFC 9000 §8.2.3). */
  pathsValidated: number;
  /** Moves to another peer address, reverts included (server NAT rebinding, RFC 9000 §9.3). */
  migrations: number;
  /** Client: moves we started (migrate(), the preferred address), and those that failed validation and went back (RFC 9000 §9.3.2). */
  ownMigrations: number;
  ownMigrationsFailed: number;
  /** Client: we moved to the server's preferred address (RFC 9000 §9.6) and it was validated. */
  preferredAddressUsed: boolean;
}

/** Reads the stats block the core documents in assembly/abi/conn.ts. */
export type StatsReader = (abi: ConnAbi, conn: number) => ConnectionStats;

/** How close() ends a connection. */
export interface CloseOptions {
  /**
   * true (default): first deliver everything written before close() — queued writes
   * reach the core and the peer acknowledges every stream's data — then send
   * CONNECTION_CLOSE. false: send it now and abandon unacknowledged data.
   */
  graceful?: boolean;
  /** A graceful close gives up waiting after this long and closes anyway (default 10 000 ms). */
  timeoutMs?: number;
  /**
   * Aborting stops a graceful close from waiting: CONNECTION_CLOSE goes out at once and
   * the returned promise rejects with the signal's reason.
   */
  signal?: AbortSignal;
}

/** What a connection needs from its endpoint. */
export interface ConnectionHost {
  readonly abi: ConnAbi;
  readonly clock: Clock;
  /** Calls conn.checkGracefulClose() after every pump round until it closes. */
  watchGracefulClose(conn: GracefulCloser): void;
  /** Runs the pump (after the application queued something). */
  service(): void;
  /** Runs the pump after the application's current turn (stream writes: pump.ts serviceSoon). */
  serviceSoon(): void;
  readStats: StatsReader;
  /** The connection is closed: forget its handle. */
  forget(conn: number): void;
  /** The endpoint's network (migration opens paths on it, host/transport/migration.ts). */
  readonly network: Network;
  /** A server endpoint. */
  readonly isServer: boolean;
}

/** A connection waiting to send its graceful CONNECTION_CLOSE: asked after each pump round. */
export interface GracefulCloser {
  /** True once the close went out (the endpoint stops asking). */
  checkGracefulClose(): boolean;
}
