// Serving a directory: the one place that maps a request path to a file, shared by
// the HTTP/3 handler and the hq-interop server. A path is refused (null) when it has a
// ".." segment, a NUL byte, or resolves outside the root after symlinks are followed.

import { createReadStream } from 'node:fs';
import { realpath, stat } from 'node:fs/promises';
import { extname, resolve, sep } from 'node:path';
import { Readable } from 'node:stream';

/** Why a path was not served. */
export type FileMiss = 'forbidden' | 'not-found';

/** The file a request path names under `root`, or why not. `/` and `/dir/` map to index.html. */
export async function resolveFile(root: string, requestPath: string): Promise<{ path: string; size: number } | FileMiss> {
  let decoded: string;
  try {
    decoded = decodeURIComponent(requestPath.split('?')[0]);
  } catch {
    return 'forbidden';
  }
  if (decoded.includes('\0') || decoded.split(/[/\\]/).includes('..')) return 'forbidden';
  if (decoded.endsWith('/')) decoded += 'index.html';
  const base = await realpath(root);
  const candidate = resolve(base, '.' + (decoded.startsWith('/') ? decoded : '/' + decoded));
  let real: string;
  try {
    real = await realpath(candidate);
  } catch {
    return 'not-found';
  }
  if (real !== base && !real.startsWith(base + sep)) return 'forbidden';
  const st = await stat(real).catch(() => null);
  if (!st || !st.isFile()) return 'not-found';
  return { path: real, size: st.size };
}

/** Bytes of a file as a web ReadableStream. */
export function fileStream(path: string): ReadableStream<Uint8Array> {
  return Readable.toWeb(createReadStream(path, { highWaterMark: 256 * 1024 })) as ReadableStream<Uint8Array>;
}

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8', '.txt': 'text/plain; charset=utf-8', '.json': 'application/json',
  '.js': 'text/javascript', '.css': 'text/css', '.png': 'image/png', '.jpg': 'image/jpeg', '.svg': 'image/svg+xml',
};

/** A Fetch-API handler serving `root` for GET and HEAD. */
export function fileHandler(root: string): (req: Request) => Promise<Response> {
  return async (req) => {
    if (req.method !== 'GET' && req.method !== 'HEAD') return new Response('method not allowed\n', { status: 405, headers: { allow: 'GET, HEAD' } });
    const f = await resolveFile(root, new URL(req.url).pathname);
    if (f === 'forbidden') return new Response('forbidden\n', { status: 403 });
    if (f === 'not-found') return new Response('not found\n', { status: 404 });
    const headers = { 'content-length': String(f.size), 'content-type': TYPES[extname(f.path)] ?? 'application/octet-stream' };
    return new Response(req.method === 'HEAD' ? null : fileStream(f.path), { headers });
  };
}

