// ChaCha20-Poly1305 inside the core, end to end: both endpoints negotiate
// TLS_CHACHA20_POLY1305_SHA256, their Handshake and 1-RTT keys live in the core's own key
// table, as do the AES-128-GCM Initial keys (compact slots: the host provider makes no key
// at all), and a lossy,
// reordered transfer with key updates arrives byte-exact. The same with the in-core
// backend switched off shows the provider is what made the ChaCha20 keys then. A
// quicwasm server prefers ChaCha20 where the in-core ChaCha20 is the fastest suite.
import { makeSim, connectSim, runUntil } from './sim';
import { nodeCryptoProvider } from '../../host/crypto/node-provider';
import type { CryptoProvider } from '../../host/crypto/provider';
import { Suite } from '../../host/crypto/suites';
import { portableCryptoProvider } from '../../host/crypto/portable-provider';
import { inCoreChaCha20IsFastest } from '../../host/crypto/backend-choice';

function counting(base: CryptoProvider) {
  const suites: Suite[] = [];
  const p: CryptoProvider = {
    name: `counting ${base.name}`,
    createPacketProtector: (s, k, iv) => { suites.push(s); return base.createPacketProtector(s, k, iv); },
    createHeaderProtector: (s, k) => { suites.push(s); return base.createHeaderProtector(s, k); },
  };
  return { p, suites };
}

const coreKeys = (ep: { abi: { core: { exports: Record<string, unknown> } } }) => (ep.abi.core.exports.cryptoKeyCount as () => number)();

async function run(inCoreChaCha20: boolean) {
  const c = counting(nodeCryptoProvider), s = counting(nodeCryptoProvider);
  const impair = { loss: 0.03, delayUs: 10_000, jitterUs: 3000 };
  const tls = { alpn: ['test'], cipherSuites: [Suite.ChaCha20Poly1305] };
  const sim = makeSim({
    seed: 33, aToB: impair, bToA: impair,
    client: { crypto: c.p, tls, inCoreChaCha20 }, server: { crypto: s.p, tls, inCoreChaCha20 },
  });
  const pair = await connectSim(sim);
  expect(pair).not.toBeNull();
  const { client, server } = pair!;
  expect(client.handshakeInfo?.cipherSuite).toBe('TLS_CHACHA20_POLY1305_SHA256');

  const size = 1_000_000;
  const up = new Uint8Array(size).map((_, i) => (i * 13 + 1) & 0xff);
  const down = new Uint8Array(size).map((_, i) => (i * 7 + 5) & 0xff);
  let serverGot: Uint8Array | null = null, clientGot: Uint8Array | null = null;
  server.acceptStream().then(async (st) => { const w = st.end(down); serverGot = await st.readAll(); await w; });
  const st = client.openStream();
  void st.end(up);
  st.readAll().then((d) => { clientGot = d; });
  // Two key updates mid-transfer: the next generation's keys are installed the same way.
  sim.clock.setTimer(sim.clock.now() + 50_000, () => client.updateKeys());
  sim.clock.setTimer(sim.clock.now() + 300_000, () => server.updateKeys());
  expect(await runUntil(sim.clock, () => serverGot !== null && clientGot !== null)).toBe(true);
  expect(Buffer.compare(serverGot!, up)).toBe(0);
  expect(Buffer.compare(clientGot!, down)).toBe(0);
  const stats = client.stats();
  expect(stats.packetsLost).toBeGreaterThan(0);
  expect(stats.keyUpdates).toBeGreaterThanOrEqual(2);
  const live = { client: coreKeys(sim.client), server: coreKeys(sim.server) };

  let closed = false;
  client.close(0, 'done').then(() => { closed = true; });
  expect(await runUntil(sim.clock, () => closed)).toBe(true);
  await runUntil(sim.clock, () => false, 5_000_000);
  const after = { client: coreKeys(sim.client), server: coreKeys(sim.server) };
  sim.client.close().catch(() => undefined);
  sim.server.close().catch(() => undefined);
  return { clientSuites: new Set(c.suites), serverSuites: new Set(s.suites), live, after };
}

test('in-core ChaCha20 both ends: 1 MB each way through 3% loss and key updates, byte-exact; keys freed at close', async () => {
  const r = await run(true);
  expect([...r.clientSuites]).toEqual([]);
  expect([...r.serverSuites]).toEqual([]);
  expect(r.live.client).toBeGreaterThanOrEqual(4); // 1-RTT read/write AEAD and HP keys at least
  expect(r.live.server).toBeGreaterThanOrEqual(4);
  // All freed but the server's Initial probe slot (host/crypto/initial-probe.ts), kept for the next Initial.
  expect(r.after).toEqual({ client: 0, server: 1 });
});

test('with inCoreChaCha20: false the provider makes the ChaCha20 keys and the core holds none but the Initial probe pair', async () => {
  const r = await run(false);
  expect(r.clientSuites.has(Suite.ChaCha20Poly1305)).toBe(true);
  expect(r.serverSuites.has(Suite.ChaCha20Poly1305)).toBe(true);
  expect(r.live).toEqual({ client: 0, server: 1 });
});

describe('server cipher suite preference', () => {
  async function negotiated(opts: Parameters<typeof makeSim>[0]) {
    const sim = makeSim(opts);
    const pair = await connectSim(sim);
    expect(pair).not.toBeNull();
    const suite = pair!.client.handshakeInfo?.cipherSuite;
    sim.client.close().catch(() => undefined);
    sim.server.close().catch(() => undefined);
    return suite;
  }

  test('a quicwasm server picks ChaCha20-Poly1305 (in-core) when the client offers it', async () => {
    expect(await negotiated({ seed: 3 })).toBe('TLS_CHACHA20_POLY1305_SHA256');
  });

  test('AES-128-GCM when the client does not offer ChaCha20, the server turns in-core off, or configures its order', async () => {
    expect(await negotiated({ seed: 3, client: { tls: { alpn: ['test'], cipherSuites: [Suite.Aes128Gcm, Suite.Aes256Gcm] } } })).toBe('TLS_AES_128_GCM_SHA256');
    expect(await negotiated({ seed: 3, server: { inCoreChaCha20: false } })).toBe('TLS_AES_128_GCM_SHA256');
    expect(await negotiated({ seed: 3, server: { tls: { alpn: ['test'], cipherSuites: [Suite.Aes256Gcm, Suite.ChaCha20Poly1305] } } })).toBe('TLS_AES_256_GCM_SHA384');
  });

  test('the per-runtime rule: not with node:crypto under Bun (its AES-GCM is as fast), yes with the portable backend', () => {
    const g = globalThis as { Bun?: unknown };
    expect(inCoreChaCha20IsFastest(nodeCryptoProvider)).toBe(true);
    g.Bun = {};
    try {
      expect(inCoreChaCha20IsFastest(nodeCryptoProvider)).toBe(false);
      expect(inCoreChaCha20IsFastest(portableCryptoProvider)).toBe(true);
    } finally {
      delete g.Bun;
    }
  });
});
