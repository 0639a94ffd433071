// hq-interop (HTTP/0.9 over QUIC), the ALPN the QUIC Interop Runner uses besides h3:
// the client sends "GET /path\r\n" and FIN on a new bidirectional stream, the server
// answers with the file's bytes and FIN. One stream per file, any number at once.
// Failures reset the response stream with one of HqErrorCode (documented in README).

import { connectWith } from './endpoints';
import type { QuicConnection } from '../transport/connection';
import type { QuicStream } from '../transport/stream';
import { QuicArgumentError, QuicError } from '../errors';
import { resolveFile, fileStream } from './files';
import type { H3ClientOptions } from './client';
import { resetStream } from './stream-reset';

/** The ALPN of hq-interop (HTTP/0.9 over QUIC, as the QUIC Interop Runner uses it). */
export const HQ_ALPN = 'hq-interop';

/** Application error codes the hq-interop server resets a stream with. */
export const HqErrorCode = {
  /** The file does not exist (HTTP's 404). */
  NOT_FOUND: 0x10,
  /** The path was refused: a ".." segment or outside the root (HTTP's 403). */
  FORBIDDEN: 0x11,
  /** The request was not "GET /path" (HTTP's 400). */
  BAD_REQUEST: 0x12,
  /** Reading the file failed. */
  INTERNAL: 0x13,
} as const;

/** Serves files from `root` on an accepted hq-interop connection until it closes. */
export async function serveHqConnection(conn: QuicConnection, root: string): Promise<void> {
  for (;;) {
    let s: QuicStream;
    try { s = await conn.acceptStream(); } catch { return; }
    if (s.unidirectional) { s.stopSending(HqErrorCode.BAD_REQUEST); continue; }
    void serveHqStream(s, root).catch(() => undefined);
  }
}

async function serveHqStream(s: QuicStream, root: string): Promise<void> {
  let line: string;
  try {
    line = new TextDecoder().decode(await s.readAll(4096));
  } catch {
    return resetStream(s, HqErrorCode.BAD_REQUEST); // over 4 KiB, or reset by the client
  }
  const m = /^GET (\/\S*)\s*$/.exec(line);
  if (!m) return resetStream(s, HqErrorCode.BAD_REQUEST);
  const f = await resolveFile(root, m[1]);
  if (f === 'forbidden') return resetStream(s, HqErrorCode.FORBIDDEN);
  if (f === 'not-found') return resetStream(s, HqErrorCode.NOT_FOUND);
  const reader = fileStream(f.path).getReader();
  try {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      await s.write(value);
    }
    await s.end();
  } catch (e) {
    await reader.cancel().catch(() => undefined);
    if (!(e instanceof QuicError)) await resetStream(s, HqErrorCode.INTERNAL);
  }
}

/** An hq-interop client on one connection. */
export class HqClient {
  private constructor(readonly quic: QuicConnection, readonly origin: URL) {}

  /** Connects to the origin of `url` with ALPN hq-interop. Options as for H3Client. */
  static async connect(url: string | URL, options: Omit<H3ClientOptions, 'h3'> = {}): Promise<HqClient> {
    const u = new URL(url);
    if (u.protocol !== 'https:') throw new QuicArgumentError(`hq-interop needs an https: URL, not ${u.protocol}`);
    const port = options.port ?? (u.port ? Number(u.port) : 443);
    const hostname = u.hostname.startsWith('[') ? u.hostname.slice(1, -1) : u.hostname;
    const address = options.address ?? hostname; // a name: connect() tries each of its addresses (RFC 8305)
    const quic = await connectWith({ serverName: hostname, ...options, address, port, alpn: [HQ_ALPN] });
    return new HqClient(quic, new URL(u.origin));
  }

  /**
   * Requests `path` on a new stream; the body streams as it arrives. A server reset
   * rejects the reading with a QuicStreamError whose `quicCode` is the HqErrorCode.
   */
  async get(path: string): Promise<ReadableStream<Uint8Array>> {
    if (!path.startsWith('/') || /[\s]/.test(path)) throw new QuicArgumentError(`bad hq-interop path ${JSON.stringify(path)}`);
    const s = await this.quic.openStreamAsync();
    await s.end(new TextEncoder().encode(`GET ${path}\r\n`));
    return new ReadableStream<Uint8Array>({
      pull: async (c) => {
        try {
          const chunk = await s.read();
          if (chunk) c.enqueue(chunk); else c.close();
        } catch (e) {
          c.error(e);
        }
      },
      cancel: () => s.stopSending(0),
    }, { highWaterMark: 0 });
  }

  async close(): Promise<void> {
    await this.quic.close(0, '');
  }
}
