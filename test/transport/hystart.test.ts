// HyStart++ (RFC 9406, assembly/recovery/hystart.ts) in the simulator: behind a deep
// buffer that never drops — what a loopback socket buffer in front of a CPU-bound
// receiver is — slow start used to double the window until the queue held hundreds of
// milliseconds; with HyStart++ the sender turns to conservative slow start when the RTT
// has risen by its threshold (4 ms here) and leaves slow start five rounds later, without
// a loss. Loss-based congestion avoidance then holds that queue (it never drops): the RTT
// stays at about half of what slow start alone reached, not near the minimum — that
// takes a delay-based controller (vegas.test.ts).
import { deepBufferUpload as upload } from './deep-buffer';

test('HyStart++ leaves slow start on the RTT rise without a loss: half the queue of slow start alone, and the upload no slower', async () => {
  const on = await upload({});
  const off = await upload({ hystart: false });
  expect(on.exact).toBe(true);
  expect(off.exact).toBe(true);
  // Off: slow start never ended (no loss from the deep queue) and its smoothed RTT
  // climbed far above the 10 ms minimum (about 216 ms).
  expect(off.st.ssthresh).toBe(Infinity);
  expect(off.maxSrttMs).toBeGreaterThan(150);
  // On: slow start ended on the RTT signal, not on a loss, with half that queue (about 101 ms).
  expect(on.st.congestionEvents).toBe(0);
  expect(on.st.packetsLost).toBe(0);
  expect(Number.isFinite(on.st.ssthresh)).toBe(true);
  expect(on.maxSrttMs).toBeLessThan(off.maxSrttMs * 0.6);
  expect(on.minRttMs).toBeLessThan(11);
  // The link stays full: 6 MiB at 40 Mbit/s take 1.26 s of serialization.
  expect(on.ms).toBeLessThan(off.ms * 1.1);
  expect(on.ms).toBeLessThan(1.5 * (6 << 20) * 8 / 40e6 * 1000);
}, 120_000);
