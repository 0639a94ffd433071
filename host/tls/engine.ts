// The TLS 1.3 engine's entry points for the transport (host/transport/handshake.ts):
// levels 0 Initial, 1 0-RTT, 2 Handshake, 3 Application; start(), receive(level, bytes),
// drain() → handshake bytes per level, secrets per level and direction, the peer's
// transport parameters, completion, or one alert (CRYPTO_ERROR 0x100 + alert).
export { Level, type TlsSession, type TlsOutput, type HandshakeInfo } from './types';
export { TlsClient, type TlsClientOptions } from './client';
export { TlsServer, type TlsServerOptions, type ClientAuth } from './server';
export type { EarlyDataOptions } from './server-psk';
export type { ExternalPsk } from './psk';
export { SessionTicketIssuer, type SessionTicketOptions } from './tickets';
export { type SessionTicket, encodeSessionTicket, decodeSessionTicket } from './session-ticket';
export { EarlyDataAntiReplay, MemoryAntiReplayStore, type AntiReplayStore, type AntiReplayOptions } from './anti-replay';
export { Alert, alertName, TlsAlertError } from './alerts';
import { TlsClient, type TlsClientOptions } from './client';
import { TlsServer, type TlsServerOptions } from './server';

export function createTlsClient(options: TlsClientOptions): TlsClient {
  return new TlsClient(options);
}

export function createTlsServer(options: TlsServerOptions): TlsServer {
  return new TlsServer(options);
}
