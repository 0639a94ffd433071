// The core reserve (host/core/node-core-reserve.ts): connect() takes a core instance made
// ahead and binds its imports then. Checked here: the spare is made after a connect()
// began and taken by the next, and both connections work end to end; an unbound core's
// imports reach what bind() gave it (a whole simulated transfer through forwarders,
// AES-GCM through node:crypto so the per-packet imports are called).
import { createHash } from 'node:crypto';
import { listen, connect, generateSelfSigned } from '../../host/index';
import { loadCoreModule } from '../../host/node';
import { Suite } from '../../host/crypto/suites';
import { reservedCores } from '../../host/core/node-core-reserve';
import { instantiateUnbound, type CoreImports } from '../../host/core/core';
import { pairOf, runUntil } from '../transport/sim';

const cert = generateSelfSigned({ subjectAltNames: ['localhost', '127.0.0.1'] });
const nextTurn = () => new Promise((r) => setImmediate(r));

test('connect() takes the spare core made after the previous connect(); both connections carry data', async () => {
  await using server = await listen({ alpn: ['x'], certificate: cert });
  void (async () => {
    for await (const conn of server) {
      void conn.acceptStream().then(async (s) => { await s.end(await s.readAll()); }).catch(() => undefined);
    }
  })();
  const module = loadCoreModule();
  const echo = async () => {
    const conn = await connect({ address: '127.0.0.1', port: server.address.port, alpn: ['x'], trustAnchors: [cert.chain[0]], timeoutMs: 10_000 });
    const s = conn.openStream();
    const data = createHash('sha256').update(String(Math.random())).digest();
    void s.end(data);
    expect(Buffer.from(await s.readAll()).equals(data)).toBe(true);
    await conn.close();
  };
  const before = reservedCores(module);
  await echo();
  await nextTurn();
  const afterFirst = reservedCores(module);
  expect(afterFirst.ready).toBe(true); // made in a spare moment after the first connect() began
  expect(afterFirst.made).toBe(before.made + (before.ready ? 0 : 1));
  await echo();
  await nextTurn();
  const afterSecond = reservedCores(module);
  expect(afterSecond.taken).toBe(afterFirst.taken + 1); // the second connect() ran on the spare
  expect(afterSecond.made).toBe(afterFirst.made + 1); // and another was made
  expect(afterSecond.ready).toBe(true);
}, 30_000);

test('an unbound core forwards every import to what bind() gave it: a whole AES-GCM transfer through node:crypto', async () => {
  const calls = new Map<string, number>();
  const made: ReturnType<typeof instantiateUnbound>[] = [];
  const instantiate = (m: WebAssembly.Module, imports: CoreImports) => {
    const unbound = instantiateUnbound(m);
    made.push(unbound);
    const counted: Record<string, WebAssembly.ImportValue> = {};
    for (const [name, fn] of Object.entries(imports.host ?? {})) {
      counted[name] = (...a: unknown[]) => { calls.set(name, (calls.get(name) ?? 0) + 1); return (fn as (...x: unknown[]) => unknown)(...a); };
    }
    unbound.bind({ host: counted });
    return unbound.core;
  };
  const t = await pairOf({
    client: { instantiate, tls: { alpn: ['test'], cipherSuites: [Suite.Aes128Gcm] } },
    server: { instantiate, tls: { alpn: ['test'], cipherSuites: [Suite.Aes128Gcm] } },
  });
  expect(made).toHaveLength(2);
  expect(t.client.handshakeInfo?.cipherSuite).toBe('TLS_AES_128_GCM_SHA256');
  const data = new Uint8Array(300_000).map((_, i) => (i * 7) & 0xff);
  const s = t.client.openStream();
  void s.end(data);
  let got: Uint8Array | null = null;
  void t.server.acceptStream().then(async (r) => { got = await r.readAll(); });
  expect(await runUntil(t.clock, () => got !== null)).toBe(true);
  expect(Buffer.from(got!).equals(Buffer.from(data))).toBe(true);
  // The per-packet imports went through the forwarders to the bound functions.
  expect((calls.get('aeadSeal') ?? 0) + (calls.get('aeadOpen') ?? 0)).toBeGreaterThan(100);
  expect(() => made[0].bind({ other: {} })).toThrow(/only "host" imports/);
}, 60_000);
