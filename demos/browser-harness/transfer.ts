// The browser harness's engine, and the simulator transfer every runtime check runs: a
// client uploads on one stream to a server over an in-memory DgramPair with the link
// impairments the user chose, on a virtual clock (as fast as the CPU allows, with the
// timing the link would have); SHA-256 at both ends, samples of progress, congestion
// window and RTT for live charts, and an optional qlog. Uses only the public browser
// entry, so it runs unchanged in Node, Deno, Bun and a page.

import { sha256 } from '@noble/hashes/sha2.js';
import {
  compileCore, createClientEndpoint, createServerEndpoint, DgramPair, VirtualClock, generateSelfSigned, portableCryptoProvider,
  type CryptoProvider, type LinkImpairments, type QlogSinkFactory,
} from '../../host/browser';

const toHex = (b: Uint8Array) => Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');

/** Yields to the event loop (a macrotask, so promise chains settle first); MessageChannel is in every runtime. */
function macrotask(): Promise<void> {
  return new Promise((resolve) => {
    const ch = new MessageChannel();
    ch.port1.onmessage = () => { ch.port1.close(); resolve(); };
    ch.port2.postMessage(0);
  });
}

async function drive(clock: VirtualClock, done: () => boolean, maxSteps = 5_000_000): Promise<boolean> {
  for (let i = 0; i < maxSteps && !done(); i++) {
    await macrotask();
    if (done()) break;
    const next = clock.nextDeadline();
    if (next === Infinity) break;
    clock.advanceTo(next);
  }
  return done();
}

export interface TransferResult {
  ok: boolean;
  bytes: number;
  sentSha256: string;
  receivedSha256: string;
  wallMs: number;
  mbps: number;
  msPerMB: number;
  /** Congestion window samples (bytes) and smoothed RTT (ms) over the transfer, for charts. */
  samples: { t: number; progress: number; cwnd: number; rttMs: number }[];
  lost: number;
}

export interface TransferOptions {
  bytes: number;
  provider?: CryptoProvider;
  link?: LinkImpairments;
  seed?: number;
  /** Called with each sample while the transfer runs. */
  onSample?: (s: TransferResult['samples'][number]) => void;
  /** qlog sink factory (MemoryQlog().factory) for the client. */
  qlogSink?: QlogSinkFactory;
}

/** Client uploads `bytes` on one stream to a server over an in-memory link; SHA-256 at both ends. */
export async function simulatorTransfer(opts: TransferOptions): Promise<TransferResult> {
  const coreModule = await compileCore();
  const crypto = opts.provider ?? portableCryptoProvider;
  const cert = generateSelfSigned({ subjectAltNames: ['localhost'] });
  const clock = new VirtualClock(1_000_000);
  const link: LinkImpairments = { delayUs: 1000, ...opts.link };
  const pair = new DgramPair({ clock, seed: opts.seed ?? 1, aToB: link, bToA: link });
  const server = createServerEndpoint({ coreModule, network: pair.b, clock, crypto, certificate: cert, tls: { alpn: ['check'] }, seed: Uint32Array.of(1, 2, 3, 4) });
  const client = createClientEndpoint({
    coreModule, network: pair.a, clock, crypto, tls: { alpn: ['check'] }, seed: Uint32Array.of(5, 6, 7, 8),
    qlog: opts.qlogSink ? { sink: opts.qlogSink } : undefined,
  });
  const payload = new Uint8Array(opts.bytes);
  let x = opts.seed ?? 1;
  for (let i = 0; i < payload.length; i++) { x = (x * 1103515245 + 12345) >>> 0; payload[i] = x >>> 24; }
  const sentSha256 = toHex(sha256(payload));
  let receivedSha256 = '';
  let received = 0;
  server.accept().then(async (sc) => {
    const s = await sc.acceptStream();
    const h = sha256.create();
    for (let c = await s.read(); c; c = await s.read()) { h.update(c); received += c.length; }
    receivedSha256 = toHex(h.digest());
  }).catch(() => undefined);
  const conn = client.connectTo(0, { serverName: 'localhost', trustAnchors: [cert.chain[0]] });
  const samples: TransferResult['samples'] = [];
  if (!(await drive(clock, () => conn.handshakeInfo !== null))) throw new Error('handshake did not complete');
  const s = conn.openStream();
  (async () => { for (let o = 0; o < payload.length; o += 65536) await s.write(payload.subarray(o, o + 65536)); await s.end(); })().catch(() => undefined);
  const t0 = performance.now();
  let lastSample = -1;
  await drive(clock, () => {
    const t = Math.floor((clock.now() - 1_000_000) / 20_000); // a sample every 20 ms of virtual time
    if (t !== lastSample) {
      lastSample = t;
      const st = conn.stats();
      const sample = { t: clock.now() / 1000, progress: received / payload.length, cwnd: st.cwnd, rttMs: st.smoothedRttUs / 1000 };
      samples.push(sample);
      opts.onSample?.(sample);
    }
    return receivedSha256 !== '';
  });
  const wallMs = performance.now() - t0;
  const lost = conn.stats().packetsLost;
  let closed = false;
  conn.close(0, 'done').then(() => { closed = true; });
  await drive(clock, () => closed);
  // Endpoints close once their connections drained, which takes virtual time.
  let ended = false;
  Promise.all([client.close(), server.close()]).then(() => { ended = true; });
  await drive(clock, () => ended);
  return {
    ok: receivedSha256 === sentSha256, bytes: payload.length, sentSha256, receivedSha256, wallMs,
    mbps: (payload.length * 8) / (wallMs * 1000), msPerMB: wallMs / (payload.length / 1e6), samples, lost,
  };
}
