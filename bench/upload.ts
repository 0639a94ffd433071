// The upload the in-memory benches share: the client opens one stream and writes `total`
// bytes in 64 KiB writes; the server compares what arrives with them, byte for byte. The
// caller starts its clocks after `start()` resolves (the handshake is done) and drives
// until `done()`.
import { createHash } from 'node:crypto';
import type { VirtualClock } from '../host/net/virtual-clock';
import type { Endpoint } from '../host/transport/create';
import type { CertifiedKey } from '../host/tls/pki/index';
import type { QuicStream } from '../host/transport/stream';

/** Runs a virtual clock until `done`, letting promise callbacks run between steps. */
export async function drive(clock: VirtualClock, done: () => boolean): Promise<void> {
  for (let i = 0; i < 50_000_000 && !done(); i++) {
    await new Promise((r) => setImmediate(r));
    const next = clock.nextDeadline();
    if (next === Infinity) break;
    clock.advanceTo(next);
  }
}

export interface Upload {
  /** True once the server has read everything (the FIN). */
  done(): boolean;
  /** True when the server received the payload byte for byte, and nothing more. */
  intact(): boolean;
  /** The client's connection (to close it afterwards). */
  conn: ReturnType<Endpoint['connectTo']>;
}

/**
 * How a bench's receiver reads a stream: 'into' one reused 64 KiB buffer (readInto(), no
 * allocation per read: what a bulk receiver should do), or 'chunks' (read(): a fresh
 * buffer per read). BENCH_READS=chunks picks the second, to compare.
 */
export type ReadStyle = 'into' | 'chunks';
export const defaultReads: ReadStyle = process.env.BENCH_READS === 'chunks' ? 'chunks' : 'into';

/** Hashes stream `s` to its end, read the `reads` way; resolves with the SHA-256 in hex. */
export async function hashStream(s: QuicStream, reads: ReadStyle = defaultReads): Promise<string> {
  const h = createHash('sha256');
  if (reads === 'chunks') {
    for (let c = await s.read(); c; c = await s.read()) h.update(c);
  } else {
    const buf = new Uint8Array(65536);
    for (let n = await s.readInto(buf); n !== null; n = await s.readInto(buf)) h.update(buf.subarray(0, n));
  }
  return h.digest('hex');
}

/**
 * Reads stream `s` to its end the `reads` way and compares every byte with `expected`
 * (in place: no hash, whose ≈ 2 ns per byte would be the bench's own cost in a figure
 * meant for the stack's). True when all of it arrived, byte for byte, and nothing more.
 */
export async function matchStream(s: QuicStream, expected: Uint8Array, reads: ReadStyle = defaultReads): Promise<boolean> {
  let at = 0;
  let same = true;
  const check = (b: Uint8Array) => {
    if (same) same = at + b.length <= expected.length && Buffer.compare(b, expected.subarray(at, at + b.length)) === 0;
    at += b.length;
  };
  if (reads === 'chunks') {
    for (let c = await s.read(); c; c = await s.read()) check(c);
  } else {
    const buf = new Uint8Array(65536);
    for (let n = await s.readInto(buf); n !== null; n = await s.readInto(buf)) check(buf.subarray(0, n));
  }
  return same && at === expected.length;
}

/** Connects, waits for the handshake, and starts writing `payload`. */
export async function startUpload(client: Endpoint, server: Endpoint, clock: VirtualClock, cert: CertifiedKey, payload: Uint8Array, reads: ReadStyle = defaultReads): Promise<Upload> {
  let result: boolean | null = null;
  server.accept().then(async (sc) => {
    result = await matchStream(await sc.acceptStream(), payload, reads);
  });
  const conn = client.connectTo(0, { serverName: 'localhost', trustAnchors: [cert.chain[0]] });
  await drive(clock, () => conn.handshakeInfo !== null);
  const s = conn.openStream();
  (async () => { for (let o = 0; o < payload.length; o += 65536) await s.write(payload.subarray(o, o + 65536)); await s.end(); })();
  return { done: () => result !== null, intact: () => result === true, conn };
}
