// The Node entry (also what Deno and Bun load): the portable surface plus QUIC over
// node:dgram, the node:crypto backend, the platform's trust anchors and qlog files.

export * from './portable';

// QUIC over UDP for Node (Deno and Bun through node:dgram).
export { listen, connect, loadCoreModule, QuicServer } from './node';
export { toNodeDuplex } from './api/node-duplex';
export type { NodeDuplexOptions } from './api/node-duplex';
export type { ListenOptions, ConnectOptions } from './node';
export { UdpNetwork, QuicSocketError } from './net/udp';
export type { UdpBindOptions } from './net/udp';
export type { PeerSocketStats } from './net/peer-sockets';
export { qlogDirectory } from './node-qlog';
export { systemTrustAnchors } from './tls/pki/node-roots';
export { nodeCryptoProvider } from './crypto/node-provider';
export { nodeHandshakeCrypto } from './tls/handshake-node';
export { loadCoreNode, coreWasmPath } from './core/node-loader';

// HTTP/3, QPACK and hq-interop (host/h3): h3Fetch, H3Client, serveH3, HqClient, ...
export * from './h3/index';
