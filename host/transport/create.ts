// Assembles an endpoint from its parts: a core instance with crypto imports bound to
// its memory, the key table, the TLS engine factories and a network. Platform-neutral:
// the caller passes the compiled core module (host/node.ts loads it from disk on Node).

import { instantiateCore } from '../core/core';
import { ConnAbi, ConnState, type EndpointLimits } from '../core/conn-abi';
import { ConfigKey, Stats, CC_CUBIC, CC_NEWRENO } from '../core/abi.generated';
import { CoreCrypto } from '../crypto/core-imports';
import { InitialProbe } from '../crypto/initial-probe';
import { CoreKeySlots } from '../crypto/core-keys';
import { CHACHA20_FIRST, inCoreChaCha20IsFastest } from '../crypto/backend-choice';
import type { CryptoProvider } from '../crypto/provider';
import { portableCryptoProvider } from '../crypto/portable-provider';
import { TableKeyInstaller } from './keys';
import { QuicEndpoint, QUIC_V1, type TlsFactory } from './endpoint';
import { QuicArgumentError } from '../errors';
import '../api/abort'; // Symbol.asyncDispose where the runtime lacks it
import { checkAlpn, checkGroups, checkTransportOption, describe, parseCipherSuites } from '../api/options';
import { connectionStateName, type ConnectionStats } from './connection';
import type { Network, PathHandle } from '../net/network';
import type { Clock } from './clock';
import { RealClock } from './clock';
import { createTlsClient, createTlsServer, SessionTicketIssuer, type ClientAuth, type ExternalPsk, type SessionTicket } from '../tls/engine';
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
  /** PMTU discovery (RFC 8899, RFC 9000 §14.3): probe for datagrams above 1200 bytes (default true). */
  pmtud?: boolean;
  /** Largest UDP payload to send, 1200..65527 (default: what the network reports it carries). */
  maxDatagramSize?: number;
}

const CONFIG_KEYS: Record<keyof TransportConfig, number> = {
  initialMaxData: 0, initialMaxStreamDataBidiLocal: 1, initialMaxStreamDataBidiRemote: 2, initialMaxStreamDataUni: 3,
  initialMaxStreamsBidi: 4, initialMaxStreamsUni: 5, maxIdleTimeoutMs: 6, ackDelayExponent: 8, maxAckDelayMs: 9,
  congestionControl: 13, initialRttMs: 14, keepAliveMs: 15, maxReceiveWindow: 16, streamSendBuffer: 17,
  pmtud: ConfigKey.PMTUD, maxDatagramSize: ConfigKey.MAX_DATAGRAM_SIZE,
};

/** TLS settings shared by clients and servers. */
export interface TlsConfig {
  alpn: string[];
  cipherSuites?: Suite[];
  groups?: GroupName[];
  keyLog?: (line: string) => void;
}

/** Everything an endpoint is made of: the core, a network, a clock, crypto, TLS and transport settings. */
export interface EndpointConfig {
  /** The compiled core (host/node.ts: loadCoreModule()). */
  coreModule: WebAssembly.Module;
  network: Network;
  clock?: Clock;
  /** Packet protection backend (default: portable; Node callers pass nodeCryptoProvider, see README). */
  crypto?: CryptoProvider;
  /**
   * Run ChaCha20-Poly1305 inside the core instead of through `crypto` (default true: faster
   * in every runtime measured). Servers then also prefer that suite when the client offers
   * it, where it is the fastest suite (not Bun with node:crypto); `tls.cipherSuites` overrides.
   */
  inCoreChaCha20?: boolean;
  transport?: TransportConfig;
  tls: TlsConfig;
  /** Servers: the certificate chain and key to present (optional only with `psks`). */
  certificate?: CertifiedKey;
  /** Servers: ask clients for a certificate ('request') or insist on one ('require'); default 'none'. */
  clientAuth?: ClientAuth;
  /** Servers: trust anchors (DER) for client certificates. */
  clientTrustAnchors?: Uint8Array[];
  /** Servers: external PSKs by identity. */
  psks?: (identity: Uint8Array) => ExternalPsk | undefined;
  /**
   * Servers: issue session tickets so clients can resume (default true: a random ticket
   * key per endpoint). Pass an issuer to share keys across endpoints, or false for none.
   */
  sessionTickets?: boolean | SessionTicketIssuer;
  /** Seeds the core's PRNG (CIDs); random by default, fixed in deterministic tests. */
  seed?: Uint32Array;
  localCidLength?: number;
  /** Received bytes buffered per stream in JS before the host stops reading from the core (default 1 MiB). */
  streamHighWaterMark?: number;
  /** Write a qlog trace per connection (host/transport/qlog/sink.ts; Node: qlogDirectory()). */
  qlog?: QlogOptions;
  /**
   * Connection caps and the handshake timeout (defaults: 10,000 connections, 1,024
   * half-open of which 8 per source address and port, 10 s to complete a handshake).
   */
  limits?: Partial<EndpointLimits>;
}

/** Client connection options. */
export interface ConnectOptions {
  /** Server name for SNI and certificate verification. */
  serverName?: string;
  /** DER trust anchors (e.g. systemTrustAnchors() or the server's self-signed certificate). */
  trustAnchors?: Uint8Array[];
  dangerouslySkipCertificateVerification?: boolean;
  version?: number;
  /** Our certificate and key, for servers that ask for one. */
  certificate?: CertifiedKey;
  /** An external PSK to authenticate with. */
  psk?: ExternalPsk;
  /** A ticket from an earlier connection's `sessionTicket` to resume (full handshake if refused). */
  session?: SessionTicket;
}

function statsReader(abi: ConnAbi, conn: number): ConnectionStats {
  const ptr = abi.statsPtr(conn);
  const v = abi.core.view;
  const f = (slot: number) => (ptr < 0 ? 0 : v.getFloat64(ptr + 8 * slot, true));
  return {
    smoothedRttUs: f(Stats.SMOOTHED_RTT), rttVarUs: f(Stats.RTT_VAR), minRttUs: f(Stats.MIN_RTT), latestRttUs: f(Stats.LATEST_RTT),
    cwnd: f(Stats.CWND), bytesInFlight: f(Stats.BYTES_IN_FLIGHT),
    packetsSent: f(Stats.PACKETS_SENT), packetsReceived: f(Stats.PACKETS_RECEIVED), packetsLost: f(Stats.PACKETS_LOST), packetsDropped: f(Stats.PACKETS_DROPPED),
    bytesSent: f(Stats.BYTES_SENT), bytesReceived: f(Stats.BYTES_RECEIVED),
    streamBytesSent: f(Stats.STREAM_BYTES_SENT), streamBytesReceived: f(Stats.STREAM_BYTES_RECEIVED), ptoCount: f(Stats.PTO_COUNT),
    state: connectionStateName(ptr < 0 ? ConnState.STATE_CLOSED : (f(Stats.STATE) as ConnState)), ssthresh: f(Stats.SSTHRESH), congestionEvents: f(Stats.CONGESTION_EVENTS),
    sendsOverCwnd: f(Stats.SENDS_OVER_CWND), recvBufferHighWater: f(Stats.RECV_BUFFER_HIGH_WATER), sendBufferHighWater: f(Stats.SEND_BUFFER_HIGH_WATER),
    keyUpdates: f(Stats.KEY_UPDATES),
    pathMtu: f(Stats.PATH_MTU), pmtuProbesSent: f(Stats.PMTU_PROBES_SENT), pmtuProbesLost: f(Stats.PMTU_PROBES_LOST), pmtuBlackHoles: f(Stats.PMTU_BLACK_HOLES),
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
      keys: new TableKeyInstaller(provider, crypto.table, { inCoreChaCha20: cfg.inCoreChaCha20 }),
      readStats: statsReader,
      localCidLength: cfg.localCidLength,
      streamHighWaterMark: cfg.streamHighWaterMark,
      seed: cfg.seed ?? crypto_random_seed(),
      config: withNetworkCap(configEntries(cfg.transport), cfg.network),
      qlog,
      limits: cfg.limits,
      server: isServer
        ? {
            tls: serverTlsFactory(cfg),
          }
        : undefined,
    });
  }

  /** close(), for `await using endpoint = createServerEndpoint(...)`. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }

  /** Opens a client connection to `path` (0 on a DgramPair; UdpNetwork.pathTo(address) for UDP). */
  connectTo(path: PathHandle, options: ConnectOptions = {}): QuicConnection {
    return this.connect(path, (tp) => createTlsClient({ ...this.cfg.tls, transportParameters: tp, ...options }), options.version ?? QUIC_V1);
  }
}

function serverTlsFactory(cfg: EndpointConfig): TlsFactory {
  const sessionTickets = cfg.sessionTickets instanceof SessionTicketIssuer ? cfg.sessionTickets : cfg.sessionTickets === false ? undefined : new SessionTicketIssuer();
  const fastest = cfg.inCoreChaCha20 !== false && inCoreChaCha20IsFastest(cfg.crypto ?? portableCryptoProvider);
  const opts = {
    ...cfg.tls, cipherSuites: cfg.tls.cipherSuites ?? (fastest ? CHACHA20_FIRST : undefined), certificate: cfg.certificate, clientAuth: cfg.clientAuth, clientTrustAnchors: cfg.clientTrustAnchors, psks: cfg.psks, sessionTickets,
  };
  // Checks the combination once, at endpoint creation, rather than per connection.
  try {
    createTlsServer({ ...opts, transportParameters: new Uint8Array(0) });
  } catch (err) {
    throw new QuicArgumentError((err as Error).message);
  }
  return (tp) => createTlsServer({ ...opts, transportParameters: tp });
}

function crypto_random_seed(): Uint32Array {
  return crypto.getRandomValues(new Uint32Array(4));
}

/** The datagram size cap: the option, but never more than the network says it carries. */
function withNetworkCap(config: Record<number, number>, network: Network): Record<number, number> {
  const own = config[ConfigKey.MAX_DATAGRAM_SIZE] ?? 65527;
  const cap = Math.max(1200, Math.min(own, Math.floor(network.maxDatagramSize) || 1200, 65527));
  return { ...config, [ConfigKey.MAX_DATAGRAM_SIZE]: cap };
}

function configEntries(t: TransportConfig | undefined): Record<number, number> {
  const out: Record<number, number> = {};
  if (t === undefined) return out;
  if (typeof t !== 'object' || t === null) throw new QuicArgumentError(`transport must be an object of transport options, not ${describe(t)}`);
  for (const [k, v] of Object.entries(t)) {
    if (v === undefined) continue;
    checkTransportOption(k, v);
    const key = CONFIG_KEYS[k as keyof TransportConfig];
    out[key] = k === 'congestionControl' ? (v === 'cubic' ? CC_CUBIC : CC_NEWRENO) : k === 'pmtud' ? (v ? 1 : 0) : (v as number);
  }
  return out;
}

function build(cfg: EndpointConfig, isServer: boolean): Endpoint {
  checkEndpointConfig(cfg);
  const crypto = new CoreCrypto();
  const probe = new InitialProbe(cfg.crypto ?? portableCryptoProvider, crypto.table);
  const qlog = cfg.qlog ? new QlogTap(cfg.qlog) : undefined;
  const core = instantiateCore(cfg.coreModule, { host: { ...crypto.imports().host, ...probe.imports().host, ...qlog?.imports().host } });
  crypto.bind(core.exports.memory);
  probe.bind(core.exports.memory);
  crypto.table.bindCore(CoreKeySlots.of(core));
  qlog?.bind(core);
  return new Endpoint(cfg, new ConnAbi(core), crypto, isServer, qlog);
}

/** Everything the core and the TLS engine would otherwise refuse late or obscurely, named up front. */
function checkEndpointConfig(cfg: EndpointConfig): void {
  if (typeof cfg !== 'object' || cfg === null) throw new QuicArgumentError(`an endpoint needs a config object, not ${describe(cfg)}`);
  if (!(cfg.coreModule instanceof WebAssembly.Module)) throw new QuicArgumentError(`coreModule must be a compiled core (compileCore() or loadCoreModule()), not ${describe(cfg.coreModule)}`);
  if (typeof cfg.tls !== 'object' || cfg.tls === null) throw new QuicArgumentError(`tls must be an object with alpn, not ${describe(cfg.tls)}`);
  checkAlpn(cfg.tls.alpn, 'tls.alpn');
  parseCipherSuites(cfg.tls.cipherSuites, 'tls.cipherSuites');
  checkGroups(cfg.tls.groups, 'tls.groups');
  configEntries(cfg.transport);
}

/** A client endpoint: call connectTo() for each connection. */
export function createClientEndpoint(cfg: EndpointConfig): Endpoint {
  return build(cfg, false);
}

/** A server endpoint: accept() yields connections whose handshake completed. */
export function createServerEndpoint(cfg: EndpointConfig): Endpoint {
  if (!cfg.certificate && !cfg.psks) throw new QuicArgumentError('a server endpoint needs a certificate (generateSelfSigned() makes one) or external psks');
  return build(cfg, true);
}
