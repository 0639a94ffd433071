// The HTTP/3 client: H3Client holds one connection to an origin and runs requests on
// it concurrently (waiting for stream credit when the server's MAX_STREAMS limit is
// reached); h3Fetch() is the one-shot, fetch-shaped entry that connects, requests and
// closes once the body is read. Responses are standard `Response` objects whose body
// streams from QUIC; `trailers` is added as a promise of Headers.

import { lookup } from 'node:dns/promises';
import { isIP } from 'node:net';
import type { ConnectOptions } from '../node';
import { connectWith, type TlsChoices } from './endpoints';
import type { QuicConnection } from '../transport/connection';
import { QuicArgumentError, QuicError } from '../errors';
import { describe } from '../api/options';
import { checkH3Options, H3Connection, type H3Options } from './connection';
import { H3Error, H3ErrorCode } from './errors';
import { isConnectionError, readMessage, toFieldLines, writeMessage } from './message';
import type { FieldLine } from './qpack/decoder';
import { resetStream } from './stream-reset';
import type { H3HeadersInit } from './message';
export type { H3HeadersInit };

/** A `Response` with the trailer section (resolves to empty Headers when there is none). */

export type H3Response = Response & { trailers: Promise<Headers> };

/** Connection options: ConnectOptions without the ones a URL gives. */
export interface H3ClientOptions extends Omit<ConnectOptions, 'address' | 'port' | 'alpn'>, TlsChoices {
  /** Connect to this address instead of resolving the URL's host (the URL still gives SNI and :authority). */
  address?: string;
  port?: number;
  h3?: H3Options;
}

/** `RequestInit` plus the connection options of a one-shot h3Fetch and request trailers. */
export interface H3RequestInit extends RequestInit {
  /** Trailer fields to send after the request body. */
  trailers?: H3HeadersInit | (() => Promise<H3HeadersInit> | H3HeadersInit);
  /** Called with each body chunk's size as the response body is read (progress). */
  duplex?: 'half';
}

const toHeaders = (lines: FieldLine[] | null): Headers => {
  const h = new Headers();
  for (const [n, v] of lines ?? []) if (!n.startsWith(':')) h.append(n, v);
  return h;
};

/** One HTTP/3 connection to one origin. */
export class H3Client {
  private goingAway = false;

  private constructor(readonly h3: H3Connection, readonly origin: URL) {
    h3.onGoaway = () => { this.goingAway = true; };
  }

  /**
   * One address for a URL host: IP literals as they are, names through DNS (IPv4
   * preferred). connect() no longer needs it: given the name, it tries every address.
   */
  static async resolveHost(host: string): Promise<string> {
    const bare = host.startsWith('[') ? host.slice(1, -1) : host;
    if (isIP(bare)) return bare;
    const all = await lookup(bare, { all: true });
    return (all.find((a) => a.family === 4) ?? all[0]).address;
  }

  /** The QUIC connection underneath (stats, handshake info). */
  get quic(): QuicConnection { return this.h3.quic; }

  /** Connects to the origin of `url` (https://host:port, default port 443) with ALPN h3. */
  static async connect(url: string | URL, options: H3ClientOptions = {}): Promise<H3Client> {
    if (typeof options !== 'object' || options === null) throw new QuicArgumentError(`H3Client.connect(url, options) (h3Fetch's h3Client): options must be an object, not ${describe(options)}`);
    const u = new URL(url);
    if (u.protocol !== 'https:') throw new QuicArgumentError(`HTTP/3 needs an https: URL, not ${u.protocol}`);
    const port = options.port ?? (u.port ? Number(u.port) : 443);
    const hostname = u.hostname.startsWith('[') ? u.hostname.slice(1, -1) : u.hostname;
    const address = options.address ?? hostname; // a name: connect() tries each of its addresses (RFC 8305)
    const { h3: h3Options, ...rest } = options;
    checkH3Options(h3Options); // before connecting: not a failure of a connection already made
    const quic = await connectWith({ serverName: hostname, ...rest, address, port, alpn: ['h3'] });
    const h3 = new H3Connection(quic, false, h3Options);
    try {
      await h3.start();
    } catch (e) {
      await quic.close(H3ErrorCode.H3_INTERNAL_ERROR, '', { graceful: false });
      throw e;
    }
    return new H3Client(h3, new URL(u.origin));
  }

  /** Sends a request on a new stream; resolves with the response once its header section arrives. */
  async fetch(input: string | URL | Request, init: H3RequestInit = {}): Promise<H3Response> {
    const { trailers: reqTrailers, ...rest } = init;
    const req = input instanceof Request && Object.keys(rest).length === 0 ? input : new Request(input, rest.body ? { duplex: 'half', ...rest } as RequestInit : rest);
    const u = new URL(req.url);
    if (u.origin !== this.origin.origin) throw new QuicArgumentError(`${req.url} is not on this connection's origin ${this.origin.origin}`);
    if (this.goingAway) throw new H3Error('H3_REQUEST_REJECTED', 'the server sent GOAWAY: open a new connection');
    if (req.signal.aborted) throw req.signal.reason;
    const stream = await this.quic.openStreamAsync();
    const abort = () => { void resetStream(stream, H3ErrorCode.H3_REQUEST_CANCELLED); stream.stopSending(H3ErrorCode.H3_REQUEST_CANCELLED); };
    req.signal.addEventListener('abort', abort, { once: true });
    const fields = toFieldLines([[':method', req.method], [':scheme', 'https'], [':authority', u.host], [':path', u.pathname + u.search]], req.headers);
    const trailerFn = reqTrailers === undefined ? undefined : async () => {
      const t = typeof reqTrailers === 'function' ? await reqTrailers() : reqTrailers;
      return toFieldLines([], new Headers(t));
    };
    const sending = writeMessage(stream, fields, req.body, trailerFn, this.h3.peerMaxFieldSectionSize);
    // The request could not be sent (too large, or the body failed): abandon the stream and fail the fetch with why.
    const sendFailed = new Promise<never>((_, reject) => sending.catch((e) => {
      if (e instanceof QuicError && !(e instanceof H3Error)) return; // the stream or connection failed: reading reports it
      void resetStream(stream, H3ErrorCode.H3_REQUEST_CANCELLED);
      stream.stopSending(H3ErrorCode.H3_REQUEST_CANCELLED);
      reject(e);
    }));
    sendFailed.catch(() => undefined);
    let msg, status: number;
    try {
      msg = await Promise.race([readMessage(this.h3, stream, true), sendFailed]);
      const statusText = msg.fields.find(([n]) => n === ':status')?.[1] ?? '';
      status = Number(statusText);
      if (!/^\d{3}$/.test(statusText) || status < 200 || status > 599) throw new H3Error('H3_MESSAGE_ERROR', `bad :status "${statusText}"`);
    } catch (e) {
      // Frame and QPACK errors end the connection; a malformed response only its stream (RFC 9114 §4.1.2).
      if (isConnectionError(e)) this.h3.fail(e);
      else if (e instanceof H3Error) { stream.stopSending(e.quicCode!); void resetStream(stream, e.quicCode!); }
      throw e;
    }
    const nullBody = req.method === 'HEAD' || status === 204 || status === 304;
    if (nullBody) void msg.body.cancel().catch(() => undefined);
    const res = new Response(nullBody ? null : msg.body, { status, headers: toHeaders(msg.fields) }) as H3Response;
    Object.defineProperty(res, 'trailers', { value: msg.trailers.then(toHeaders), enumerable: false });
    res.trailers.catch(() => undefined);
    return res;
  }

  /** Closes the connection gracefully (H3_NO_ERROR). */
  async close(): Promise<void> {
    await this.h3.close();
  }
}

/**
 * fetch() over HTTP/3: connects to the URL's origin, sends the request and resolves
 * with the response; the connection closes when the body has been read or cancelled.
 * For several requests on one connection use H3Client.
 */
export async function h3Fetch(input: string | URL | Request, init: H3RequestInit & { h3Client?: H3ClientOptions } = {}): Promise<H3Response> {
  const { h3Client, ...reqInit } = init;
  const url = input instanceof Request ? input.url : input;
  const client = await H3Client.connect(url, h3Client);
  let res: H3Response;
  try {
    res = await client.fetch(input, reqInit);
  } catch (e) {
    await client.close().catch(() => undefined);
    throw e;
  }
  if (!res.body) { void client.close().catch(() => undefined); return res; }
  const done = () => { void client.close().catch(() => undefined); };
  const body = res.body.pipeThrough(new TransformStream<Uint8Array, Uint8Array>({ flush: done }));
  const wrapped = new Response(body, { status: res.status, headers: res.headers }) as H3Response;
  Object.defineProperty(wrapped, 'trailers', { value: res.trailers, enumerable: false });
  return wrapped;
}
