// Pacing (RFC 9002 §7.7): spread a window of packets over the RTT instead of sending
// it in one burst that overflows queues (a socket buffer on loopback, a router on a
// path). A token bucket refilled at 1.25 × cwnd / smoothed_rtt; its depth allows a short
// burst (at least 10 datagrams, or 2 ms worth at the current rate, so that a host whose
// timers have millisecond resolution still fills the pipe). Times in microseconds.

const PACING_GAIN: f64 = 1.25; // N in §7.7
const MIN_BURST_PACKETS: f64 = 10;
const BURST_INTERVAL: f64 = 2000; // 2 ms

export class Pacer {
  tokens: f64;
  lastRefill: f64 = -1;
  /** When the bucket will hold a full datagram again (valid after canSend returned false). */
  nextSendTime: f64 = 0;
  /**
   * The datagram size in bytes (an integer: 1200 up to the path's PMTU), kept as an i32 so
   * that the pacer takes 48 bytes rather than 64 (issue 17); read and written as f64.
   */
  private mds: i32;
  get maxDatagramSize(): f64 { return <f64>this.mds; }
  set maxDatagramSize(v: f64) { this.mds = <i32>v; }

  constructor(maxDatagramSize: f64) {
    this.mds = <i32>maxDatagramSize;
    this.tokens = MIN_BURST_PACKETS * maxDatagramSize;
  }

  private rate(cwnd: f64, srtt: f64): f64 {
    return PACING_GAIN * cwnd / (srtt > 1 ? srtt : 1); // bytes per µs
  }

  private capacity(rate: f64): f64 {
    const burst = rate * BURST_INTERVAL;
    const min = MIN_BURST_PACKETS * this.maxDatagramSize;
    return burst > min ? burst : min;
  }

  /** True when a datagram of `bytes` may leave now. */
  canSend(bytes: i32, cwnd: f64, srtt: f64, now: f64): bool {
    const rate = this.rate(cwnd, srtt);
    const cap = this.capacity(rate);
    if (this.lastRefill >= 0 && now > this.lastRefill) {
      this.tokens += (now - this.lastRefill) * rate;
    }
    if (this.tokens > cap) this.tokens = cap;
    this.lastRefill = now;
    if (this.tokens >= <f64>bytes) return true;
    // Whole microseconds, rounded up, plus one: the refill at that time covers the
    // deficit despite rounding, so a wake-up never finds the bucket short again (a timer
    // re-armed at the same instant forever).
    this.nextSendTime = now + Math.ceil((<f64>bytes - this.tokens) / rate) + 1;
    return false;
  }

  onSent(bytes: i32): void {
    this.tokens -= <f64>bytes;
    if (this.tokens < 0) this.tokens = 0;
  }
}
