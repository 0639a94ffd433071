// The next generation of 1-RTT keys (RFC 9001 §6) is derived when a key update becomes
// possible: a server's write keys, made with its first flight, get theirs when the
// handshake completes, so a half-open connection that never completes derives none.
import { randomBytes } from 'node:crypto';
import { createServerEndpoint } from '../../host/transport/create';
import { TableKeyInstaller } from '../../host/transport/keys';
import { DgramPair } from '../../host/net/dgram-pair';
import { VirtualClock } from '../../host/net/virtual-clock';
import { nodeCryptoProvider } from '../../host/crypto/node-provider';
import { MultiSourceNetwork, forgeInitial } from './flood';
import { realClientHello } from './retry-helpers';
import { cert, connectedSim, coreModule, runUntil } from './sim';

describe('next-generation 1-RTT keys', () => {
  let spy: jest.SpyInstance;
  beforeEach(() => { spy = jest.spyOn(TableKeyInstaller.prototype, 'nextGeneration'); });
  afterEach(() => spy.mockRestore());

  it('a half-open server connection derives none; a completed one has both directions\' at once', async () => {
    // A real client's first Initial, forged from 20 sources that never answer.
    const hello = await realClientHello();
    const clock = new VirtualClock(1_000_000);
    const net = new MultiSourceNetwork(new DgramPair({ clock: clock }).b);
    const server = createServerEndpoint({ coreModule: coreModule(), network: net, clock: clock, crypto: nodeCryptoProvider, certificate: cert, tls: { alpn: ['test'] }, retry: 'never' });
    spy.mockClear();
    for (let i = 0; i < 20; i++) net.inject(forgeInitial(hello.frames, randomBytes(8), hello.scid), 1 + i);
    await runUntil(clock, () => false, 50_000);
    expect(server.stats.halfOpen).toBe(20);
    expect(net.sources.get(1)!.sent).toBeGreaterThan(1000); // its first flight went out (1-RTT write keys made)
    expect(spy).not.toHaveBeenCalled();

    spy.mockClear();
    const sim = await connectedSim();
    // Client and server, read and write: four next generations, ready before any update.
    expect(spy).toHaveBeenCalledTimes(4);
    // And a key update works in both directions (the next keys are in place).
    const { conn: client, serverConn: srv } = sim;
    const got: number[] = [];
    (async () => { for (;;) { const st = await srv.acceptStream(); got.push((await st.readAll()).length); } })().catch(() => undefined);
    void client.openStream().end(new Uint8Array(3000).fill(7));
    expect(await runUntil(sim.clock, () => got.length === 1)).toBe(true);
    client.updateKeys();
    void client.openStream().end(new Uint8Array(5000).fill(9));
    expect(await runUntil(sim.clock, () => got.length === 2)).toBe(true);
    expect(got).toEqual([3000, 5000]);
    expect(client.stats().keyUpdates).toBeGreaterThanOrEqual(1);
    expect(srv.stats().keyUpdates).toBeGreaterThanOrEqual(1);
  });
});
