// Vegas (assembly/recovery/vegas.ts) in the simulator, on the path hystart.test.ts uses:
// a deep buffer that never drops, what a loopback socket buffer in front of a CPU-bound
// receiver is. CUBIC with HyStart++ leaves slow start on the RTT rise but then holds the
// queue it built (loss-based congestion avoidance never sees a loss): the smoothed RTT
// sits around 100 ms above a 10 ms minimum. Vegas keeps two to four datagrams queued,
// so the RTT stays within a few ms of the minimum, and the link stays as full.
import { makeSim, connectSim, runUntil } from './sim';
import { Prng } from '../../host/net/prng';
import type { TransportConfig } from '../../host/transport/create';

// 40 Mbit/s with 5 ms each way (RTT 10 ms, BDP 50 kB) and a 4 MiB queue that only drops when full.
const LINK = { bandwidthBps: 40e6, delayUs: 5000, queueBytes: 4 << 20 };
const sha = (b: Uint8Array) => require('node:crypto').createHash('sha256').update(b).digest('hex');

async function upload(transport: TransportConfig, size = 6 << 20, link = LINK) {
  const sim = makeSim({ seed: 7, aToB: link, bToA: { delayUs: link.delayUs }, transport });
  const ends = await connectSim(sim);
  expect(ends).not.toBeNull();
  const { client, server } = ends!;
  const payload = new Prng(3).fill(new Uint8Array(size));
  const chunks: Uint8Array[] = [];
  let received = 0, maxSrttUs = 0, srttSumUs = 0, samples = 0;
  server.acceptStream().then(async (s) => { for await (const c of s) { chunks.push(c); received += c.length; } });
  client.openStream().end(payload);
  const t0 = sim.clock.now();
  expect(await runUntil(sim.clock, () => {
    const srtt = client.stats().smoothedRttUs;
    maxSrttUs = Math.max(maxSrttUs, srtt);
    // The second half of the transfer: the steady state, after slow start.
    if (received > size / 2) { srttSumUs += srtt; samples++; }
    return received === payload.length;
  }, 60_000_000)).toBe(true);
  const got = new Uint8Array(received);
  let o = 0;
  for (const c of chunks) { got.set(c, o); o += c.length; }
  const st = client.stats();
  return { exact: sha(got) === sha(payload), maxSrttMs: maxSrttUs / 1000, meanSrttMs: srttSumUs / samples / 1000, minRttMs: st.minRttUs / 1000, ms: (sim.clock.now() - t0) / 1000, st };
}

test('vegas holds the RTT within a few ms of the minimum behind a deep buffer, where CUBIC holds ~100 ms, and fills the link as well', async () => {
  const vegas = await upload({ congestionControl: 'vegas' });
  const cubic = await upload({ congestionControl: 'cubic' });
  expect(vegas.exact).toBe(true);
  expect(cubic.exact).toBe(true);
  // Neither saw a loss: the queue never filled. CUBIC's RTT is the queue it holds.
  expect(cubic.st.packetsLost).toBe(0);
  expect(vegas.st.packetsLost).toBe(0);
  expect(cubic.meanSrttMs).toBeGreaterThan(50);
  expect(vegas.minRttMs).toBeLessThan(11);
  expect(vegas.meanSrttMs).toBeLessThan(vegas.minRttMs + 4);
  expect(vegas.maxSrttMs).toBeLessThan(vegas.minRttMs + 10);
  // The link stays full: 6 MiB at 40 Mbit/s take 1.26 s of serialization.
  expect(vegas.ms).toBeLessThan(cubic.ms * 1.1);
}, 120_000);
