// A connection's streams as the host holds them: the QuicStream objects by id, streams
// the peer opened that accept() has not handed out yet, and the callers waiting — for an
// incoming stream, or for the peer to raise its MAX_STREAMS limit (RFC 9000 §4.6).

import { QuicStream, type StreamOwner } from './stream';

interface Waiter<T> {
  resolve: (v: T) => void;
  reject: (e: Error) => void;
}

export class StreamTable {
  private readonly byId = new Map<number, QuicStream>();
  private readonly unaccepted: QuicStream[] = [];
  private readonly acceptWaiters: Waiter<QuicStream>[] = [];
  private creditWaiters: (Waiter<void> & { bidi: boolean })[] = [];

  constructor(
    private readonly owner: StreamOwner,
    /** Bytes of received data buffered per stream before reading pauses. */
    private readonly highWaterMark: number,
  ) {}

  get(id: number): QuicStream | undefined {
    return this.byId.get(id);
  }

  all(): IterableIterator<QuicStream> {
    return this.byId.values();
  }

  /** The stream with this id, made on first sight (`local`: we opened it). */
  obtain(id: number, local = false): QuicStream {
    let s = this.byId.get(id);
    if (!s) {
      s = new QuicStream(this.owner, id, this.highWaterMark, local);
      this.byId.set(id, s);
    }
    return s;
  }

  /** True while some stream still holds writes the core has not taken. */
  hasQueuedWrites(): boolean {
    for (const s of this.byId.values()) if (s.hasQueuedWrites) return true;
    return false;
  }

  /** The peer opened `s`: to the first waiting acceptStream(), or queued for the next. */
  peerOpened(s: QuicStream): void {
    const w = this.acceptWaiters.shift();
    if (w) w.resolve(s);
    else this.unaccepted.push(s);
  }

  /** A stream the peer opened and nobody took yet, if any. */
  takeAccepted(): QuicStream | undefined {
    return this.unaccepted.shift();
  }

  /** Waits for the next stream the peer opens; `cancel` leaves the queue (the stream goes to the next caller). */
  waitAccept(): { promise: Promise<QuicStream>; cancel: () => void } {
    let waiter: Waiter<QuicStream> | null = null;
    const promise = new Promise<QuicStream>((resolve, reject) => { waiter = { resolve, reject }; this.acceptWaiters.push(waiter); });
    const cancel = () => {
      const i = this.acceptWaiters.indexOf(waiter!);
      if (i >= 0) this.acceptWaiters.splice(i, 1);
    };
    return { promise, cancel };
  }

  /** Resolves when the peer raises the limit for this direction (or rejects when the connection ends). */
  waitCredit(bidi: boolean): Promise<void> {
    return new Promise<void>((resolve, reject) => this.creditWaiters.push({ bidi, resolve, reject }));
  }

  /** MAX_STREAMS arrived for one direction: wake its waiters (each tries to open again). */
  creditAvailable(bidi: boolean): void {
    const wake = this.creditWaiters.filter((w) => w.bidi === bidi);
    this.creditWaiters = this.creditWaiters.filter((w) => w.bidi !== bidi);
    for (const w of wake) w.resolve();
  }

  /** Closing began: queued writes fail now; with `noMoreStreams`, so do waiting accepts. */
  closing(err: () => Error, noMoreStreams: boolean): void {
    for (const s of this.byId.values()) s.onClosing(err());
    if (noMoreStreams) for (const w of this.acceptWaiters.splice(0)) w.reject(err());
  }

  /** The connection is gone: every stream and every waiter fails with `err`. */
  closed(err: () => Error): void {
    for (const s of this.byId.values()) s.onConnectionClosed(err());
    for (const w of this.acceptWaiters.splice(0)) w.reject(err());
    for (const w of this.creditWaiters.splice(0)) w.reject(err());
  }
}
