// Congestion control through the testing build: NewReno (RFC 9002 §7, Appendix B) and
// CUBIC (RFC 9438) window changes on acknowledgment, loss and persistent congestion.
import { testingCore } from './probe';

const { x } = testingCore();
const CWND = 0, SSTHRESH = 1, INFLIGHT = 2, EVENTS = 3;
const MDS = 1200;
const NEWRENO = 0, CUBIC = 1;

/** Sends and acknowledges `n` full datagrams, one at a time, at `now`. */
function ackRound(n: number, timeSent: number, now: number, srtt = 100_000) {
  for (let i = 0; i < n; i++) x.ccOnSent(MDS);
  for (let i = 0; i < n; i++) x.ccOnAcked(MDS, timeSent, now, srtt);
}

describe('congestion control', () => {
  test('initial window: min(10 × max_datagram_size, max(14720, 2 × max_datagram_size)) (§7.2)', () => {
    x.ccReset(NEWRENO, 1200);
    expect(x.ccGet(CWND)).toBe(12_000);
    x.ccReset(NEWRENO, 1500);
    expect(x.ccGet(CWND)).toBe(14_720);
    x.ccReset(NEWRENO, 9000);
    expect(x.ccGet(CWND)).toBe(18_000);
    expect(x.ccGet(SSTHRESH)).toBe(Infinity);
  });

  test('slow start: each acknowledged byte grows the window by one byte while at least half the window is in flight (§7.3.1, §7.8)', () => {
    x.ccReset(NEWRENO, MDS);
    for (let i = 0; i < 10; i++) x.ccOnSent(MDS);  // the whole initial window
    const seen: number[] = [];
    for (let i = 0; i < 6; i++) { x.ccOnAcked(MDS, 0, 1000, 100_000); seen.push(x.ccGet(CWND)); }
    // In flight before each ACK: 12000, 10800, 9600, 8400, 7200, 6000. Growth stops once
    // less than half of the window was in use (application-limited, §7.8).
    expect(seen).toEqual([13_200, 14_400, 15_600, 16_800, 16_800, 16_800]);
    expect(x.ccGet(INFLIGHT)).toBe(4 * MDS);
  });

  test('the window bounds what may be sent', () => {
    x.ccReset(NEWRENO, MDS);
    for (let i = 0; i < 10; i++) x.ccOnSent(MDS);
    expect(x.ccCanSend(1)).toBe(0);
    x.ccOnAcked(MDS, 0, 1000, 100_000);
    expect(x.ccCanSend(MDS)).toBe(1);
  });

  test('NewReno loss: window halves, ssthresh = window, one reduction per recovery period (§7.3.2)', () => {
    x.ccReset(NEWRENO, MDS);
    for (let i = 0; i < 10; i++) x.ccOnSent(MDS);
    x.ccOnLost(MDS, 2000, 5000);
    expect([x.ccGet(CWND), x.ccGet(SSTHRESH), x.ccGet(EVENTS), x.ccGet(INFLIGHT)]).toEqual([6_000, 6_000, 1, 9 * MDS]);
    // A second loss of a packet sent before recovery began does not reduce again.
    x.ccOnLost(MDS, 3000, 6000);
    expect([x.ccGet(CWND), x.ccGet(EVENTS)]).toEqual([6_000, 1]);
    // Nor does an ACK of such a packet grow the window.
    x.ccOnAcked(MDS, 4000, 7000, 100_000);
    expect(x.ccGet(CWND)).toBe(6_000);
    // A loss of a packet sent after recovery began is a new congestion event.
    x.ccOnLost(MDS, 5001, 8000);
    expect([x.ccGet(CWND), x.ccGet(EVENTS)]).toEqual([3_000, 2]);
  });

  test('NewReno congestion avoidance: about one datagram per window of acknowledged bytes (§7.3.3)', () => {
    x.ccReset(NEWRENO, MDS);
    for (let i = 0; i < 10; i++) x.ccOnSent(MDS);
    x.ccOnLost(MDS, 1000, 2000);                   // cwnd = ssthresh = 6000, 9 datagrams in flight
    for (let i = 0; i < 5; i++) x.ccOnAcked(MDS, 3000, 4000, 100_000); // one window, sent after recovery began
    const grown = x.ccGet(CWND) - 6_000;
    expect(grown).toBeGreaterThan(MDS * 0.8);
    expect(grown).toBeLessThanOrEqual(MDS);
  });

  test('window never below the minimum (2 × max_datagram_size); persistent congestion collapses to it (§7.6.2)', () => {
    x.ccReset(NEWRENO, MDS);
    for (let t = 1; t < 10; t++) x.ccOnLost(0, t * 1000, t * 1000 + 1);
    expect(x.ccGet(CWND)).toBe(2 * MDS);
    x.ccReset(NEWRENO, MDS);
    ackRound(10, 0, 1000);
    x.ccOnPersistentCongestion();
    expect(x.ccGet(CWND)).toBe(2 * MDS);
  });

  test('CUBIC: multiplicative decrease by β = 0.7 (RFC 9438 §4.6), then growth back toward W_max', () => {
    x.ccReset(CUBIC, MDS);
    for (let i = 0; i < 10; i++) x.ccOnSent(MDS);
    x.ccOnLost(MDS, 1000, 2000);
    expect(x.ccGet(CWND)).toBeCloseTo(12_000 * 0.7, 6);
    expect(x.ccGet(SSTHRESH)).toBeCloseTo(12_000 * 0.7, 6);
    // Rounds of one window each, every 100 ms, acknowledged after recovery: the window
    // grows monotonically back past W_max (concave, then convex).
    let last = x.ccGet(CWND);
    for (let r = 0; r < 40; r++) {
      const n = Math.ceil(last / MDS);
      ackRound(n, 3000 + r * 100_000, 3000 + (r + 1) * 100_000);
      const w = x.ccGet(CWND);
      expect(w).toBeGreaterThanOrEqual(last);
      expect(w).toBeLessThanOrEqual(last * 1.5 + MDS);
      last = w;
    }
    expect(last).toBeGreaterThan(12_000);
  });
});
