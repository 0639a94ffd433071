// Replayed packets (RFC 9000 §12.3: a packet number is never processed twice). The
// receiver stops tracking old packet numbers once its ACKs of them are acknowledged
// (recovery/acktracker.ts); a packet replayed from below that window must still be
// dropped as a duplicate, not processed again.
import { makeSim, runUntil, connectSim } from './sim';
import { Prng } from '../../host/net/prng';

describe('replayed packets', () => {
  test('a 1-RTT packet replayed 1,000 packet numbers later is dropped, its frames not processed again', async () => {
    const sim = makeSim({ seed: 3 });
    // Every datagram the client sends, as it left (protected).
    const fromClient: Uint8Array[] = [];
    const end = sim.pair.a as unknown as { send(d: Uint8Array, p?: number): void };
    const send = end.send.bind(end);
    end.send = (d: Uint8Array, p?: number) => { fromClient.push(d.slice()); send(d, p); };

    const pair = await connectSim(sim);
    expect(pair).not.toBeNull();
    const { client, server } = pair!;

    // The server echoes one bidirectional stream, so that both ends send ack-eliciting
    // packets and each acknowledges the other's ACKs: the server's tracker then trims.
    let echoed = 0;
    server.acceptStream().then(async (s) => {
      for (let c = await s.read(); c; c = await s.read()) { echoed += c.length; await s.write(c); }
      await s.end();
    });
    const payload = new Prng(7).fill(new Uint8Array(1_500_000));
    const s = client.openStream();
    const firstShort = fromClient.length;
    void s.end(payload);
    let back: Uint8Array | null = null;
    s.readAll().then((b) => { back = b; });
    expect(await runUntil(sim.clock, () => back !== null)).toBe(true);
    expect(back!.length).toBe(payload.length);

    // The first 1-RTT datagram that carried stream data (short header: top bit clear).
    const idx = fromClient.findIndex((d, i) => i >= firstShort && (d[0] & 0x80) === 0);
    expect(idx).toBeGreaterThanOrEqual(0);
    expect(fromClient.length - idx).toBeGreaterThan(1000);

    // Let the last ACKs cross, so that nothing else arrives around the replay.
    await runUntil(sim.clock, () => false, 1_000_000);
    const before = server.stats();
    const echoedBefore = echoed;
    (sim.pair.a as unknown as { send(d: Uint8Array): void }).send(fromClient[idx]);
    await runUntil(sim.clock, () => false, 50_000);
    const after = server.stats();
    expect(after.packetsDropped).toBe(before.packetsDropped + 1);
    expect(after.packetsReceived).toBe(before.packetsReceived);
    expect(after.streamBytesReceived).toBe(before.streamBytesReceived);
    expect(echoed).toBe(echoedBefore);
  });
});
