// What every server shape serves: each bidirectional stream a client opens is echoed
// back byte for byte, then ended. Shared by the six demos so they differ only in shape.
import type { QuicConnection } from '../../host/transport/connection';
import type { QuicStream } from '../../host/transport/stream';

/** ALPN of the shape demos. */
export const ALPN = 'quicwasm-shapes';

/** What one served connection carried. */
export interface Served {
  streams: number;
  bytes: number;
}

async function echoStream(s: QuicStream): Promise<number> {
  let n = 0;
  for await (const chunk of s) {
    n += chunk.length;
    await s.write(chunk);
  }
  await s.end();
  return n;
}

/**
 * Serves one connection until the client closes it: accepts streams and echoes each one
 * concurrently. Resolves with what it served (never rejects: a failed stream is not echoed,
 * which the client notices).
 */
export async function serveEcho(conn: QuicConnection): Promise<Served> {
  const served: Served = { streams: 0, bytes: 0 };
  const work: Promise<void>[] = [];
  for (;;) {
    let s: QuicStream;
    try { s = await conn.acceptStream(); } catch { break; } // the connection closed
    served.streams++;
    work.push(echoStream(s).then((n) => { served.bytes += n; }, () => undefined));
  }
  await Promise.all(work);
  return served;
}

/** Something connections are accepted from (an endpoint or a listener). */
export interface Acceptor {
  accept(): Promise<QuicConnection>;
}

/**
 * Accepts connections until the endpoint closes and serves each with serveEcho().
 * `accepting` settles when accept() fails (the endpoint closed); `finished()` waits for
 * every connection accepted so far and gives what each carried.
 */
export function serveAll(endpoint: Acceptor): { accepting: Promise<void>; finished(): Promise<Served[]> } {
  const served: Served[] = [];
  const connections: Promise<void>[] = [];
  const accepting = (async () => {
    for (;;) {
      let conn: QuicConnection;
      try { conn = await endpoint.accept(); } catch { return; }
      connections.push(serveEcho(conn).then((s) => { served.push(s); }));
    }
  })();
  return { accepting, finished: async () => { await Promise.all(connections); return served; } };
}
