// The delay-based side of CC_VEGAS (cc.ts): TCP Vegas (Brakmo and Peterson, 1995), in
// the form Linux's tcp_vegas runs. Once per round it estimates how much of the window
// sits in a queue rather than on the wire:
//     queued = cwnd × (rtt − baseRtt − RTT_NOISE) / rtt
// (rtt: the smallest sample of the round, which filters out delayed ACKs; baseRtt: the
// smallest ever seen on this path; RTT_NOISE: what the RTT varies by with no queue, see
// below), and keeps it between ALPHA and BETA datagrams: one
// more datagram per round below ALPHA, one fewer above BETA. Slow start ends as soon as
// more than GAMMA datagrams queue. Losses still halve the window (cc.ts).
//
// Why Vegas and not BBR (the first suggestion): the queue we must not build is
// a CPU-bound receiver's socket buffer on a path that never drops, and Vegas holds a
// queue of a few datagrams there with one RTT filter and no delivery-rate sampling per
// packet (BBRv3's draft needs per-packet rate samples, a windowed max-bandwidth filter
// and a probing state machine: several times the code for the same loopback result).
// Its known weakness — it yields to loss-based flows sharing a bottleneck — is why it is
// an option and CUBIC stays the default.
// Times in microseconds, sizes in bytes.

/** Datagrams queued below which the window grows, above which it shrinks (Linux's defaults). */
const ALPHA: f64 = 2;
const BETA: f64 = 4;
/** Datagrams queued at which slow start ends. */
const GAMMA: f64 = 1;
/**
 * RTT above the minimum that is not counted as queue: the RTT of a host that measures in
 * an event loop varies by about a timer tick (RFC 9002's kGranularity, 1 ms) with no
 * queue at all; counted, it makes a loopback sender back off from a receiver it is not
 * flooding.
 */
const RTT_NOISE: f64 = 1000;
/** Rounds with fewer RTT samples than this are not trusted (too few to filter delayed ACKs). */
const MIN_SAMPLES: i32 = 3;

export class Vegas {
  baseRtt: f64 = Infinity;
  roundMinRtt: f64 = Infinity;
  roundSamples: i32 = 0;
  /** The round started at this time: acknowledging a packet sent since then ends it. */
  roundStart: f64 = -1;

  onRttSample(latestRtt: f64): void {
    if (latestRtt <= 0) return;
    if (latestRtt < this.baseRtt) this.baseRtt = latestRtt;
    if (latestRtt < this.roundMinRtt) this.roundMinRtt = latestRtt;
    this.roundSamples++;
  }

  /**
   * In slow start, after each RTT sample: the window to leave slow start with, or -1.
   * Slow start doubles the window every round, so waiting for the end of the round (as
   * in congestion avoidance) would let the queue double again before the verdict: the
   * round's smallest sample so far decides at once, after MIN_SAMPLES of them.
   */
  slowStartExit(cwnd: f64, mss: f64): f64 {
    const rtt = this.roundMinRtt;
    if (this.roundSamples < MIN_SAMPLES || rtt == Infinity) return -1;
    if (this.queued(cwnd, mss, rtt) <= GAMMA) return -1;
    // The window the path carried without a queue, plus one datagram.
    const target = cwnd * (this.baseRtt + RTT_NOISE) / rtt + mss;
    return target < cwnd ? target : cwnd;
  }

  /** Datagrams of a window `cwnd` that sit in a queue when the round's RTT is `rtt`. */
  private queued(cwnd: f64, mss: f64, rtt: f64): f64 {
    const excess = rtt - this.baseRtt - RTT_NOISE;
    return excess > 0 ? (cwnd / mss) * excess / rtt : 0;
  }

  /** True once per round: the acknowledgment of a packet sent at or after the round began. */
  roundEnded(timeSent: f64, now: f64): bool {
    if (this.roundStart < 0) {
      this.roundStart = now; // the first ACK starts the first round
      return false;
    }
    if (timeSent < this.roundStart) return false;
    this.roundStart = now;
    return true;
  }

  /**
   * At the end of a round: the window Vegas wants in congestion avoidance, from the window
   * `cwnd` and the datagram size `mss`, or -1 when the round had too few samples to judge
   * (the caller keeps its own growth). Starts the next round's samples either way.
   */
  adjust(cwnd: f64, mss: f64): f64 {
    const rtt = this.roundMinRtt, samples = this.roundSamples;
    this.roundMinRtt = Infinity;
    this.roundSamples = 0;
    if (samples < MIN_SAMPLES || rtt == Infinity) return -1;
    const queued = this.queued(cwnd, mss, rtt);
    if (queued > BETA) return cwnd - mss;
    if (queued < ALPHA) return cwnd + mss;
    return cwnd;
  }
}
