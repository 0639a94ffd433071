// The package entry: the public surface of quicwasm.

// Errors: one family with stable codes (ARCHITECTURE.md §8).
export * from './errors';

// QUIC over UDP for Node (Deno and Bun through node:dgram).
export { listen, connect, loadCoreModule, QuicServer } from './node';
export type { ListenOptions, ConnectOptions } from './node';

// Connections and streams.
export { QuicConnection } from './transport/connection';
export type { CloseInfo, ConnectionStats } from './transport/connection';
export { QuicStream, QuicStreamError } from './transport/stream';
export type { HandshakeInfo } from './tls/types';
export { SessionTicketIssuer, encodeSessionTicket, decodeSessionTicket } from './tls/engine';
export type { SessionTicket, SessionTicketOptions, ExternalPsk, ClientAuth } from './tls/engine';

// Endpoints on any Network (the in-memory pair, UDP), for tests and embedding.
export { createClientEndpoint, createServerEndpoint, Endpoint } from './transport/create';
export type { EndpointConfig, TransportConfig, TlsConfig } from './transport/create';
export { DgramPair } from './net/dgram-pair';
export type { LinkImpairments } from './net/dgram-pair';
export { VirtualClock } from './net/virtual-clock';
export { UdpNetwork, QuicSocketError } from './net/udp';
export type { Network, PathHandle } from './net/network';
export { RealClock } from './transport/clock';
export type { Clock } from './transport/clock';

// qlog traces (one JSON-SEQ trace per connection; Node: the qlogDir option or QLOGDIR).
export { MemoryQlog } from './transport/qlog/sink';
export type { QlogOptions, QlogSink, QlogSinkFactory, QlogTraceInfo } from './transport/qlog/sink';
export { qlogDirectory } from './node-qlog';

// Certificates and packet-protection backends.
export { generateSelfSigned } from './tls/pki/selfsigned';
export type { CertifiedKey } from './tls/pki/selfsigned';
export { parsePemCertificates, parsePemPrivateKey, toPem } from './tls/pki/pem';
export { systemTrustAnchors } from './tls/pki/node-roots';
export { nodeCryptoProvider } from './crypto/node-provider';
export { portableCryptoProvider } from './crypto/portable-provider';
export type { CryptoProvider } from './crypto/provider';

// The raw core, for tools and benchmarks.
export { Core, instantiateCore } from './core/core';
export type { CoreExports, CoreImports } from './core/core';
export { loadCoreNode, coreWasmPath } from './core/node-loader';
