// A QuicStream's Web Streams faces (WHATWG Streams, which Node, Deno, Bun and browsers
// all have): `readable` is a byte stream pulled from the stream's receive buffer, and
// `writable` resolves each write when the core took the bytes. Both stay inside QUIC's
// flow control: nothing is pulled from the core while the application is not reading
// (the stream's highWaterMark), so the core stops extending MAX_STREAM_DATA and the
// peer's sender stalls (RFC 9000 §4.1); and a writer waits while the core's send buffer
// is full, which it is while the peer's credit is spent.

/** What may be written to a stream: bytes, a string (UTF-8), an ArrayBuffer or a Blob. */
export type StreamData = string | ArrayBufferView | ArrayBuffer | Blob;

/**
 * The part of a QuicStream these faces drive (transport/stream.ts implements it; the
 * faces do not import the stream, so the two rooms do not import each other).
 */
export interface ByteStreamLike {
  read(): Promise<Uint8Array | null>;
  readInto(buffer: Uint8Array): Promise<number | null>;
  write(chunk: StreamData): Promise<void>;
  end(): Promise<void>;
  reset(code: number): void;
  stopSending(code: number): void;
  readonly finished: Promise<unknown>;
}

/**
 * The application error code for RESET_STREAM / STOP_SENDING from what was passed to
 * cancel(), abort() or destroy(): a number, or an error with `applicationCode`; else 0.
 */
export function applicationCodeOf(reason: unknown): number {
  if (typeof reason === 'number' && Number.isSafeInteger(reason) && reason >= 0) return reason;
  const c = (reason as { applicationCode?: unknown } | null | undefined)?.applicationCode;
  return typeof c === 'number' && Number.isSafeInteger(c) && c >= 0 ? c : 0; // what reset()/stopSending() accept
}

/**
 * The receiving side as a ReadableStream of bytes. A BYOB reader's buffer is filled
 * straight from the core (readInto()); a default reader gets chunks as read() makes them.
 */
export function readableOf(s: ByteStreamLike): ReadableStream<Uint8Array> {
  return new ReadableStream({
    type: 'bytes',
    async pull(controller) {
      const request = controller.byobRequest;
      if (request?.view) {
        let n: number | null;
        try {
          const v = request.view;
          n = await s.readInto(new Uint8Array(v.buffer, v.byteOffset, v.byteLength));
        } catch (err) {
          controller.error(err);
          return;
        }
        if (n === null) {
          controller.close();
          request.respond(0);
        } else request.respond(n);
        return;
      }
      let chunk: Uint8Array | null;
      try {
        chunk = await s.read();
      } catch (err) {
        controller.error(err);
        return;
      }
      if (chunk === null) {
        controller.close();
        controller.byobRequest?.respond(0);
      } else {
        // Chunks are fresh copies out of the core's memory, so the transfer a byte
        // stream makes of their buffer takes nothing from anyone.
        controller.enqueue(chunk as Uint8Array<ArrayBuffer>);
      }
    },
    cancel(reason) {
      s.stopSending(applicationCodeOf(reason));
    },
  }) as ReadableStream<Uint8Array>;
}

/** The sending side as a WritableStream; close() sends FIN, abort(code) resets. */
export function writableOf(s: ByteStreamLike): WritableStream<StreamData> {
  return new WritableStream<StreamData>({
    start(controller) {
      // The peer's STOP_SENDING (or the connection's end) errors the writable at once,
      // not only at the next write.
      s.finished.catch((err) => controller.error(err));
    },
    write(chunk) {
      return s.write(chunk);
    },
    close() {
      return s.end();
    },
    abort(reason) {
      s.reset(applicationCodeOf(reason));
    },
  });
}
