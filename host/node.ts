// QUIC over real UDP for Node (and Deno/Bun through their node:dgram): listen() and
// connect() put a core, a UdpNetwork, the node:crypto provider and a real clock
// together. This is the thin first API (issue 4); the full public API grows from it.

import { lookup } from 'node:dns/promises';
import { isIP } from 'node:net';
import { setCoreFileReader, setDefaultCoreSource } from './core/source';
import { readCoreFile, releaseCoreBytes, releaseCoreModule } from './core/node-loader';
import { takeReservedCore } from './core/node-core-reserve';
import { UdpNetwork, isLoopbackAddress, loopbackDatagramLimit } from './net/udp';
import { DenoUdpNetwork, denoDatagramsAvailable } from './net/deno-udp';
import type { UdpAddress, UdpNetworkLike } from './net/udp-common';
import type { PeerSocketStats } from './net/peer-sockets';
import { nodeCryptoProvider } from './crypto/node-provider';
import { createClientEndpoint, createServerEndpoint, type Endpoint, type EndpointConfig, type TransportConfig, type TlsConfig } from './transport/create';
import type { ExternalPsk, SessionTicket } from './tls/engine';
import type { QuicConnection } from './transport/connection';
import type { EndpointLimits } from './core/conn-abi';
import type { CryptoProvider } from './crypto/provider';
import type { CertifiedKey } from './tls/pki/index';
import { systemTrustAnchors } from './tls/pki/node-roots';
import './tls/pki/node-rsa'; // RSA-PSS signing for servers with RSA certificates
import { setHandshakeCrypto, handshakeCrypto } from './tls/handshake-crypto';
import { nodeHandshakeCrypto, prepareServerChecks } from './tls/handshake-node';
import { QuicArgumentError, QuicError } from './errors';
import { checkAlpn, checkGroups, checkOptionsObject, datagramConfig, describe, parsePort, parseCipherSuites, type CipherSuiteName, type DatagramOptions } from './api/options';
import { checkClientCredentials, checkServerCredentials } from './api/credentials';
import { checkOptionShapes, CLIENT_OPTION_SHAPES, NODE_OPTION_SHAPES } from './api/option-shapes';
import { interleaveFamilies, raceAttempts } from './api/happy-eyeballs';
import { parseVersions, firstFlightVersion, QuicVersionNegotiationError, type QuicVersionNumber } from './api/versions';
import type { GroupName } from './tls/constants';
import { checkWaitOptions, guard, type WaitOptions } from './api/abort';
import { qlogOptions } from './node-qlog';
import { encodePreferredAddress, type PreferredAddress } from './core/path-abi';

// The release core: the package's dist/core.wasm beside the bundle (the build output when
// run from source), read from disk.
setDefaultCoreSource(releaseCoreBytes);
// Key shares and signatures through OpenSSL (portable fallback per missing algorithm).
setHandshakeCrypto(nodeHandshakeCrypto);
setCoreFileReader(readCoreFile);

/**
 * The release core, compiled once per process (synchronously: Node allows it; browsers
 * use compileCore()): what setCoreSource() chose, else the package's dist/core.wasm.
 */
export function loadCoreModule(): WebAssembly.Module {
  return releaseCoreModule();
}

interface CommonOptions {
  /** ALPN protocol ids, most preferred first (QUIC requires one). */
  alpn: string[];
  transport?: TransportConfig;
  /** Unreliable datagrams (RFC 9221): `{}` turns them on with defaults; see DatagramOptions. */
  datagrams?: DatagramOptions;
  /** TLS 1.3 cipher suites to offer or accept, most preferred first (default: all three). */
  cipherSuites?: CipherSuiteName[];
  /** Key exchange groups, most preferred first (default: x25519, then secp256r1). */
  groups?: GroupName[];
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
  /** Stateless reset (RFC 9000 §10.3): the token key to keep across restarts, and the send rate. */
  statelessReset?: EndpointConfig['statelessReset'];
}

/** Options of listen(): where to bind, what to present, how to treat clients. */
export interface ListenOptions extends CommonOptions {
  /** Local address (default 127.0.0.1; '::1', '::', '0.0.0.0' work too; a host name is resolved). */
  address?: string;
  /** Local port (default 0: the OS picks one; read it from server.address). A decimal string is accepted too. */
  port?: number | string;
  /** The certificate chain and key to present (generateSelfSigned() makes one for tests); optional only with `psks`. */
  certificate?: CertifiedKey;
  /** Client certificates: 'none' (default), 'request' or 'require'; verified against clientTrustAnchors. */
  clientAuth?: EndpointConfig['clientAuth'];
  clientTrustAnchors?: Uint8Array[];
  /** External PSKs by identity (clients then need no trust anchors). */
  psks?: EndpointConfig['psks'];
  /** Session tickets for resumption: on by default (random key per server); false turns them off. */
  sessionTickets?: EndpointConfig['sessionTickets'];
  /**
   * Accept 0-RTT from resuming clients (default false: early data can be replayed, see
   * README). Connections whose 0-RTT is accepted come out of accept() before the
   * handshake completes; their early streams have `stream.early` set.
   */
  earlyData?: EndpointConfig['earlyData'];
  /** Length of the connection IDs the server issues (4..20, default 8; QUIC-LB fixes it). */
  localCidLength?: number;
  /** QUIC-LB plaintext CIDs carrying this server's ID, for a UDP load balancer to route by. */
  quicLb?: EndpointConfig['quicLb'];
  /** Connection IDs from this function instead of random bytes (see EndpointConfig.cidGenerator). */
  cidGenerator?: EndpointConfig['cidGenerator'];
  /** When to answer with Retry to validate a client's address first (RFC 9000 §8.1.2): 'under-load' (default), 'always', 'never'. */
  retry?: EndpointConfig['retry'];
  /** Retry and NEW_TOKEN token lifetimes, and whether NEW_TOKEN is sent (default 10 s, 1 day, yes). */
  addressTokens?: EndpointConfig['addressTokens'];
  /**
   * Give each accepted client a connected UDP socket of its own on the listening address
   * and port (seed 004's bind-connect per peer; node:dgram only). Linux then routes that
   * client's datagrams to its socket in the kernel; datagrams still reaching the listening
   * socket are served as usual, and a platform that refuses the second bind keeps the
   * client on the listener. Default false.
   */
  socketPerPeer?: boolean;
  /**
   * QUIC versions accepted, most preferred first (default [1, 2], keeping each client's
   * choice). Given explicitly, the order is a preference: a client whose first flight is
   * in one version and that offers a preferred one is moved to it without a round trip
   * (compatible version negotiation, RFC 9368). Other versions get Version Negotiation.
   */
  versions?: QuicVersionNumber[];
  /** Connection and half-open caps and the handshake timeout (README "Limits"; maxConnections up to 1,048,576). */
  limits?: Partial<EndpointLimits>;
  /**
   * Send disable_active_migration (RFC 9000 §18.2): clients must not migrate (ours refuse
   * migrate()). A client whose address changes anyway is still followed: a server cannot
   * tell a NAT rebinding from a migration, and §9 allows proceeding with validation.
   */
  disableActiveMigration?: boolean;
  /**
   * A preferred address (RFC 9000 §9.6): the server also binds these (port 0: any) and
   * sends them in preferred_address; clients move there after the handshake. Read the
   * bound ones from `server.preferredAddress`.
   */
  preferredAddress?: PreferredAddress;
}

/**
 * `signal` and `timeoutMs` cover the whole connect(): name resolution and handshake.
 * Giving up closes the half-made connection (CONNECTION_CLOSE) and its socket.
 */
export interface ConnectOptions extends CommonOptions, WaitOptions {
  /** The server: an IP address or a host name (resolved with the system resolver, node:dns lookup). */
  address: string;
  /** The server's UDP port, 1..65535 (a decimal string is accepted too, as listen() accepts it). */
  port: number | string;
  /**
   * How a host name in `address` becomes IP addresses (default: the system resolver,
   * node:dns lookup, all of them). With several, connect() tries them as RFC 8305 says:
   * families interleaved, a new attempt every 250 ms (at once when one fails), the first
   * handshake to complete wins and the others are closed. `family` is set when
   * `localAddress` fixes one.
   */
  resolve?: (hostname: string, family?: 4 | 6) => Promise<string[]>;
  /** Name to verify the certificate against and to send as SNI (default: the address as given, host name or IP). */
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
  /** Resume the session of an earlier connection: what its `sessionTicket` resolved to, or those bytes from encodeSessionTicket(). */
  session?: SessionTicket | Uint8Array;
  /**
   * With `session`: send 0-RTT when its ticket allows it. connect() then resolves at once
   * (conn.earlyData === 'offered'; `await conn.established` for the handshake) so that
   * the first stream's data leaves with the first flight; rejected early data is sent
   * again in 1-RTT (conn.earlyData === 'rejected').
   */
  earlyData?: boolean;
  /** Length of our connection IDs: 4..20 (default 8), or 0 for zero-length CIDs (RFC 9000 §5.1). */
  localCidLength?: number;
  /** Stay on `address` when the server gives a preferred address (default: move there once the handshake is confirmed, RFC 9000 §9.6). */
  ignorePreferredAddress?: boolean;
  /** QUIC versions offered to the server, most preferred first (default [1, 2]); the server may pick any of them (RFC 9368). */
  versions?: QuicVersionNumber[];
  /**
   * The version of the first flight (default: the version of `session`'s connection, since a
   * ticket resumes only that version, RFC 9369 §5; else 1 when `versions` includes it, else
   * the first of `versions`). `conn.version` tells the one in use.
   */
  version?: QuicVersionNumber;
}

/** A listening QUIC server on one UDP socket. */
export class QuicServer {
  /** Connections accepted from the endpoint that no accept() call has taken yet. */
  private readonly backlog: QuicConnection[] = [];
  private readonly waiters: { resolve: (c: QuicConnection) => void; reject: (e: Error) => void }[] = [];
  private pulling = false;

  constructor(readonly endpoint: Endpoint, private readonly network: UdpNetworkLike, preferredAddress?: PreferredAddress) {
    this.preferredAddress = preferredAddress ?? null;
  }

  /** The preferred address as bound and sent to clients (RFC 9000 §9.6), or null. */
  readonly preferredAddress: PreferredAddress | null;

  /** The bound UDP address. */
  get address(): UdpAddress {
    return this.network.local;
  }

  /** With `socketPerPeer`: peer sockets open and opened, refusals, datagrams they took; null otherwise. */
  get peerSockets(): PeerSocketStats | null {
    return this.network instanceof UdpNetwork ? this.network.peerSocketStats : null;
  }

  /**
   * The next connection whose handshake completed. Rejects once the server is closed,
   * and with `signal` / `timeoutMs` when the wait is given up (the connection that
   * arrives later goes to the next accept()).
   */
  accept(options?: WaitOptions): Promise<QuicConnection> {
    checkWaitOptions(options, 'accept()');
    const c = this.backlog.shift();
    if (c) return Promise.resolve(c);
    let waiter: { resolve: (c: QuicConnection) => void; reject: (e: Error) => void } | null = null;
    const wait = new Promise<QuicConnection>((resolve, reject) => { waiter = { resolve, reject }; this.waiters.push(waiter); });
    this.pull();
    return guard(wait, options, 'accept()', () => {
      const i = this.waiters.indexOf(waiter!);
      if (i >= 0) this.waiters.splice(i, 1);
    });
  }

  /** One endpoint.accept() at a time, handed to whoever still waits (or kept). */
  private pull(): void {
    if (this.pulling || !this.waiters.length) return;
    this.pulling = true;
    this.endpoint.accept().then(
      (c) => {
        this.pulling = false;
        const w = this.waiters.shift();
        if (w) w.resolve(c);
        else this.backlog.push(c);
        this.pull();
      },
      (err) => {
        this.pulling = false;
        for (const w of this.waiters.splice(0)) w.reject(err);
      },
    );
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

  /** close(), for `await using server = await listen(...)`. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }
}

/** The UDP socket: Deno's own API where it exists (see net/deno-udp.ts), node:dgram otherwise. */
function bindUdp(opts: CommonOptions & { socketPerPeer?: boolean }, where: { address?: string; port?: number; peer?: string }): Promise<UdpNetworkLike> {
  const api = opts.udp ?? 'auto';
  if (api === 'deno' || (api === 'auto' && denoDatagramsAvailable())) return DenoUdpNetwork.bind(where);
  // A client's socket talks to one server: over loopback it carries large datagrams.
  const maxDatagramSize = where.peer !== undefined && isLoopbackAddress(where.peer) ? loopbackDatagramLimit(where.peer) : undefined;
  return UdpNetwork.bind({ address: where.address, port: where.port, bufferSize: opts.socketBufferSize, socketPerPeer: opts.socketPerPeer === true, maxDatagramSize });
}

/** The TLS settings listen/connect share, checked (names refused before anything is bound). */
function tlsSettings(opts: CommonOptions): TlsConfig {
  checkAlpn(opts.alpn);
  return {
    alpn: opts.alpn, keyLog: opts.keyLog,
    cipherSuites: parseCipherSuites(opts.cipherSuites), groups: checkGroups(opts.groups),
  };
}

/**
 * An IP literal as is; a host name through the system resolver. A name that does not
 * resolve fails here, at once, with the resolver's error as the cause (rather than as a
 * handshake that times out because every datagram went nowhere).
 */
async function resolveAddress(address: unknown, name: string): Promise<string> {
  return (await resolveAddresses(address, name))[0];
}

/** Every address of a host name (the system resolver's order), in `family` when given. */
async function resolveAddresses(address: unknown, name: string, family?: 4 | 6): Promise<string[]> {
  if (typeof address !== 'string' || address.length === 0) throw new QuicArgumentError(`${name} must be an IP address or a host name, not ${describe(address)}`);
  if (isIP(address)) return [address];
  try {
    return (await lookup(address, { all: true, ...(family ? { family } : {}) })).map((a) => a.address);
  } catch (err) {
    throw new QuicError('ERR_QUIC_DNS', `${name} "${address}" does not resolve (${(err as { code?: string }).code ?? (err as Error).message})`, undefined, { cause: err });
  }
}

/** A preferred address with port 0 replaced by 1 (only to check its shape before binding). */
function withPorts(pa: PreferredAddress): PreferredAddress {
  const fix = (a?: { address: string; port: number }) => (a && typeof a === 'object' ? { ...a, port: a.port === 0 ? 1 : a.port } : a);
  return typeof pa === 'object' && pa !== null ? { ipv4: fix(pa.ipv4), ipv6: fix(pa.ipv6) } : pa;
}

/** Binds the preferred address's sockets on the server's network; the addresses as bound. */
async function bindPreferred(network: UdpNetworkLike, pa: PreferredAddress): Promise<PreferredAddress> {
  if (!(network instanceof UdpNetwork)) throw new QuicArgumentError('preferredAddress needs the node:dgram network (udp: \'node:dgram\')');
  const out: PreferredAddress = {};
  if (pa.ipv4) out.ipv4 = await network.addSocket(pa.ipv4.address, pa.ipv4.port);
  if (pa.ipv6) out.ipv6 = await network.addSocket(pa.ipv6.address, pa.ipv6.port);
  return out;
}

/** Binds a UDP socket and serves QUIC on it. */
export async function listen(opts: ListenOptions): Promise<QuicServer> {
  checkOptionsObject(opts, 'listen()', ['alpn']);
  const tls = tlsSettings(opts);
  datagramConfig(opts.datagrams); // before anything is bound
  if (!opts.certificate && !opts.psks) throw new QuicArgumentError('listen() needs a certificate (generateSelfSigned() makes one)');
  checkServerCredentials(opts);
  checkOptionShapes(opts, NODE_OPTION_SHAPES);
  const port = parsePort(opts.port ?? 0, 'port', true);
  const versions = parseVersions(opts.versions, 'versions');
  const address = opts.address === undefined ? undefined : await resolveAddress(opts.address, 'address');
  if (opts.preferredAddress !== undefined) encodePreferredAddress(withPorts(opts.preferredAddress)); // checked before binding
  const network = await bindUdp(opts, { address, port });
  try {
    const preferredAddress = opts.preferredAddress && await bindPreferred(network, opts.preferredAddress);
    const transport = opts.disableActiveMigration ? { ...opts.transport, disableActiveMigration: true } : opts.transport;
    const endpoint = createServerEndpoint({ preferredAddress,
      coreModule: loadCoreModule(), network, crypto: opts.crypto ?? nodeCryptoProvider, certificate: opts.certificate,
      clientAuth: opts.clientAuth, clientTrustAnchors: opts.clientTrustAnchors, psks: opts.psks, sessionTickets: opts.sessionTickets,
      earlyData: opts.earlyData, tls, transport, datagrams: opts.datagrams, qlog: qlogOptions(opts.qlogDir, opts.qlogFormat),
      localCidLength: opts.localCidLength, quicLb: opts.quicLb, cidGenerator: opts.cidGenerator, statelessReset: opts.statelessReset,
      retry: opts.retry, addressTokens: opts.addressTokens, versions, limits: opts.limits,
    });
    if (handshakeCrypto() === nodeHandshakeCrypto) prepareServerChecks(opts.certificate?.key.type, opts.sessionTickets !== false);
    return new QuicServer(endpoint, network, preferredAddress);
  } catch (err) {
    await network.close();
    throw err;
  }
}

/**
 * Opens a connection over a fresh UDP socket and resolves once the handshake is done
 * (rejects with the handshake's error as soon as it fails). The socket closes when the
 * connection does. Options are checked first (QuicArgumentError naming the option); a
 * host name is resolved (ERR_QUIC_DNS when it does not); `signal` / `timeoutMs` bound
 * the whole attempt.
 */
export async function connect(opts: ConnectOptions): Promise<QuicConnection> {
  checkOptionsObject(opts, 'connect()', ['address', 'port', 'alpn']);
  const wait: WaitOptions = { signal: opts.signal, timeoutMs: opts.timeoutMs };
  checkWaitOptions(wait, 'connect()');
  const tls = tlsSettings(opts);
  checkClientCredentials(opts); // before anything is bound: a mistake here is ours to name, not a TLS alert to the server
  checkOptionShapes(opts, CONNECT_OPTION_SHAPES);
  datagramConfig(opts.datagrams);
  const port = parsePort(opts.port, 'port', false);
  const versions = parseVersions(opts.versions, 'versions');
  const version = firstFlightVersion(opts.version, versions, opts.session);
  const attempts: { cancelAll(): void } = { cancelAll: () => undefined };
  return guard(connectToSomeAddress(opts, tls, port, { version, versions }, attempts), wait, 'connect()', () => attempts.cancelAll());
}

const CONNECT_OPTION_SHAPES = { ...NODE_OPTION_SHAPES, ...CLIENT_OPTION_SHAPES };

type AttemptState = { cancelled: boolean; conn: QuicConnection | null };

/** Gives an attempt up: before the handshake completes this sends CONNECTION_CLOSE at once; connectAttempt then cleans up. */
function giveUp(attempt: AttemptState): void {
  attempt.cancelled = true;
  void attempt.conn?.close(0, 'connect() aborted', { graceful: false });
}

/**
 * Resolves `address` and connects to one of its addresses: the only one, or the first to
 * complete a handshake when there are several (RFC 8305 racing, api/happy-eyeballs.ts).
 * With a localAddress, a server name resolves in its family: a socket sends only to its own.
 */
async function connectToSomeAddress(opts: ConnectOptions, tls: TlsConfig, port: number, v: AttemptVersions, attempts: { cancelAll(): void }): Promise<QuicConnection> {
  let cancelled = false;
  attempts.cancelAll = () => { cancelled = true; };
  const localAddress = opts.localAddress === undefined ? undefined : await resolveAddress(opts.localAddress, 'localAddress');
  const targets = await resolveServer(opts, localAddress === undefined ? undefined : isIP(localAddress) as 4 | 6);
  if (cancelled) throw new QuicError('ERR_QUIC_ABORTED', 'connect() was given up');
  const start = (address: string) => {
    const state: AttemptState = { cancelled: false, conn: null };
    return { result: connectFollowingVersionNegotiation(opts, tls, port, address, localAddress, state, v), cancel: () => giveUp(state) };
  };
  if (targets.length === 1) {
    const only = start(targets[0]);
    attempts.cancelAll = only.cancel;
    return only.result;
  }
  const race = raceAttempts(targets, start, undefined, (late) => void late.close(0, 'another address answered first', { graceful: false }));
  attempts.cancelAll = race.cancelAll;
  return race.result;
}

/** The server's addresses to try: an IP literal as is; a host name through `opts.resolve` or the system resolver (all of its addresses). */
async function resolveServer(opts: ConnectOptions, family: 4 | 6 | undefined): Promise<string[]> {
  if (!opts.resolve || typeof opts.address !== 'string' || isIP(opts.address)) return interleaveFamilies(await resolveAddresses(opts.address, 'address', family));
  const name = opts.address;
  let got: unknown;
  try {
    got = await opts.resolve(name, family);
  } catch (err) {
    throw new QuicError('ERR_QUIC_DNS', `address "${name}" does not resolve (resolve() threw: ${(err as Error)?.message ?? String(err)})`, undefined, { cause: err });
  }
  const list = Array.isArray(got) ? got.filter((a) => typeof a === 'string' && isIP(a) && (!family || isIP(a) === family)) : [];
  if (list.length === 0) throw new QuicError('ERR_QUIC_DNS', `address "${name}" does not resolve: resolve() gave no IP${family ? `v${family}` : ''} address (${describe(got)})`);
  return interleaveFamilies(list);
}

/**
 * RFC 9368 §2.1: when the server answers with Version Negotiation listing a version we
 * offer, one new attempt in that version, whose handshake then checks that the Version
 * Negotiation packet was genuine (§4).
 */
async function connectFollowingVersionNegotiation(opts: ConnectOptions, tls: TlsConfig, port: number, address: string, localAddress: string | undefined, attempt: AttemptState, v: AttemptVersions): Promise<QuicConnection> {
  try {
    return await connectAttempt(opts, tls, port, address, localAddress, attempt, v);
  } catch (err) {
    if (!(err instanceof QuicVersionNegotiationError) || !err.mutualVersion || attempt.cancelled) throw err;
    return connectAttempt(opts, tls, port, address, localAddress, attempt, { ...v, version: err.mutualVersion, followsVersionNegotiation: true });
  }
}

interface AttemptVersions {
  version: number;
  versions?: number[];
  followsVersionNegotiation?: boolean;
}

async function connectAttempt(opts: ConnectOptions, tls: TlsConfig, port: number, address: string, localAddress0: string | undefined, attempt: AttemptState, v: AttemptVersions): Promise<QuicConnection> {
  const v6 = isIP(address) === 6;
  const localAddress = localAddress0 ?? (v6 ? '::' : '0.0.0.0');
  if (isIP(localAddress) !== isIP(address)) {
    throw new QuicArgumentError(`localAddress ${localAddress} is IPv${isIP(localAddress)} but the server ${address} is IPv${isIP(address)}: a UDP socket sends only to its own family (leave localAddress out, or give one of the server's family)`);
  }
  if (attempt.cancelled) throw new QuicError('ERR_QUIC_ABORTED', 'connect() was given up');
  const network = await bindUdp(opts, { address: localAddress, peer: address });
  let endpoint: Endpoint | null = null;
  let conn: QuicConnection | null = null;
  try {
    if (attempt.cancelled) throw new QuicError('ERR_QUIC_ABORTED', 'connect() was given up');
    endpoint = createClientEndpoint({
      coreModule: loadCoreModule(), network, crypto: opts.crypto ?? nodeCryptoProvider,
      tls, transport: opts.transport, datagrams: opts.datagrams, qlog: qlogOptions(opts.qlogDir, opts.qlogFormat),
      localCidLength: opts.localCidLength, statelessReset: opts.statelessReset, versions: v.versions,
      instantiate: takeReservedCore,
    });
    conn = attempt.conn = endpoint.connectTo(network.pathTo({ address, port }), {
      serverName: opts.serverName ?? opts.address,
      trustAnchors: opts.dangerouslySkipCertificateVerification || (opts.psk && !opts.trustAnchors) ? undefined : opts.trustAnchors ?? systemTrustAnchors(),
      dangerouslySkipCertificateVerification: opts.dangerouslySkipCertificateVerification,
      certificate: opts.certificate, psk: opts.psk, session: opts.session, earlyData: opts.earlyData, version: v.version, followsVersionNegotiation: v.followsVersionNegotiation,
      ignorePreferredAddress: opts.ignorePreferredAddress,
    });
    const ep = endpoint;
    conn.closed.then(() => ep.close(), () => ep.close()).catch(() => undefined);
    // 0-RTT: the application writes now, in the first flight (the handshake goes on).
    if (conn.earlyData === 'offered') return conn;
    await conn.established;
    return conn;
  } catch (err) {
    if (!endpoint) await network.close();
    else abandon(endpoint, conn, err as Error);
    throw err;
  }
}

/**
 * After a failed handshake: report at once, not after the closing or draining period
 * (RFC 9000 §10.2), which can last seconds. Draining (the peer closed), nothing will
 * ever be sent again, so the endpoint and its socket go now. Closing (we closed), the
 * endpoint stays for that period in the background to answer the peer's retransmissions
 * with CONNECTION_CLOSE (§10.2.1), then closes by itself.
 */
function abandon(endpoint: Endpoint, conn: QuicConnection | null, err: Error): void {
  const state = conn?.state;
  if (!conn || state === 'draining' || state === 'closed') endpoint.onFatal(err);
  endpoint.close().catch(() => undefined);
}
