// A network the application owns (seed 000's memory BIO, axes D and E): the endpoint
// never touches a socket; the application hands in each datagram it received (with the
// sender's address, or none in unaddressed mode) and takes out each datagram the
// endpoint wants sent (with its destination, or none). It can move them over anything:
// its own UDP socket, a MessagePort to a worker, a WebSocket, a process channel.
// Platform-neutral.

import type { DatagramHandler, Network, PathHandle } from '../net/network';
import { PathTable, type UdpAddress } from '../net/udp-common';
import { QuicArgumentError, QuicError } from '../errors';
import { describe } from './options';

/** A datagram the endpoint wants sent: `to` is its destination, or null on an unaddressed network. */
export interface OutgoingDatagram {
  data: Uint8Array;
  to: UdpAddress | null;
}

/** Options of a ManualNetwork. */
export interface ManualNetworkOptions {
  /**
   * true (default): datagrams carry addresses, so one endpoint serves many peers (seed 000
   * "addressed"). false: no addresses; every datagram comes from and goes to "the other
   * end" (seed 000 "unaddressed"), and the application decides where things go.
   */
  addressed?: boolean;
  /** Largest datagram the endpoint may send (default 1452, UDP over Ethernet less headers). */
  maxDatagramSize?: number;
  /**
   * Outgoing datagrams held for takeDatagrams() when no onDatagram() sink is set; past
   * this many, new ones are dropped (as a full socket buffer drops) and counted (default 4096).
   */
  maxQueued?: number;
}

function checkAddress(from: unknown): UdpAddress {
  const a = from as UdpAddress;
  if (typeof a !== 'object' || a === null || typeof a.address !== 'string' || !a.address || !Number.isInteger(a.port) || a.port < 0 || a.port > 65535) {
    throw new QuicArgumentError(`an addressed ManualNetwork needs the sender as { address, port }, not ${describe(from)}`);
  }
  return a;
}

/**
 * A Network whose datagrams the application moves: `receiveDatagram()` in,
 * `onDatagram(fn)` (pushed as they are made) or `takeDatagrams()` (pulled) out. Pair it
 * with a ManualClock for a fully application-driven ("non-pollable") endpoint, or keep
 * the default real clock to let the endpoint run its own timers.
 */
export class ManualNetwork implements Network {
  readonly addressed: boolean;
  readonly maxDatagramSize: number;
  /** Outgoing datagrams dropped because the queue was full (pull mode). */
  dropped = 0;
  private readonly maxQueued: number;
  private readonly paths = new PathTable();
  private queue: OutgoingDatagram[] = [];
  private sink: ((d: OutgoingDatagram) => void) | null = null;
  private queuedHook: (() => void) | null = null;
  private handler: DatagramHandler | null = null;
  private errorHandler: ((err: Error) => void) | null = null;
  private closed = false;

  constructor(options: ManualNetworkOptions = {}) {
    if (typeof options !== 'object' || options === null) throw new QuicArgumentError(`ManualNetwork options must be an object, not ${describe(options)}`);
    this.addressed = options.addressed ?? true;
    this.maxDatagramSize = options.maxDatagramSize ?? 1452;
    this.maxQueued = options.maxQueued ?? 4096;
    if (typeof this.addressed !== 'boolean') throw new QuicArgumentError(`addressed must be a boolean, not ${describe(options.addressed)}`);
    if (!Number.isInteger(this.maxDatagramSize) || this.maxDatagramSize < 1200 || this.maxDatagramSize > 65527) {
      throw new QuicArgumentError(`maxDatagramSize must be an integer in 1200..65527 (QUIC needs 1200), not ${describe(options.maxDatagramSize)}`);
    }
    if (!Number.isInteger(this.maxQueued) || this.maxQueued < 1) throw new QuicArgumentError(`maxQueued must be a positive integer, not ${describe(options.maxQueued)}`);
  }

  /**
   * Hands the endpoint one datagram the application received; `from` is the sender
   * ({ address, port }) on an addressed network and is omitted on an unaddressed one.
   * The endpoint processes it at once (what it answers goes out through onDatagram or
   * the queue before this returns); the bytes are not kept.
   */
  receiveDatagram(data: Uint8Array, from?: UdpAddress): void {
    if (!(data instanceof Uint8Array)) throw new QuicArgumentError(`receiveDatagram() takes a Uint8Array, not ${describe(data)}`);
    const path = this.addressed ? this.paths.handleFor(checkAddress(from)) : 0;
    if (this.closed || !this.handler) return;
    this.handler(data, path);
  }

  /**
   * Pushes every outgoing datagram to `fn` as the endpoint makes it (first whatever is
   * queued). `fn` runs synchronously inside endpoint work: it should send or enqueue, and
   * hand datagrams to another endpoint of the same thread asynchronously. null returns to
   * queueing for takeDatagrams().
   */
  onDatagram(fn: ((d: OutgoingDatagram) => void) | null): void {
    if (fn !== null && typeof fn !== 'function') throw new QuicArgumentError(`onDatagram() takes a function or null, not ${describe(fn)}`);
    this.sink = fn;
    if (fn) for (const d of this.takeDatagrams()) this.emit(d);
  }

  /**
   * Pull mode: calls `fn` when a datagram lands in an empty queue, so a loop that sleeps
   * knows there is something to take (the endpoint can produce datagrams outside
   * receiveDatagram(): a stream write, a timer). null removes it.
   */
  onQueued(fn: (() => void) | null): void {
    if (fn !== null && typeof fn !== 'function') throw new QuicArgumentError(`onQueued() takes a function or null, not ${describe(fn)}`);
    this.queuedHook = fn;
  }

  /** Takes every queued outgoing datagram, oldest first (pull mode: no onDatagram sink). */
  takeDatagrams(): OutgoingDatagram[] {
    const out = this.queue;
    this.queue = [];
    return out;
  }

  /** Outgoing datagrams waiting in the queue. */
  get queued(): number {
    return this.queue.length;
  }

  /** The path handle for a server address, for a client endpoint's connectTo() (addressed networks). */
  pathTo(addr: UdpAddress): PathHandle {
    if (!this.addressed) return 0;
    return this.paths.handleFor(checkAddress(addr));
  }

  // ---- Network (what the endpoint calls) ---------------------------------------------

  /** Network: the endpoint sends; the bytes are copied (the caller reuses its buffer). */
  send(data: Uint8Array, path: PathHandle): void {
    if (this.closed) return;
    let to: UdpAddress | null = null;
    if (this.addressed) {
      const a = this.paths.addressOf(path);
      if (!a) { this.report(new QuicError('ERR_QUIC_SOCKET', `no address for path handle ${path}`)); return; }
      to = { address: a.address, port: a.port };
    }
    const d = { data: data.slice(), to };
    if (this.sink) this.emit(d);
    else if (this.queue.length < this.maxQueued) {
      this.queue.push(d);
      if (this.queue.length === 1 && this.queuedHook) {
        try { this.queuedHook(); } catch (err) { this.report(err instanceof Error ? err : new QuicError('ERR_QUIC_SOCKET', String(err))); }
      }
    } else this.dropped++;
  }

  /** Network: set by the endpoint. */
  onReceive(handler: DatagramHandler): void {
    this.handler = handler;
  }

  /** Network: set by the endpoint. */
  onError(handler: (err: Error) => void): void {
    this.errorHandler = handler;
  }

  /** Network: the core no longer refers to `path`: forget its address. */
  forgetPath(path: PathHandle): void {
    if (this.addressed) this.paths.forget(path);
  }

  /** Stops delivering in both directions (the endpoint's close() calls it). Idempotent. */
  close(): void {
    this.closed = true;
    this.queue = [];
  }

  private emit(d: OutgoingDatagram): void {
    try {
      this.sink!(d);
    } catch (err) {
      // The application's sink failing loses one datagram, which QUIC recovers; it must
      // not unwind into the endpoint's pump.
      this.report(err instanceof Error ? err : new QuicError('ERR_QUIC_SOCKET', String(err)));
    }
  }

  private report(err: Error): void {
    if (this.errorHandler) {
      try { this.errorHandler(err); } catch { /* never into the event loop */ }
    }
  }
}
