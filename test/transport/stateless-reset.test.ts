// Stateless reset (RFC 9000 §10.3): a server that lost its state (restarted with the same
// reset key) answers the client's next packet with a reset, and the client fails at once
// with ERR_QUIC_STATELESS_RESET instead of waiting for its idle timeout; a reset with the
// wrong token is ignored; no reset answers a datagram too small to answer with a smaller
// one (§10.3.3), and the rate limit holds under a flood.
import { createServerEndpoint, createClientEndpoint, type Endpoint } from '../../host/transport/create';
import { DgramPair, type DgramEnd } from '../../host/net/dgram-pair';
import { VirtualClock } from '../../host/net/virtual-clock';
import { nodeCryptoProvider } from '../../host/crypto/node-provider';
import type { Network, DatagramHandler, PathHandle } from '../../host/net/network';
import type { QuicConnection, CloseInfo } from '../../host/transport/connection';
import { coreModule, cert, runUntil, makeSim, connectSim } from './sim';
import { testingCore } from '../core/probe';

/** A network end that can be unplugged: a "crashed" server neither hears nor says anything. */
class Plug implements Network {
  readonly addressed = false;
  readonly maxDatagramSize: number;
  alive = true;
  handler: DatagramHandler | null = null;
  constructor(private readonly end: DgramEnd) { this.maxDatagramSize = end.maxDatagramSize; }
  send(d: Uint8Array, p: PathHandle): void { if (this.alive) this.end.send(d, p); }
  onReceive(h: DatagramHandler): void { this.handler = h; }
  onError(): void {}
  close(): void { this.alive = false; }
}

const KEY = Uint8Array.from({ length: 16 }, (_, i) => 0x40 + i);

function world(serverKey: Uint8Array | undefined) {
  const clock = new VirtualClock(1_000_000);
  const pair = new DgramPair({ clock, aToB: { delayUs: 10_000 }, bToA: { delayUs: 10_000 } });
  let live: Plug | null = null;
  pair.b.onReceive((d, p) => { if (live?.alive) live.handler?.(d, p); });
  const startServer = (key: Uint8Array | undefined, seed: number): Endpoint => {
    if (live) live.alive = false;
    live = new Plug(pair.b);
    return createServerEndpoint({
      coreModule: coreModule(), network: live, clock, crypto: nodeCryptoProvider, certificate: cert,
      tls: { alpn: ['test'] }, seed: Uint32Array.of(seed, 2, 3, 4), statelessReset: key ? { key } : undefined,
    });
  };
  const server = startServer(serverKey, 1);
  const client = createClientEndpoint({ coreModule: coreModule(), network: pair.a, clock, crypto: nodeCryptoProvider, tls: { alpn: ['test'] }, seed: Uint32Array.of(9, 5, 6, 7) });
  return { clock, pair, server, client, startServer };
}

/** Connects, exchanges a message, "restarts" the server with `restartKey`, then writes again. */
async function restartScenario(restartKey: Uint8Array | undefined) {
  const w = world(KEY);
  let serverConn: QuicConnection | null = null;
  w.server.accept().then((c) => { serverConn = c; });
  const conn = w.client.connectTo(0, { serverName: 'localhost', trustAnchors: [cert.chain[0]] });
  expect(await runUntil(w.clock, () => conn.handshakeInfo !== null && serverConn !== null)).toBe(true);
  let echoed = false;
  serverConn!.acceptStream().then(async (s) => { for await (const c of s) await s.write(c); });
  const st = conn.openStream();
  st.write(new Uint8Array(1000).fill(7));
  (async () => { for await (const _ of st) { echoed = true; break; } })().catch(() => undefined);
  expect(await runUntil(w.clock, () => echoed)).toBe(true);

  const restarted = w.startServer(restartKey, 77); // the old server's state is gone
  let info: CloseInfo | null = null;
  let writeError: (Error & { code?: string }) | null = null;
  conn.closed.then((c) => { info = c; });
  const t0 = w.clock.now();
  st.write(new Uint8Array(1000).fill(8)).catch((e) => { writeError = e; });
  const reset = await runUntil(w.clock, () => info !== null, 3_000_000);
  return { reset, info: info as CloseInfo | null, elapsedUs: w.clock.now() - t0, conn, st, restarted, writeError: () => writeError, w };
}

describe('stateless reset', () => {
  test('a server restarted with the same key resets the client, which fails fast with ERR_QUIC_STATELESS_RESET', async () => {
    const r = await restartScenario(KEY);
    expect(r.reset).toBe(true);
    expect(r.info?.statelessReset).toBe(true);
    expect(r.info?.idleTimeout).toBe(false);
    expect(r.elapsedUs).toBeLessThan(500_000); // one round trip and the draining period, not the 30 s idle timeout
    expect(r.restarted.stats.statelessResetsSent).toBeGreaterThanOrEqual(1);
    expect(r.w.client.stats.statelessResetsReceived).toBe(1);
    // Reads and writes fail with the typed error.
    let readErr: (Error & { code?: string }) | null = null;
    await r.st.read().catch((e) => { readErr = e; });
    await runUntil(r.w.clock, () => r.writeError() !== null || readErr !== null, 1_000_000);
    const err = (r.writeError() ?? readErr) as (Error & { code?: string }) | null;
    expect(err?.code).toBe('ERR_QUIC_STATELESS_RESET');
    expect(() => r.conn.openStream()).toThrow(expect.objectContaining({ code: 'ERR_QUIC_STATELESS_RESET' }));
  });

  test('a reset with the wrong token (a server restarted with another key) is ignored', async () => {
    const r = await restartScenario(undefined); // a random key: the tokens differ
    expect(r.restarted.stats.statelessResetsSent).toBeGreaterThanOrEqual(1);
    expect(r.reset).toBe(false); // still open 3 s later: only the idle timeout will end it
    expect(r.w.client.stats.statelessResetsReceived).toBe(0);
    expect(r.conn.state).not.toBe('closed');
  });

  test('a forged datagram ending in random bytes does not end a live connection', async () => {
    const sim = makeSim({ seed: 4 });
    const p = await connectSim(sim);
    expect(p).not.toBeNull();
    const forged = new Uint8Array(60);
    forged[0] = 0x45;
    for (let i = 1; i < 60; i++) forged[i] = (i * 37) & 0xff;
    for (let i = 0; i < 20; i++) sim.pair.b.send(forged, 0);
    await runUntil(sim.clock, () => false, 200_000);
    expect(p!.client.state).toBe('confirmed');
    expect(sim.client.stats.statelessResetsReceived).toBe(0);
  });

  test('never for a datagram of 21 bytes or less; always smaller than the trigger; rate-limited', async () => {
    const clock = new VirtualClock(1_000_000);
    const pair = new DgramPair({ clock });
    const server = createServerEndpoint({
      coreModule: coreModule(), network: pair.b, clock, crypto: nodeCryptoProvider, certificate: cert, tls: { alpn: ['test'] },
      statelessReset: { key: KEY, maxPerSecond: 20 },
    });
    const answers: Uint8Array[] = [];
    pair.a.onReceive((d) => answers.push(d));
    const junk = (len: number, i: number) => { const d = new Uint8Array(len).map((_, k) => (k * 13 + i * 7) & 0xff); d[0] = 0x40 | (d[0] & 0x3f); return d; };

    for (const len of [1, 10, 21]) pair.a.send(junk(len, len), 0);
    await runUntil(clock, () => false, 10_000);
    expect(answers.length).toBe(0);
    expect(server.stats.statelessResetsTooSmall).toBe(2); // 1 byte is not even a header: dropped before

    // A flood at one instant: the burst (10) goes out, the rest is refused.
    for (let i = 0; i < 100; i++) pair.a.send(junk(22 + i * 3, i), 0);
    await runUntil(clock, () => false, 10_000);
    expect(answers.length).toBe(10);
    expect(server.stats.statelessResetsRateLimited).toBe(90);
    // One second later the bucket holds 10 again (20/s, capped at the burst).
    clock.advanceTo(clock.now() + 1_000_000);
    for (let i = 0; i < 30; i++) pair.a.send(junk(200, i), 0);
    await runUntil(clock, () => false, 10_000);
    expect(answers.length).toBe(20);
    expect(server.stats.statelessResetsSent).toBe(20);

    // Each reset: short header, smaller than its trigger, at least 21 bytes, ending in
    // SipHash-2-4-128(key, the trigger's 8-byte CID).
    const { x, scratch } = testingCore();
    const sizes = [...Array(10).keys()].map((i) => 22 + i * 3);
    answers.slice(0, 10).forEach((a, i) => {
      expect(a[0] & 0xc0).toBe(0x40);
      expect(a.length).toBeLessThan(sizes[i]);
      expect(a.length).toBeGreaterThanOrEqual(21);
      const s = scratch();
      s.set(KEY, 0);
      s.set(junk(sizes[i], i).subarray(1, 9), 16);
      x.probeSipHash128(8);
      expect(Buffer.from(a.subarray(a.length - 16)).toString('hex')).toBe(Buffer.from(scratch().subarray(64, 80)).toString('hex'));
    });
    await server.close();
  });

  test('two endpoints without state answering each other stop: every reset is smaller than the last (§10.3.3)', async () => {
    const clock = new VirtualClock(1_000_000);
    const pair = new DgramPair({ clock });
    const a = createClientEndpoint({ coreModule: coreModule(), network: pair.a, clock, crypto: nodeCryptoProvider, tls: { alpn: ['test'] } });
    const b = createServerEndpoint({ coreModule: coreModule(), network: pair.b, clock, crypto: nodeCryptoProvider, certificate: cert, tls: { alpn: ['test'] } });
    const sizes: number[] = [];
    const send = pair.b.send.bind(pair.b);
    pair.b.send = (d: Uint8Array, p: number) => { sizes.push(d.length); send(d, p); };
    const sendA = pair.a.send.bind(pair.a);
    pair.a.send = (d: Uint8Array, p: number) => { sizes.push(d.length); sendA(d, p); };
    pair.a.send(new Uint8Array(1200).fill(0x41), 0);
    await runUntil(clock, () => false, 1_000_000);
    expect(sizes.length).toBeGreaterThan(1);
    expect(sizes.length).toBeLessThan(40);
    for (let i = 1; i < sizes.length; i++) expect(sizes[i]).toBeLessThan(sizes[i - 1]);
    expect(sizes[sizes.length - 1]).toBeGreaterThanOrEqual(21);
    expect(a.stats.statelessResetsSent + b.stats.statelessResetsSent).toBe(sizes.length - 1);
  });
});
