// What the UDP networks share (node:dgram in udp.ts, Deno.listenDatagram in
// deno-udp.ts): addresses, the path-handle table, the socket error type. Platform-neutral.

import type { Network, PathHandle } from './network';
import { QuicError } from '../errors';

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

/** Maps remote addresses to small integer path handles and back. */
export class PathTable {
  private byKey = new Map<string, PathHandle>();
  private byHandle: UdpAddress[] = [];

  /** The handle of `addr`, allocated on first sight (handles start at 1). */
  handleFor(addr: UdpAddress): PathHandle {
    const key = `${addr.address}|${addr.port}`;
    let h = this.byKey.get(key);
    if (h === undefined) {
      this.byHandle.push({ address: addr.address, port: addr.port });
      h = this.byHandle.length;
      this.byKey.set(key, h);
    }
    return h;
  }

  /** The address behind a handle, or undefined. */
  addressOf(handle: PathHandle): UdpAddress | undefined {
    return this.byHandle[handle - 1];
  }

  get size(): number {
    return this.byHandle.length;
  }
}

/** A bound UDP socket as the Node entry uses it (listen/connect), whichever API backs it. */
export interface UdpNetworkLike extends Network {
  readonly local: UdpAddress;
  pathTo(addr: UdpAddress): PathHandle;
  close(): Promise<void>;
}
