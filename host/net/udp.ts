// The addressed network over node:dgram (Deno and Bun implement it too; deno-udp.ts is
// Deno's own API). One socket per UdpNetwork; the core never sees addresses, only small
// path handles mapped in udp-common.ts (ARCHITECTURE.md §5).

import * as dgram from 'node:dgram';
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
  /** Largest datagram this network will send (default 1500 - 48). */
  maxDatagramSize?: number;
  /**
   * Servers: give each accepted peer a connected UDP socket of its own on the same address
   * and port (seed 004, BCG-R; host/net/peer-sockets.ts). Datagrams that still reach the
   * listening socket are handled as usual. Where the platform refuses, peers stay on the
   * listener. Default false.
   */
  socketPerPeer?: boolean;
}

function socketError(what: string, err: unknown): QuicSocketError {
  const e = err as NodeJS.ErrnoException;
  return new QuicSocketError(`${what}: ${e?.message ?? String(err)}`, e?.code, { cause: err });
}

/** A bound UDP socket as a Network. */
export class UdpNetwork extends UdpNetworkBase {
  /** Receive and send buffer sizes the OS actually granted (bytes). */
  readonly bufferSizes: { receive: number; send: number };

  private readonly peerSockets: PeerSockets | null;

  private constructor(private readonly socket: dgram.Socket, opts: UdpBindOptions) {
    super(opts.maxDatagramSize ?? 1452);
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
        socket = dgram.createSocket({ type, ipv6Only: type === 'udp6' && address !== '::' ? true : undefined, reuseAddr: opts.socketPerPeer ? true : undefined });
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
    if (this.peerSockets?.send(path, copy, (err) => this.report(socketError(`send to ${to.address}:${to.port} failed`, err)))) return;
    try {
      this.socket.send(copy, to.port, to.address, (err) => {
        if (err) this.report(socketError(`send to ${to.address}:${to.port} failed`, err));
      });
    } catch (err) {
      this.report(socketError(`send to ${to.address}:${to.port} failed`, err));
    }
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
