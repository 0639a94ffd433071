// AES-GCM inside the core, end to end: with the portable provider (@noble, the browser's
// backend) the Initial, Handshake and 1-RTT AES keys live in the core's own key table
// (host/transport/keys.ts, backend-choice.ts inCoreAesGcmIsFastest). Both suites, through
// loss, reordering and key updates, byte-exact, against a peer that runs the same and
// against one that protects with node:crypto (the two AES implementations interoperate);
// every in-core key is freed at close (but the server's Initial probe pair, reused).
import { makeSim, connectSim, runUntil } from './sim';
import { nodeCryptoProvider } from '../../host/crypto/node-provider';
import { portableCryptoProvider } from '../../host/crypto/portable-provider';
import type { CryptoProvider } from '../../host/crypto/provider';
import { Suite } from '../../host/crypto/suites';
import { QUIC_V1, QUIC_V2 } from '../../host/transport/endpoint';

const coreKeys = (ep: { abi: { core: { exports: Record<string, unknown> } } }) => (ep.abi.core.exports.cryptoKeyCount as () => number)();

interface Extra { server?: Record<string, unknown>; client?: Record<string, unknown>; version?: number }

async function run(suite: Suite, client: CryptoProvider, server: CryptoProvider, extra: Extra = {}) {
  const impair = { loss: 0.03, delayUs: 10_000, jitterUs: 3000 };
  const tls = { alpn: ['test'], cipherSuites: [suite] };
  const sim = makeSim({ seed: 41, aToB: impair, bToA: impair, client: { crypto: client, tls, ...extra.client }, server: { crypto: server, tls, ...extra.server } });
  const pair = await connectSim(sim, extra.version === undefined ? {} : { version: extra.version });
  expect(pair).not.toBeNull();
  const { client: c } = pair!;
  const size = 300_000;
  const up = new Uint8Array(size).map((_, i) => (i * 13 + 1) & 0xff);
  const down = new Uint8Array(size).map((_, i) => (i * 7 + 5) & 0xff);
  let serverGot: Uint8Array | null = null, clientGot: Uint8Array | null = null;
  pair!.server.acceptStream().then(async (st) => { const w = st.end(down); serverGot = await st.readAll(); await w; });
  const st = c.openStream();
  void st.end(up);
  st.readAll().then((d) => { clientGot = d; });
  sim.clock.setTimer(sim.clock.now() + 50_000, () => c.updateKeys());
  sim.clock.setTimer(sim.clock.now() + 200_000, () => pair!.server.updateKeys());
  expect(await runUntil(sim.clock, () => serverGot !== null && clientGot !== null)).toBe(true);
  expect(Buffer.compare(serverGot!, up)).toBe(0);
  expect(Buffer.compare(clientGot!, down)).toBe(0);
  expect(c.stats().packetsLost).toBeGreaterThan(0);
  expect(c.stats().keyUpdates).toBeGreaterThanOrEqual(2);
  const cipherSuite = c.handshakeInfo?.cipherSuite;
  const version = c.version;
  const retries = c.stats().retriesReceived;
  const live = { client: coreKeys(sim.client), server: coreKeys(sim.server) };
  let closed = false;
  c.close(0, 'done').then(() => { closed = true; });
  expect(await runUntil(sim.clock, () => closed)).toBe(true);
  await runUntil(sim.clock, () => false, 5_000_000);
  const after = { client: coreKeys(sim.client), server: coreKeys(sim.server) };
  sim.client.close().catch(() => undefined);
  sim.server.close().catch(() => undefined);
  return { cipherSuite, version, retries, live, after };
}

for (const [suite, name] of [[Suite.Aes128Gcm, 'TLS_AES_128_GCM_SHA256'], [Suite.Aes256Gcm, 'TLS_AES_256_GCM_SHA384']] as const) {
  test(`${name}: portable provider both ends, keys in the core, lossy transfer with key updates, freed at close`, async () => {
    const r = await run(suite, portableCryptoProvider, portableCryptoProvider);
    expect(r.cipherSuite).toBe(name);
    expect(r.live.client).toBeGreaterThanOrEqual(4);
    expect(r.live.server).toBeGreaterThanOrEqual(4);
    // The server keeps one slot: its Initial probe's reusable pair (compact, AEAD and header
    // protection keys in one 48-B slot: host/crypto/initial-probe.ts).
    expect(r.after).toEqual({ client: 0, server: 1 });
  });
}

test('in-core AES-128-GCM client against a node:crypto server (whose AES keys stay in its provider)', async () => {
  const r = await run(Suite.Aes128Gcm, portableCryptoProvider, nodeCryptoProvider);
  expect(r.cipherSuite).toBe('TLS_AES_128_GCM_SHA256');
  expect(r.live.client).toBeGreaterThanOrEqual(4);
  // Only Initial keys go to the server's core with node:crypto: its probe's one slot is all that is left.
  expect(r.live.server).toBe(1);
  expect(r.after).toEqual({ client: 0, server: 1 });
});

test('Initial keys in the core follow a Retry (new DCID) and QUIC v2 (other salt and labels), both ends portable', async () => {
  const retry = await run(Suite.Aes128Gcm, portableCryptoProvider, portableCryptoProvider, { server: { retry: 'always' } });
  expect(retry.retries).toBe(1);
  expect(retry.after).toEqual({ client: 0, server: 1 });
  const v2 = await run(Suite.Aes128Gcm, portableCryptoProvider, portableCryptoProvider, { version: QUIC_V2, server: { versions: [QUIC_V2, QUIC_V1] } });
  expect(v2.version).toBe(QUIC_V2);
  expect(v2.after).toEqual({ client: 0, server: 1 });
});
