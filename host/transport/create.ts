// Assembles an endpoint from its parts: a core instance with crypto imports bound to
// its memory, the key table, the TLS engine factories and a network. Platform-neutral:
// the caller passes the compiled core module (host/node.ts loads it from disk on Node).

import { PathAbi, encodePreferredAddress, type PreferredAddress } from '../core/path-abi';
import { randomFill } from '../crypto/random-pool';
import { instantiateCore, type Core, type CoreImports } from '../core/core';
import { ConnAbi, ConnState, type EndpointLimits } from '../core/conn-abi';
import { ConfigKey, Stats, CC_CUBIC, CC_NEWRENO, CC_VEGAS } from '../core/abi.generated';
import { CoreCrypto } from '../crypto/core-imports';
import { InitialProbe } from '../crypto/initial-probe';
import { CoreKeySlots } from '../crypto/core-keys';
import { CHACHA20_FIRST, inCoreChaCha20IsFastest } from '../crypto/backend-choice';
import type { CryptoProvider } from '../crypto/provider';
import { portableCryptoProvider } from '../crypto/portable-provider';
import { TableKeyInstaller } from './keys';
import { QuicEndpoint, QUIC_V1, type ServerTlsFactory, type VersionNegotiator, type QuicLbConfig, type StatelessResetOptions } from './endpoint';
import { QuicArgumentError } from '../errors';
import { checkClientCredentials, checkServerCredentials } from '../api/credentials';
import { checkOptionShapes, CLIENT_OPTION_SHAPES, ENDPOINT_OPTION_SHAPES } from '../api/option-shapes';
import { ticketVersion } from '../api/versions';
import '../api/abort'; // Symbol.asyncDispose where the runtime lacks it
import { checkAlpn, checkGroups, checkTransportOption, datagramConfig, describe, parseCipherSuites, type CongestionControllerName, type DatagramOptions } from '../api/options';
import { connectionStateName, type ConnectionStats } from './connection-types';
import type { Network, PathHandle } from '../net/network';
import type { Clock } from './clock';
import { RealClock } from './clock';
import { createTlsClient, createTlsServer, decodeSessionTicket, encodeSessionTicket, EarlyDataAntiReplay, MemoryAntiReplayStore, SessionTicketIssuer, type AntiReplayStore, type ClientAuth, type TlsServerOptions, type ExternalPsk, type SessionTicket } from '../tls/engine';
import type { EarlyDataOptions } from '../tls/engine';
import { earlyDataCompatible, rememberedTransportParameters } from './early-data';
import type { CertifiedKey } from '../tls/pki/index';
import type { Suite } from '../crypto/suites';
import type { GroupName } from '../tls/constants';
import type { QuicConnection } from './connection';
import { QlogTap } from './qlog/tap';
import { RetryImports } from '../crypto/retry-imports';
import type { RetryMode, AddressTokenOptions } from './address-validation';
import type { QlogOptions } from './qlog/sink';
import { cidRoutingSeam, type CidRoutingConfig } from '../api/cid-routing';

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
  /** 'cubic' (default), 'newreno', or 'vegas': delay-based, keeps a few datagrams queued (a short RTT under a bulk transfer), yields to loss-based flows. */
  congestionControl?: CongestionControllerName;
  initialRttMs?: number;
  keepAliveMs?: number;
  maxReceiveWindow?: number;
  streamSendBuffer?: number;
  /** How many of the peer's connection IDs we hold (RFC 9000 §18.2 active_connection_id_limit; 2..16, default 4). */
  activeConnectionIdLimit?: number;
  /** PMTU discovery (RFC 8899, RFC 9000 §14.3): probe for datagrams above 1200 bytes (default true). */
  pmtud?: boolean;
  /** Largest UDP payload to send, 1200..65527 (default: what the network reports it carries). */
  maxDatagramSize?: number;
  /**
   * Drive the latency spin bit (RFC 9000 §17.4), which lets on-path observers measure the
   * RTT. Default false: the bit then carries a random value per connection ID. Even when
   * true, a random one connection in 16 does not spin (§17.4).
   */
  spinBit?: boolean;
  /**
   * Advertise grease_quic_bit (RFC 9287; default true): the peer may then clear the QUIC
   * bit, and we accept it cleared. When the peer advertises it, about half our packets go
   * out with the bit cleared, so that the network does not come to depend on it.
   */
  greaseQuicBit?: boolean;
  /**
   * Send disable_active_migration (RFC 9000 §18.2; default false): the peer must not
   * migrate. Our client's migrate() then refuses (ERR_QUIC_MIGRATION_DISABLED). A server
   * that sent it still follows a client whose address changes (see README: it cannot tell
   * a NAT rebinding from a migration, and §9 allows proceeding).
   */
  disableActiveMigration?: boolean;
  /**
   * HyStart++ (RFC 9406) in the first slow start (default true): leave slow start when
   * the RTT rises by a few ms, before a deep buffer (a loopback socket's) fills with a
   * queue, instead of at the first loss.
   */
  hystart?: boolean;
}

const CC_KIND: Record<CongestionControllerName, number> = { newreno: CC_NEWRENO, cubic: CC_CUBIC, vegas: CC_VEGAS };

const CONFIG_KEYS: Record<keyof TransportConfig, number> = {
  initialMaxData: ConfigKey.INITIAL_MAX_DATA, initialMaxStreamDataBidiLocal: ConfigKey.INITIAL_MAX_STREAM_DATA_BIDI_LOCAL,
  initialMaxStreamDataBidiRemote: ConfigKey.INITIAL_MAX_STREAM_DATA_BIDI_REMOTE, initialMaxStreamDataUni: ConfigKey.INITIAL_MAX_STREAM_DATA_UNI,
  initialMaxStreamsBidi: ConfigKey.INITIAL_MAX_STREAMS_BIDI, initialMaxStreamsUni: ConfigKey.INITIAL_MAX_STREAMS_UNI,
  maxIdleTimeoutMs: ConfigKey.MAX_IDLE_TIMEOUT_MS, ackDelayExponent: ConfigKey.ACK_DELAY_EXPONENT, maxAckDelayMs: ConfigKey.MAX_ACK_DELAY_MS,
  congestionControl: ConfigKey.CONGESTION_CONTROL, initialRttMs: ConfigKey.INITIAL_RTT_MS, keepAliveMs: ConfigKey.KEEP_ALIVE_MS,
  maxReceiveWindow: ConfigKey.MAX_RECEIVE_WINDOW, streamSendBuffer: ConfigKey.STREAM_SEND_BUFFER,
  activeConnectionIdLimit: ConfigKey.ACTIVE_CONNECTION_ID_LIMIT,
  pmtud: ConfigKey.PMTUD, maxDatagramSize: ConfigKey.MAX_DATAGRAM_SIZE, spinBit: ConfigKey.SPIN_BIT, greaseQuicBit: ConfigKey.GREASE_QUIC_BIT,
  disableActiveMigration: ConfigKey.DISABLE_ACTIVE_MIGRATION,
  hystart: ConfigKey.HYSTART,
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
  /** Unreliable datagrams (RFC 9221): off unless given (host/api/options.ts DatagramOptions). */
  datagrams?: DatagramOptions;
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
  /**
   * Servers: accept 0-RTT from clients resuming a session (default false: early data can
   * be replayed by an attacker, so the application must be ready for it; see README).
   * Tickets then allow early data; 0-RTT is accepted when the ticket's transport limits
   * still hold (RFC 9000 §7.4.1) and the anti-replay rule admits it.
   */
  earlyData?: boolean | EarlyDataConfig;
  /** Seeds the core's PRNG (CIDs); random by default, fixed in deterministic tests. */
  seed?: Uint32Array;
  /** @internal Makes the core instance (connect() takes one made ahead: core/node-core-reserve.ts). */
  instantiate?: (module: WebAssembly.Module, imports: CoreImports) => Core;
  /** Length of the connection IDs we issue: 4..20 (default 8), or 0 for a client (zero-length CIDs, one connection per server address). */
  localCidLength?: number;
  /** Servers: QUIC-LB plaintext CIDs carrying this server's ID, for a load balancer to route by (fixes the CID length). */
  quicLb?: QuicLbConfig;
  /**
   * Our connection IDs from this function instead of the CSPRNG: `length` bytes per call,
   * unique and unpredictable (RFC 9000 §5.1). A call that throws or returns another length
   * gets random bytes instead.
   */
  cidGenerator?: (length: number) => Uint8Array;
  /** Stateless reset: the token key (keep it across restarts) and the send rate. */
  statelessReset?: StatelessResetOptions;
  /** Received bytes buffered per stream in JS before the host stops reading from the core (default 1 MiB). */
  streamHighWaterMark?: number;
  /** Write a qlog trace per connection (host/transport/qlog/sink.ts; Node: qlogDirectory()). */
  qlog?: QlogOptions;
  /**
   * Connection caps and the handshake timeout (defaults: 10,000 connections, 1,024
   * half-open of which 8 per source address and port, 10 s to complete a handshake).
   */
  limits?: Partial<EndpointLimits>;
  /**
   * Servers: when to answer a client's first Initial with Retry, which proves its address
   * before any state is kept (RFC 9000 §8.1.2): 'under-load' (default: once half of the
   * half-open slots are taken, or the source has its share), 'always' or 'never'.
   */
  retry?: RetryMode;
  /** Servers: lifetimes of Retry and NEW_TOKEN tokens, and whether NEW_TOKEN is sent (default: 10 s, 1 day, yes). */
  addressTokens?: AddressTokenOptions;
  /**
   * Servers behind a CID router (worker threads, prefork processes): every CID this
   * endpoint issues carries `workerId` in its first byte, so cidOwner() finds it
   * (api/cid-routing.ts). Sets the CID length (default 12); leave localCidLength unset.
   */
  cidRouting?: CidRoutingConfig;
  /**
   * QUIC versions (QUIC_V1 = 0x1, QUIC_V2 = 0x6b3343cf), most preferred first; default
   * [QUIC_V1, QUIC_V2]. A server accepts these (others get Version Negotiation) and moves
   * a client to the first of them it offers (compatible version negotiation, RFC 9368);
   * a client offers them in version_information.
   */
  versions?: readonly number[];
  /**
   * Servers: the preferred_address transport parameter (RFC 9000 §9.6, §18.2): addresses
   * (IPv4, IPv6 or both) the network also receives on; a client moves there after the
   * handshake. Each connection's CID for it is its sequence number 1 (§5.1.1).
   */
  preferredAddress?: PreferredAddress;
}

/** How a server bounds 0-RTT replay (host/tls/anti-replay.ts). */
export interface EarlyDataConfig {
  /** Freshness window: a ClientHello's ticket age may be off by this much (default 10,000 ms). */
  windowMs?: number;
  /** Tickets remembered as used for 0-RTT, each for 2 × windowMs (default 100,000; when full, 0-RTT is refused). */
  maxEntries?: number;
  /** A shared record for servers that share ticket keys (default: in this process). */
  store?: AntiReplayStore;
}

/** Client connection options. */
export interface ConnectOptions {
  /** Server name for SNI and certificate verification. */
  serverName?: string;
  /** DER trust anchors (e.g. systemTrustAnchors() or the server's self-signed certificate). */
  trustAnchors?: Uint8Array[];
  dangerouslySkipCertificateVerification?: boolean;
  /** The version of the first flight (default QUIC_V1); the server may move the connection to another the endpoint offers (RFC 9368). */
  version?: number;
  /**
   * This attempt answers a Version Negotiation packet (`QuicVersionNegotiationError.mutualVersion`
   * is the version to use): further Version Negotiation is ignored, and the handshake fails
   * with VERSION_NEGOTIATION_ERROR when the server's versions show that packet was forged (RFC 9368 §4).
   */
  followsVersionNegotiation?: boolean;
  /** Our certificate and key, for servers that ask for one. */
  certificate?: CertifiedKey;
  /** An external PSK to authenticate with. */
  psk?: ExternalPsk;
  /**
   * A ticket from an earlier connection's `sessionTicket` to resume (full handshake if
   * refused), or its bytes from encodeSessionTicket(). Its `addressToken` (the server's
   * NEW_TOKEN) is sent too, sparing a Retry.
   */
  session?: SessionTicket | Uint8Array;
  /**
   * Send 0-RTT with `session` when its ticket allows it: streams can be opened and
   * written at once (conn.earlyData === 'offered'); rejected early data is sent again.
   */
  earlyData?: boolean;
  /** Stay on the address connected to when the server gives a preferred_address (RFC 9000 §9.6; default: move there). */
  ignorePreferredAddress?: boolean;
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
    keyUpdates: f(Stats.KEY_UPDATES), retriesReceived: f(Stats.RETRIES_RECEIVED),
    pathChallengesSent: f(Stats.PATH_CHALLENGES_SENT), pathsValidated: f(Stats.PATHS_VALIDATED), migrations: f(Stats.MIGRATIONS),
    ownMigrations: f(Stats.OWN_MIGRATIONS), ownMigrationsFailed: f(Stats.OWN_MIGRATIONS_FAILED), preferredAddressUsed: f(Stats.PREFERRED_ADDRESS_USED) === 1,
    connectionIdsIssued: f(Stats.LOCAL_CIDS_ISSUED), peerConnectionIdSequence: f(Stats.PEER_CID_SEQUENCE), peerConnectionIdsHeld: f(Stats.PEER_CIDS_HELD),
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
      cids: cfg.quicLb ? { quicLb: cfg.quicLb } : cfg.cidGenerator ? { generate: cfg.cidGenerator } : undefined,
      statelessReset: cfg.statelessReset,
      streamHighWaterMark: cfg.streamHighWaterMark,
      seed: cfg.seed ?? crypto_random_seed(),
      config: { ...withNetworkCap(configEntries(cfg.transport), cfg.network), ...datagramConfig(cfg.datagrams) },
      qlog,
      limits: cfg.limits,
      retry: cfg.retry,
      addressTokens: cfg.addressTokens,
      versions: cfg.versions,
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
    if (typeof options !== 'object' || options === null) throw new QuicArgumentError(`connectTo(path, options): options must be an object, not ${describe(options)}`);
    checkClientCredentials(options);
    checkOptionShapes(options, CLIENT_OPTION_SHAPES);
    const session = sessionOption(options.session);
    // RFC 9369 §5: a ticket (and its NEW_TOKEN token) from a connection of another version is not offered (a full handshake instead).
    const usable = session && ticketVersion(session.peerTransportParameters) === (options.version ?? QUIC_V1) ? session : undefined;
    const conn = this.connect(path, (tp) => createTlsClient({ ...this.cfg.tls, transportParameters: tp, ...options, session: usable }), options.version ?? QUIC_V1, usable?.addressToken, options.followsVersionNegotiation);
    if (options.ignorePreferredAddress === true) conn.paths.ignorePreferredAddress = true;
    return conn;
  }
}

/** A session as stored (bytes) or as received; bad bytes are an argument error, not a crash. */
function sessionOption(s: SessionTicket | Uint8Array | undefined): SessionTicket | undefined {
  if (s === undefined) return s;
  try {
    if (s instanceof Uint8Array) return decodeSessionTicket(s);
    // An object must be one a connection gave (or decodeSessionTicket made): it encodes and its byte fields are bytes.
    const t = s as Partial<SessionTicket>;
    if (!(t.ticket instanceof Uint8Array && t.psk instanceof Uint8Array && t.peerTransportParameters instanceof Uint8Array && typeof t.alpn === 'string')) throw new Error('missing fields');
    encodeSessionTicket(s);
    return s;
  } catch (err) {
    const what = s instanceof Uint8Array ? (err as Error).message : `not a session ticket (${(err as Error).message})`;
    throw new QuicArgumentError(`session must be what a connection's sessionTicket resolved to, or its bytes from encodeSessionTicket(): ${what}`);
  }
}

/** The 0-RTT settings of a server's TLS sessions: one anti-replay record per endpoint. */
function earlyDataSetup(e: EndpointConfig['earlyData']): EarlyDataAntiReplay | undefined {
  if (!e) return undefined;
  const c = e === true ? {} : e;
  if (typeof c !== 'object') throw new QuicArgumentError(`earlyData must be a boolean or { windowMs, maxEntries, store }, not ${describe(e)}`);
  if (c.windowMs !== undefined && !(Number.isFinite(c.windowMs) && c.windowMs > 0)) throw new QuicArgumentError(`earlyData.windowMs must be a positive number of milliseconds, not ${describe(c.windowMs)}`);
  if (c.maxEntries !== undefined && !(Number.isInteger(c.maxEntries) && c.maxEntries > 0)) throw new QuicArgumentError(`earlyData.maxEntries must be a positive integer, not ${describe(c.maxEntries)}`);
  return new EarlyDataAntiReplay({ windowMs: c.windowMs, store: c.store ?? new MemoryAntiReplayStore(c.maxEntries) });
}

const NO_TP = new Uint8Array(0);

function serverTlsFactory(cfg: EndpointConfig): ServerTlsFactory {
  const sessionTickets = cfg.sessionTickets instanceof SessionTicketIssuer ? cfg.sessionTickets : cfg.sessionTickets === false ? undefined : new SessionTicketIssuer();
  const fastest = cfg.inCoreChaCha20 !== false && inCoreChaCha20IsFastest(cfg.crypto ?? portableCryptoProvider);
  const antiReplay = earlyDataSetup(cfg.earlyData);
  const shared = {
    ...cfg.tls, cipherSuites: cfg.tls.cipherSuites ?? (fastest ? CHACHA20_FIRST : undefined), certificate: cfg.certificate, clientAuth: cfg.clientAuth, clientTrustAnchors: cfg.clientTrustAnchors, psks: cfg.psks, sessionTickets,
    transportParameters: NO_TP, antiReplay,
  };

  /**
   * One connection's TLS options: what its session seals into tickets and checks in the
   * tickets it is offered. A ticket carries the transport parameters this connection
   * gave the client (the ones a client remembers): their limits vet 0-RTT later (RFC 9000
   * §7.4.1), and their version_information names the QUIC version the ticket belongs to —
   * after compatible version negotiation the negotiated one (RFC 9369 §5). A ticket from
   * another version than this connection's first flight does not resume (a full handshake).
   * One small object whose prototype chain ends in the endpoint's shared options: nothing
   * copied per connection (~0.8 KB per half-open one did), and methods rather than a
   * closure and its context per callback (~0.3 KB more; issue 17).
   */
  class ConnectionTlsOptions {
    constructor(private readonly negotiator: VersionNegotiator) {}
    /** Called by the engine with the client's parameters before it answers the ClientHello. */
    transportParametersFor(clientParams: Uint8Array): Uint8Array {
      return this.negotiator.negotiateVersion(clientParams);
    }
    /** Ours encoded again when a ticket is sealed, rather than kept by every half-open connection (issue 17). */
    ticketAppData(): Uint8Array {
      return rememberedTransportParameters(this.negotiator.localTransportParameters());
    }
    acceptTicket(appData: Uint8Array | undefined): boolean {
      return ticketVersion(appData ?? NO_TP) === this.negotiator.originalVersion;
    }
    /** With 0-RTT on, this object is its own EarlyDataOptions (antiReplay from the shared options, accept below). */
    get earlyData(): EarlyDataOptions | undefined {
      return antiReplay && (this as unknown as EarlyDataOptions);
    }
    /** EarlyDataOptions.accept: the limits the ticket remembers still hold. */
    accept(appData: Uint8Array | undefined): boolean {
      return earlyDataCompatible(appData, rememberedTransportParameters(this.negotiator.localTransportParameters()));
    }
  }
  Object.setPrototypeOf(ConnectionTlsOptions.prototype, shared);
  const make = (negotiator: VersionNegotiator) => new ConnectionTlsOptions(negotiator) as unknown as TlsServerOptions;
  // Checks the combination once, at endpoint creation, rather than per connection.
  try {
    createTlsServer(make({ originalVersion: QUIC_V1, negotiateVersion: () => NO_TP, localTransportParameters: () => NO_TP }));
  } catch (err) {
    throw new QuicArgumentError((err as Error).message);
  }
  return (negotiator) => createTlsServer(make(negotiator));
}

/** The endpoint's seed from the CSPRNG pool (a platform call per endpoint cost ≈ 5 µs, more under load: connect() makes one each). */
function crypto_random_seed(): Uint32Array {
  const seed = new Uint32Array(4);
  randomFill(new Uint8Array(seed.buffer));
  return seed;
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
    out[key] = k === 'congestionControl' ? CC_KIND[v as CongestionControllerName] : typeof v === 'boolean' ? Number(v) : (v as number);
  }
  return out;
}

function build(cfg: EndpointConfig, isServer: boolean): Endpoint {
  checkEndpointConfig(cfg);
  const crypto = new CoreCrypto();
  const probe = new InitialProbe(cfg.crypto ?? portableCryptoProvider, crypto.table);
  const qlog = cfg.qlog ? new QlogTap(cfg.qlog) : undefined;
  let memory: WebAssembly.Memory | null = null;
  const retry = new RetryImports(cfg.crypto ?? portableCryptoProvider);
  retry.addressOf = (path) => cfg.network.addressBytes?.(path);
  const routing = cfg.cidRouting === undefined ? undefined : cidRoutingSeam(cfg.cidRouting);
  if (routing && cfg.localCidLength !== undefined && cfg.localCidLength !== routing.cidLength) {
    throw new QuicArgumentError(`localCidLength (${cfg.localCidLength}) and cidRouting.cidLength (${routing.cidLength}) disagree: set only cidRouting`);
  }
  if (routing && (cfg.cidGenerator !== undefined || cfg.quicLb !== undefined)) throw new QuicArgumentError('cidRouting chooses the CIDs itself: give it without cidGenerator or quicLb');
  const gen = cfg.cidGenerator ?? routing?.generate;
  // The core asks for each CID it issues (endpoint/cid-gen.ts); 0 means "use random bytes".
  const cidGenerate = (ptr: number, len: number): number => {
    let b: unknown;
    try { b = gen!(len); } catch { return 0; }
    if (!(b instanceof Uint8Array) || b.length !== len) return 0;
    new Uint8Array(memory!.buffer, ptr >>> 0, len).set(b);
    return 1;
  };
  const core = (cfg.instantiate ?? instantiateCore)(cfg.coreModule, { host: { ...crypto.imports().host, ...probe.imports().host, ...retry.imports().host, ...qlog?.imports().host, ...(gen ? { cidGenerate } : {}) } });
  memory = core.exports.memory;
  crypto.bind(core.exports.memory);
  retry.bind(core.exports.memory);
  probe.bind(core.exports.memory);
  crypto.table.bindCore(CoreKeySlots.of(core));
  qlog?.bind(core);
  const endpoint = new Endpoint(routing ? { ...cfg, localCidLength: routing.cidLength, cidGenerator: routing.generate } : cfg, new ConnAbi(core), crypto, isServer, qlog);
  if (cfg.preferredAddress && new PathAbi(core).setPreferredAddress(encodePreferredAddress(cfg.preferredAddress)) < 0) throw new QuicArgumentError('preferredAddress is for servers');
  return endpoint;
}

/** Everything the core and the TLS engine would otherwise refuse late or obscurely, named up front. */
function checkEndpointConfig(cfg: EndpointConfig): void {
  if (typeof cfg !== 'object' || cfg === null) throw new QuicArgumentError(`an endpoint needs a config object, not ${describe(cfg)}`);
  if (!(cfg.coreModule instanceof WebAssembly.Module)) throw new QuicArgumentError(`coreModule must be a compiled core (compileCore() or loadCoreModule()), not ${describe(cfg.coreModule)}`);
  if (typeof cfg.tls !== 'object' || cfg.tls === null) throw new QuicArgumentError(`tls must be an object with alpn, not ${describe(cfg.tls)}`);
  checkAlpn(cfg.tls.alpn, 'tls.alpn');
  checkOptionShapes(cfg.tls, { keyLog: 'function' }, 'tls.');
  checkOptionShapes(cfg, ENDPOINT_OPTION_SHAPES);
  if (cfg.sessionTickets !== undefined && typeof cfg.sessionTickets !== 'boolean' && !(cfg.sessionTickets instanceof SessionTicketIssuer)) {
    throw new QuicArgumentError(`sessionTickets must be true, false or a SessionTicketIssuer (shared ticket keys), not ${describe(cfg.sessionTickets)}`);
  }
  parseCipherSuites(cfg.tls.cipherSuites, 'tls.cipherSuites');
  checkGroups(cfg.tls.groups, 'tls.groups');
  configEntries(cfg.transport);
  const n = cfg.localCidLength;
  if (n !== undefined && !(Number.isInteger(n) && (n === 0 || (n >= 4 && n <= 20)))) throw new QuicArgumentError(`localCidLength must be 0 (clients) or an integer in 4..20, not ${describe(n)}`);
  if (cfg.cidGenerator !== undefined && typeof cfg.cidGenerator !== 'function') throw new QuicArgumentError(`cidGenerator must be a function (length) => Uint8Array, not ${describe(cfg.cidGenerator)}`);
  datagramConfig(cfg.datagrams);
  if (cfg.preferredAddress !== undefined) encodePreferredAddress(cfg.preferredAddress); // checks it
}

/** A client endpoint: call connectTo() for each connection. */
export function createClientEndpoint(cfg: EndpointConfig): Endpoint {
  return build(cfg, false);
}

/** A server endpoint: accept() yields connections whose handshake completed. */
export function createServerEndpoint(cfg: EndpointConfig): Endpoint {
  if (cfg?.localCidLength === 0) throw new QuicArgumentError('localCidLength 0 (zero-length connection IDs) is for clients only: a server needs CIDs to route by');
  if (!cfg.certificate && !cfg.psks) throw new QuicArgumentError('a server endpoint needs a certificate (generateSelfSigned() makes one) or external psks');
  checkServerCredentials(cfg);
  return build(cfg, true);
}
