// The engine's interface toward the transport: levels, what it reports, what a
// completed handshake looks like. The transport (host/transport/handshake.ts) only
// moves these bytes and secrets between the engine and the core.

import type { Suite } from '../crypto/suites';
import type { SessionTicket } from './session-ticket';
import { Level as CoreLevel } from '../core/abi.generated';

/** Encryption levels, numbered as the core numbers them (generated from assembly/conn/space.ts Level). */
export enum Level {
  Initial = CoreLevel.INITIAL,
  EarlyData = CoreLevel.ZERO_RTT,
  Handshake = CoreLevel.HANDSHAKE,
  Application = CoreLevel.ONE_RTT,
}

/** The result of a completed handshake. */
export interface HandshakeInfo {
  alpn: string;
  cipherSuite: string;
  /** A session ticket's PSK was accepted (no certificates were exchanged). */
  resumed: boolean;
  /** An external PSK was accepted (no certificates were exchanged). */
  externalPsk: boolean;
  earlyDataAccepted: boolean;
  /** Server: why 0-RTT the client offered was refused (e.g. 'replayed ClientHello'). */
  earlyDataRejected?: string;
  /**
   * DER certificates of the peer, leaf first (empty when the peer sent none). A server
   * resuming a session reports the client certificate leaf remembered in the ticket.
   */
  peerCertificates: Uint8Array[];
  serverName?: string;
}

/** What the engine reports, in the order it happened. */
export type TlsOutput =
  | { type: 'handshake-data'; level: Level; data: Uint8Array }
  | { type: 'secret'; level: Level; direction: 'read' | 'write'; suite: Suite; secret: Uint8Array }
  | { type: 'peer-transport-parameters'; data: Uint8Array }
  /** Client offering 0-RTT, before its 0-RTT secret: the server's transport parameters remembered with the ticket (RFC 9000 §7.4.1). */
  | { type: 'remembered-transport-parameters'; data: Uint8Array }
  /** Client that offered 0-RTT: the server's answer (its EncryptedExtensions), before its transport parameters. */
  | { type: 'early-data'; accepted: boolean }
  | { type: 'complete'; info: HandshakeInfo }
  /** Client: a NewSessionTicket arrived; keep it to resume later (it holds a secret). */
  | { type: 'session-ticket'; ticket: SessionTicket }
  | { type: 'alert'; alert: number; reason: string };

/** A TLS 1.3 handshake for QUIC: no record layer, messages in and out per level. */
export interface TlsSession {
  /** Client: produce the ClientHello. Server: nothing. */
  start(): void;
  /** Handshake bytes received at a level (may hold partial or several messages). */
  receive(level: Level, data: Uint8Array): void;
  /** Everything produced since the last call. */
  drain(): TlsOutput[];
  /**
   * Server: its state while it waits for nothing but the client's Finished, or null
   * (issue 17: half-open connections); its secrets go to `bytes`.
   */
  park?(bytes: ParkedBytes): unknown;
  /** Takes back what park() returned (and wrote), on a new session from the same options. */
  unpark?(parked: unknown, bytes: ParkedBytes): void;
}

/** Where a parked session's secrets go: parts read back in the order they were written (host/transport/parking-lot.ts). */
export interface ParkedBytes {
  write(b: Uint8Array): void;
  read(): Uint8Array;
}
