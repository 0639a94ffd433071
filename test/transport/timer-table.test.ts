// The timer table (assembly/conn/timer-table.ts) is written by the rooms that own each
// deadline; the endpoint's heap follows its minimum. Checked here against the same
// minimum recomputed from the rooms' state (abi connTimers), at every step of runs that
// exercise every kind: loss and PTO under loss, ACK delays, pacing, keep-alive, a key
// update, the idle timeout, and closing.
import { makeSim, connectSim, cert } from './sim';
import type { VirtualClock } from '../../host/net/virtual-clock';
import type { QuicConnection } from '../../host/transport/connection';

/** Runs the clock like sim.ts runUntil, checking both ends' tables after every step; returns the mismatches. */
async function runChecking(clock: VirtualClock, conns: () => (QuicConnection | null)[], done: () => boolean, maxUs: number) {
  const mismatches: string[] = [];
  let checked = 0;
  const deadline = clock.now() + maxUs;
  for (let steps = 0; steps < 500_000; steps++) {
    await new Promise((r) => setImmediate(r));
    for (const c of conns()) {
      const t = c?.timers();
      if (!t) continue;
      checked++;
      if (t.tableMin !== t.recomputedMin && mismatches.length < 5) {
        mismatches.push(`at ${clock.now()}: table ${t.tableMin}, recomputed ${t.recomputedMin} (${JSON.stringify(t)})`);
      }
    }
    if (done()) break;
    const next = clock.nextDeadline();
    if (next === Infinity || next > deadline) break;
    clock.advanceTo(next);
  }
  return { mismatches, checked };
}

describe('timer table written by its owners', () => {
  test('a lossy transfer with keep-alive and a key update: the table minimum always equals the rooms\' deadlines', async () => {
    const sim = makeSim({
      seed: 7, aToB: { loss: 0.05, delayUs: 20_000 }, bToA: { loss: 0.05, delayUs: 20_000 },
      transport: { maxIdleTimeoutMs: 3000, keepAliveMs: 400 },
    });
    let server: QuicConnection | null = null;
    sim.server.accept().then((c) => { server = c; }, () => undefined);
    const client = sim.client.connectTo(0, { serverName: 'localhost', trustAnchors: [cert.chain[0]] });
    let established = false;
    client.established.then(() => { established = true; }, () => undefined);
    const both = () => [client, server];
    let r = await runChecking(sim.clock, both, () => established && server !== null, 30_000_000);
    expect(established).toBe(true);
    const echo = (async () => {
      const s = await server!.acceptStream();
      await s.end(await s.readAll());
    })();
    const data = new Uint8Array(200_000).map((_, i) => i * 7);
    const stream = client.openStream();
    let got: Uint8Array | null = null;
    stream.end(data).then(() => stream.readAll()).then((d) => { got = d; });
    client.updateKeys();
    const r2 = await runChecking(sim.clock, both, () => got !== null, 60_000_000);
    expect(got).not.toBeNull();
    expect(Buffer.from(got!).equals(Buffer.from(data))).toBe(true);
    await echo;
    // Idle with keep-alive for a while, then the path dies: keep-alive, then idle timeout.
    const r3 = await runChecking(sim.clock, both, () => false, 2_000_000);
    for (const end of [sim.pair.a, sim.pair.b] as unknown as { send(d: Uint8Array, p?: number): void }[]) end.send = () => {};
    let closed = false;
    client.closed.then(() => { closed = true; });
    const r4 = await runChecking(sim.clock, both, () => closed, 30_000_000);
    expect(closed).toBe(true);
    for (const x of [r, r2, r3, r4]) expect(x.mismatches).toEqual([]);
    expect(r.checked + r2.checked + r3.checked + r4.checked).toBeGreaterThan(200);
  });

  test('closing: only the close deadline counts, and it is what the table holds', async () => {
    const sim = makeSim({ seed: 3 });
    const pair = await connectSim(sim);
    expect(pair).not.toBeNull();
    const { client, server } = pair!;
    void client.close(0, 'bye', { graceful: false });
    let done = false;
    client.closed.then(() => { done = true; });
    const r = await runChecking(sim.clock, () => [client, server], () => done, 10_000_000);
    expect(r.mismatches).toEqual([]);
    expect(done).toBe(true);
  });
});
