// A Node-style `(req, res)` handler on top of serveH3's Fetch-API handler, for code
// written against node:http: `req` is a Readable of the request body with `method`,
// `url` (path and query), `headers` (lowercase names) and `trailers`; `res` has
// `statusCode`, `setHeader`, `getHeader`, `writeHead`, `write` and `end`. The response
// starts when the handler first writes or ends. `write` returns false while the
// queued body exceeds 1 MiB and `res` emits 'drain' when it falls below again.

import { EventEmitter } from 'node:events';
import { Readable } from 'node:stream';
import type { H3Handler } from './server';

/** The request a node:http-style handler gets from nodeStyle(): method, url, headers, and the body as a Readable. */
export interface NodeStyleRequest extends Readable {
  method: string;
  url: string;
  headers: Record<string, string>;
  trailers: Promise<Record<string, string>>;
}

/** The response a node:http-style handler writes through nodeStyle(): status, headers, write()/end(). */
export interface NodeStyleResponse extends EventEmitter {
  statusCode: number;
  readonly headersSent: boolean;
  setHeader(name: string, value: string | number | string[]): this;
  getHeader(name: string): string | undefined;
  writeHead(status: number, headers?: Record<string, string | number | string[]>): this;
  write(chunk: Uint8Array | string): boolean;
  end(chunk?: Uint8Array | string): this;
}

const HIGH_WATER = 1 << 20;
const toObject = (h: Headers) => { const o: Record<string, string> = {}; h.forEach((v, k) => { o[k] = v; }); return o; };

/** Wraps a `(req, res)` handler as an H3Handler. */
export function nodeStyle(handler: (req: NodeStyleRequest, res: NodeStyleResponse) => void | Promise<void>): H3Handler {
  return (request) => new Promise<Response>((resolve, reject) => {
    const u = new URL(request.url);
    const req = (request.body ? Readable.fromWeb(request.body as never) : Readable.from([])) as NodeStyleRequest;
    req.method = request.method;
    req.url = u.pathname + u.search;
    req.headers = toObject(request.headers);
    req.trailers = request.trailers.then(toObject);
    const headers = new Headers();
    let controller!: ReadableStreamDefaultController<Uint8Array>;
    let started = false, ended = false, needDrain = false;
    let res!: NodeStyleResponse;
    const body = new ReadableStream<Uint8Array>({
      start: (c) => { controller = c; },
      pull: () => { if (needDrain) { needDrain = false; res.emit('drain'); } },
    }, { highWaterMark: HIGH_WATER, size: (c) => c.byteLength });
    const commit = () => {
      if (started) return;
      started = true;
      resolve(new Response(res.statusCode === 204 || res.statusCode === 304 ? null : body, { status: res.statusCode, headers }));
    };
    const bytes = (c: Uint8Array | string) => (typeof c === 'string' ? new TextEncoder().encode(c) : c);
    res = Object.assign(new EventEmitter(), {
      statusCode: 200,
      get headersSent() { return started; },
      setHeader(name: string, value: string | number | string[]) {
        headers.delete(name);
        for (const v of Array.isArray(value) ? value : [value]) headers.append(name, String(v));
        return res;
      },
      getHeader: (name: string) => headers.get(name) ?? undefined,
      writeHead(status: number, h?: Record<string, string | number | string[]>) {
        res.statusCode = status;
        for (const [k, v] of Object.entries(h ?? {})) res.setHeader(k, v);
        return res;
      },
      write(chunk: Uint8Array | string) {
        if (ended) throw new Error('write after end');
        commit();
        const b = bytes(chunk);
        if (b.length) controller.enqueue(b);
        needDrain = (controller.desiredSize ?? 1) <= 0;
        return !needDrain;
      },
      end(chunk?: Uint8Array | string) {
        if (ended) return res;
        if (chunk !== undefined) res.write(chunk);
        commit();
        ended = true;
        controller.close();
        return res;
      },
    }) as NodeStyleResponse;
    Promise.resolve().then(() => handler(req, res)).catch((e) => {
      if (!started) reject(e); // serveH3 answers 500
      else controller.error(e);
    });
  });
}
