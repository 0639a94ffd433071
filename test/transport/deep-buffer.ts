// The path hystart.test.ts and vegas.test.ts upload over: a deep buffer that never drops,
// what a loopback socket buffer in front of a CPU-bound receiver is. 40 Mbit/s with 5 ms
// each way (RTT 10 ms, BDP 50 kB) and a 4 MiB queue that only drops when full.
import { makeSim, connectSim, runUntil } from './sim';
import { Prng } from '../../host/net/prng';
import type { TransportConfig } from '../../host/transport/create';

export const DEEP_BUFFER_LINK = { bandwidthBps: 40e6, delayUs: 5000, queueBytes: 4 << 20 };
const sha = (b: Uint8Array) => require('node:crypto').createHash('sha256').update(b).digest('hex');

/**
 * Uploads `size` bytes on one stream over that path and reports whether they arrived
 * byte-exact, the client's smoothed RTT (its maximum, and its mean over the second half
 * of the transfer: the steady state after slow start), its minimum RTT, the transfer's
 * duration on the virtual clock and the client's final stats.
 */
export async function deepBufferUpload(transport: TransportConfig, size = 6 << 20) {
  const link = DEEP_BUFFER_LINK;
  const sim = makeSim({ seed: 7, aToB: link, bToA: { delayUs: link.delayUs }, transport });
  const ends = await connectSim(sim);
  if (!ends) throw new Error('no handshake on the deep-buffer path');
  const { client, server } = ends;
  const payload = new Prng(3).fill(new Uint8Array(size));
  const chunks: Uint8Array[] = [];
  let received = 0, maxSrttUs = 0, srttSumUs = 0, samples = 0;
  server.acceptStream().then(async (s) => { for await (const c of s) { chunks.push(c); received += c.length; } });
  client.openStream().end(payload);
  const t0 = sim.clock.now();
  const done = await runUntil(sim.clock, () => {
    const srtt = client.stats().smoothedRttUs;
    maxSrttUs = Math.max(maxSrttUs, srtt);
    if (received > size / 2) { srttSumUs += srtt; samples++; }
    return received === payload.length;
  }, 60_000_000);
  if (!done) throw new Error(`upload incomplete: ${received} of ${size} bytes`);
  const got = new Uint8Array(received);
  let o = 0;
  for (const c of chunks) { got.set(c, o); o += c.length; }
  const st = client.stats();
  return { exact: sha(got) === sha(payload), maxSrttMs: maxSrttUs / 1000, meanSrttMs: srttSumUs / samples / 1000, minRttMs: st.minRttUs / 1000, ms: (sim.clock.now() - t0) / 1000, st };
}
