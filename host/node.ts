// QUIC over real UDP for Node (and Deno/Bun through their node:dgram): listen() and
// connect() put a core, a UdpNetwork, the node:crypto provider and a real clock
// together. This is the thin first API (issue 4); the full public API grows from it.

import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { bundledCoreBytes } from './core/bundled-core';
import { setCoreFileReader, setDefaultCoreSource } from './core/source';
import { coreWasmPath } from './core/node-loader';
import { UdpNetwork } from './net/udp';
import { DenoUdpNetwork, denoDatagramsAvailable } from './net/deno-udp';
import type { UdpAddress, UdpNetworkLike } from './net/udp-common';
import { nodeCryptoProvider } from './crypto/node-provider';
import { createClientEndpoint, createServerEndpoint, type Endpoint, type EndpointConfig, type TransportConfig, type TlsConfig } from './transport/create';
import type { ExternalPsk, SessionTicket } from './tls/engine';
import type { QuicConnection } from './transport/connection';
import type { CryptoProvider } from './crypto/provider';
import type { CertifiedKey } from './tls/pki/index';
import { systemTrustAnchors } from './tls/pki/node-roots';
import './tls/pki/node-rsa'; // RSA-PSS signing for servers with RSA certificates
import { setHandshakeCrypto } from './tls/handshake-crypto';
import { nodeHandshakeCrypto } from './tls/handshake-node';
import { QuicArgumentError } from './errors';
import { qlogOptions } from './node-qlog';

let compiled: WebAssembly.Module | null = null;

/** The release core: inlined in the package builds, read from the build output when run from source. */
function releaseCoreBytes(): Uint8Array {
  return bundledCoreBytes ? bundledCoreBytes() : readFileSync(coreWasmPath('release'));
}

setDefaultCoreSource(releaseCoreBytes);
// Key shares and signatures through OpenSSL (portable fallback per missing algorithm).
setHandshakeCrypto(nodeHandshakeCrypto);
setCoreFileReader((path) => readFileSync(path.startsWith('file:') ? fileURLToPath(path) : path));

/** The release core, compiled once per process (synchronously: Node allows it; browsers use compileCore()). */
export function loadCoreModule(): WebAssembly.Module {
  if (!compiled) compiled = new WebAssembly.Module(releaseCoreBytes() as Uint8Array<ArrayBuffer>);
  return compiled;
}

interface CommonOptions {
  /** ALPN protocol ids, most preferred first (QUIC requires one). */
  alpn: string[];
  transport?: TransportConfig;
  /** Packet protection backend (default: node:crypto, the faster one on Node; see bench/crypto.ts). */
  crypto?: CryptoProvider;
  /** SSLKEYLOGFILE-format lines, for Wireshark. */
  keyLog?: TlsConfig['keyLog'];
  /** Socket buffer size to request from the OS (default 8 MiB; node:dgram only). */
  socketBufferSize?: number;
  /**
   * The UDP API: 'auto' (default) uses Deno.listenDatagram in Deno when it is available
   * (deno run --unstable-net), node:dgram everywhere else; 'node:dgram' or 'deno' force one.
   */
  udp?: 'auto' | 'node:dgram' | 'deno';
  /**
   * Write a qlog file per connection into this directory (created if missing); the
   * QLOGDIR environment variable does the same when this is unset.
   */
  qlogDir?: string;
  /** 'ietf' (default): event names of the qlog drafts; 'qvis': the qlog 0.3 names qvis reads. */
  qlogFormat?: 'ietf' | 'qvis';
}

export interface ListenOptions extends CommonOptions {
  /** Local address (default 127.0.0.1; '::1', '::', '0.0.0.0' work too). */
  address?: string;
  /** Local port (default 0: the OS picks one; read it from server.address). */
  port?: number;
  /** The certificate chain and key to present (generateSelfSigned() makes one for tests); optional only with `psks`. */
  certificate?: CertifiedKey;
  /** Client certificates: 'none' (default), 'request' or 'require'; verified against clientTrustAnchors. */
  clientAuth?: EndpointConfig['clientAuth'];
  clientTrustAnchors?: Uint8Array[];
  /** External PSKs by identity (clients then need no trust anchors). */
  psks?: EndpointConfig['psks'];
  /** Session tickets for resumption: on by default (random key per server); false turns them off. */
  sessionTickets?: EndpointConfig['sessionTickets'];
}

export interface ConnectOptions extends CommonOptions {
  address: string;
  port: number;
  /** Name to verify the certificate against and to send as SNI (default: the address). */
  serverName?: string;
  /** DER trust anchors; default: the platform's roots. */
  trustAnchors?: Uint8Array[];
  /** Turns certificate verification off. For experiments only: anyone can impersonate the server. */
  dangerouslySkipCertificateVerification?: boolean;
  /** Local address to bind (default: the wildcard address of the server address family). */
  localAddress?: string;
  /** Our certificate and key, for servers that ask for one. */
  certificate?: CertifiedKey;
  /** An external PSK (identity and key) shared with the server. */
  psk?: ExternalPsk;
  /** Resume the session of an earlier connection: pass what its `sessionTicket` resolved to. */
  session?: SessionTicket;
}

/** A listening QUIC server on one UDP socket. */
export class QuicServer {
  constructor(readonly endpoint: Endpoint, private readonly network: UdpNetworkLike) {}

  /** The bound UDP address. */
  get address(): UdpAddress {
    return this.network.local;
  }

  /** The next connection whose handshake completed. Rejects once the server is closed. */
  accept(): Promise<QuicConnection> {
    return this.endpoint.accept();
  }

  /** Iterates accepted connections until the server closes. */
  async *[Symbol.asyncIterator](): AsyncGenerator<QuicConnection> {
    for (;;) {
      let c: QuicConnection;
      try { c = await this.accept(); } catch { return; }
      yield c;
    }
  }

  /** Closes every connection gracefully, then the socket. */
  close(): Promise<void> {
    return this.endpoint.close();
  }
}

/** The UDP socket: Deno's own API where it exists (see net/deno-udp.ts), node:dgram otherwise. */
function bindUdp(opts: CommonOptions, where: { address?: string; port?: number }): Promise<UdpNetworkLike> {
  const api = opts.udp ?? 'auto';
  if (api === 'deno' || (api === 'auto' && denoDatagramsAvailable())) return DenoUdpNetwork.bind(where);
  return UdpNetwork.bind({ ...where, bufferSize: opts.socketBufferSize });
}

function checkAlpn(alpn: unknown): void {
  if (!Array.isArray(alpn) || alpn.length === 0 || alpn.some((a) => typeof a !== 'string' || a.length === 0 || a.length > 255)) {
    throw new QuicArgumentError('alpn must be a non-empty array of protocol ids (1-255 characters each), e.g. ["echo"]');
  }
}

/** Binds a UDP socket and serves QUIC on it. */
export async function listen(opts: ListenOptions): Promise<QuicServer> {
  checkAlpn(opts.alpn);
  if (!opts.certificate && !opts.psks) throw new QuicArgumentError('listen() needs a certificate (generateSelfSigned() makes one)');
  const network = await bindUdp(opts, { address: opts.address, port: opts.port });
  try {
    const endpoint = createServerEndpoint({
      coreModule: loadCoreModule(), network, crypto: opts.crypto ?? nodeCryptoProvider, certificate: opts.certificate,
      clientAuth: opts.clientAuth, clientTrustAnchors: opts.clientTrustAnchors, psks: opts.psks, sessionTickets: opts.sessionTickets,
      tls: { alpn: opts.alpn, keyLog: opts.keyLog }, transport: opts.transport, qlog: qlogOptions(opts.qlogDir, opts.qlogFormat),
    });
    return new QuicServer(endpoint, network);
  } catch (err) {
    await network.close();
    throw err;
  }
}

/**
 * Opens a connection over a fresh UDP socket and resolves once the handshake is done
 * (rejects with the handshake's error). The socket closes when the connection does.
 */
export async function connect(opts: ConnectOptions): Promise<QuicConnection> {
  checkAlpn(opts.alpn);
  if (typeof opts.address !== 'string' || !Number.isInteger(opts.port) || opts.port <= 0 || opts.port > 65535) {
    throw new QuicArgumentError('connect() needs an address string and a port in 1..65535');
  }
  const v6 = opts.address.includes(':');
  const network = await bindUdp(opts, { address: opts.localAddress ?? (v6 ? '::' : '0.0.0.0') });
  let endpoint: Endpoint | null = null;
  try {
    endpoint = createClientEndpoint({
      coreModule: loadCoreModule(), network, crypto: opts.crypto ?? nodeCryptoProvider,
      tls: { alpn: opts.alpn, keyLog: opts.keyLog }, transport: opts.transport, qlog: qlogOptions(opts.qlogDir, opts.qlogFormat),
    });
    const conn = endpoint.connectTo(network.pathTo({ address: opts.address, port: opts.port }), {
      serverName: opts.serverName ?? opts.address,
      trustAnchors: opts.dangerouslySkipCertificateVerification || (opts.psk && !opts.trustAnchors) ? undefined : opts.trustAnchors ?? systemTrustAnchors(),
      dangerouslySkipCertificateVerification: opts.dangerouslySkipCertificateVerification,
      certificate: opts.certificate, psk: opts.psk, session: opts.session,
    });
    const ep = endpoint;
    conn.closed.then(() => ep.close(), () => ep.close()).catch(() => undefined);
    await conn.established;
    return conn;
  } catch (err) {
    if (endpoint) await endpoint.close().catch(() => undefined);
    else await network.close();
    throw err;
  }
}
