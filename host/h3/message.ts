// An HTTP message on a request stream (RFC 9114 §4.1): HEADERS, then DATA frames,
// then optionally a trailing HEADERS, then FIN. Reading returns the header fields at
// once and the body as a ReadableStream that pulls DATA from the stream as the
// consumer reads (back-pressure reaches QUIC flow control); writing streams a body
// from any ReadableStream.

import type { QuicStream } from '../transport/stream';
import { H3Error, H3ErrorCode } from './errors';
import { dataFrameHeader, encodeFrame, FrameType, RESERVED_H2_FRAME_TYPES } from './frames';
import type { H3Connection } from './connection';
import type { FieldLine } from './qpack/decoder';
import { encodeFieldSection } from './qpack/encoder';
import { StreamReader } from './stream-reader';
import { resetStream } from './stream-reset';

/** Header fields as a Headers object, a record or name/value pairs (the Fetch API's HeadersInit, without the DOM lib). */
export type H3HeadersInit = Headers | Record<string, string> | [string, string][];

export interface IncomingMessage {
  /** The header section (pseudo-header fields first). */
  fields: FieldLine[];
  /** The body; ends when the peer's FIN arrives. */
  body: ReadableStream<Uint8Array>;
  /** The trailer section, or null when there was none; settles when the body ends. */
  trailers: Promise<FieldLine[] | null>;
}

/** Frame types that belong on a control stream only: on a request stream they are a connection error. */
function unexpectedOnRequestStream(type: number): boolean {
  return type === FrameType.SETTINGS || type === FrameType.GOAWAY || type === FrameType.MAX_PUSH_ID
    || type === FrameType.CANCEL_PUSH || type === FrameType.PUSH_PROMISE || RESERVED_H2_FRAME_TYPES.has(type);
}

/** Reads a header section, skipping unknown frames; null if the stream ends first. */
async function readFieldSection(h3: H3Connection, stream: QuicStream, r: StreamReader): Promise<FieldLine[] | null> {
  for (;;) {
    const f = await r.frameHeader();
    if (!f) return null;
    if (f.type === FrameType.HEADERS) {
      if (f.length > h3.maxFieldSectionSize) throw new H3Error('H3_EXCESSIVE_LOAD', `HEADERS frame of ${f.length} bytes`);
      return h3.decodeFields(stream.id, await r.exact(f.length));
    }
    if (f.type === FrameType.DATA) throw new H3Error('H3_FRAME_UNEXPECTED', 'DATA before HEADERS');
    if (unexpectedOnRequestStream(f.type)) throw new H3Error('H3_FRAME_UNEXPECTED', `frame type 0x${f.type.toString(16)} on a request stream`);
    await r.skip(f.length);
  }
}

/** Connection-level frame errors end the connection; the rest are stream errors. */
export function isConnectionError(e: unknown): e is H3Error {
  return e instanceof H3Error && (e.h3Name === 'H3_FRAME_UNEXPECTED' || e.h3Name === 'H3_FRAME_ERROR' || e.h3Name.startsWith('QPACK_'));
}

/**
 * Reads a message's header section and returns its body as a stream. `skipInterim`
 * (responses) skips 1xx header sections (RFC 9114 §4.1).
 */
export async function readMessage(h3: H3Connection, stream: QuicStream, skipInterim: boolean): Promise<IncomingMessage> {
  const r = new StreamReader(stream);
  let fields: FieldLine[] | null;
  for (;;) {
    fields = await readFieldSection(h3, stream, r);
    if (!fields) throw new H3Error('H3_REQUEST_INCOMPLETE', 'the stream ended before a header section');
    const status = fields.find(([n]) => n === ':status')?.[1];
    if (!(skipInterim && status && /^1\d\d$/.test(status))) break;
  }
  let resolveTrailers!: (t: FieldLine[] | null) => void;
  let rejectTrailers!: (e: unknown) => void;
  const trailers = new Promise<FieldLine[] | null>((res, rej) => { resolveTrailers = res; rejectTrailers = rej; });
  trailers.catch(() => undefined);
  const lengthField = fields.find(([n]) => n === 'content-length')?.[1];
  const contentLength = lengthField !== undefined && /^\d+$/.test(lengthField) ? Number(lengthField) : null;
  let remaining = 0, received = 0;
  const fail = (controller: ReadableStreamDefaultController<Uint8Array>, e: unknown) => {
    rejectTrailers(e);
    controller.error(e);
    if (isConnectionError(e)) h3.fail(e);
    else if (e instanceof H3Error) { stream.stopSending(e.quicCode!); void resetStream(stream, e.quicCode!); }
  };
  const body = new ReadableStream<Uint8Array>({
    pull: async (controller) => {
      try {
        for (;;) {
          if (remaining > 0) {
            const piece = await r.some(remaining);
            remaining -= piece.length;
            received += piece.length;
            if (contentLength !== null && received > contentLength) throw new H3Error('H3_MESSAGE_ERROR', 'more DATA than content-length');
            controller.enqueue(piece);
            return;
          }
          const f = await r.frameHeader();
          if (!f) {
            if (contentLength !== null && received !== contentLength) throw new H3Error('H3_MESSAGE_ERROR', `content-length ${contentLength} but ${received} bytes of DATA`);
            resolveTrailers(null);
            controller.close();
            return;
          }
          if (f.type === FrameType.DATA) { remaining = f.length; continue; }
          if (f.type === FrameType.HEADERS) {
            if (f.length > h3.maxFieldSectionSize) throw new H3Error('H3_EXCESSIVE_LOAD', `trailer HEADERS frame of ${f.length} bytes`);
            const t = await h3.decodeFields(stream.id, await r.exact(f.length));
            // After trailers only unknown frames may follow (RFC 9114 §4.1).
            for (let g = await r.frameHeader(); g; g = await r.frameHeader()) {
              if (g.type === FrameType.DATA || g.type === FrameType.HEADERS || unexpectedOnRequestStream(g.type)) throw new H3Error('H3_FRAME_UNEXPECTED', 'a frame after the trailers');
              await r.skip(g.length);
            }
            resolveTrailers(t);
            controller.close();
            return;
          }
          if (unexpectedOnRequestStream(f.type)) throw new H3Error('H3_FRAME_UNEXPECTED', `frame type 0x${f.type.toString(16)} on a request stream`);
          await r.skip(f.length);
        }
      } catch (e) {
        fail(controller, e);
      }
    },
    cancel: () => {
      rejectTrailers(new H3Error('H3_REQUEST_CANCELLED', 'body cancelled'));
      stream.stopSending(H3ErrorCode.H3_REQUEST_CANCELLED);
    },
  }, { highWaterMark: 0 });
  return { fields, body, trailers };
}

/** Fields a message must not carry in HTTP/3 (RFC 9114 §4.2: connection-specific). */
const CONNECTION_SPECIFIC = new Set(['connection', 'keep-alive', 'proxy-connection', 'transfer-encoding', 'upgrade', 'host']);

/** Pseudo-header fields first, then the regular ones lowercased, without connection-specific fields. */
export function toFieldLines(pseudo: [string, string][], headers: Headers | Iterable<[string, string]>): FieldLine[] {
  const out: FieldLine[] = [...pseudo];
  const list: [string, string][] = [];
  if (headers instanceof Headers) headers.forEach((v, n) => list.push([n, v]));
  else list.push(...headers);
  for (const [n, v] of list) {
    const name = n.toLowerCase();
    if (CONNECTION_SPECIFIC.has(name)) continue;
    if (name === 'te' && v.toLowerCase() !== 'trailers') continue;
    if (name === 'set-cookie' && headers instanceof Headers) continue; // handled below, one line per cookie
    out.push([name, v]);
  }
  if (headers instanceof Headers) for (const c of headers.getSetCookie()) out.push(['set-cookie', c]);
  return out;
}

/** Body chunks as bytes, from a ReadableStream of Uint8Array (or anything ArrayBuffer-like). */
async function* chunks(body: ReadableStream<unknown>): AsyncGenerator<Uint8Array> {
  const reader = body.getReader();
  try {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) return;
      if (value instanceof Uint8Array) yield value;
      else if (ArrayBuffer.isView(value)) yield new Uint8Array(value.buffer, value.byteOffset, value.byteLength);
      else if (value instanceof ArrayBuffer) yield new Uint8Array(value);
      else if (typeof value === 'string') yield new TextEncoder().encode(value);
      else throw new TypeError('body chunks must be bytes');
    }
  } finally {
    reader.releaseLock();
  }
}

/**
 * Writes a message: HEADERS, the body as DATA frames, trailers if any, FIN. Resolves
 * when the last byte is handed to QUIC. `onData` sees each body chunk (progress).
 */
export async function writeMessage(
  stream: QuicStream, fields: FieldLine[], body: ReadableStream<unknown> | null,
  trailers?: () => Promise<FieldLine[] | null> | FieldLine[] | null,
  peerMaxFieldSectionSize = Infinity,
): Promise<void> {
  // RFC 9114 §4.2.2: do not send a header section larger than the peer said it accepts.
  const size = fields.reduce((n, [k, v]) => n + k.length + v.length + 32, 0);
  if (size > peerMaxFieldSectionSize) {
    throw new H3Error('H3_EXCESSIVE_LOAD', `header section of ${size} bytes exceeds the peer's SETTINGS_MAX_FIELD_SECTION_SIZE ${peerMaxFieldSectionSize}`);
  }
  await stream.write(encodeFrame(FrameType.HEADERS, encodeFieldSection(fields)));
  if (body) {
    for await (const c of chunks(body)) {
      if (c.length === 0) continue;
      await stream.write(dataFrameHeader(c.length));
      await stream.write(c);
    }
  }
  const t = trailers ? await trailers() : null;
  if (t && t.length) await stream.write(encodeFrame(FrameType.HEADERS, encodeFieldSection(t)));
  await stream.end();
}
