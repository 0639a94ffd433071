// Key update (RFC 9001 §6) between our client and server: generations change while data
// flows through loss and reordering, started by either end, and nothing is lost. The
// update counter at each end moves only when a packet of the new generation opened, so
// equal counters at both ends mean both really switched keys.
import { makeSim, runUntil, connectSim, cert } from './sim';
import type { QuicConnection } from '../../host/transport/connection';
import { MemoryQlog } from '../../host/transport/qlog/sink';

async function connected() {
  const sim = makeSim({
    seed: 21,
    aToB: { loss: 0.03, delayUs: 10_000, jitterUs: 4000 },
    bToA: { loss: 0.03, delayUs: 10_000, jitterUs: 4000 },
  });
  const pair = await connectSim(sim);
  expect(pair).not.toBeNull();
  const { client, server } = pair!;
  return { ...sim, client, server };
}

describe('1-RTT key update', () => {
  test('repeated updates from both ends during a lossy, reordered transfer', async () => {
    const t = await connected();
    const size = 3_000_000;
    const up = new Uint8Array(size).map((_, i) => (i * 13 + 1) & 0xff);
    const down = new Uint8Array(size).map((_, i) => (i * 7 + 5) & 0xff);
    let serverGot: Uint8Array | null = null;
    let clientGot: Uint8Array | null = null;
    t.server.acceptStream().then(async (s) => { const w = s.end(down); serverGot = await s.readAll(); await w; });
    const s = t.client.openStream();
    void s.end(up);
    s.readAll().then((d) => { clientGot = d; });

    // Ask for an update every 40 ms, alternating ends; the core starts each one when
    // §6.1 allows (confirmed handshake, previous update acknowledged).
    let asks = 0;
    const tick = () => {
      if (serverGot && clientGot) return;
      if (asks++ % 2 === 0) t.client.updateKeys(); else t.server.updateKeys();
      t.clock.setTimer(t.clock.now() + 40_000, tick);
    };
    t.clock.setTimer(t.clock.now() + 40_000, tick);
    expect(await runUntil(t.clock, () => serverGot !== null && clientGot !== null)).toBe(true);
    expect(Buffer.compare(serverGot!, up)).toBe(0);
    expect(Buffer.compare(clientGot!, down)).toBe(0);

    // Let the last update settle, then compare both ends.
    await runUntil(t.clock, () => false, 1_000_000);
    const c = t.client.stats();
    const sv = t.server.stats();
    expect(c.keyUpdates).toBeGreaterThanOrEqual(100); // ~one per ask: 25 per virtual second
    // Packets reordered across an update opened with the previous keys: none was dropped.
    expect(c.packetsDropped + sv.packetsDropped).toBe(0);
    expect(c.keyUpdates).toBe(sv.keyUpdates);
    expect(c.packetsLost).toBeGreaterThan(0);
    // The connection is healthy afterwards: a PING round-trip and a clean close.
    let closed = false;
    t.client.close(0, 'done').then(() => { closed = true; });
    expect(await runUntil(t.clock, () => closed)).toBe(true);
  });

  test('an update asked for during the handshake waits for confirmation, then happens once', async () => {
    const log = new MemoryQlog();
    const sim = makeSim({ seed: 4, aToB: { delayUs: 20_000 }, bToA: { delayUs: 20_000 }, client: { qlog: { sink: log.factory } } });
    let server: QuicConnection | null = null;
    sim.server.accept().then((c) => { server = c; });
    const client = sim.client.connectTo(0, { serverName: 'localhost', trustAnchors: [cert.chain[0]] });
    let ready = false;
    client.established.then(() => { ready = true; client.updateKeys(); });
    expect(await runUntil(sim.clock, () => ready && server !== null)).toBe(true);
    // A little traffic so that packets of the new phase flow both ways.
    const echo = server!.acceptStream().then(async (x) => x.end(await x.readAll()));
    const st = client.openStream();
    void st.end(new Uint8Array(10_000).fill(3));
    let back: Uint8Array | null = null;
    st.readAll().then((d) => { back = d; });
    expect(await runUntil(sim.clock, () => back !== null)).toBe(true);
    await echo;
    await runUntil(sim.clock, () => false, 500_000);
    expect(back!.length).toBe(10_000);
    expect(client.stats().keyUpdates).toBe(1);
    expect(server!.stats().keyUpdates).toBe(1);
    // On the wire (client qlog): 1-RTT packets first with phase 0, then only phase 1, both ways.
    const ev = log.text([...log.traces.keys()][0]).split('\x1e').slice(1).map((r) => JSON.parse(r));
    for (const name of ['quic:packet_sent', 'quic:packet_received']) {
      const bits = ev.filter((e) => e.name === name && e.data.header.packet_type === '1RTT').map((e) => (e.data.header.key_phase_bit ? 1 : 0));
      const firstOne = bits.indexOf(1);
      expect(firstOne).toBeGreaterThan(0);
      expect(bits.slice(firstOne).every((b) => b === 1)).toBe(true);
    }
  });

  test('one keyupdate event per update on the wire, at both ends, naming the initiator', async () => {
    const log = new MemoryQlog();
    const sim = makeSim({ seed: 9, aToB: { delayUs: 10_000 }, bToA: { delayUs: 10_000 }, client: { qlog: { sink: log.factory } } });
    let server: QuicConnection | null = null;
    sim.server.accept().then((c) => { server = c; });
    const client = sim.client.connectTo(0, { serverName: 'localhost', trustAnchors: [cert.chain[0]] });
    expect(await runUntil(sim.clock, () => server !== null && client.state === 'established')).toBe(true);
    const ev = { client: [] as string[], server: [] as string[] };
    client.on('keyupdate', (k) => ev.client.push(`${k.generation} ${k.initiatedBy}`));
    server!.on('keyupdate', (k) => ev.server.push(`${k.generation} ${k.initiatedBy}`));
    const echo = server!.acceptStream().then(async (x) => x.end(await x.readAll()));
    const st = client.openStream();
    void st.end(new Uint8Array(3_000_000).fill(9));
    let back: Uint8Array | null = null;
    st.readAll().then((d) => { back = d; });
    // Alternate ends, one ask every 60 ms (three RTTs): each update completes before the next.
    let asks = 0;
    const tick = () => {
      if (back) return;
      if (asks++ % 2 === 0) client.updateKeys(); else server!.updateKeys();
      sim.clock.setTimer(sim.clock.now() + 60_000, tick);
    };
    sim.clock.setTimer(sim.clock.now() + 60_000, tick);
    expect(await runUntil(sim.clock, () => back !== null)).toBe(true);
    await echo;
    await runUntil(sim.clock, () => false, 500_000);
    const n = client.stats().keyUpdates;
    expect(n).toBeGreaterThanOrEqual(4);
    expect(server!.stats().keyUpdates).toBe(n);
    // Generation g started by the client for odd g, by the server for even g.
    const expected = (self: 'client' | 'server') => Array.from({ length: n }, (_, i) =>
      `${i + 1} ${((i % 2 === 0) === (self === 'client')) ? 'local' : 'peer'}`);
    expect(ev.client).toEqual(expected('client'));
    expect(ev.server).toEqual(expected('server'));
    // On the wire (client qlog): the key phase bit flips once per event, both ways.
    const recs = log.text([...log.traces.keys()][0]).split('\x1e').slice(1).map((r) => JSON.parse(r));
    for (const name of ['quic:packet_sent', 'quic:packet_received']) {
      const bits = recs.filter((e) => e.name === name && e.data.header.packet_type === '1RTT').map((e) => (e.data.header.key_phase_bit ? 1 : 0));
      let flips = 0;
      for (let i = 1; i < bits.length; i++) if (bits[i] !== bits[i - 1]) flips++;
      expect(flips).toBe(n);
    }
  });
});
