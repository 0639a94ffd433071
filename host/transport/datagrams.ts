// A connection's unreliable datagrams (RFC 9221) as the application sees them; the
// protocol side is the core's room (assembly/conn/datagrams.ts). QuicConnection owns one
// channel and forwards its public methods here.
//
// Sending: checked before anything is queued (typed errors with stable codes); the core
// queues it (bounded, the oldest dropped) and sends it once, in a 1-RTT packet, under
// congestion control. With `{ track: true }` the caller gets a promise of its outcome.
//
// Receiving: datagrams wait in the core's bounded receive queue (the `datagrams.
// receiveQueue` option; the oldest are dropped and counted when nobody reads). They are
// taken out when someone wants them: a pending receiveDatagram() / datagrams() reader,
// or a 'datagram' listener (with a listener, each datagram is taken as it arrives).
// Each datagram is delivered once: to every 'datagram' listener and to the first
// waiting reader at the moment it is taken. Use one style per connection.

import { DatagramAbi, type DatagramStats } from '../core/datagram-abi';
import { DATAGRAM_ACKED, DATAGRAM_DROPPED, DATAGRAM_LOST, DATAGRAM_READABLE } from '../core/abi.generated';
import { QuicArgumentError, QuicError } from '../errors';
import { describe } from '../api/options';

/**
 * What became of a tracked datagram (sendDatagram(data, { track: true })): 'acked' (the
 * peer's QUIC stack acknowledged the packet carrying it: received, not necessarily read
 * by the application, RFC 9221 §5.2); 'lost' (its packet was declared lost, or the
 * connection closed before an acknowledgment; it is never retransmitted); 'dropped'
 * (never sent: newer datagrams pushed it out of the full send queue).
 */
export type DatagramOutcome = 'acked' | 'lost' | 'dropped';

/** Options of sendDatagram(). */
export interface DatagramSendOptions {
  /** Report the outcome: sendDatagram then returns a promise of it (never rejected). */
  track?: boolean;
}

export type { DatagramStats };

/** What the channel needs from its connection. */
export interface DatagramOwner {
  /** Delivers a received datagram to the 'datagram' listeners. */
  emit(data: Uint8Array): void;
  /** True when 'datagram' listeners exist. */
  hasListeners(): boolean;
  /** Runs the pump (a datagram was queued). */
  service(): void;
}

const OUTCOMES: Record<number, DatagramOutcome> = { [DATAGRAM_ACKED]: 'acked', [DATAGRAM_LOST]: 'lost', [DATAGRAM_DROPPED]: 'dropped' };

/** @internal One connection's datagrams (see the file comment). */
export class DatagramChannel {
  private nextId = 1;
  private readonly tracked = new Map<number, (o: DatagramOutcome) => void>();
  private readonly readers: { resolve: (d: Uint8Array) => void; reject: (e: Error) => void }[] = [];
  private closedWith: Error | null = null;
  private readonly encoder = new TextEncoder();

  constructor(private readonly abi: DatagramAbi, private readonly handle: number, private readonly owner: DatagramOwner) {}

  /** Largest payload sendable now (0: the peer takes no datagrams, or its parameters are not here yet). */
  get maxSize(): number {
    if (this.closedWith) return 0;
    return Math.max(0, this.abi.maxSize(this.handle));
  }

  /** Checks, queues and (with track) returns the outcome's promise. Throws QuicError before anything is queued. */
  send(data: unknown, options: DatagramSendOptions | undefined): Promise<DatagramOutcome> | undefined {
    let bytes: Uint8Array;
    if (data instanceof Uint8Array) bytes = data;
    else if (typeof data === 'string') bytes = this.encoder.encode(data);
    else throw new QuicArgumentError(`sendDatagram() takes a Uint8Array or a string, not ${describe(data)}`);
    if (options !== undefined && (typeof options !== 'object' || options === null)) throw new QuicArgumentError(`sendDatagram() options must be an object, not ${describe(options)}`);
    if (options?.track !== undefined && typeof options.track !== 'boolean') throw new QuicArgumentError(`sendDatagram(): track must be true or false, not ${describe(options.track)}`);
    const max = this.maxSize;
    if (max === 0) {
      throw new QuicError('ERR_QUIC_DATAGRAM_UNSUPPORTED', 'the peer does not accept datagrams (it sent no max_datagram_frame_size transport parameter, RFC 9221 §3)');
    }
    if (bytes.length > max) {
      throw new QuicError('ERR_QUIC_DATAGRAM_TOO_LARGE', `a datagram of ${bytes.length} bytes does not fit: at most ${max} bytes now (the peer's max_datagram_frame_size, one packet on this path, the send queue); see connection.maxDatagramSize`);
    }
    const id = options?.track ? this.allocateId() : 0;
    const r = this.abi.send(this.handle, bytes, id);
    if (r < 0) throw new QuicError('ERR_QUIC_DATAGRAM_TOO_LARGE', `the core refused a datagram of ${bytes.length} bytes (code ${-r})`);
    const outcome = id ? new Promise<DatagramOutcome>((resolve) => this.tracked.set(id, resolve)) : undefined;
    this.owner.service();
    return outcome;
  }

  /** The next received datagram, and a way to stop waiting for it (the next datagram then goes to the next reader). */
  receive(): { promise: Promise<Uint8Array>; cancel: () => void } {
    const none = () => undefined;
    const now = this.readers.length === 0 && !this.closedWith ? this.abi.read(this.handle) : null;
    if (now) {
      this.owner.emit(now);
      return { promise: Promise.resolve(now), cancel: none };
    }
    if (this.closedWith) return { promise: Promise.reject(this.closedWith), cancel: none };
    let waiter!: { resolve: (d: Uint8Array) => void; reject: (e: Error) => void };
    const promise = new Promise<Uint8Array>((resolve, reject) => { waiter = { resolve, reject }; this.readers.push(waiter); });
    return {
      promise,
      cancel: () => {
        const i = this.readers.indexOf(waiter);
        if (i >= 0) this.readers.splice(i, 1);
      },
    };
  }

  /** Takes datagrams out of the core while someone wants them. */
  pull(): void {
    while (!this.closedWith && (this.readers.length > 0 || this.owner.hasListeners())) {
      const d = this.abi.read(this.handle);
      if (!d) break;
      this.owner.emit(d);
      this.readers.shift()?.resolve(d);
    }
  }

  /** EventKind.DATAGRAM from the core. */
  onEvent(a: number, c: number): void {
    if (c === DATAGRAM_READABLE) {
      this.pull();
      return;
    }
    const resolve = this.tracked.get(a);
    if (!resolve) return;
    this.tracked.delete(a);
    resolve(OUTCOMES[c] ?? 'lost');
  }

  /** Counters, or null once the connection is gone. */
  stats(): DatagramStats | null {
    return this.abi.stats(this.handle);
  }

  /** The connection is gone: tracked datagrams without an outcome are 'lost', readers get `err`. */
  onClosed(err: Error): void {
    if (this.closedWith) return;
    this.closedWith = err;
    for (const resolve of this.tracked.values()) resolve('lost');
    this.tracked.clear();
    for (const r of this.readers.splice(0)) r.reject(err);
  }

  private allocateId(): number {
    // u32 ids, 0 meaning untracked; skip any still awaiting an outcome.
    do {
      this.nextId = this.nextId >= 0xffffffff ? 1 : this.nextId + 1;
    } while (this.tracked.has(this.nextId));
    return this.nextId;
  }
}
