// The engine's interface toward the transport: levels, what it reports, what a
// completed handshake looks like. The transport (host/transport/handshake.ts) only
// moves these bytes and secrets between the engine and the core.

import type { Suite } from '../crypto/suites';

/** Encryption levels, numbered as the core numbers them. */
export enum Level {
  Initial = 0,
  EarlyData = 1,
  Handshake = 2,
  Application = 3,
}

/** The result of a completed handshake. */
export interface HandshakeInfo {
  alpn: string;
  cipherSuite: string;
  resumed: boolean;
  earlyDataAccepted: boolean;
  /** DER certificates of the peer, leaf first (empty when the peer sent none). */
  peerCertificates: Uint8Array[];
  serverName?: string;
}

/** What the engine reports, in the order it happened. */
export type TlsOutput =
  | { type: 'handshake-data'; level: Level; data: Uint8Array }
  | { type: 'secret'; level: Level; direction: 'read' | 'write'; suite: Suite; secret: Uint8Array }
  | { type: 'peer-transport-parameters'; data: Uint8Array }
  | { type: 'complete'; info: HandshakeInfo }
  | { type: 'alert'; alert: number; reason: string };

/** A TLS 1.3 handshake for QUIC: no record layer, messages in and out per level. */
export interface TlsSession {
  /** Client: produce the ClientHello. Server: nothing. */
  start(): void;
  /** Handshake bytes received at a level (may hold partial or several messages). */
  receive(level: Level, data: Uint8Array): void;
  /** Everything produced since the last call. */
  drain(): TlsOutput[];
}
