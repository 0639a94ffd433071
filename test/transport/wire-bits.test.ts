// The first-byte bits left for the path: the latency spin bit (RFC 9000 §17.4) and the
// greased QUIC bit (RFC 9287), observed on the simulator's wire.
import { makeSim, connectSim, runUntil, coreModule, type SimOptions } from './sim';
import type { QuicConnection } from '../../host/transport/connection';
import { createClientEndpoint } from '../../host/transport/create';

interface Seen { t: number; first: number }

/** Records the first byte of every datagram each end sends (coalesced packets: the first). */
function tapped(opts: SimOptions) {
  const sim = makeSim(opts);
  // `clearNext`: that many of the next short-header datagrams leave with the QUIC bit cleared.
  const wire = { up: [] as Seen[], down: [] as Seen[], clearNext: { up: 0, down: 0 } };
  for (const [end, dir] of [[sim.pair.a, 'up'], [sim.pair.b, 'down']] as const) {
    const send = end.send.bind(end);
    end.send = (d: Uint8Array, p?: number) => {
      wire[dir].push({ t: sim.clock.now(), first: d[0] });
      if (wire.clearNext[dir] > 0 && (d[0] & 0x80) === 0) { wire.clearNext[dir]--; d = Uint8Array.from(d); d[0] &= ~0x40; }
      send(d, p);
    };
  }
  return { ...sim, wire };
}

/** Echoes `size` bytes through one stream; resolves to whether the echo came back byte-exact. */
async function echo(sim: ReturnType<typeof makeSim>, client: QuicConnection, server: QuicConnection, size: number): Promise<boolean> {
  const data = new Uint8Array(size).map((_, i) => (i * 31 + 7) & 0xff);
  void server.acceptStream().then(async (s) => s.end(await s.readAll()));
  const st = client.openStream();
  void st.end(data);
  let back: Uint8Array | null = null;
  st.readAll().then((d) => { back = d; });
  expect(await runUntil(sim.clock, () => back !== null)).toBe(true);
  return Buffer.compare(back!, data) === 0;
}

const short = (s: Seen) => (s.first & 0x80) === 0;
const spin = (s: Seen) => (s.first >> 5) & 1;
function transitions(list: Seen[]): number[] {
  const at: number[] = [];
  const bits = list.filter(short);
  for (let i = 1; i < bits.length; i++) if (spin(bits[i]) !== spin(bits[i - 1])) at.push(bits[i].t);
  return at;
}

describe('latency spin bit (RFC 9000 §17.4)', () => {
  const RTT = 40_000; // µs: 20 ms each way

  test('on at both ends: each direction flips once per RTT during a transfer', async () => {
    const t = tapped({ seed: 3, aToB: { delayUs: RTT / 2 }, bToA: { delayUs: RTT / 2 }, transport: { spinBit: true } });
    const pair = (await connectSim(t))!;
    expect(await echo(t, pair.client, pair.server, 2_000_000)).toBe(true);
    for (const list of [t.wire.up, t.wire.down]) {
      const at = transitions(list);
      const ones = list.filter(short);
      const span = ones[ones.length - 1].t - ones[0].t;
      // An observer sees an edge every RTT (plus the peer's turnaround): the count over the
      // transfer matches its length in RTTs, and each gap is at least one RTT.
      expect(at.length).toBeGreaterThanOrEqual(10);
      expect(at.length).toBeGreaterThanOrEqual(Math.floor(0.6 * span / RTT));
      expect(at.length).toBeLessThanOrEqual(Math.ceil(span / RTT) + 1);
      const gaps = at.slice(1).map((x, i) => x - at[i]).sort((a, b) => a - b);
      expect(gaps[0]).toBeGreaterThanOrEqual(RTT);
      expect(gaps[gaps.length >> 1]).toBeLessThan(1.5 * RTT);
    }
  });

  test('off (the default): the bit is constant per connection, random across connections', async () => {
    const values = new Set<number>();
    for (const seed of [1, 2, 3, 4, 5, 6]) {
      const t = tapped({ seed, aToB: { delayUs: 10_000 }, bToA: { delayUs: 10_000 } });
      const pair = (await connectSim(t))!;
      expect(await echo(t, pair.client, pair.server, 200_000)).toBe(true);
      for (const list of [t.wire.up, t.wire.down]) {
        expect(transitions(list)).toEqual([]);
        values.add(spin(list.filter(short)[0]));
      }
    }
    expect(values).toEqual(new Set([0, 1]));
  });

  test('on: a random one connection in 16 (or more) still does not spin', async () => {
    // 48 connections between the same two endpoints; each end decides per connection.
    const t = tapped({ seed: 8, aToB: { delayUs: 5_000 }, bToA: { delayUs: 5_000 }, transport: { spinBit: true } });
    const conns: { client: QuicConnection; server: QuicConnection }[] = [];
    for (let i = 0; i < 48; i++) conns.push((await connectSim(t))!);
    let spinning = 0;
    for (const { client, server } of conns) {
      const from = t.wire.up.length;
      expect(await echo(t, client, server, 30_000)).toBe(true);
      if (transitions(t.wire.up.slice(from)).length > 0) spinning++;
      void client.close(0, '');
    }
    // Both ends must spin for an edge to travel: (15/16)^2 of connections, about 42 of 48.
    expect(spinning).toBeLessThan(48);
    expect(spinning).toBeGreaterThan(32);
  });

  test('spinBit must be a boolean', () => {
    const sim = makeSim();
    expect(() => createClientEndpoint({ coreModule: coreModule(), network: sim.pair.a, tls: { alpn: ['x'] }, transport: { spinBit: 1 as any } }))
      .toThrow(expect.objectContaining({ code: 'ERR_QUIC_INVALID_ARGUMENT' }));
  });
});

describe('greasing the QUIC bit (RFC 9287)', () => {
  const cleared = (list: Seen[]) => list.filter((s) => (s.first & 0x40) === 0).length;

  test('both ends advertise it (the default): about half the packets go out with the bit cleared, data byte-exact', async () => {
    const t = tapped({ seed: 5, aToB: { delayUs: 10_000, loss: 0.02 }, bToA: { delayUs: 10_000, loss: 0.02 } });
    const pair = (await connectSim(t))!;
    expect(await echo(t, pair.client, pair.server, 1_000_000)).toBe(true);
    for (const list of [t.wire.up, t.wire.down]) {
      const share = cleared(list) / list.length;
      expect(share).toBeGreaterThan(0.35);
      expect(share).toBeLessThan(0.6);
    }
    // The first flight goes out before the peer's parameters are known: bit set.
    expect(t.wire.up[0].first & 0x40).toBe(0x40);
    expect(pair.client.stats().packetsDropped + pair.server.stats().packetsDropped).toBe(0);
  });

  test('a peer that did not advertise it never sees the bit cleared, and drops packets that clear it', async () => {
    const t = tapped({ seed: 6, aToB: { delayUs: 10_000 }, bToA: { delayUs: 10_000 }, transport: { greaseQuicBit: false }, serverTransport: {} });
    const pair = (await connectSim(t))!;
    expect(await echo(t, pair.client, pair.server, 300_000)).toBe(true);
    expect(cleared(t.wire.down)).toBe(0); // server → client: the client did not allow it
    expect(cleared(t.wire.up)).toBeGreaterThan(0); // client → server: the server did
    // RFC 9000 §17.3.1: without the parameter, a cleared bit makes the packet invalid (here
    // its authentication fails too: the first byte is in the AEAD's associated data); the
    // data it carried is sent again.
    const before = pair.client.stats().packetsDropped;
    t.wire.clearNext.down = 3;
    expect(await echo(t, pair.client, pair.server, 100_000)).toBe(true);
    expect(pair.client.stats().packetsDropped - before).toBe(3);
  });
});
