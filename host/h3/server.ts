// The HTTP/3 server: serveH3() listens and hands every request to a Fetch-API
// handler, `(req: Request) => Response | Promise<Response>` (the shape Deno, Bun and
// Workers use); serveH3Connection() does the same for one already-accepted QUIC
// connection (the CLI uses it to pick h3 or hq-interop by ALPN). A handler may attach
// `trailers` (headers or a promise of it) to its Response; the request's trailers
// are `req.trailers` (a promise of Headers).

import { listen, type ListenOptions, type QuicServer } from '../node';
import { QuicArgumentError } from '../errors';
import { describe } from '../api/options';
import type { QuicConnection } from '../transport/connection';
import type { QuicStream } from '../transport/stream';
import type { UdpAddress } from '../net/udp-common';
import { checkH3Options, H3Connection, type H3Options } from './connection';
import { H3Error, H3ErrorCode } from './errors';
import { isConnectionError, readMessage, toFieldLines, writeMessage } from './message';
import type { FieldLine } from './qpack/decoder';
import { resetStream } from './stream-reset';
import type { H3HeadersInit } from './message';

/** A Fetch-API handler for serveH3(): a standard Request (with its trailers) in, a Response out. */
export type H3Handler = (req: Request & { trailers: Promise<Headers> }) => Response | Promise<Response>;

/** listen() options for serveH3(); the ALPN is h3. */
export interface ServeH3Options extends Omit<ListenOptions, 'alpn'> {
  h3?: H3Options;
  /** Called with errors a handler threw (the client got a 500). Default: ignored. */
  onHandlerError?: (err: unknown) => void;
}

const toHeaders = (lines: FieldLine[] | null): Headers => {
  const h = new Headers();
  for (const [n, v] of lines ?? []) if (!n.startsWith(':')) h.append(n, v);
  return h;
};

/** RFC 9114 §4.3.1: the request's pseudo-header fields, validated; H3_MESSAGE_ERROR when malformed. */
function requestTarget(fields: FieldLine[]): { method: string; url: string } {
  const pseudo = new Map<string, string>();
  let regular = false;
  for (const [n, v] of fields) {
    if (n.startsWith(':')) {
      if (regular) throw new H3Error('H3_MESSAGE_ERROR', 'pseudo-header field after a regular field');
      if (![':method', ':scheme', ':authority', ':path', ':protocol'].includes(n)) throw new H3Error('H3_MESSAGE_ERROR', `unknown pseudo-header ${n}`);
      if (pseudo.has(n)) throw new H3Error('H3_MESSAGE_ERROR', `${n} twice`);
      pseudo.set(n, v);
    } else {
      regular = true;
      if (/[A-Z]/.test(n)) throw new H3Error('H3_MESSAGE_ERROR', `uppercase field name ${n}`);
    }
  }
  const method = pseudo.get(':method');
  if (!method) throw new H3Error('H3_MESSAGE_ERROR', 'no :method');
  if (method === 'CONNECT') throw new H3Error('H3_MESSAGE_ERROR', 'CONNECT'); // handled by the caller before this
  const scheme = pseudo.get(':scheme'), path = pseudo.get(':path');
  const authority = pseudo.get(':authority') ?? fields.find(([n]) => n === 'host')?.[1];
  if (!scheme || !path || !authority) throw new H3Error('H3_MESSAGE_ERROR', 'missing :scheme, :path or :authority');
  if (path !== '*' && !path.startsWith('/')) throw new H3Error('H3_MESSAGE_ERROR', `bad :path ${path}`);
  return { method, url: `${scheme}://${authority}${path === '*' ? '/' : path}` };
}

/** Serves HTTP/3 on an accepted QUIC connection (ALPN h3). */
export class H3ServerConnection {
  readonly h3: H3Connection;
  private active = 0;
  private highestStream = -4;
  private goawayId: number | null = null;
  private idle: (() => void) | null = null;

  constructor(readonly quic: QuicConnection, private readonly handler: H3Handler, private readonly opts: Pick<ServeH3Options, 'h3' | 'onHandlerError'> = {}) {
    this.h3 = new H3Connection(quic, true, opts.h3);
    this.h3.onBidiStream = (s) => this.request(s);
    this.h3.start().catch(() => undefined);
  }

  /** Sends GOAWAY, waits for requests in progress (up to `timeoutMs`), then closes with H3_NO_ERROR. */
  async shutdown(timeoutMs = 5000): Promise<void> {
    if (this.goawayId === null) {
      this.goawayId = this.highestStream + 4;
      this.h3.goaway(this.goawayId);
    }
    if (this.active > 0) {
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, timeoutMs);
        this.idle = () => { clearTimeout(t); resolve(); };
      });
    }
    await this.h3.close();
  }

  private request(stream: QuicStream): void {
    if (this.goawayId !== null && stream.id >= this.goawayId) {
      // RFC 9114 §5.2: requests at or past the GOAWAY id are rejected, never processed.
      stream.stopSending(H3ErrorCode.H3_REQUEST_REJECTED);
      void resetStream(stream, H3ErrorCode.H3_REQUEST_REJECTED);
      return;
    }
    this.highestStream = Math.max(this.highestStream, stream.id);
    this.active++;
    this.serve(stream).catch((e) => this.streamFailed(stream, e)).finally(() => {
      if (--this.active === 0) this.idle?.();
    });
  }

  private streamFailed(stream: QuicStream, e: unknown): void {
    if (isConnectionError(e)) return this.h3.fail(e);
    if (e instanceof H3Error) {
      stream.stopSending(e.quicCode!);
      void resetStream(stream, e.quicCode!);
    }
    // Anything else is the transport telling us the stream or connection is gone.
  }

  private async serve(stream: QuicStream): Promise<void> {
    const msg = await readMessage(this.h3, stream, false);
    if (msg.fields.some(([n, v]) => n === ':method' && v === 'CONNECT')) {
      // Extended CONNECT (RFC 9220, WebTransport) is not offered: SETTINGS_ENABLE_CONNECT_PROTOCOL is never sent.
      await msg.body.cancel().catch(() => undefined);
      await writeMessage(stream, [[':status', '501']], null);
      return;
    }
    const { method, url } = requestTarget(msg.fields);
    const hasBody = method !== 'GET' && method !== 'HEAD';
    let bodyDone = !hasBody;
    if (!hasBody) void msg.body.pipeTo(new WritableStream()).catch(() => undefined);
    const body = hasBody ? msg.body.pipeThrough(new TransformStream<Uint8Array, Uint8Array>({ flush: () => { bodyDone = true; } })) : null;
    let req: Request;
    try {
      req = new Request(url, { method, headers: toHeaders(msg.fields), body, duplex: 'half' } as RequestInit);
    } catch (e) {
      throw new H3Error('H3_MESSAGE_ERROR', `request not representable: ${(e as Error).message}`);
    }
    Object.defineProperty(req, 'trailers', { value: msg.trailers.then(toHeaders), enumerable: false });
    (req as Request & { trailers: Promise<Headers> }).trailers.catch(() => undefined);
    let res: Response;
    try {
      res = await this.handler(req as Request & { trailers: Promise<Headers> });
      if (!(res instanceof Response)) throw new TypeError('the handler did not return a Response');
    } catch (e) {
      this.opts.onHandlerError?.(e);
      res = new Response('internal server error\n', { status: 500, headers: { 'content-type': 'text/plain' } });
    }
    const trailerInit = (res as Response & { trailers?: H3HeadersInit | Promise<H3HeadersInit> }).trailers;
    const fields = toFieldLines([[':status', String(res.status)]], res.headers);
    await writeMessage(stream, fields, method === 'HEAD' ? null : res.body,
      trailerInit === undefined ? undefined : async () => toFieldLines([], new Headers(await trailerInit)), this.h3.peerMaxFieldSectionSize);
    if (method === 'HEAD') await res.body?.cancel().catch(() => undefined);
    // RFC 9114 §4.1.2: with the response complete, a server may stop reading the request with H3_NO_ERROR.
    if (!bodyDone) stream.stopSending(H3ErrorCode.H3_NO_ERROR);
  }
}

/** A listening HTTP/3 server. */
export class H3Server {
  readonly connections = new Set<H3ServerConnection>();

  constructor(readonly quic: QuicServer) {}

  get address(): UdpAddress { return this.quic.address; }

  /** GOAWAY to every connection, lets requests in progress finish, then closes. */
  async close(): Promise<void> {
    await Promise.all([...this.connections].map((c) => c.shutdown().catch(() => undefined)));
    await this.quic.close();
  }
}

/** Listens for HTTP/3 (ALPN h3) and serves every request with `handler`. */
export async function serveH3(options: ServeH3Options, handler: H3Handler): Promise<H3Server> {
  if (typeof options !== 'object' || options === null) throw new QuicArgumentError(`serveH3(options, handler): options must be an object, not ${describe(options)}`);
  // Before listening: without this every request would be answered 500 by a server that started fine.
  if (typeof handler !== 'function') throw new QuicArgumentError(`serveH3(options, handler): handler must be a function (request: Request) => Response, not ${describe(handler)}`);
  const { h3, onHandlerError, ...listenOptions } = options;
  checkH3Options(h3);
  if (onHandlerError !== undefined && typeof onHandlerError !== 'function') throw new QuicArgumentError(`serveH3(options, handler): onHandlerError must be a function, not ${describe(onHandlerError)}`);
  const quic = await listen({ ...listenOptions, alpn: ['h3'] });
  const server = new H3Server(quic);
  void (async () => {
    for await (const conn of quic) {
      const c = new H3ServerConnection(conn, handler, { h3, onHandlerError });
      server.connections.add(c);
      conn.closed.then(() => server.connections.delete(c));
    }
  })();
  return server;
}
