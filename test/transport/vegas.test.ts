// Vegas (assembly/recovery/vegas.ts) in the simulator, on the path hystart.test.ts uses:
// a deep buffer that never drops, what a loopback socket buffer in front of a CPU-bound
// receiver is. CUBIC with HyStart++ leaves slow start on the RTT rise but then holds the
// queue it built (loss-based congestion avoidance never sees a loss): the smoothed RTT
// sits around 100 ms above a 10 ms minimum. Vegas keeps two to four datagrams queued,
// so the RTT stays within a few ms of the minimum, and the link stays as full.
import { deepBufferUpload as upload } from './deep-buffer';

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
