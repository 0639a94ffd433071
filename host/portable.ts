// The platform-neutral surface of quicwasm: everything that runs in Node, Deno, Bun and
// browsers alike (no Node built-ins below this file; test/portability checks). The Node
// entry (index.ts) adds UDP, node:crypto, the platform roots and qlog files; the browser
// entry (browser.ts) fetches the core.wasm beside it by default.

// Errors: one family with stable codes (ARCHITECTURE.md §8).
export * from './errors';

// Loading the core: a URL, bytes or a compiled module; default per entry point (the
// package's dist/core.wasm); setCoreSource() for bundles that cannot ship that file.
export { compileCore, setCoreSource } from './core/source';
export type { CoreSource } from './core/source';

// Connections and streams.
export { QuicConnection } from './transport/connection';
export type { CloseInfo, ConnectionStats, ConnectionState, CloseOptions, ConnectionEvents } from './transport/connection';
export type { MigrateOptions, PathChange } from './transport/migration';
export type { PreferredAddress } from './core/path-abi';
export type { WaitOptions } from './api/abort';
export { QuicStream, QuicStreamError } from './transport/stream';
export type { StreamData, WriteOptions } from './transport/stream';
export type { DatagramOutcome, DatagramSendOptions, DatagramStats } from './transport/datagrams';
export type { DatagramOptions } from './api/options';
export type { HandshakeInfo } from './tls/types';
export { SessionTicketIssuer, encodeSessionTicket, decodeSessionTicket } from './tls/engine';
export type { SessionTicket, SessionTicketOptions, ExternalPsk, ClientAuth } from './tls/engine';

// Endpoints on any Network (the in-memory pair, UDP), for tests and embedding.
export { createClientEndpoint, createServerEndpoint, Endpoint } from './transport/create';
export type { EndpointConfig, TransportConfig, TlsConfig, ConnectOptions as EndpointConnectOptions } from './transport/create';
export { QUIC_V1, QUIC_V2 } from './core/abi.generated';
export type { QuicVersionNumber } from './api/versions';
export { QuicVersionNegotiationError } from './api/versions';
export type { QuicLbConfig, StatelessResetOptions } from './transport/endpoint';
export type { RetryMode, AddressTokenOptions } from './transport/address-validation';
export { DgramPair } from './net/dgram-pair';
export type { LinkImpairments } from './net/dgram-pair';
export { VirtualClock } from './net/virtual-clock';
export type { Network, PathHandle } from './net/network';
// Seed 000's network modes and worker routing: the application moves datagrams and time.
export { ManualNetwork } from './api/manual-network';
export type { ManualNetworkOptions, OutgoingDatagram } from './api/manual-network';
export { ManualClock } from './api/manual-clock';
export { cidOwner, ROUTED_CID_LENGTH } from './api/cid-routing';
export type { CidRouterOptions, CidRoutingConfig } from './api/cid-routing';
export type { UdpAddress } from './net/udp-common';
export { RealClock } from './transport/clock';
export type { Clock } from './transport/clock';

// qlog traces (one JSON-SEQ trace per connection).
export { MemoryQlog } from './transport/qlog/sink';
export type { QlogOptions, QlogSink, QlogSinkFactory, QlogTraceInfo } from './transport/qlog/sink';

// Certificates and the portable packet-protection backend.
export { generateSelfSigned } from './tls/pki/selfsigned';
export type { CertifiedKey } from './tls/pki/selfsigned';
export { parsePemCertificates, parsePemPrivateKey, toPem } from './tls/pki/pem';
export { portableCryptoProvider } from './crypto/portable-provider';
export type { CryptoProvider } from './crypto/provider';
export { setHandshakeCrypto, handshakeCrypto } from './tls/handshake-crypto';
export type { HandshakeCrypto } from './tls/handshake-crypto';
export { portableHandshakeCrypto } from './tls/handshake-portable';

// The raw core, for tools and benchmarks.
export { Core, instantiateCore } from './core/core';
export type { CoreExports, CoreImports } from './core/core';
