// DPLPMTUD (RFC 8899 as RFC 9000 §14.3 uses it; conn/pmtud.ts): the path's datagram size
// starts at 1200, probes find what the path carries, a black hole sends it back to 1200,
// lost probes never cost congestion window, and `pmtud: false` keeps every datagram at 1200.
import { createHash } from 'node:crypto';
import { makeSim, connectSim, runUntil } from './sim';
import { Prng } from '../../host/net/prng';
import type { QuicConnection } from '../../host/transport/connection';
import type { SimOptions } from './sim';

const sha = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

/** Connects, then records every datagram size each end sends. */
async function setup(opts: SimOptions) {
  const sim = makeSim(opts);
  const sizes = { a: [] as number[], b: [] as number[] };
  for (const side of ['a', 'b'] as const) {
    const end = sim.pair[side];
    const send = end.send.bind(end);
    end.send = (d: Uint8Array, p: number) => { sizes[side].push(d.length); send(d, p); };
  }
  const conns = await connectSim(sim);
  expect(conns).not.toBeNull();
  return { ...sim, ...conns!, sizes };
}

/** Uploads `bytes` on one stream; resolves with the server's SHA-256 of what arrived. */
async function upload(t: { clock: any; client: QuicConnection; server: QuicConnection }, bytes: number, during?: (sent: number) => void) {
  const payload = new Prng(9).fill(new Uint8Array(bytes));
  let got = '';
  t.server.acceptStream().then(async (s) => {
    const h = createHash('sha256');
    for await (const c of s) h.update(c);
    got = h.digest('hex');
  });
  const s = t.client.openStream();
  s.end(payload);
  const ok = await runUntil(t.clock, () => { during?.(t.client.stats().streamBytesSent); return got !== ''; }, 600_000_000);
  return { ok, intact: got === sha(payload) };
}

// `mtu` is what each end reports it can send (the search's ceiling); `pathMtu` what the path carries.
const delays = { delayUs: 5_000, mtu: 65527 };

test('on a path whose MTU is 1500 (unknown to the ends) the size settles above 1200 and at most 1500', async () => {
  const t = await setup({ aToB: { ...delays, pathMtu: 1500 }, bToA: { ...delays, pathMtu: 1500 } });
  const r = await upload(t, 4 << 20);
  expect(r).toEqual({ ok: true, intact: true });
  const st = t.client.stats();
  expect(st.pathMtu).toBeGreaterThan(1400);
  expect(st.pathMtu).toBeLessThanOrEqual(1500);
  expect(st.pmtuProbesLost).toBeGreaterThan(0); // the search did try sizes the path refused
  expect(st.pmtuBlackHoles).toBe(0);
  // The data itself went in datagrams of the discovered size, none above the path's limit
  // except the probes that the path dropped.
  const big = t.sizes.a.filter((n) => n > 1200 && n <= 1500).length;
  expect(big).toBeGreaterThan(1500);
  // Only probes were dropped (the last one may still be in flight at the end).
  expect(st.packetsLost).toBe(st.pmtuProbesLost);
  expect(t.pair.a.counters.droppedMtu - st.pmtuProbesLost).toBeLessThanOrEqual(1);
  expect(t.server.stats().pathMtu).toBeGreaterThan(1200); // the other direction probes too
});

test('lost probes never shrink the congestion window', async () => {
  const t = await setup({ aToB: { ...delays, pathMtu: 1500 }, bToA: { ...delays, pathMtu: 1500 } });
  let minCwnd = Infinity, last = 0, shrank = false;
  const r = await upload(t, 4 << 20, () => {
    const c = t.client.stats().cwnd;
    if (c < last) shrank = true;
    last = c;
    minCwnd = Math.min(minCwnd, c);
  });
  expect(r).toEqual({ ok: true, intact: true });
  const st = t.client.stats();
  expect(st.pmtuProbesLost).toBeGreaterThan(2);
  expect(st.packetsLost).toBe(st.pmtuProbesLost); // nothing but probes was lost
  expect(st.congestionEvents).toBe(0);
  expect(shrank).toBe(false);
  expect(st.ssthresh).toBe(Infinity);
});

test('a black hole opened mid-transfer: the size falls back to 1200 and the transfer completes byte-exact', async () => {
  const t = await setup({ aToB: delays, bToA: delays });
  let opened = false, sizeBefore = 0;
  const r = await upload(t, 8 << 20, (sent) => {
    if (!opened && sent > 3 << 20) {
      opened = true;
      sizeBefore = t.client.stats().pathMtu;
      t.pair.a.impair({ pathMtu: 1200 });
    }
  });
  expect(opened).toBe(true);
  expect(sizeBefore).toBeGreaterThan(1200);
  expect(r).toEqual({ ok: true, intact: true });
  const st = t.client.stats();
  expect(st.pmtuBlackHoles).toBe(1);
  expect(st.pathMtu).toBe(1200);
  expect(t.pair.a.counters.droppedMtu).toBeGreaterThan(0);
});

test('with pmtud: false every datagram is at most 1200 bytes', async () => {
  const t = await setup({ transport: { pmtud: false }, aToB: delays, bToA: delays });
  const r = await upload(t, 1 << 20);
  expect(r).toEqual({ ok: true, intact: true });
  expect(Math.max(...t.sizes.a, ...t.sizes.b)).toBeLessThanOrEqual(1200);
  expect(t.client.stats().pmtuProbesSent).toBe(0);
  expect(t.client.stats().pathMtu).toBe(1200);
});

test('maxDatagramSize caps the search; the peer\'s max_udp_payload_size too', async () => {
  const t = await setup({ transport: { maxDatagramSize: 4000 }, serverTransport: { maxDatagramSize: 3000 }, aToB: delays, bToA: delays });
  const r = await upload(t, 1 << 20);
  expect(r).toEqual({ ok: true, intact: true });
  expect(t.client.stats().pathMtu).toBe(4000);
  expect(Math.max(...t.sizes.a)).toBe(4000);
  expect(Math.max(...t.sizes.b)).toBeLessThanOrEqual(3000);
});

test('a pair end without an mtu reports 1200: no probes, every datagram at the QUIC minimum', async () => {
  const t = await setup({ aToB: { delayUs: 5_000 }, bToA: { delayUs: 5_000 } });
  expect(t.pair.a.maxDatagramSize).toBe(1200);
  const r = await upload(t, 1 << 20);
  expect(r).toEqual({ ok: true, intact: true });
  expect(t.client.stats().pmtuProbesSent).toBe(0);
  expect(Math.max(...t.sizes.a, ...t.sizes.b)).toBeLessThanOrEqual(1200);
});

test('impair() changes a direction mid-run without touching the caller\'s impairment object', () => {
  const { pair } = makeSim({ aToB: delays });
  pair.a.impair({ pathMtu: 1200 });
  expect(delays).toEqual({ delayUs: 5_000, mtu: 65527 });
  expect(() => pair.a.impair({ pathMtu: -1 })).toThrow(/pathMtu/);
});
