// The addressed network over node:dgram (Deno and Bun implement it too; deno-udp.ts is
// Deno's own API). One socket per UdpNetwork; the core never sees addresses, only small
// path handles mapped in udp-common.ts (ARCHITECTURE.md §5).

import * as dgram from 'node:dgram';
import { lookup as dnsLookup } from 'node:dns';
import { isIP } from 'node:net';
import { QuicSocketError, UdpNetworkBase, type UdpAddress } from './udp-common';
import { PeerSockets, type PeerSocketStats } from './peer-sockets';
import type { PathHandle } from './network';

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
    // A Buffer is a Uint8Array; pass a plain view over the same bytes.
    socket.on('message', (msg, rinfo) => this.deliver(new Uint8Array(msg.buffer, msg.byteOffset, msg.byteLength), { address: rinfo.address, port: rinfo.port }));
    socket.on('error', (err) => this.report(socketError('UDP socket error', err)));
  }

  /** Binds a UDP socket (IPv4 or IPv6 chosen from the address). */
  // `override`: a static bind() shadows Function.prototype.bind on the class, which TS counts as the base.
  static override bind(opts: UdpBindOptions = {}): Promise<UdpNetwork> {
    const address = opts.address ?? '127.0.0.1';
    const type = address.includes(':') ? 'udp6' : 'udp4';
    return new Promise((resolve, reject) => {
      let socket: dgram.Socket;
      try {
        socket = dgram.createSocket({ type, ipv6Only: type === 'udp6' && address !== '::' ? true : undefined, reuseAddr: opts.socketPerPeer ? true : undefined, lookup: literalLookup as unknown as dgram.SocketOptions['lookup'] });
      } catch (err) {
        reject(socketError('cannot create UDP socket', err));
        return;
      }
      const onError = (err: Error) => {
        socket.close();
        reject(socketError(`cannot bind UDP ${address}:${opts.port ?? 0}`, err));
      };
      socket.once('error', onError);
      socket.bind(opts.port ?? 0, address, () => {
        socket.off('error', onError);
        resolve(new UdpNetwork(socket, opts));
      });
    });
  }

  /** The local address and port. */
  override get local(): UdpAddress {
    const a = this.socket.address();
    return { address: a.address, port: a.port };
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

  /** Network: forgets the path's address and closes its peer socket. */
  override forgetPath(path: PathHandle): void {
    this.peerSockets?.forget(path);
    super.forgetPath(path);
  }

  protected override sendTo(copy: Uint8Array, to: UdpAddress, path: PathHandle): void {
    if (this.peerSockets?.send(path, copy, (err) => {
      this.sendPool.release(copy);
      if (err) this.report(socketError(`send to ${to.address}:${to.port} failed`, err));
    })) return;
    try {
      this.socket.send(copy, to.port, to.address, (err) => {
        this.sendPool.release(copy);
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
    return new Promise((resolve) => {
      try {
        this.socket.close(() => resolve());
      } catch {
        resolve();
      }
    });
  }
}
