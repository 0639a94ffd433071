// The idle timer (RFC 9000 §10.1) restarts when a packet from the peer is processed,
// and when an ack-eliciting packet is sent only if none was sent since the last packet
// received: PTO probes into silence do not keep a connection alive.
import { makeSim, runUntil, cert, connectSim } from './sim';
import type { CloseInfo } from '../../host/transport/connection';

describe('idle timer', () => {
  test('a client connecting to a silent peer closes by idle timeout after ~5 s, not after its probes stop', async () => {
    // Everything the client sends is lost: the server never answers.
    const sim = makeSim({ aToB: { loss: 1 }, transport: { maxIdleTimeoutMs: 5000 } });
    const start = sim.clock.now();
    const conn = sim.client.connectTo(0, { serverName: 'localhost', trustAnchors: [cert.chain[0]] });
    let closed: CloseInfo | null = null;
    let closedAt = 0;
    conn.closed.then((c) => { closed = c; closedAt = sim.clock.now(); });
    expect(await runUntil(sim.clock, () => closed !== null, 120_000_000)).toBe(true);
    expect(closed).toMatchObject({ byPeer: false, idleTimeout: true });
    // Virtual time: the first Initial starts the timer; the PTO probes that follow
    // (1 s, 2 s, 4 s, ...) must not restart it.
    expect(closedAt - start).toBeGreaterThanOrEqual(5_000_000);
    expect(closedAt - start).toBeLessThan(5_500_000);
    // It did probe meanwhile (the probes were sent, they just did not count).
    expect(sim.pair.a.counters.sent).toBeGreaterThan(2);
  });

  test('keep-alive PINGs into a dead path do not keep the connection alive either', async () => {
    const sim = makeSim({ seed: 4, transport: { maxIdleTimeoutMs: 2000, keepAliveMs: 500 } });
    const pair = await connectSim(sim);
    expect(pair).not.toBeNull();
    let closed: CloseInfo | null = null;
    let closedAt = 0;
    pair!.client.closed.then((c) => { closed = c; closedAt = sim.clock.now(); });
    // The path dies: nothing reaches either end any more.
    for (const end of [sim.pair.a, sim.pair.b] as unknown as { send(d: Uint8Array, p?: number): void }[]) end.send = () => {};
    const cut = sim.clock.now();
    expect(await runUntil(sim.clock, () => closed !== null, 60_000_000)).toBe(true);
    expect(closed).toMatchObject({ byPeer: false, idleTimeout: true });
    // The first keep-alive PING (≤ 500 ms after the last packet) restarts the timer; the
    // PINGs and probes after it do not: closed ≈ 2 s after that, not never.
    expect(closedAt - cut).toBeGreaterThanOrEqual(2_000_000);
    expect(closedAt - cut).toBeLessThanOrEqual(2_600_000);
  });
});
