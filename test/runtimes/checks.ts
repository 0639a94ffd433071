// The checks every runtime runs (Node, Deno, Bun, headless Chromium): the RFC 9001 and
// RFC 9369 vectors through a crypto backend, and a simulator transfer (client and server
// over a DgramPair on a virtual clock) hashed at both ends. Platform-neutral on purpose:
// rollup bundles this file with the core inlined (build/runtime-checks.mjs), and the
// same bundle runs everywhere; test/portability/runtimes.test.ts drives it.

import { sha256 } from '@noble/hashes/sha2.js';
import { bundledCoreBytes } from '../../host/core/bundled-core';
import { compileCore } from '../../host/core/source';
import { initialSecrets, packetKeyMaterial, nextGenerationSecret } from '../../host/crypto/quic-keys';
import { retryIntegrityTag } from '../../host/crypto/retry';
import { Suite } from '../../host/crypto/suites';
import { portableCryptoProvider } from '../../host/crypto/portable-provider';
import type { CryptoProvider } from '../../host/crypto/provider';
import { createClientEndpoint, createServerEndpoint } from '../../host/transport/create';
import { DgramPair, type LinkImpairments } from '../../host/net/dgram-pair';
import { VirtualClock } from '../../host/net/virtual-clock';
import { generateSelfSigned } from '../../host/tls/pki/index';
import { toHex } from '../../host/tls/bytes';
import v1 from '../vectors/rfc9001-protection.json';
import v2 from '../vectors/rfc9369-protection.json';

export { portableCryptoProvider };

const fromHex = (h: string) => Uint8Array.from(h.replace(/\s+/g, '').match(/../g) ?? [], (b) => parseInt(b, 16));

/** Protects a packet the way the core does (AEAD, then header protection), in JS, through `provider`. */
function protect(provider: CryptoProvider, suite: Suite, keys: { key: string; iv: string; hp: string }, p: { header: string; pnOffset: number; pnLength: number; pn: number; payload: string; payloadLength?: number }): string {
  const header = fromHex(p.header);
  const payloadLen = p.payloadLength ?? p.payload.replace(/\s+/g, '').length / 2;
  const buf = new Uint8Array(header.length + payloadLen + 16);
  buf.set(header);
  buf.set(fromHex(p.payload), header.length);
  provider.createPacketProtector(suite, fromHex(keys.key), fromHex(keys.iv)).seal(buf, p.pn, 0, header.length, payloadLen);
  const mask = new Uint8Array(5);
  provider.createHeaderProtector(suite, fromHex(keys.hp)).mask(buf, p.pnOffset + 4, mask, 0);
  buf[0] ^= mask[0] & ((buf[0] & 0x80) ? 0x0f : 0x1f);
  for (let i = 0; i < p.pnLength; i++) buf[p.pnOffset + i] ^= mask[1 + i];
  return toHex(buf);
}

/** RFC 9001 Appendix A and RFC 9369 Appendix A; returns the names of the checks that failed (empty = all passed) and how many ran. */
export function rfcVectors(provider: CryptoProvider): { ran: number; failed: string[] } {
  const failed: string[] = [];
  let ran = 0;
  const check = (name: string, got: string, want: string) => { ran++; if (got !== want) failed.push(name); };
  for (const vec of [v1, v2]) {
    const v = `v${vec.version === 1 ? 1 : 2}`;
    const s = initialSecrets(vec.version, fromHex(vec.dcid));
    check(`${v} client initial secret`, toHex(s.client), vec.client.secret);
    check(`${v} server initial secret`, toHex(s.server), vec.server.secret);
    for (const [name, side] of [['client', vec.client], ['server', vec.server]] as const) {
      const m = packetKeyMaterial(vec.version, Suite.Aes128Gcm, fromHex(side.secret));
      check(`${v} ${name} key/iv/hp`, [m.key, m.iv, m.hp].map(toHex).join(), [side.key, side.iv, side.hp].join());
    }
    const c = packetKeyMaterial(vec.version, Suite.ChaCha20Poly1305, fromHex(vec.chacha.secret));
    check(`${v} chacha key/iv/hp`, [c.key, c.iv, c.hp].map(toHex).join(), [vec.chacha.key, vec.chacha.iv, vec.chacha.hp].join());
    check(`${v} key update secret`, toHex(nextGenerationSecret(vec.version, Suite.ChaCha20Poly1305, fromHex(vec.chacha.secret))), vec.chacha.ku);
    const retry = fromHex(vec.retry.packet);
    check(`${v} retry tag`, toHex(retryIntegrityTag(vec.version, fromHex(vec.dcid), retry.subarray(0, retry.length - 16))), vec.retry.packet.slice(-32));
    check(`${v} client Initial (${provider.name})`, protect(provider, Suite.Aes128Gcm, vec.client, vec.clientInitial), vec.clientInitial.protected);
    check(`${v} server Initial (${provider.name})`, protect(provider, Suite.Aes128Gcm, vec.server, vec.serverInitial), vec.serverInitial.protected);
    check(`${v} ChaCha20 short header (${provider.name})`, protect(provider, Suite.ChaCha20Poly1305, vec.chacha, vec.chacha), vec.chacha.protected);
  }
  return { ran, failed };
}

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
  qlogSink?: import('../../host/transport/qlog/sink').QlogSinkFactory;
}

/** Client uploads `bytes` on one stream to a server over an in-memory link; SHA-256 at both ends. */
export async function simulatorTransfer(opts: TransferOptions): Promise<TransferResult> {
  const coreModule = await compileCore(bundledCoreBytes ? bundledCoreBytes() : undefined);
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
