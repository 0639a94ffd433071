// Issue 17: a half-open server connection, its first flight sent, waits for nothing but
// the client's Finished. The endpoint then keeps its handshake's parked state (the key
// handles, our 1-RTT write secret, what the TLS server precomputed for the Finished) in
// place of its connection, driver and TLS session, and makes them again when the core
// reports anything for it (host/transport/endpoint.ts parkWaiting/unpark). Real
// handshakes go through it too: the client's Finished arrives a round trip later.
import { randomBytes } from 'node:crypto';
import { runUntil } from './sim';
import { forgeInitial } from './flood';
import { sourcesSim, realClientHello, echoWhile } from './retry-helpers';

interface EndpointInside {
  parkedCount: number;
  lots: { size: number };
  connections: Map<number, unknown>;
  unpark(handle: number): unknown;
}

function inside(ep: unknown): EndpointInside {
  return ep as EndpointInside;
}

/** Counts unpark() calls that found a parked connection. */
function countUnparks(ep: EndpointInside): { n: number } {
  const c = { n: 0 };
  const real = ep.unpark.bind(ep);
  ep.unpark = (h: number) => { const r = real(h); if (r) c.n++; return r; };
  return c;
}

describe('parked half-open server connections (issue 17)', () => {
  test('spoofed Initials leave parked handshakes only; a real client is parked, resumed and served; the parked ones time out with ERR_QUIC_HANDSHAKE_TIMEOUT counted', async () => {
    const hello = await realClientHello();
    const n = 50;
    const s = sourcesSim({ retry: 'never', limits: { maxHalfOpen: n + 10, maxHalfOpenPerPath: 1, handshakeTimeoutMs: 3000 } });
    const ep = inside(s.srv);
    const unparks = countUnparks(ep);
    await runUntil(s.clock, () => false, 1000);
    for (let i = 0; i < n; i++) s.net.inject(forgeInitial(hello.frames, randomBytes(8), hello.scid), 1 + i);
    await runUntil(s.clock, () => false, 10_000);
    expect(s.srv.stats.halfOpen).toBe(n);
    for (let i = 1; i <= n; i++) expect(s.net.sources.get(i)!.sent).toBeGreaterThan(1200); // every first flight went out
    expect(ep.parkedCount).toBe(n);
    expect(ep.lots.size).toBe(n); // one row of secrets and key handles each
    expect(ep.connections.size).toBe(0);
    expect(s.srv.connectionCount).toBe(n);
    expect(unparks.n).toBe(0);

    // The real client: its server connection is parked after the first flight and made
    // again by the client's Finished (handshake done, data echoed byte-exact).
    const echo = await echoWhile(s, 50_000);
    expect(echo.ok).toBe(true);
    expect(unparks.n).toBeGreaterThanOrEqual(1);
    expect(ep.parkedCount).toBe(n);

    // The spoofed ones never answer: the handshake timeout ends each (resumed to close).
    const timeoutsBefore = s.srv.stats.handshakeTimeouts;
    await runUntil(s.clock, () => ep.parkedCount === 0, 5_000_000);
    expect(ep.parkedCount).toBe(0);
    expect(ep.lots.size).toBe(0);
    expect(s.srv.stats.handshakeTimeouts - timeoutsBefore).toBe(n);
    expect(s.srv.stats.halfOpen).toBe(0);
    expect(s.srv.connectionCount).toBe(1); // the real client's, still open
    echo.client!.close(0, 'done').catch(() => undefined);
    s.cli.close().catch(() => undefined);
    s.srv.close().catch(() => undefined);
  }, 60_000);

  test('closing the endpoint closes its parked connections too', async () => {
    const hello = await realClientHello();
    const s = sourcesSim({ retry: 'never', limits: { maxHalfOpenPerPath: 1 } });
    const ep = inside(s.srv);
    await runUntil(s.clock, () => false, 1000);
    for (let i = 0; i < 20; i++) s.net.inject(forgeInitial(hello.frames, randomBytes(8), hello.scid), 1 + i);
    await runUntil(s.clock, () => false, 10_000);
    expect(ep.parkedCount).toBe(20);
    let closed = false;
    s.srv.close().then(() => { closed = true; });
    expect(await runUntil(s.clock, () => closed, 10_000_000)).toBe(true);
    expect(ep.parkedCount).toBe(0);
    expect(ep.connections.size).toBe(0);
    expect(s.srv.stats.connections).toBe(0);
    s.cli.close().catch(() => undefined);
  }, 60_000);
});
