// A QUIC stream as the application sees it: read() and write() with promises that
// carry backpressure both ways, end(), reset(), stopSending(). The connection moves
// bytes between this object and the core when the core says a stream is readable or
// writable; nothing here touches the core directly.

import { QuicArgumentError, QuicError } from '../errors';
import { checkApplicationCode, checkUrgency, describe } from '../api/options';
import { readableOf, writableOf, applicationCodeOf, type StreamData } from '../api/web-streams';
import { guard, type WaitOptions } from '../api/abort';

/** Options of write() and end(). */
export interface WriteOptions extends WaitOptions {
  /** Send FIN after this data (end() sets it). */
  fin?: boolean;
}

/** What write() and end() take: bytes, a string (sent as UTF-8), or a Blob (read first). */
export type { StreamData };

const utf8 = new TextEncoder();

/** Bytes of `data` without copying where the input already is bytes; a Blob as a promise. null: not writable data. */
function toBytes(data: unknown): Uint8Array | Promise<Uint8Array> | null {
  if (data instanceof Uint8Array) return data;
  if (typeof data === 'string') return utf8.encode(data);
  if (ArrayBuffer.isView(data)) return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  if (data instanceof ArrayBuffer || (typeof SharedArrayBuffer !== 'undefined' && data instanceof SharedArrayBuffer)) return new Uint8Array(data);
  if (typeof Blob !== 'undefined' && data instanceof Blob) return data.arrayBuffer().then((b) => new Uint8Array(b));
  return null;
}

/** Stream-level error: the peer reset the stream or asked us to stop sending. */
export class QuicStreamError extends QuicError {
  constructor(code: string, message: string, readonly applicationCode?: number) {
    super(code, message, applicationCode);
    this.name = 'QuicStreamError';
  }
}

/** @internal What a stream needs from its connection. */
export interface StreamOwner {
  /** Offers bytes to the core; returns how many it took (0 when its buffers are full). */
  streamWrite(id: number, data: Uint8Array, fin: boolean): number;
  streamReset(id: number, code: number): void;
  streamStopSending(id: number, code: number): void;
  streamSetUrgency(id: number, urgency: number): void;
  /** False once the connection's close() was called: later writes are refused. */
  acceptsWrites(): boolean;
  /** Asks the connection to pull readable data from the core now (the app has room again). */
  streamWantsData(id: number): void;
  /** Timers on the endpoint's clock, for `timeoutMs` (real timers when absent). */
  streamTimers?(): { set(ms: number, fn: () => void): unknown; clear(h: unknown): void };
}

interface Reader {
  into: Uint8Array | null;
  resolve: (v: Uint8Array | number | null) => void;
  reject: (e: Error) => void;
}

interface PendingWrite {
  /** null while a Blob is being read: writes behind it wait (order is kept). */
  data: Uint8Array | null;
  fin: boolean;
  resolve: () => void;
  reject: (err: Error) => void;
}

/**
 * One stream. Stream ids follow RFC 9000 §2.1: bit 0 = server-initiated, bit 1 = unidirectional.
 * Received data is buffered up to `highWaterMark` bytes; beyond that the connection stops
 * reading from the core, the core stops extending flow control, and the peer stalls —
 * a slow reader slows the sender down without losing anything.
 */
export class QuicStream {
  /** Bytes read by the application so far. */
  bytesRead = 0;
  /** Bytes accepted by the core so far. */
  bytesWritten = 0;
  private chunks: Uint8Array[] = [];
  private buffered = 0;
  private finReceived = false;
  private readError: Error | null = null;
  /** Waiting reads in order; `into` is a readInto()'s buffer (null for read()). */
  private readers: Reader[] = [];
  /**
   * Set by the first readInto(): from then on received bytes stay in the core until a
   * read asks for them, and go straight into the caller's buffer (no chunk is allocated).
   */
  private holdsInCore = false;
  private writes: PendingWrite[] = [];
  private writeError: Error | null = null;
  private ended = false;
  private finishedResolve!: () => void;
  private finishedReject!: (e: Error) => void;
  /** Resolves when the peer acknowledged everything we wrote including the FIN. */
  readonly finished: Promise<void>;
  /**
   * Server: the client opened this stream in a 0-RTT packet, before the handshake
   * completed. Its first bytes are early data, which an attacker can replay (RFC 9001
   * §9.2, RFC 9846 §8): act on them only if doing so twice is harmless.
   */
  early = false;

  /** @internal Streams come from openStream() / acceptStream(). */
  constructor(
    private readonly owner: StreamOwner,
    /** The QUIC stream id. */
    readonly id: number,
    /** Bytes of received data buffered before we stop reading from the core. */
    readonly highWaterMark = 1 << 20,
    /** True when this end opened the stream (a unidirectional one then only sends). */
    readonly locallyInitiated = false,
  ) {
    // RFC 9000 §2.1: a unidirectional stream carries data from its opener only. The side
    // that does not exist is finished from the start: reads end at once, writes are refused.
    if (this.unidirectional && locallyInitiated) this.finReceived = true;
    this.finished = new Promise((res, rej) => { this.finishedResolve = res; this.finishedReject = rej; });
    this.finished.catch(() => { /* observed through write() too; never an unhandled rejection */ });
  }

  private readableFace: ReadableStream<Uint8Array> | null = null;
  private writableFace: WritableStream<StreamData> | null = null;

  /**
   * The received bytes as a Web ReadableStream (a byte stream). It reads from the same
   * buffer as read() and async iteration: use one of them. cancel(code) sends
   * STOP_SENDING with that code; a peer's RESET_STREAM errors it with a QuicStreamError.
   */
  get readable(): ReadableStream<Uint8Array> {
    return (this.readableFace ??= readableOf(this));
  }

  /**
   * The sending side as a Web WritableStream (strings, bytes and Blobs, as write() takes).
   * close() sends FIN; abort(code) sends RESET_STREAM with that code; a peer's
   * STOP_SENDING errors it.
   */
  get writable(): WritableStream<StreamData> {
    return (this.writableFace ??= writableOf(this));
  }

  /** True for unidirectional streams. */
  get unidirectional(): boolean {
    return (this.id & 2) !== 0;
  }

  /** True when this stream was opened by the server. */
  get serverInitiated(): boolean {
    return (this.id & 1) !== 0;
  }

  /**
   * Next chunk of data, or null at the end of the stream. Rejects if the peer reset it,
   * and with `signal` / `timeoutMs` when the wait is given up (nothing is lost: the next
   * read gets the data).
   */
  read(options?: WaitOptions): Promise<Uint8Array | null> {
    if (this.chunks.length) return Promise.resolve(this.shift());
    if (this.readError) return Promise.reject(this.readError);
    if (this.finReceived) return Promise.resolve(null);
    const wait = this.waitForData(null, options, 'read()') as Promise<Uint8Array | null>;
    if (this.holdsInCore) this.owner.streamWantsData(this.id); // no event will say what is already there
    return wait;
  }

  /**
   * Reads into `buffer` (from its start) and resolves with the number of bytes put there,
   * or null at the end of the stream: the bytes go from the core's receive buffer straight
   * into yours, with no allocation per read (the BYOB read of a byte stream; `readable`'s
   * BYOB reader uses it). Once used, received data waits in the core until a read takes
   * it, so the peer is granted flow-control credit as you read, not ahead of you.
   * Rejects as read() does; a wait given up leaves `buffer` untouched.
   */
  readInto(buffer: ArrayBufferView, options?: WaitOptions): Promise<number | null> {
    if (!ArrayBuffer.isView(buffer) || buffer.byteLength === 0) {
      return Promise.reject(new QuicArgumentError(`stream ${this.id}: readInto() takes a non-empty Uint8Array (or any ArrayBufferView), not ${describe(buffer)}`));
    }
    const target = buffer instanceof Uint8Array ? buffer : new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength);
    this.holdsInCore = true;
    if (this.chunks.length) return Promise.resolve(this.copyChunksInto(target));
    if (this.readError) return Promise.reject(this.readError);
    if (this.finReceived) return Promise.resolve(null);
    const wait = this.waitForData(target, options, 'readInto()') as Promise<number | null>;
    this.owner.streamWantsData(this.id); // the bytes may be in the core already: this fills `target` now
    return wait;
  }

  private waitForData(into: Uint8Array | null, options: WaitOptions | undefined, what: string): Promise<Uint8Array | number | null> {
    let reader: Reader | null = null;
    const wait = new Promise<Uint8Array | number | null>((resolve, reject) => { reader = { into, resolve, reject }; this.readers.push(reader); });
    return guard(wait, options, `stream ${this.id}: ${what}`, () => {
      const i = this.readers.indexOf(reader!);
      if (i >= 0) this.readers.splice(i, 1);
    }, this.owner.streamTimers?.());
  }

  /** Bytes already taken from the core (before the first readInto()) go first. */
  private copyChunksInto(target: Uint8Array): number {
    let n = 0;
    while (n < target.length && this.chunks.length) {
      const c = this.chunks[0];
      const k = Math.min(c.length, target.length - n);
      target.set(c.subarray(0, k), n);
      n += k;
      if (k === c.length) this.chunks.shift();
      else this.chunks[0] = c.subarray(k);
    }
    this.buffered -= n;
    this.bytesRead += n;
    return n;
  }

  /**
   * Reads everything up to the FIN and returns it as one buffer (`signal` / `timeoutMs`
   * bound each wait for data).
   */
  async readAll(limit = 1 << 30, options?: WaitOptions): Promise<Uint8Array> {
    const parts: Uint8Array[] = [];
    let total = 0;
    for (let c = await this.read(options); c; c = await this.read(options)) {
      total += c.length;
      if (total > limit) throw new QuicStreamError('ERR_QUIC_STREAM_TOO_LARGE', `stream ${this.id} exceeded ${limit} bytes`);
      parts.push(c);
    }
    const out = new Uint8Array(total);
    let o = 0;
    for (const p of parts) { out.set(p, o); o += p.length; }
    return out;
  }

  /** Async iteration over received chunks. */
  async *[Symbol.asyncIterator](): AsyncGenerator<Uint8Array> {
    for (let c = await this.read(); c; c = await this.read()) yield c;
  }

  /**
   * Queues `data`; resolves when the core has taken all of it into its send buffer
   * (not when the peer has it: await `finished` after end() for that).
   */
  write(data: StreamData, options: boolean | WriteOptions = false): Promise<void> {
    const opts = typeof options === 'boolean' ? { fin: options } : options ?? {};
    const fin = !!opts.fin;
    if (!opts.signal && opts.timeoutMs === undefined) return this.queueWrite(data, fin);
    const queued = this.queueWrite(data, fin);
    // Giving up on a write leaves the peer with a stream whose bytes stop somewhere in
    // the middle of it: say so with RESET_STREAM rather than carry on with a gap.
    return guard(queued, opts, `stream ${this.id}: write()`, () => this.reset(applicationCodeOf(opts.signal?.reason)), this.owner.streamTimers?.());
  }

  private queueWrite(data: StreamData, fin: boolean): Promise<void> {
    // Checked before anything is queued: a refused write leaves the stream as it was
    // (and never a queued entry that would hold a graceful close() open).
    const bytes = toBytes(data);
    if (bytes === null) {
      return Promise.reject(new QuicArgumentError(`stream ${this.id}: write() takes a string, a Uint8Array (or any ArrayBufferView), an ArrayBuffer or a Blob, not ${describe(data)}`));
    }
    if (this.unidirectional && !this.locallyInitiated) {
      return Promise.reject(new QuicStreamError('ERR_QUIC_STREAM_STATE', `stream ${this.id} is a unidirectional stream the peer opened: it can only be read`));
    }
    if (this.writeError) return Promise.reject(this.writeError);
    if (this.ended) return Promise.reject(new QuicStreamError('ERR_QUIC_STREAM_ENDED', `stream ${this.id}: write after end()`));
    if (!this.owner.acceptsWrites()) return Promise.reject(new QuicStreamError('ERR_QUIC_CONNECTION_CLOSING', `stream ${this.id}: write after the connection's close()`));
    if (fin) this.ended = true;
    return new Promise((resolve, reject) => {
      const w: PendingWrite = { data: bytes instanceof Uint8Array ? bytes : null, fin, resolve, reject };
      this.writes.push(w);
      if (!(bytes instanceof Uint8Array)) {
        bytes.then(
          (b) => { w.data = b; this.pumpWrites(); },
          (err) => this.failWrites(new QuicStreamError('ERR_QUIC_STREAM_WRITE', `stream ${this.id}: reading the Blob failed: ${(err as Error)?.message}`)),
        );
      }
      this.pumpWrites();
    });
  }

  /** Ends the sending side (sends FIN after queued data, and after `data` when given). */
  end(data: StreamData = new Uint8Array(0), options: WaitOptions = {}): Promise<void> {
    return this.write(data, { ...options, fin: true });
  }

  /**
   * For `await using`: ends the sending side if it is still open (FIN after what was
   * written) and, if the peer's data was not read to its end, asks it to stop sending.
   */
  async [Symbol.asyncDispose](): Promise<void> {
    if (!this.finReceived && !this.readError) this.stopSending(0);
    if (!this.ended && !this.writeError) await this.end().catch(() => undefined);
  }

  /** Abandons sending with an application error code (RESET_STREAM). */
  reset(code = 0): void {
    checkApplicationCode(code, `stream ${this.id}: reset()`);
    this.failWrites(new QuicStreamError('ERR_QUIC_STREAM_RESET', `stream ${this.id} reset locally with code ${code}`, code));
    this.owner.streamReset(this.id, code);
  }

  /** Asks the peer to stop sending (STOP_SENDING); buffered data is dropped. */
  stopSending(code = 0): void {
    checkApplicationCode(code, `stream ${this.id}: stopSending()`);
    this.chunks = [];
    this.buffered = 0;
    this.failReads(new QuicStreamError('ERR_QUIC_STREAM_STOPPED', `stream ${this.id}: reading stopped locally with code ${code}`, code));
    this.owner.streamStopSending(this.id, code);
  }

  /** Sets the sending priority: 0 (most urgent) .. 7 (least), default 3 (RFC 9218's scale). */
  setUrgency(urgency: number): void {
    checkUrgency(urgency, `stream ${this.id}: setUrgency()`);
    this.owner.streamSetUrgency(this.id, urgency);
  }

  // ---- called by the connection -------------------------------------------------

  /** @internal Writes waiting for room in the core's send buffer. */
  get hasQueuedWrites(): boolean {
    return this.writes.length > 0;
  }

  /**
   * @internal Room left in the receive buffer: the connection reads chunks from the core
   * only while > 0. A stream that holds its data in the core (readInto()) has room only
   * for a waiting read().
   */
  get receiveRoom(): number {
    if (this.holdsInCore && (this.readers.length === 0 || this.readers[0].into)) return 0;
    return Math.max(0, this.highWaterMark - this.buffered);
  }

  /** @internal The buffer of the first waiting readInto(), which the connection fills from the core. */
  get waitingBuffer(): Uint8Array | null {
    return this.readers.length ? this.readers[0].into : null;
  }

  /** @internal True when received bytes stay in the core until a read (see readInto()). */
  get holdsDataInCore(): boolean {
    return this.holdsInCore;
  }

  /** @internal The connection put `n` bytes into `waitingBuffer`. */
  filledWaiting(n: number, fin: boolean): void {
    if (n > 0) {
      this.bytesRead += n;
      this.readers.shift()!.resolve(n);
    }
    if (fin) this.finReached();
  }

  /** @internal Data from the core. */
  pushData(data: Uint8Array, fin: boolean): void {
    if (data.length) {
      const r = this.readers.length && !this.readers[0].into ? this.readers.shift() : undefined;
      if (r) { this.bytesRead += data.length; r.resolve(data); }
      else { this.chunks.push(data); this.buffered += data.length; }
    }
    if (fin) this.finReached();
  }

  private finReached(): void {
    this.finReceived = true;
    if (!this.chunks.length) for (const r of this.readers.splice(0)) r.resolve(null);
  }

  /** @internal The core has room again: offer queued writes. */
  pumpWrites(): void {
    while (this.writes.length) {
      const w = this.writes[0];
      if (w.data === null) return; // a Blob still being read
      if (w.data.length > 0 || w.fin) {
        // The core applies FIN only when it takes every byte of the call (assembly/abi/conn.ts).
        const n = this.owner.streamWrite(this.id, w.data, w.fin);
        if (n < 0) return this.failWrites(new QuicStreamError('ERR_QUIC_STREAM_WRITE', `stream ${this.id}: the core refused the write (code ${-n})`));
        this.bytesWritten += n;
        if (n < w.data.length) {
          w.data = w.data.subarray(n);
          return; // the core's send buffer is full: STREAM_WRITABLE calls us again
        }
      }
      this.writes.shift();
      w.resolve();
    }
  }

  /** @internal The peer acknowledged all data and the FIN. */
  onFinished(): void {
    this.finishedResolve();
  }

  /** @internal The peer reset the stream. */
  onPeerReset(code: number): void {
    this.failReads(new QuicStreamError('ERR_QUIC_STREAM_RESET', `stream ${this.id} reset by peer with code ${code}`, code));
  }

  /** @internal The peer sent STOP_SENDING. */
  onPeerStopSending(code: number): void {
    this.failWrites(new QuicStreamError('ERR_QUIC_STREAM_STOPPED', `peer asked to stop sending on stream ${this.id} (code ${code})`, code));
  }

  /** @internal The connection entered closing or draining: writes can no longer succeed. */
  onClosing(err: Error): void {
    this.failWrites(err);
  }

  /** @internal The connection is gone. */
  onConnectionClosed(err: Error): void {
    this.failReads(err);
    this.failWrites(err);
  }

  private shift(): Uint8Array {
    const c = this.chunks.shift()!;
    const wasFull = this.receiveRoom === 0;
    this.buffered -= c.length;
    this.bytesRead += c.length;
    if (wasFull && this.receiveRoom > 0) this.owner.streamWantsData(this.id);
    return c;
  }

  private failReads(err: Error): void {
    // Once the FIN arrived every byte is here (RFC 9000 §3.2 "Data Recvd"): what the
    // application has not read yet stays readable, even after the connection closed.
    if (this.readError || this.finReceived) return;
    this.readError = err;
    for (const r of this.readers.splice(0)) r.reject(err);
  }

  private failWrites(err: Error): void {
    if (this.writeError) return;
    this.writeError = err;
    for (const w of this.writes.splice(0)) w.reject(err);
    this.finishedReject(err);
  }
}
