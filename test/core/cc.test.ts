// Congestion control through the testing build: NewReno (RFC 9002 §7, Appendix B) and
// CUBIC (RFC 9438) window changes on acknowledgment, loss and persistent congestion;
// Vegas (recovery/vegas.ts) window changes on the queueing delay of each round.
import { testingCore } from './probe';

const { x } = testingCore();
const CWND = 0, SSTHRESH = 1, INFLIGHT = 2, EVENTS = 3;
const MDS = 1200;
const NEWRENO = 0, CUBIC = 1, VEGAS = 2;

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

  /**
   * One Vegas round: `n` datagrams sent at `sendAt`, each acknowledged `rtt` later with
   * an RTT sample after it (as loss.ts does); the next round starts when these acks arrive.
   * The sender keeps its window full (what it sends as ACKs arrive is only counted in
   * flight), so every ACK finds the window in use (§7.8).
   * Returns that time and the window after the round's first ACK (the verdict on the
   * previous round's samples) and after its last.
   */
  function vegasRound(n: number, sendAt: number, rtt: number) {
    for (let i = 0; i < n; i++) x.ccOnSent(MDS);
    let first = 0;
    for (let i = 0; i < n; i++) {
      while (x.ccCanSend(MDS)) x.ccOnSent(MDS);
      x.ccOnAcked(MDS, sendAt, sendAt + rtt, rtt);
      x.ccOnRttSample(rtt);
      if (i === 0) first = x.ccGet(CWND);
    }
    return { next: sendAt + rtt, first, last: x.ccGet(CWND) };
  }

  test('Vegas: slow start until more than one datagram queues, then one datagram more or less per round to keep 2-4 queued', () => {
    x.ccReset(VEGAS, MDS);
    const base = 10_000;
    // Queue estimates count the RTT above base + 1 ms (vegas.ts RTT_NOISE).
    let r = vegasRound(10, 0, base);               // no queue: slow start doubles the window
    expect(r.last).toBe(24_000);
    r = vegasRound(20, r.next, base);
    expect(r.last).toBe(48_000);
    // 1.9 ms of queue: at the round's third sample (window 51600) 43 × 1.9/12.9 = 6.3
    // datagrams queued, and slow start ends at once, at what the path carried without
    // the queue plus one datagram: 51600 × 11/12.9 + 1200.
    r = vegasRound(40, r.next, 12_900);
    expect(r.first).toBe(49_200);
    expect(r.last).toBe(45_200);
    expect(x.ccGet(SSTHRESH)).toBe(45_200);
    r = vegasRound(37, r.next, base);              // judged: the last round, 37.7 × 1.9/12.9 = 5.6 queued > 4: one fewer
    expect(r.first).toBe(44_000);
    expect(r.last).toBe(44_000);                   // no slow-start growth after that
    r = vegasRound(37, r.next, 13_000);            // judged: round at base RTT, 0 queued < 2: one more
    expect(r.first).toBe(45_200);
    r = vegasRound(38, r.next, 13_000);            // judged: 37.7 × 2/13 = 5.8 queued > 4: one fewer
    expect(r.first).toBe(44_000);
    r = vegasRound(37, r.next, 11_900);            // judged: 36.7 × 2/13 = 5.6: one fewer again, below ssthresh
    expect(r.first).toBe(42_800);
    expect(r.last).toBe(42_800);                   // and shrinking does not reopen slow start
    expect(x.ccGet(SSTHRESH)).toBe(42_800);
    r = vegasRound(36, r.next, 11_900);            // judged: 35.7 × 0.9/11.9 = 2.7 queued: hold
    expect(r.first).toBe(42_800);
    expect(r.last).toBe(42_800);
    // A loss still halves the window (as NewReno).
    x.ccOnLost(MDS, r.next, r.next + 1);
    expect(x.ccGet(CWND)).toBe(21_400);
    expect(x.ccGet(EVENTS)).toBe(1);
  });

  test('Vegas: rounds with too few RTT samples to judge grow the window as NewReno would', () => {
    x.ccReset(VEGAS, MDS);
    x.ccOnSent(MDS);
    x.ccOnLost(MDS, 0, 1);                         // congestion avoidance at 6000
    expect(x.ccGet(CWND)).toBe(6_000);
    let next = 10;
    for (let k = 0; k < 3; k++) {                  // two ACKs a round, two samples: below the minimum of three
      for (let i = 0; i < 2; i++) {
        while (x.ccCanSend(MDS)) x.ccOnSent(MDS);
        x.ccOnAcked(MDS, next, next + 10_000, 10_000);
        x.ccOnRttSample(10_000);
      }
      next += 10_000;
    }
    // The first ACK starts the first round; each of the two rounds ended since adds one datagram.
    expect(x.ccGet(CWND)).toBe(6_000 + 2 * MDS);
  });
});

