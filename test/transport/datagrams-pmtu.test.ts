// The datagram payload limit follows the path (conn/datagrams.ts datagramMaxPayload):
// one packet of the size DPLPMTUD found (within the peer's max_udp_payload_size), not a
// fixed 1200 bytes; after a black hole sends the path back to 1200, datagrams queued
// above the new limit are dropped and reported 'dropped', never sent over-size, and the
// ones behind them still go.
import { createHash } from 'node:crypto';
import { makeSim, connectSim, runUntil, watch, type SimOptions } from './sim';
import { Prng } from '../../host/net/prng';
import type { DatagramOutcome } from '../../host/transport/datagrams';
import type { DatagramOptions } from '../../host/api/options';

const delays = { delayUs: 5_000, mtu: 65527 };
const sha = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

async function setup(opts: SimOptions & { clientDatagrams?: DatagramOptions }) {
  const sim = makeSim({ ...opts, client: { datagrams: opts.clientDatagrams ?? {} }, server: { datagrams: {} } });
  const sizes: number[] = [];
  const send = sim.pair.a.send.bind(sim.pair.a);
  sim.pair.a.send = (d: Uint8Array, p?: number) => { sizes.push(d.length); send(d, p); };
  const conns = await connectSim(sim);
  expect(conns).not.toBeNull();
  return { ...sim, ...conns!, sizes };
}

test('a path where PMTUD found 9000 bytes carries a datagram far above 1200 end to end', async () => {
  const t = await setup({ transport: { maxDatagramSize: 9000 }, aToB: delays, bToA: delays });
  expect(t.client.maxDatagramSize).toBeLessThan(1200); // the QUIC minimum until the search says more
  expect(await runUntil(t.clock, () => t.client.stats().pathMtu === 9000, 10_000_000)).toBe(true);
  const max = t.client.maxDatagramSize;
  expect(max).toBeGreaterThan(8800);
  expect(max).toBeLessThan(9000);
  expect(() => t.client.sendDatagram(new Uint8Array(max + 1))).toThrow(expect.objectContaining({ code: 'ERR_QUIC_DATAGRAM_TOO_LARGE' }));
  const big = new Prng(3).fill(new Uint8Array(max));
  let got: Uint8Array | null = null;
  t.server.on('datagram', (d) => { got = d; });
  const outcome = watch(t.client.sendDatagram(big, { track: true }));
  expect(await runUntil(t.clock, () => outcome.done && got !== null)).toBe(true);
  expect(outcome.value).toBe('acked');
  expect(sha(got!)).toBe(sha(big));
  expect(Math.max(...t.sizes)).toBe(9000);
});

test('after a black hole, datagrams queued above the new limit are dropped (reported), the rest still go', async () => {
  const t = await setup({ transport: { maxDatagramSize: 9000 }, aToB: delays, bToA: delays, clientDatagrams: { sendQueue: 4 << 20 } });
  expect(await runUntil(t.clock, () => t.client.stats().pathMtu === 9000, 10_000_000)).toBe(true);
  const bigSize = t.client.maxDatagramSize;
  const sentBefore = t.sizes.length;
  // The path stops carrying more than 1200 bytes while 200 big datagrams wait: more than
  // the window and the pacer let out before loss detection finds the black hole.
  t.pair.a.impair({ pathMtu: 1200 });
  const big = Array.from({ length: 200 }, (_, i) => t.client.sendDatagram(new Prng(20 + i).fill(new Uint8Array(bigSize)), { track: true }));
  const outcomes = watch(Promise.all(big));
  expect(await runUntil(t.clock, () => outcomes.done, 60_000_000)).toBe(true);
  const st = t.client.stats();
  expect(st.pmtuBlackHoles).toBe(1);
  expect(st.pathMtu).toBe(1200);
  const count = (o: DatagramOutcome) => outcomes.value!.filter((x) => x === o).length;
  expect(count('lost')).toBeGreaterThan(0); // sent into the hole before it was found
  expect(count('dropped')).toBeGreaterThan(0); // still queued when it was: never sent over-size
  expect(count('lost') + count('dropped')).toBe(200);
  expect(t.client.datagramStats()).toMatchObject({ sent: count('lost'), sendDropped: count('dropped') });
  // Over 1200 bytes on the wire: exactly the datagrams that went into the hole.
  expect(t.sizes.slice(sentBefore).filter((n) => n > 1200).length).toBe(count('lost'));

  expect(t.client.maxDatagramSize).toBeLessThan(1200);
  expect(() => t.client.sendDatagram(new Uint8Array(bigSize))).toThrow(expect.objectContaining({ code: 'ERR_QUIC_DATAGRAM_TOO_LARGE' }));
  let got: Uint8Array | null = null;
  t.server.on('datagram', (d) => { if (d.length === 1000) got = d; });
  const small = watch(t.client.sendDatagram(new Uint8Array(1000).fill(7), { track: true }));
  expect(await runUntil(t.clock, () => small.done && got !== null, 10_000_000)).toBe(true);
  expect(small.value).toBe('acked');
});
