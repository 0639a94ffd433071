// HyStart++ (RFC 9406): leaves slow start when the RTT starts to rise — a queue is
// building — instead of only at the first loss. Behind a deep buffer that never drops
// (a loopback socket buffer of 8 MiB in front of a CPU-bound receiver) slow start
// otherwise doubles the window until the smoothed RTT is tens of milliseconds above
// the minimum. Times in microseconds; a round is one window of data (§4.2: it ends
// when a packet sent after the round started is acknowledged).

const MIN_RTT_THRESH: f64 = 4000; // §4.3: 4 ms
const MAX_RTT_THRESH: f64 = 16000; // 16 ms
const MIN_RTT_DIVISOR: f64 = 8;
const N_RTT_SAMPLE: i32 = 8;
/** Conservative slow start grows by a quarter of what slow start would. */
export const CSS_GROWTH_DIVISOR: f64 = 4;
const CSS_ROUNDS: i32 = 5;

export class HyStart {
  /** Used at all: only in the first slow start (§4.3: after persistent congestion, standard slow start). */
  enabled: bool;
  /** In Conservative Slow Start (CSS). */
  css: bool = false;
  /** The current round started at this time: acknowledging a packet sent since then ends it. */
  roundStart: f64 = -1;
  lastRoundMinRtt: f64 = Infinity;
  currentRoundMinRtt: f64 = Infinity;
  rttSampleCount: i32 = 0;
  cssBaselineMinRtt: f64 = Infinity;
  cssRounds: i32 = 0;
  /** Times slow start ended on the RTT signal (after CSS), not on a loss. */
  exits: i32 = 0;

  constructor(enabled: bool) {
    this.enabled = enabled;
  }

  /**
   * A packet sent at `timeSent` was acknowledged at `now`, in slow start. True when this
   * ends the last CSS round: the caller leaves slow start (ssthresh = cwnd).
   */
  onAcked(timeSent: f64, now: f64): bool {
    if (this.roundStart >= 0 && timeSent < this.roundStart) return false;
    // A new round (§4.2): the first one starts with the first acknowledgment.
    this.roundStart = now;
    this.lastRoundMinRtt = this.currentRoundMinRtt;
    this.currentRoundMinRtt = Infinity;
    this.rttSampleCount = 0;
    if (!this.css) return false;
    this.cssRounds++;
    if (this.cssRounds < CSS_ROUNDS) return false;
    this.exits++;
    this.enabled = false;
    return true;
  }

  /** An RTT sample in slow start (§4.2): may enter CSS, or leave it for slow start again. */
  onRttSample(latestRtt: f64): void {
    if (latestRtt < this.currentRoundMinRtt) this.currentRoundMinRtt = latestRtt;
    this.rttSampleCount++;
    if (this.rttSampleCount < N_RTT_SAMPLE || this.currentRoundMinRtt == Infinity) return;
    if (!this.css) {
      if (this.lastRoundMinRtt == Infinity) return;
      let thresh = this.lastRoundMinRtt / MIN_RTT_DIVISOR;
      if (thresh < MIN_RTT_THRESH) thresh = MIN_RTT_THRESH;
      if (thresh > MAX_RTT_THRESH) thresh = MAX_RTT_THRESH;
      if (this.currentRoundMinRtt >= this.lastRoundMinRtt + thresh) {
        this.css = true;
        this.cssBaselineMinRtt = this.currentRoundMinRtt;
        this.cssRounds = 0;
      }
    } else if (this.currentRoundMinRtt < this.cssBaselineMinRtt) {
      // The RTT fell again: the rise was spurious, back to slow start (§4.2).
      this.css = false;
      this.cssBaselineMinRtt = Infinity;
    }
  }

  /** Slow start ended another way (a loss, persistent congestion): HyStart++ is done. */
  stop(): void {
    this.enabled = false;
    this.css = false;
  }
}
