// The upload the in-memory benches share: the client opens one stream and writes `total`
// bytes in 64 KiB writes; the server hashes what arrives. The caller starts its clocks
// after `start()` resolves (the handshake is done) and drives until `done()`.
import { createHash } from 'node:crypto';
import type { VirtualClock } from '../host/net/virtual-clock';
import type { Endpoint } from '../host/transport/create';
import type { CertifiedKey } from '../host/tls/pki/index';

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
  /** True when the server's SHA-256 equals the payload's. */
  intact(): boolean;
  /** The client's connection (to close it afterwards). */
  conn: ReturnType<Endpoint['connectTo']>;
}

/** Connects, waits for the handshake, and starts writing `payload`. */
export async function startUpload(client: Endpoint, server: Endpoint, clock: VirtualClock, cert: CertifiedKey, payload: Uint8Array): Promise<Upload> {
  const want = createHash('sha256').update(payload).digest('hex');
  let got = '';
  server.accept().then(async (sc) => {
    const s = await sc.acceptStream();
    const h = createHash('sha256');
    for (let c = await s.read(); c; c = await s.read()) h.update(c);
    got = h.digest('hex');
  });
  const conn = client.connectTo(0, { serverName: 'localhost', trustAnchors: [cert.chain[0]] });
  await drive(clock, () => conn.handshakeInfo !== null);
  const s = conn.openStream();
  (async () => { for (let o = 0; o < payload.length; o += 65536) await s.write(payload.subarray(o, o + 65536)); await s.end(); })();
  return { done: () => got !== '', intact: () => got === want, conn };
}
