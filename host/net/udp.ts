// The addressed network over node:dgram (Deno and Bun implement it too). The only
// file in host/net that touches a platform module. One socket per UdpNetwork; the
// core never sees addresses, only small path handles mapped here (ARCHITECTURE.md §5).

import * as dgram from 'node:dgram';
import type { DatagramHandler, Network, PathHandle } from './network';
import { QuicError } from '../errors';
import { PathTable, QuicSocketError, type UdpAddress, type UdpNetworkLike } from './udp-common';

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
}

function socketError(what: string, err: unknown): QuicSocketError {
  const e = err as NodeJS.ErrnoException;
  return new QuicSocketError(`${what}: ${e?.message ?? String(err)}`, e?.code, { cause: err });
}

/** A bound UDP socket as a Network. */
export class UdpNetwork implements UdpNetworkLike {
  readonly addressed = true;
  readonly maxDatagramSize: number;
  readonly paths = new PathTable();
  /** Receive and send buffer sizes the OS actually granted (bytes). */
  readonly bufferSizes: { receive: number; send: number };
  private handler: DatagramHandler | null = null;
  private errorHandler: ((err: Error) => void) | null = null;
  private closed = false;

  private constructor(private readonly socket: dgram.Socket, opts: UdpBindOptions) {
    this.maxDatagramSize = opts.maxDatagramSize ?? 1452;
    const want = opts.bufferSize ?? 8 * 1024 * 1024;
    try { socket.setRecvBufferSize(want); } catch { /* clamped or refused by the OS: read what we got below */ }
    try { socket.setSendBufferSize(want); } catch { /* same */ }
    let receive = 0, send = 0;
    try { receive = socket.getRecvBufferSize(); send = socket.getSendBufferSize(); } catch { /* not supported by this runtime */ }
    this.bufferSizes = { receive, send };
    socket.on('message', (msg, rinfo) => {
      if (this.closed || !this.handler) return;
      const path = this.paths.handleFor({ address: rinfo.address, port: rinfo.port });
      // A Buffer is a Uint8Array; pass a plain view over the same bytes.
      const data = new Uint8Array(msg.buffer, msg.byteOffset, msg.byteLength);
      try {
        this.handler(data, path);
      } catch (err) {
        this.report(err instanceof Error ? err : new QuicError('ERR_QUIC_INTERNAL', String(err)));
      }
    });
    socket.on('error', (err) => this.report(socketError('UDP socket error', err)));
  }

  /** Binds a UDP socket (IPv4 or IPv6 chosen from the address). */
  static bind(opts: UdpBindOptions = {}): Promise<UdpNetwork> {
    const address = opts.address ?? '127.0.0.1';
    const type = address.includes(':') ? 'udp6' : 'udp4';
    return new Promise((resolve, reject) => {
      let socket: dgram.Socket;
      try {
        socket = dgram.createSocket({ type, ipv6Only: type === 'udp6' && address !== '::' ? true : undefined });
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
  get local(): UdpAddress {
    const a = this.socket.address();
    return { address: a.address, port: a.port };
  }

  /** The path handle for a remote address (for a client that starts a connection). */
  pathTo(addr: UdpAddress): PathHandle {
    return this.paths.handleFor(addr);
  }

  send(data: Uint8Array, path: PathHandle): void {
    if (this.closed) return;
    const to = this.paths.addressOf(path);
    if (!to) {
      this.report(new QuicSocketError(`no address for path handle ${path}`));
      return;
    }
    // node:dgram sends asynchronously and reads the buffer later: copy, since the
    // caller (the core's transmit region) reuses its bytes at once.
    const copy = data.slice();
    try {
      this.socket.send(copy, to.port, to.address, (err) => {
        if (err) this.report(socketError(`send to ${to.address}:${to.port} failed`, err));
      });
    } catch (err) {
      this.report(socketError(`send to ${to.address}:${to.port} failed`, err));
    }
  }

  onReceive(handler: DatagramHandler): void {
    this.handler = handler;
  }

  onError(handler: (err: Error) => void): void {
    this.errorHandler = handler;
  }

  /** Closes the socket; resolves when it is closed. Idempotent. */
  close(): Promise<void> {
    if (this.closed) return Promise.resolve();
    this.closed = true;
    return new Promise((resolve) => {
      try {
        this.socket.close(() => resolve());
      } catch {
        resolve();
      }
    });
  }

  private report(err: Error): void {
    // Errors go to the handler; without one they are dropped rather than thrown into
    // the event loop (an unhandled 'error' on a socket would kill the process).
    if (this.errorHandler) {
      try { this.errorHandler(err); } catch { /* a throwing handler must not crash the socket */ }
    }
  }
}
