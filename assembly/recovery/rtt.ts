// RTT estimation, RFC 9002 §5 (names as in Appendix A). Times in microseconds.

export const INITIAL_RTT: f64 = 333000; // §6.2.2
export const GRANULARITY: f64 = 1000; // kGranularity, 1 ms

export class RttEstimator {
  latestRtt: f64 = 0;
  smoothedRtt: f64 = INITIAL_RTT;
  rttvar: f64 = INITIAL_RTT / 2;
  minRtt: f64 = 0;
  firstSampleTime: f64 = -1;
  hasSample: bool = false;

  constructor(initialRtt: f64 = INITIAL_RTT) {
    this.smoothedRtt = initialRtt;
    this.rttvar = initialRtt / 2;
  }

  /** §5.3: ackDelay is capped by max_ack_delay once the handshake is confirmed. */
  update(latest: f64, ackDelay: f64, maxAckDelay: f64, handshakeConfirmed: bool, now: f64): void {
    this.latestRtt = latest;
    if (!this.hasSample) {
      this.hasSample = true;
      this.firstSampleTime = now;
      this.minRtt = latest;
      this.smoothedRtt = latest;
      this.rttvar = latest / 2;
      return;
    }
    if (latest < this.minRtt) this.minRtt = latest;
    let delay = ackDelay;
    if (handshakeConfirmed && delay > maxAckDelay) delay = maxAckDelay;
    let adjusted = latest;
    if (latest >= this.minRtt + delay) adjusted = latest - delay;
    const diff = this.smoothedRtt > adjusted ? this.smoothedRtt - adjusted : adjusted - this.smoothedRtt;
    this.rttvar = 0.75 * this.rttvar + 0.25 * diff;
    this.smoothedRtt = 0.875 * this.smoothedRtt + 0.125 * adjusted;
  }

  /** PTO duration without the backoff (§6.2.1); maxAckDelay is 0 for Initial/Handshake. */
  pto(maxAckDelay: f64): f64 {
    const v = 4 * this.rttvar;
    return this.smoothedRtt + (v > GRANULARITY ? v : GRANULARITY) + maxAckDelay;
  }
}
