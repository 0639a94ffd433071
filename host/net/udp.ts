// The addressed network over node:dgram (Deno and Bun implement it too; deno-udp.ts is
// Deno's own API). The core never sees addresses, only small path handles mapped in
// udp-common.ts (ARCHITECTURE.md §5): a handle names a (local socket, remote address)
// pair. A UdpNetwork is bound with one socket; more come with addSocket() (a server's
// preferred address, RFC 9000 §9.6) and openPath() (a client moving to a new local
// socket, §9.2). A socket opened by openPath, and the one a client moved away from,
// close once the core has released every path through them (forgetPath): the old
// socket keeps receiving until the new path is validated.

import * as dgram from 'node:dgram';
import { lookup as dnsLookup } from 'node:dns';
import { isIP } from 'node:net';
import { QuicSocketError, UdpNetworkBase, type UdpAddress } from './udp-common';
import { PeerSockets, type PeerSocketStats } from './peer-sockets';
import type { PathHandle, PathOptions } from './network';

export { PathTable, QuicSocketError, type UdpAddress } from './udp-common';

/** Options of UdpNetwork.bind. */
export interface UdpBindOptions {
  /** Local address (default '127.0.0.1'); '::1', '::' and '0.0.0.0' work too. */
  address?: string;
  /** Local port (default 0: the OS picks one). */
  port?: number;
  /** Requested socket receive and send buffer size in bytes (default 8 MiB; the OS may clamp it). */
  bufferSize?: number;
  /**
   * Largest datagram this network will send: what PMTU discovery may probe up to (default
   * 1452 = 1500 - 48, an Ethernet path; on a loopback address LOOPBACK_DATAGRAM_LIMIT).
   */
  maxDatagramSize?: number;
  /**
   * Servers: give each accepted peer a connected UDP socket of its own on the same address
   * and port (seed 004, BCG-R; host/net/peer-sockets.ts). Datagrams that still reach the
   * listening socket are handled as usual. Where the platform refuses, peers stay on the
   * listener. Default false.
   */
  socketPerPeer?: boolean;
}

/**
 * What a loopback path carries: Linux's lo has a 65,536-byte MTU, so an IPv4 datagram
 * takes 65,536 - 20 - 8 = 65,508 bytes of payload at most... and IPv4's 16-bit total
 * length stops it at 65,507. bench/bulk-udp.ts measured 8, 16, 32 and 64 KiB on
 * loopback: the largest was the fastest (per-packet costs dominate; loopback does not
 * lose datagrams unless a socket buffer overflows).
 */
export const LOOPBACK_DATAGRAM_LIMIT = 65507;
/** IPv6 over lo: 65,536 - 40 (IPv6 header) - 8 (UDP) bytes of payload without fragmentation. */
export const LOOPBACK6_DATAGRAM_LIMIT = 65488;

/** True for 127.0.0.0/8, ::1 and an IPv4-mapped 127.x address. */
export function isLoopbackAddress(address: string): boolean {
  const a = address.toLowerCase();
  return a === '::1' || a.startsWith('127.') || a.startsWith('::ffff:127.') || a === 'localhost';
}

/** The datagram limit of a loopback path to `address`. */
export function loopbackDatagramLimit(address: string): number {
  return address.includes(':') && !address.toLowerCase().startsWith('::ffff:') ? LOOPBACK6_DATAGRAM_LIMIT : LOOPBACK_DATAGRAM_LIMIT;
}

/**
 * node:dgram resolves the address of every send() through its lookup function, and
 * dns.lookup answers even an IP literal on the next tick: one more tick, with its
 * async-hooks bookkeeping, per datagram. The paths this network sends to are IP
 * literals (received from, or resolved before connect), so answer those at once.
 */
function literalLookup(address: string, family: number, callback: (err: Error | null, address: string, family: number) => void): void {
  const f = isIP(address);
  if (f !== 0) callback(null, address, f);
  else dnsLookup(address, family, callback);
}

/** Sends per completion callback on one socket (sendTo). */
const SEND_CONFIRM_EVERY = 16;
/** Larger datagrams always get their own completion callback (sendTo). */
const UNCONFIRMED_MAX_BYTES = 1200;

function socketError(what: string, err: unknown): QuicSocketError {
  const e = err as NodeJS.ErrnoException;
  return new QuicSocketError(`${what}: ${e?.message ?? String(err)}`, e?.code, { cause: err });
}

/** A bound UDP socket as a Network. */
export class UdpNetwork extends UdpNetworkBase {
  /** Receive and send buffer sizes the OS actually granted (bytes). */
  readonly bufferSizes: { receive: number; send: number };
  /** Datagrams the OS refused as too large (EMSGSIZE): counted as lost, not reported as errors. */
  oversized = 0;

  private readonly peerSockets: PeerSockets | null;
  /** Local sockets by index (0: the bound one); null once closed. */
  private readonly sockets: (dgram.Socket | null)[] = [];
  /** Sockets that close when their last path is forgotten. */
  private readonly closeWhenUnused = new Set<number>();
  /** Per local socket: copies sent without a completion callback since the last one that had one. */
  private readonly unconfirmed: (Uint8Array[] | undefined)[] = [];

  private constructor(private readonly socket: dgram.Socket, opts: UdpBindOptions) {
    super(opts.maxDatagramSize ?? (isLoopbackAddress(opts.address ?? '127.0.0.1') ? loopbackDatagramLimit(opts.address ?? '127.0.0.1') : 1452));
    this.peerSockets = opts.socketPerPeer
      ? new PeerSockets(socket.address().family === 'IPv6' ? 'udp6' : 'udp4', () => this.local, (msg, from) => this.deliver(new Uint8Array(msg.buffer, msg.byteOffset, msg.byteLength), from), (what, err) => this.report(socketError(what, err)))
      : null;
    const want = opts.bufferSize ?? 8 * 1024 * 1024;
    try { socket.setRecvBufferSize(want); } catch { /* clamped or refused by the OS: read what we got below */ }
    try { socket.setSendBufferSize(want); } catch { /* same */ }
    let receive = 0, send = 0;
    try { receive = socket.getRecvBufferSize(); send = socket.getSendBufferSize(); } catch { /* not supported by this runtime */ }
    this.bufferSizes = { receive, send };
    this.attach(socket);
    const a = socket.address();
    this.lastLocal = { address: a.address, port: a.port };
  }

  private lastLocal: UdpAddress;

  /** Reads datagrams from a local socket (index `k`). */
  private attach(socket: dgram.Socket): number {
    const k = this.sockets.length;
    this.sockets.push(socket);
    // A Buffer is a Uint8Array; pass a plain view over the same bytes.
    socket.on('message', (msg, rinfo) => this.deliver(new Uint8Array(msg.buffer, msg.byteOffset, msg.byteLength), { address: rinfo.address, port: rinfo.port }, k));
    socket.on('error', (err) => this.report(socketError('UDP socket error', err)));
    return k;
  }

  /**
   * Binds another local socket that this network reads and sends through (a server's
   * preferred address, RFC 9000 §9.6): datagrams arriving there get path handles of their
   * own. Resolves to the socket's bound address.
   */
  async addSocket(address: string, port: number): Promise<UdpAddress> {
    const s = await bindSocket(address, port, false);
    if (this.closed) { s.close(); throw new QuicSocketError('the network is closed'); }
    this.attach(s);
    const a = s.address();
    return { address: a.address, port: a.port };
  }

  /** Network: a new path beside `from` (PathOptions: a new local socket, or another remote through the same one). */
  async openPath(from: PathHandle, options: PathOptions): Promise<PathHandle> {
    const e = this.paths.addressOf(from);
    const base = e ? this.sockets[e.socket] : null;
    if (!e || !base || this.closed) throw new QuicSocketError(`no open path ${from} to move from`);
    if (options.remote && options.localAddress === undefined && options.localPort === undefined) return this.paths.handleFor(options.remote, e.socket);
    const s = await bindSocket(options.localAddress ?? base.address().address, options.localPort ?? 0, false);
    if (this.closed) { s.close(); throw new QuicSocketError('the network is closed'); }
    const k = this.attach(s);
    this.closeWhenUnused.add(k);
    // The client moves away from the old socket: it goes once its last path is released.
    if (!options.remote) this.closeWhenUnused.add(e.socket);
    return this.paths.handleFor(options.remote ?? e, k);
  }

  /** Network: the local and remote addresses of a path. */
  describePath(path: PathHandle): { local: UdpAddress; remote: UdpAddress } | undefined {
    const e = this.paths.addressOf(path);
    const s = e ? this.sockets[e.socket] : null;
    if (!e || !s) return undefined;
    const a = s.address();
    return { local: { address: a.address, port: a.port }, remote: { address: e.address, port: e.port } };
  }

  /** Binds a UDP socket (IPv4 or IPv6 chosen from the address). */
  // `override`: a static bind() shadows Function.prototype.bind on the class, which TS counts as the base.
  static override async bind(opts: UdpBindOptions = {}): Promise<UdpNetwork> {
    return new UdpNetwork(await bindSocket(opts.address ?? '127.0.0.1', opts.port ?? 0, opts.socketPerPeer === true), opts);
  }

  /**
   * The local address and port (after a client's migration: of the socket it moved to).
   * Once the sockets are closed, the last one read: node:dgram's address() throws
   * ERR_SOCKET_DGRAM_NOT_RUNNING then, and `server.address` after close() is still asked
   * for (logs, a reconnect to the same port).
   */
  override get local(): UdpAddress {
    const s = this.sockets.find((x, i) => x && !(i === 0 && this.closeWhenUnused.has(0) && this.sockets.length > 1)) ?? this.socket;
    try {
      const a = s.address();
      this.lastLocal = { address: a.address, port: a.port };
    } catch { /* closed: the address it had */ }
    return { ...this.lastLocal };
  }

  /** Peer sockets (socketPerPeer): how many are open, how many datagrams they took. Null when off. */
  get peerSocketStats(): PeerSocketStats | null {
    return this.peerSockets ? { ...this.peerSockets.stats } : null;
  }

  /** Network: a peer was accepted; with socketPerPeer it gets its own connected socket. */
  peerAccepted(path: PathHandle): void {
    const to = this.paths.addressOf(path);
    if (this.peerSockets && to && !this.closed) this.peerSockets.open(path, to);
  }

  /** Network: forgets the path's address and closes its peer socket (and a migration's socket with its last path). */
  override forgetPath(path: PathHandle): void {
    const e = this.paths.addressOf(path);
    this.peerSockets?.forget(path);
    super.forgetPath(path);
    if (e && this.closeWhenUnused.has(e.socket) && this.paths.pathsThrough(e.socket) === 0) {
      const s = this.sockets[e.socket];
      this.sockets[e.socket] = null;
      this.unconfirmed[e.socket] = undefined; // its sends end with it; the buffers are not reused
      try { s?.close(); } catch { /* already closed */ }
    }
  }

  protected override sendTo(copy: Uint8Array, to: UdpAddress & { socket: number }, path: PathHandle): void {
    if (to.socket === 0 && this.peerSockets?.send(path, copy, (err) => {
      this.sendPool.release(copy);
      if (err) this.report(socketError(`send to ${to.address}:${to.port} failed`, err));
    })) return;
    const socket = this.sockets[to.socket];
    if (!socket) return; // its socket closed: the datagram is lost, as on a dead path
    // Only every SEND_CONFIRM_EVERY-th send of a socket asks for its completion; when it
    // completes, so have the ones before it (libuv sends a socket's datagrams in order),
    // and their buffers go back to the pool with it. A completion callback per datagram
    // cost a process.nextTick each (≈ 12 % of a bulk sender's CPU at 1200 bytes). Without
    // a callback node:dgram drops a send's error, so a datagram above QUIC's 1200-byte
    // minimum (a PMTU probe: EMSGSIZE on a narrower path) always asks.
    const waiting = (this.unconfirmed[to.socket] ??= []);
    try {
      if (waiting.length < SEND_CONFIRM_EVERY - 1 && copy.length <= UNCONFIRMED_MAX_BYTES) {
        waiting.push(copy);
        socket.send(copy, to.port, to.address);
        return;
      }
      const done = waiting.splice(0);
      done.push(copy);
      socket.send(copy, to.port, to.address, (err) => {
        for (const c of done) this.sendPool.release(c);
        // Too large for the interface: a lost datagram (a PMTU probe, or the path shrank),
        // which loss detection and the black-hole detector handle, not a socket failure.
        if (err && (err as NodeJS.ErrnoException).code === 'EMSGSIZE') { this.oversized++; return; }
        if (err) this.report(socketError(`send to ${to.address}:${to.port} failed`, err));
      });
    } catch (err) {
      this.report(socketError(`send to ${to.address}:${to.port} failed`, err));
    }
  }

  /** After this wake-up's datagrams (libuv reads up to 32 per poll): the pump's batch boundary. */
  afterReceives(fn: () => void): void {
    setImmediate(fn);
  }

  /** Closes the socket; resolves when it is closed. Idempotent. */
  override close(): Promise<void> {
    if (this.closed) return Promise.resolve();
    this.closed = true;
    this.peerSockets?.closeAll();
    const open = this.sockets.filter((s): s is dgram.Socket => s !== null);
    this.sockets.fill(null);
    return Promise.all(open.map((s) => new Promise<void>((resolve) => {
      try {
        s.close(() => resolve());
      } catch {
        resolve();
      }
    }))).then(() => undefined);
  }
}

/** A UDP socket bound to `address`:`port` (IPv4 or IPv6 chosen from the address). */
function bindSocket(address: string, port: number, reuseAddr: boolean): Promise<dgram.Socket> {
  const type = address.includes(':') ? 'udp6' : 'udp4';
  return new Promise((resolve, reject) => {
    let socket: dgram.Socket;
    try {
      socket = dgram.createSocket({ type, ipv6Only: type === 'udp6' && address !== '::' ? true : undefined, reuseAddr: reuseAddr ? true : undefined, lookup: literalLookup as unknown as dgram.SocketOptions['lookup'] });
    } catch (err) {
      reject(socketError('cannot create UDP socket', err));
      return;
    }
    const onError = (err: Error) => {
      socket.close();
      reject(socketError(`cannot bind UDP ${address}:${port}`, err));
    };
    socket.once('error', onError);
    socket.bind(port, address, () => {
      socket.off('error', onError);
      resolve(socket);
    });
  });
}
