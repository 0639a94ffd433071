// The pacer (RFC 9002 §7.7) through the testing build: a token bucket refilled at
// 1.25 × cwnd / smoothed_rtt with a burst of at least 10 datagrams.
import { testingCore } from './probe';

const { x } = testingCore();
const MDS = 1200;

describe('pacer', () => {
  test('a full bucket lets a burst of 10 datagrams go, then holds the 11th until the refill covers it', () => {
    x.pacerReset(MDS);
    const cwnd = 120_000, srtt = 100_000; // rate 1.25 × 120000 / 100000 = 1.5 bytes/µs
    for (let i = 0; i < 10; i++) {
      expect(x.pacerCanSend(MDS, cwnd, srtt, 0)).toBe(1);
      x.pacerOnSent(MDS);
    }
    expect(x.pacerCanSend(MDS, cwnd, srtt, 0)).toBe(0);
    const at = x.pacerNextSendTime();
    expect(at).toBe(Math.ceil(MDS / 1.5) + 1);
    expect(x.pacerCanSend(MDS, cwnd, srtt, at - 2)).toBe(0);
    expect(x.pacerCanSend(MDS, cwnd, srtt, at)).toBe(1);
  });

  test('the bucket depth is max(10 datagrams, 2 ms at the current rate): idle time does not bank more', () => {
    x.pacerReset(MDS);
    const cwnd = 12_000_000, srtt = 10_000; // 1500 bytes/µs: 2 ms = 3 MB of burst
    expect(x.pacerCanSend(MDS, cwnd, srtt, 0)).toBe(1);
    expect(x.pacerCanSend(MDS, cwnd, srtt, 1_000_000)).toBe(1);
    expect(x.pacerTokens()).toBe(1500 * 2000);
  });
});
