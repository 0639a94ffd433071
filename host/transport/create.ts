// Assembles an endpoint from its parts: a core instance with crypto imports bound to
// its memory, the key table, the TLS engine factories and a network. Platform-neutral:
// the caller passes the compiled core module (host/node.ts loads it from disk on Node).

import { instantiateCore } from '../core/core';
import { ConnAbi, ConnState } from '../core/conn-abi';
import { CoreCrypto } from '../crypto/core-imports';
import type { CryptoProvider } from '../crypto/provider';
import { portableCryptoProvider } from '../crypto/portable-provider';
import { TableKeyInstaller } from './keys';
import { QuicEndpoint, QUIC_V1 } from './endpoint';
import { QuicArgumentError } from '../errors';
import type { ConnectionStats } from './connection';
import type { Network, PathHandle } from '../net/network';
import type { Clock } from './clock';
import { RealClock } from './clock';
import { createTlsClient, createTlsServer } from '../tls/engine';
import type { CertifiedKey } from '../tls/pki/index';
import type { Suite } from '../crypto/suites';
import type { GroupName } from '../tls/constants';
import type { QuicConnection } from './connection';
import { QlogTap } from './qlog/tap';
import type { QlogOptions } from './qlog/sink';

/** Transport settings (names follow RFC 9000 §18.2 where they are transport parameters). */
export interface TransportConfig {
  initialMaxData?: number;
  initialMaxStreamDataBidiLocal?: number;
  initialMaxStreamDataBidiRemote?: number;
  initialMaxStreamDataUni?: number;
  initialMaxStreamsBidi?: number;
  initialMaxStreamsUni?: number;
  maxIdleTimeoutMs?: number;
  ackDelayExponent?: number;
  maxAckDelayMs?: number;
  congestionControl?: 'newreno' | 'cubic';
  initialRttMs?: number;
  keepAliveMs?: number;
  maxReceiveWindow?: number;
  streamSendBuffer?: number;
}

const CONFIG_KEYS: Record<keyof TransportConfig, number> = {
  initialMaxData: 0, initialMaxStreamDataBidiLocal: 1, initialMaxStreamDataBidiRemote: 2, initialMaxStreamDataUni: 3,
  initialMaxStreamsBidi: 4, initialMaxStreamsUni: 5, maxIdleTimeoutMs: 6, ackDelayExponent: 8, maxAckDelayMs: 9,
  congestionControl: 13, initialRttMs: 14, keepAliveMs: 15, maxReceiveWindow: 16, streamSendBuffer: 17,
};

/** TLS settings shared by clients and servers. */
export interface TlsConfig {
  alpn: string[];
  cipherSuites?: Suite[];
  groups?: GroupName[];
  keyLog?: (line: string) => void;
}

export interface EndpointConfig {
  /** The compiled core (host/node.ts: loadCoreModule()). */
  coreModule: WebAssembly.Module;
  network: Network;
  clock?: Clock;
  /** Packet protection backend (default: portable; Node callers pass nodeCryptoProvider, see README). */
  crypto?: CryptoProvider;
  transport?: TransportConfig;
  tls: TlsConfig;
  /** Servers: the certificate chain and key to present. */
  certificate?: CertifiedKey;
  /** Seeds the core's PRNG (CIDs); random by default, fixed in deterministic tests. */
  seed?: Uint32Array;
  localCidLength?: number;
  /** Received bytes buffered per stream in JS before the host stops reading from the core (default 1 MiB). */
  streamHighWaterMark?: number;
  /** Write a qlog trace per connection (host/transport/qlog/sink.ts; Node: qlogDirectory()). */
  qlog?: QlogOptions;
}

/** Client connection options. */
export interface ConnectOptions {
  /** Server name for SNI and certificate verification. */
  serverName?: string;
  /** DER trust anchors (e.g. systemTrustAnchors() or the server's self-signed certificate). */
  trustAnchors?: Uint8Array[];
  dangerouslySkipCertificateVerification?: boolean;
  version?: number;
}

function statsReader(abi: ConnAbi, conn: number): ConnectionStats {
  const ptr = abi.statsPtr(conn);
  const v = abi.core.view;
  const f = (i: number) => (ptr < 0 ? 0 : v.getFloat64(ptr + 8 * i, true));
  return {
    smoothedRttUs: f(0), rttVarUs: f(1), minRttUs: f(2), latestRttUs: f(3), cwnd: f(4), bytesInFlight: f(5),
    packetsSent: f(6), packetsReceived: f(7), packetsLost: f(8), packetsDropped: f(9), bytesSent: f(10), bytesReceived: f(11),
    streamBytesSent: f(12), streamBytesReceived: f(13), ptoCount: f(14), state: ptr < 0 ? ConnState.Closed : f(15), ssthresh: f(16), congestionEvents: f(17),
    sendsOverCwnd: f(20), recvBufferHighWater: f(21), sendBufferHighWater: f(22), keyUpdates: f(23),
  };
}

/** A QUIC endpoint with a `connect` that wires the TLS client. */
export class Endpoint extends QuicEndpoint {
  constructor(private readonly cfg: EndpointConfig, abi: ConnAbi, crypto: CoreCrypto, isServer: boolean, qlog?: QlogTap) {
    const provider = cfg.crypto ?? portableCryptoProvider;
    const tlsCommon = cfg.tls;
    super({
      abi,
      network: cfg.network,
      clock: cfg.clock ?? new RealClock(),
      keys: new TableKeyInstaller(provider, crypto.table),
      readStats: statsReader,
      localCidLength: cfg.localCidLength,
      streamHighWaterMark: cfg.streamHighWaterMark,
      seed: cfg.seed ?? crypto_random_seed(),
      config: configEntries(cfg.transport),
      qlog,
      server: isServer
        ? {
            tls: (tp) => createTlsServer({ ...tlsCommon, transportParameters: tp, certificate: cfg.certificate! }),
          }
        : undefined,
    });
  }

  /** Opens a client connection to `path` (0 on a DgramPair; UdpNetwork.pathTo(address) for UDP). */
  connectTo(path: PathHandle, options: ConnectOptions = {}): QuicConnection {
    return this.connect(path, (tp) => createTlsClient({ ...this.cfg.tls, transportParameters: tp, ...options }), options.version ?? QUIC_V1);
  }
}

function crypto_random_seed(): Uint32Array {
  return crypto.getRandomValues(new Uint32Array(4));
}

function configEntries(t: TransportConfig | undefined): Record<number, number> {
  const out: Record<number, number> = {};
  if (!t) return out;
  for (const [k, v] of Object.entries(t)) {
    if (v === undefined) continue;
    const key = CONFIG_KEYS[k as keyof TransportConfig];
    if (key === undefined) throw new QuicArgumentError(`unknown transport option "${k}"`);
    if (k === 'congestionControl' && v !== 'cubic' && v !== 'newreno') throw new QuicArgumentError(`congestionControl must be 'newreno' or 'cubic', not ${JSON.stringify(v)}`);
    out[key] = k === 'congestionControl' ? (v === 'cubic' ? 1 : 0) : (v as number);
  }
  return out;
}

function build(cfg: EndpointConfig, isServer: boolean): Endpoint {
  const crypto = new CoreCrypto();
  const qlog = cfg.qlog ? new QlogTap(cfg.qlog) : undefined;
  const core = instantiateCore(cfg.coreModule, { host: { ...crypto.imports().host, ...qlog?.imports().host } });
  crypto.bind(core.exports.memory);
  qlog?.bind(core);
  return new Endpoint(cfg, new ConnAbi(core), crypto, isServer, qlog);
}

/** A client endpoint: call connectTo() for each connection. */
export function createClientEndpoint(cfg: EndpointConfig): Endpoint {
  return build(cfg, false);
}

/** A server endpoint: accept() yields connections whose handshake completed. */
export function createServerEndpoint(cfg: EndpointConfig): Endpoint {
  if (!cfg.certificate) throw new TypeError('a server endpoint needs a certificate (generateSelfSigned() makes one)');
  return build(cfg, true);
}
