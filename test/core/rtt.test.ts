// RTT estimation (RFC 9002 §5) through the testing build: the first sample, the
// EWMA updates, min_rtt, the ack-delay adjustment and its cap, and the PTO period.
import { testingCore } from './probe';

const { x } = testingCore();
const LATEST = 0, SMOOTHED = 1, RTTVAR = 2, MIN = 3;
const get = (f: number) => x.rttGet(f);

describe('RTT estimator (RFC 9002 §5)', () => {
  test('before any sample: smoothed_rtt = kInitialRtt, rttvar = kInitialRtt / 2 (§5.3), PTO = 3 × initial RTT + max_ack_delay (§6.2.2)', () => {
    x.rttReset(333_000);
    expect([get(SMOOTHED), get(RTTVAR)]).toEqual([333_000, 166_500]);
    expect(x.rttPto(0)).toBe(999_000);
    expect(x.rttPto(25_000)).toBe(1_024_000);
  });

  test('the first sample sets smoothed_rtt = latest, rttvar = latest / 2, min_rtt = latest; the ack delay is ignored', () => {
    x.rttReset(333_000);
    x.rttUpdate(100_000, 50_000, 25_000, 1, 1_000);
    expect([get(LATEST), get(SMOOTHED), get(RTTVAR), get(MIN)]).toEqual([100_000, 100_000, 50_000, 100_000]);
    expect(x.rttGet(4)).toBe(1_000);
  });

  test('later samples: smoothed = 7/8 smoothed + 1/8 adjusted, rttvar = 3/4 rttvar + 1/4 |smoothed - adjusted|', () => {
    x.rttReset(333_000);
    x.rttUpdate(100_000, 0, 25_000, 1, 0);
    x.rttUpdate(200_000, 0, 25_000, 1, 0);
    expect(get(SMOOTHED)).toBe(0.875 * 100_000 + 0.125 * 200_000);
    expect(get(RTTVAR)).toBe(0.75 * 50_000 + 0.25 * 100_000);
    expect(get(MIN)).toBe(100_000);
    // A smaller sample lowers min_rtt.
    x.rttUpdate(80_000, 0, 25_000, 1, 0);
    expect(get(MIN)).toBe(80_000);
  });

  test('ack delay is subtracted when the result stays above min_rtt, capped by max_ack_delay once confirmed (§5.3)', () => {
    x.rttReset(333_000);
    x.rttUpdate(100_000, 0, 25_000, 1, 0);                // min_rtt 100 ms
    x.rttUpdate(150_000, 40_000, 25_000, 1, 0);           // confirmed: delay capped at 25 ms → adjusted 125 ms
    expect(get(SMOOTHED)).toBe(0.875 * 100_000 + 0.125 * 125_000);
    x.rttReset(333_000);
    x.rttUpdate(100_000, 0, 25_000, 0, 0);
    x.rttUpdate(150_000, 40_000, 25_000, 0, 0);           // not confirmed: the full 40 ms → adjusted 110 ms
    expect(get(SMOOTHED)).toBe(0.875 * 100_000 + 0.125 * 110_000);
    x.rttReset(333_000);
    x.rttUpdate(100_000, 0, 25_000, 1, 0);
    x.rttUpdate(110_000, 20_000, 25_000, 1, 0);           // 110 - 20 < min_rtt: not adjusted
    expect(get(SMOOTHED)).toBe(0.875 * 100_000 + 0.125 * 110_000);
  });

  test('PTO = smoothed + max(4 rttvar, kGranularity) + max_ack_delay (§6.2.1)', () => {
    x.rttReset(333_000);
    x.rttUpdate(100_000, 0, 0, 1, 0);
    expect(x.rttPto(25_000)).toBe(100_000 + 4 * 50_000 + 25_000);
    // A steady RTT shrinks rttvar until kGranularity (1 ms) takes over.
    for (let i = 0; i < 200; i++) x.rttUpdate(100_000, 0, 0, 1, 0);
    expect(get(RTTVAR)).toBeLessThan(250);
    expect(x.rttPto(0)).toBe(get(SMOOTHED) + 1_000);
  });
});
