// The client every shape demo runs against its server: N connections at once, each with
// S streams at once, each stream sending B bytes (a different pattern per stream) and
// checking the echo byte for byte. The same client code whatever the server's shape; only
// how a connection is made differs (UDP connect(), or an endpoint on a memory pipe).
import type { QuicConnection } from '../../host/transport/connection';

/** How many and how much. */
export interface ClientLoad {
  connections: number;
  streams: number;
  bytes: number;
}

/** What the clients saw. */
export interface ClientReport {
  connections: number;
  streams: number;
  /** Streams whose echo matched what was sent, byte for byte. */
  exact: number;
  bytesEchoed: number;
  ms: number;
  /** Errors seen (connection or stream failures), as messages. */
  errors: string[];
}

/** Defaults small enough for a test, big enough to need flow control on every stream. */
export const DEFAULT_LOAD: ClientLoad = { connections: 20, streams: 4, bytes: 32 * 1024 };

/** The bytes stream `s` of connection `c` sends: distinct per stream, cheap to make. */
export function pattern(c: number, s: number, n: number): Uint8Array {
  const out = new Uint8Array(n);
  let x = (c * 7919 + s * 104729 + 1) >>> 0;
  for (let i = 0; i < n; i++) {
    x = (Math.imul(x, 1664525) + 1013904223) >>> 0;
    out[i] = x >>> 24;
  }
  return out;
}

function same(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** Runs the load; `open(i)` makes connection i (established). Closes every connection it opened. */
export async function runClients(open: (i: number) => Promise<QuicConnection>, load: ClientLoad = DEFAULT_LOAD): Promise<ClientReport> {
  const start = performance.now();
  const report: ClientReport = { connections: 0, streams: 0, exact: 0, bytesEchoed: 0, ms: 0, errors: [] };
  await Promise.all(Array.from({ length: load.connections }, async (_, c) => {
    let conn: QuicConnection;
    try { conn = await open(c); } catch (err) { report.errors.push(`connection ${c}: ${(err as Error).message}`); return; }
    report.connections++;
    await Promise.all(Array.from({ length: load.streams }, async (_, s) => {
      try {
        const stream = await conn.openStreamAsync();
        report.streams++;
        const sent = pattern(c, s, load.bytes);
        const [, back] = await Promise.all([stream.end(sent), stream.readAll()]);
        if (same(sent, back)) { report.exact++; report.bytesEchoed += back.length; } else report.errors.push(`connection ${c} stream ${s}: echo differs (${back.length} of ${sent.length} bytes back)`);
      } catch (err) {
        report.errors.push(`connection ${c} stream ${s}: ${(err as Error).message}`);
      }
    }));
    await conn.close(0, 'done').catch((err) => report.errors.push(`connection ${c} close: ${(err as Error).message}`));
  }));
  report.ms = performance.now() - start;
  return report;
}

/** One readable line: "20 connections × 4 streams × 32.8 kB: 80/80 echoed byte-exact in 812 ms". */
export function summary(shape: string, r: ClientReport, load: ClientLoad, extra = ''): string {
  const kb = (load.bytes / 1000).toFixed(1);
  const errors = r.errors.length ? `; ${r.errors.length} errors, first: ${r.errors[0]}` : '';
  return `[${shape}] ${r.connections}/${load.connections} connections × ${load.streams} streams × ${kb} kB: ${r.exact}/${load.connections * load.streams} echoed byte-exact in ${r.ms.toFixed(0)} ms${extra ? ` (${extra})` : ''}${errors}`;
}
