// A QuicStream as a Node Duplex (node:stream), for pipeline(), Readable.from() and the
// libraries built on them. Node entry only: node:stream never reaches the browser
// build (test/portability/imports.test.ts). Backpressure is Node's own: _read pulls one
// chunk from the stream when Node wants more, _write calls back when the core took
// the bytes.

import { Duplex, type DuplexOptions } from 'node:stream';
import type { QuicStream } from '../transport/stream';
import { applicationCodeOf } from './web-streams';

/** Options of toNodeDuplex(). */
export interface NodeDuplexOptions {
  /** Bytes Node buffers on each side before it applies backpressure (default Node's 16 KiB). */
  highWaterMark?: number;
}

/**
 * Wraps `stream` in a Duplex: reads end at the peer's FIN; end() sends FIN; destroy(err)
 * before the stream is done resets it and stops the peer's sending, with the error's
 * `applicationCode` (or 0).
 */
export function toNodeDuplex(stream: QuicStream, options: NodeDuplexOptions = {}): Duplex {
  let reading = false;
  // A unidirectional stream has one side only (RFC 9000 §2.1): the Duplex gets that side.
  const canRead = !(stream.unidirectional && stream.locallyInitiated);
  const canWrite = !(stream.unidirectional && !stream.locallyInitiated);
  // `readable: false` / `writable: false` are Duplex options Node has long had (its types lack them).
  const sides = { readable: canRead, writable: canWrite } as DuplexOptions;
  const duplex: Duplex = new Duplex({
    ...sides,
    allowHalfOpen: true,
    highWaterMark: options.highWaterMark,
    read() {
      if (reading) return;
      reading = true;
      stream.read().then(
        (chunk) => { reading = false; duplex.push(chunk); },
        (err) => duplex.destroy(err as Error),
      );
    },
    write(chunk: Uint8Array, _encoding, callback) {
      stream.write(chunk).then(() => callback(), callback);
    },
    final(callback) {
      stream.end().then(() => callback(), callback);
    },
    destroy(err, callback) {
      const code = applicationCodeOf(err);
      if (canWrite && !duplex.writableFinished) stream.reset(code);
      if (canRead && !duplex.readableEnded) stream.stopSending(code);
      callback(err);
    },
  });
  return duplex;
}
