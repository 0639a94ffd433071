// What the UDP networks share (node:dgram in udp.ts, Deno.listenDatagram in
// deno-udp.ts): addresses, the path-handle table, the socket error type. Platform-neutral.

import type { DatagramHandler, Network, PathHandle } from './network';
import { QuicError } from '../errors';
import { SendBufferPool } from './send-pool';

/** A remote (or local) UDP address. */
export interface UdpAddress {
  address: string;
  port: number;
}

/** Socket errors, with the errno string (`EADDRINUSE`, ...) in the message. */
export class QuicSocketError extends QuicError {
  readonly errno?: string;
  constructor(message: string, errno?: string, options?: { cause?: unknown }) {
    super('ERR_QUIC_SOCKET', message, undefined, options);
    this.name = 'QuicSocketError';
    if (errno) this.errno = errno;
  }
}

/**
 * Maps (local socket, remote address) pairs to small integer path handles and back: a
 * path is the pair, so one peer reached through two local sockets (a client migrating,
 * RFC 9000 §9.2) or one socket reaching two peer addresses (the server's preferred
 * address, §9.6) are two paths. `socket` indexes the network's sockets (0: the one it was
 * bound with). An entry lives while
 * the core refers to its handle: the transport calls forget() when the core reports
 * the path unused (its last connection went away, or the one datagram from that
 * address was dropped), so junk from many sources leaves nothing behind. Handles are
 * reused only after forget(), when nothing in the core holds them.
 */
export class PathTable {
  private byKey = new Map<string, PathHandle>();
  private byHandle: (UdpAddress & { key: string; socket: number })[] = [];
  private freeHandles: PathHandle[] = [];
  /** Paths per local socket (a socket opened for a migration closes at 0). */
  private perSocket = new Map<number, number>();
  /** The last address looked up and its handle: a bulk transfer's datagrams all come from one peer. */
  private lastAddress = '';
  private lastPort = -1;
  private lastSocket = -1;
  private lastHandle: PathHandle = 0;

  /** The handle of `addr` through local socket `socket`, allocated on first sight (handles start at 1). */
  handleFor(addr: UdpAddress, socket = 0): PathHandle {
    if (addr.port === this.lastPort && socket === this.lastSocket && addr.address === this.lastAddress) return this.lastHandle;
    const h = this.lookup(addr, socket);
    this.lastAddress = addr.address;
    this.lastPort = addr.port;
    this.lastSocket = socket;
    this.lastHandle = h;
    return h;
  }

  private lookup(addr: UdpAddress, socket: number): PathHandle {
    const key = `${socket}|${addr.address}|${addr.port}`;
    let h = this.byKey.get(key);
    if (h === undefined) {
      const entry = { address: addr.address, port: addr.port, key, socket };
      h = this.freeHandles.pop();
      if (h === undefined) { this.byHandle.push(entry); h = this.byHandle.length; } else this.byHandle[h - 1] = entry;
      this.byKey.set(key, h);
      this.perSocket.set(socket, (this.perSocket.get(socket) ?? 0) + 1);
    }
    return h;
  }

  /** The remote address behind a handle (and the index of its local socket), or undefined. */
  addressOf(handle: PathHandle): (UdpAddress & { socket: number }) | undefined {
    return this.byHandle[handle - 1];
  }

  /** Drops the entry of a handle nothing refers to any more. */
  forget(handle: PathHandle): void {
    const e = this.byHandle[handle - 1];
    if (!e) return;
    if (handle === this.lastHandle) { this.lastPort = -1; this.lastAddress = ''; this.lastHandle = 0; }
    this.byKey.delete(e.key);
    delete this.byHandle[handle - 1];
    this.freeHandles.push(handle);
    const n = (this.perSocket.get(e.socket) ?? 1) - 1;
    if (n > 0) this.perSocket.set(e.socket, n); else this.perSocket.delete(e.socket);
  }

  /** Paths through local socket `socket`. */
  pathsThrough(socket: number): number {
    return this.perSocket.get(socket) ?? 0;
  }

  /** Addresses currently known. */
  get size(): number {
    return this.byKey.size;
  }
}

/** A bound UDP socket as the Node entry uses it (listen/connect), whichever API backs it. */
export interface UdpNetworkLike extends Network {
  readonly local: UdpAddress;
  pathTo(addr: UdpAddress): PathHandle;
  close(): Promise<void>;
}

/**
 * The address-handling half of a UDP network: path handles, the receive and error
 * handlers, and failures reported to the handler rather than thrown into the event
 * loop. Subclasses only move bytes: sendTo() and a call to deliver() per datagram.
 */
export abstract class UdpNetworkBase implements UdpNetworkLike {
  readonly addressed = true;
  readonly paths = new PathTable();
  /** Where send() copies datagrams to; a subclass releases each copy when its send completed. */
  protected readonly sendPool = new SendBufferPool();
  protected closed = false;
  private handler: DatagramHandler | null = null;
  private errorHandler: ((err: Error) => void) | null = null;

  constructor(readonly maxDatagramSize: number) {}

  abstract readonly local: UdpAddress;
  abstract close(): Promise<void>;
  /**
   * Sends `copy` (already copied: the caller's buffer is reused at once) to `to`, through
   * local socket `to.socket`; once the platform no longer reads it,
   * `this.sendPool.release(copy)` lets the buffer be reused.
   */
  protected abstract sendTo(copy: Uint8Array, to: UdpAddress & { socket: number }, path: PathHandle): void;

  /** The path handle for a remote address (for a client that starts a connection). */
  pathTo(addr: UdpAddress): PathHandle {
    return this.paths.handleFor(addr);
  }

  forgetPath(path: PathHandle): void {
    this.paths.forget(path);
  }

  /** The peer's IP address (no port: NAT rebinding keeps it) as bytes; address tokens are bound to it (RFC 9000 §8.1.3). */
  addressBytes(path: PathHandle): Uint8Array | undefined {
    const a = this.paths.addressOf(path);
    return a ? new TextEncoder().encode(a.address) : undefined;
  }

  send(data: Uint8Array, path: PathHandle): void {
    if (this.closed) return;
    const to = this.paths.addressOf(path);
    if (!to) {
      this.report(new QuicSocketError(`no address for path handle ${path}`));
      return;
    }
    // Sends complete asynchronously and read the bytes later: copy, since the caller
    // (the core's transmit region) reuses its bytes at once.
    this.sendTo(this.sendPool.copy(data), to, path);
  }

  onReceive(handler: DatagramHandler): void {
    this.handler = handler;
  }

  onError(handler: (err: Error) => void): void {
    this.errorHandler = handler;
  }

  /** Hands one received datagram (from `from`, on local socket `socket`) to the transport. */
  protected deliver(data: Uint8Array, from: UdpAddress, socket = 0): void {
    if (this.closed || !this.handler) return;
    const path = this.paths.handleFor(from, socket);
    try {
      this.handler(data, path);
    } catch (err) {
      this.report(err instanceof Error ? err : new QuicError('ERR_QUIC_INTERNAL', String(err)));
    }
  }

  protected report(err: Error): void {
    // Errors go to the handler; without one they are dropped rather than thrown into
    // the event loop (an unhandled 'error' on a socket would kill the process).
    if (this.errorHandler) {
      try { this.errorHandler(err); } catch { /* a throwing handler must not crash the socket */ }
    }
  }
}
