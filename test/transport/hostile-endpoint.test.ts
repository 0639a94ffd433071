// The endpoint facing the internet (issue 17): junk Initials take no state, spoofed
// valid Initials take only capped half-open slots and no more than 3x what they sent,
// a real client is served throughout, addresses are forgotten with their connections,
// and a handshake that cannot complete ends with ERR_QUIC_HANDSHAKE_TIMEOUT.
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { coreWasmPath } from '../../host/core/node-loader';
import { coreModule, cert, runUntil } from './sim';
import { MultiSourceNetwork, junkInitial, forgeInitial } from './flood';
import { createClientEndpoint, createServerEndpoint } from '../../host/transport/create';
import { DgramPair } from '../../host/net/dgram-pair';
import { VirtualClock } from '../../host/net/virtual-clock';
import { nodeCryptoProvider } from '../../host/crypto/node-provider';
import type { QuicConnection } from '../../host/transport/connection';
import { sourcesSim as hostileSim, realClientHello } from './retry-helpers';

/** Connects the real client and echoes `size` bytes; returns the bytes that came back. */
async function echoOnce(s: ReturnType<typeof hostileSim>, size: number, whileWaiting: () => void = () => {}): Promise<{ ok: boolean; echoed: Uint8Array | null }> {
  let serverConn: QuicConnection | null = null;
  s.srv.accept().then((c) => { serverConn = c; (async () => { const st = await c.acceptStream(); await st.end(await st.readAll()); })().catch(() => undefined); }, () => undefined);
  const conn = s.cli.connectTo(0, { serverName: 'localhost', trustAnchors: [cert.chain[0]] });
  let established = false;
  conn.established.then(() => { established = true; }, () => undefined);
  const ok = await runUntil(s.clock, () => { whileWaiting(); return established && serverConn !== null; }, 20_000_000);
  if (!ok) return { ok, echoed: null };
  const payload = randomBytes(size);
  const st = conn.openStream();
  await st.end(new Uint8Array(payload));
  let echoed: Uint8Array | null = null;
  st.readAll().then((d) => { echoed = d; });
  await runUntil(s.clock, () => { whileWaiting(); return echoed !== null; }, 20_000_000);
  return { ok: echoed !== null && Buffer.from(echoed).equals(payload), echoed };
}

describe('a server endpoint under hostile Initials', () => {
  test('100,000 junk Initials (one source, then many) take no state; a real client is served meanwhile', async () => {
    const s = hostileSim();
    // One real connection and echo first, so that the core's memory has grown to what real
    // connections need (it starts small and grows in 64 KiB pages): what it grows by
    // afterwards is what the flood takes.
    expect((await echoOnce(s, 100_000, () => undefined)).ok).toBe(true);
    const before = s.srv.stats;
    let sent = 0;
    // 2,000 junk datagrams per step of the virtual clock while the real client works.
    const flood = (upTo: number, from: (i: number) => number) => () => {
      for (let k = 0; k < 2000 && sent < upTo; k++, sent++) s.net.inject(junkInitial(), from(sent));
    };
    const one = await echoOnce(s, 100_000, flood(50_000, () => 1));
    flood(50_000, () => 1)();
    while (sent < 50_000) flood(50_000, () => 1)();
    expect(one.ok).toBe(true);
    const many = await echoOnce(s, 100_000, flood(100_000, (i) => 1 + (i % 40_000)));
    while (sent < 100_000) flood(100_000, (i) => 1 + (i % 40_000))();
    expect(many.ok).toBe(true);

    const after = s.srv.stats;
    expect(after.initialsUnauthenticated - before.initialsUnauthenticated).toBe(100_000);
    // Only the three real connections were ever created.
    expect(after.halfOpenEvicted).toBe(0);
    expect(s.srv.connectionCount).toBeLessThanOrEqual(3);
    // Memory per junk datagram ≈ 0: the core's memory grew by less than 1 byte per junk Initial
    // (what it grew at all is the two later real connections and their 100 kB echoes).
    expect(after.memoryBytes - before.memoryBytes).toBeLessThan(100_000);
    // Nothing answered a junk source, and every junk source's address was released.
    for (const [path, c] of s.net.sources) {
      expect(c.sent).toBe(0);
      expect(s.net.forgotten.has(path)).toBe(true);
    }
  }, 120_000);

  test('spoofed valid Initials from many sources: capped half-open state, <= 3x amplification, real client served, all gone after the handshake timeout', async () => {
    const hello = await realClientHello();
    // retry 'never': this test is about the half-open table itself (retry-under-load.test.ts covers Retry).
    const s = hostileSim({ retry: 'never', limits: { maxHalfOpen: 64, maxHalfOpenPerPath: 4, handshakeTimeoutMs: 3000 } });
    let injected = 0;
    // 600 spoofed Initials: sources 1..300 send one each, sources 301..310 send 30 each.
    const spoof = () => {
      for (let k = 0; k < 20 && injected < 600; k++, injected++) {
        const path = injected < 300 ? 1 + injected : 301 + (injected % 10);
        s.net.inject(forgeInitial(hello.frames, randomBytes(8), hello.scid), path);
      }
    };
    const r = await echoOnce(s, 50_000, spoof);
    expect(r.ok).toBe(true);
    while (injected < 600) spoof();
    const st = s.srv.stats;
    expect(st.halfOpen).toBeLessThanOrEqual(64);
    expect(st.halfOpenEvicted).toBeGreaterThan(0); // the cap was reached and the oldest went
    expect(st.refusedPerPath).toBeGreaterThan(0); // sources 301..310 hit their share
    expect(st.initialsUnauthenticated).toBe(0); // these did decrypt: they are not junk

    // Let PTOs fire for a while: a source that never answers still gets at most 3x what it sent (RFC 9000 §8.1).
    await runUntil(s.clock, () => false, 2_500_000);
    let answered = 0;
    for (const c of s.net.sources.values()) {
      expect(c.sent).toBeLessThanOrEqual(3 * c.received);
      if (c.sent > 0) answered++;
    }
    expect(answered).toBeGreaterThan(64); // spoofed sources were answered (then evicted), not ignored

    // After the handshake timeout nothing of the flood remains, and every spoofed address is forgotten.
    await runUntil(s.clock, () => s.srv.stats.halfOpen === 0, 10_000_000);
    expect(s.srv.stats.halfOpen).toBe(0);
    expect(s.srv.stats.handshakeTimeouts).toBeGreaterThan(0);
    for (const path of s.net.sources.keys()) expect(s.net.forgotten.has(path)).toBe(true);
  }, 120_000);

  test('a half-open server connection (spoofed Initial, first flight sent and kept) takes at most 5.25 KiB of core heap', async () => {
    // The testing build: same layouts as the release core, plus testHeapUsed (live heap
    // bytes after a full collection; linear memory itself only grows, by doubling).
    const hello = await realClientHello();
    const clock = new VirtualClock(1_000_000);
    const net = new MultiSourceNetwork(new DgramPair({ clock }).b);
    const n = 300;
    const srv = createServerEndpoint({ coreModule: new WebAssembly.Module(readFileSync(coreWasmPath('testing'))), network: net, clock, crypto: nodeCryptoProvider,
      certificate: cert, tls: { alpn: ['test'] }, limits: { maxHalfOpen: n + 10, maxHalfOpenPerPath: 1, handshakeTimeoutMs: 600_000 },
      retry: 'never' }); // every Initial takes a half-open connection (no stateless Retry under load)
    const used = (srv as unknown as { abi: { core: { exports: { testHeapUsed(): number } } } }).abi.core.exports.testHeapUsed;
    await runUntil(clock, () => false, 1000);
    const before = used();
    for (let i = 0; i < n; i++) net.inject(forgeInitial(hello.frames, randomBytes(8), hello.scid), 1 + i);
    await runUntil(clock, () => false, 10_000); // first flights out, before any PTO
    const perHalfOpen = (used() - before) / n;
    expect(srv.stats.halfOpen).toBe(n);
    for (let i = 1; i <= n; i++) expect(net.sources.get(i)!.sent).toBeGreaterThan(1200); // the whole first flight went out
    // Measured 4.8 KB here (the key table and the CID tables double, so the figure
    // depends on where n falls). It was 6.7 KB before the parts of a space, HyStart++
    // and the PMTU search were made on first use, the layouts packed, the in-core key
    // slots cut to 48 bytes, the sent-packet rings started at one record and CRYPTO
    // send buffers sized to fit their flight, and 8.3 KB
    // before the configuration was shared with the endpoint's defaults, the client's
    // byte-valued transport parameters dropped once checked, the ClientHello's buffer
    // given back once TLS read it, range sets made on first use. What is left: an empty
    // connection's rooms (~3 KB: three packet number spaces, the peer's transport
    // parameters, CIDs with their first reset token, recovery, timers), the first flight
    // kept for retransmission (~1 KB with this certificate; a real chain adds its size),
    // the Initial and Handshake sent-packet rings, the in-core keys, and the endpoint's
    // tables (scripts/core-census.ts lists them by class; half-open-memory.test.ts checks
    // them class by class).
    expect(perHalfOpen).toBeLessThan(5376);
    expect(perHalfOpen).toBeGreaterThan(2048); // the measure itself works
  }, 60_000);

  test('a client whose peer never answers fails with ERR_QUIC_HANDSHAKE_TIMEOUT at the handshake timeout', async () => {
    const clock = new VirtualClock(1_000_000);
    const pair = new DgramPair({ clock, aToB: { loss: 1 } });
    const cli = createClientEndpoint({ coreModule: coreModule(), network: pair.a, clock, crypto: nodeCryptoProvider, tls: { alpn: ['test'] }, limits: { handshakeTimeoutMs: 4000 } });
    const start = clock.now();
    const conn = cli.connectTo(0, { serverName: 'localhost', trustAnchors: [cert.chain[0]] });
    let err: Error & { code?: string } = null!;
    conn.established.catch((e) => { err = e; });
    let info: unknown = null;
    conn.closed.then((i) => { info = i; });
    expect(await runUntil(clock, () => info !== null, 120_000_000)).toBe(true);
    expect(err.code).toBe('ERR_QUIC_HANDSHAKE_TIMEOUT');
    expect(info).toMatchObject({ handshakeTimeout: true, idleTimeout: false });
    expect(clock.now() - start).toBeGreaterThanOrEqual(4_000_000);
    expect(clock.now() - start).toBeLessThan(4_100_000);
  });

  test('limits are validated with errors that name the option', () => {
    const pair = new DgramPair({ clock: new VirtualClock(0) });
    expect(() => createClientEndpoint({ coreModule: coreModule(), network: pair.a, tls: { alpn: ['x'] }, limits: { maxConnections: 0 } }))
      .toThrow(/limits\.maxConnections must be an integer between 1 and/);
    expect(() => createClientEndpoint({ coreModule: coreModule(), network: pair.a, tls: { alpn: ['x'] }, limits: { handshakeTimeoutMs: -1 } }))
      .toThrow(/limits\.handshakeTimeoutMs/);
  });

  test('10,000 connections closed by one timer call: every CLOSED event reaches the host (the event ring grows)', async () => {
    const clock = new VirtualClock(1_000_000);
    const pair = new DgramPair({ clock, aToB: { loss: 1 } });
    const cli = createClientEndpoint({ coreModule: coreModule(), network: pair.a, clock, crypto: nodeCryptoProvider, tls: { alpn: ['test'] },
      limits: { maxConnections: 10_000, handshakeTimeoutMs: 60_000 }, transport: { maxIdleTimeoutMs: 120_000 } });
    const closed: Promise<unknown>[] = [];
    // A TLS session that never speaks: the test is about the core's events reaching the
    // host, and 10,000 real ClientHellos would spend a minute in key-share generation.
    const silentTls = () => ({ start() {}, receive() {}, drain: () => [] });
    for (let i = 0; i < 10_000; i++) {
      const c = cli.connect(0, silentTls);
      c.established.catch(() => undefined);
      closed.push(c.closed);
    }
    expect(cli.stats.connections).toBe(10_000);
    let done = 0;
    for (const p of closed) p.then(() => { done++; });
    // They all started at the same virtual instant, so one handleTimeout closes all 10,000.
    expect(await runUntil(clock, () => done === 10_000, 120_000_000)).toBe(true);
    expect(cli.stats.connections).toBe(0);
    expect(cli.stats.handshakeTimeouts).toBe(10_000);
    expect(cli.connectionCount).toBe(0);
  }, 120_000);
});
