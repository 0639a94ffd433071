// Congestion control, chosen per connection: NewReno (RFC 9002 §7, Appendix B) and
// CUBIC (RFC 9438), both with HyStart++ (RFC 9406, hystart.ts) in the first slow start
// unless turned off; and Vegas (vegas.ts), which grows and shrinks the window on the
// queueing delay it measures and halves it on loss like NewReno. Sizes in bytes, times
// in microseconds.

import { HyStart, CSS_GROWTH_DIVISOR } from "./hystart";
import { Vegas } from "./vegas";

export const CC_NEWRENO: i32 = 0;
export const CC_CUBIC: i32 = 1;
export const CC_VEGAS: i32 = 2;

const LOSS_REDUCTION: f64 = 0.5; // kLossReductionFactor (NewReno)
const CUBIC_BETA: f64 = 0.7; // RFC 9438 §4.6
const CUBIC_C: f64 = 0.4; // RFC 9438 §5

/** CUBIC's window state between congestion events (RFC 9438 §4). */
class CubicState {
  wMax: f64 = 0;
  k: f64 = 0;
  epochStart: f64 = -1;
  wEst: f64 = 0;
}

/** HyStart++ turned off or stopped before its state was made (shared, never written). */
const HYSTART_OFF = new HyStart(false);

export class CongestionController {
  cwnd: f64;
  ssthresh: f64 = Infinity;
  bytesInFlight: i64 = 0;
  recoveryStart: f64 = -1;
  /** Among the f64s (not a constructor field after the i32s): no 4 bytes of padding. */
  maxDatagramSize: f64;
  /**
   * CUBIC's state (RFC 9438 §4), made with the first congestion event or the first
   * acknowledgment in congestion avoidance: null before (issue 17: the 32 bytes would
   * put every half-open connection's controller one 16-byte allocator step higher).
   */
  private cubic: CubicState | null = null;
  lossEvents: i32 = 0;
  /**
   * HyStart++'s state, made with the first acknowledgment or RTT sample in slow start
   * (issue 17: a half-open connection, which has had none, holds none): null until then,
   * HYSTART_OFF when it is off or was stopped before.
   */
  private hs: HyStart | null = null;
  /** CC_VEGAS only. */
  vegas: Vegas | null = null;

  constructor(public kind: i32, maxDatagramSize: f64, hystart: bool = true) {
    this.maxDatagramSize = maxDatagramSize;
    // Vegas ends slow start on its own delay signal, earlier than HyStart++ would.
    if (!hystart || kind == CC_VEGAS) this.hs = HYSTART_OFF;
    if (kind == CC_VEGAS) this.vegas = new Vegas();
    this.cwnd = this.initialWindow();
  }

  /** HyStart++'s state while it runs (made on first use), or null when it is off or done. */
  private hystartRunning(): HyStart | null {
    const hs = this.hs;
    if (hs) return hs.enabled ? hs : null;
    const made = new HyStart(true);
    this.hs = made;
    return made;
  }

  /** Slow start ended another way (a loss, persistent congestion): HyStart++ is done. */
  private stopHystart(): void {
    const hs = this.hs;
    if (!hs) this.hs = HYSTART_OFF;
    else if (hs != HYSTART_OFF) hs.stop();
  }

  initialWindow(): f64 {
    // §7.2: min(10 * max_datagram_size, max(14720, 2 * max_datagram_size)).
    const a = 10 * this.maxDatagramSize;
    const b = 14720 > 2 * this.maxDatagramSize ? 14720 : 2 * this.maxDatagramSize;
    return a < b ? a : b;
  }

  minimumWindow(): f64 {
    return 2 * this.maxDatagramSize;
  }

  canSend(bytes: i32): bool {
    return <f64>this.bytesInFlight + <f64>bytes <= this.cwnd;
  }

  onSent(bytes: i32): void {
    this.bytesInFlight += bytes;
  }

  inRecovery(timeSent: f64): bool {
    return this.recoveryStart >= 0 && timeSent <= this.recoveryStart;
  }

  /** A packet in flight was acknowledged (§7.3.1, B.5). */
  onAcked(bytes: i32, timeSent: f64, now: f64, smoothedRtt: f64): void {
    const inFlightBefore = this.bytesInFlight;
    this.bytesInFlight -= bytes;
    if (this.bytesInFlight < 0) this.bytesInFlight = 0;
    if (this.inRecovery(timeSent)) return;
    const vegas = this.vegas;
    if (vegas) {
      this.vegasAck(vegas, bytes, timeSent, now, inFlightBefore);
      return;
    }
    const hs = this.cwnd < this.ssthresh ? this.hystartRunning() : null;
    if (hs && hs.onAcked(timeSent, now)) {
      this.ssthresh = this.cwnd; // the last CSS round ended: congestion avoidance from here (RFC 9406 §4.2)
      return;
    }
    // §7.8: no growth while application- or flow-control-limited. The window counts as
    // used when at least half of it was in flight (Linux's tcp_is_cwnd_limited rule);
    // otherwise an idle-ish sender would inflate cwnd without ever testing it.
    if (<f64>inFlightBefore * 2 < this.cwnd) return;
    if (this.cwnd < this.ssthresh) {
      // Slow start; in HyStart++'s conservative slow start a quarter of that.
      this.cwnd += hs && hs.css ? <f64>bytes / CSS_GROWTH_DIVISOR : <f64>bytes;
      return;
    }
    if (this.kind == CC_CUBIC) this.cubicAck(bytes, now, smoothedRtt);
    else this.cwnd += this.maxDatagramSize * <f64>bytes / this.cwnd;
  }

  /** An RTT sample (RFC 9002 §5.1) after this ACK's packets went through onAcked. */
  onRttSample(latestRtt: f64): void {
    const vegas = this.vegas;
    if (vegas) {
      vegas.onRttSample(latestRtt);
      if (this.cwnd < this.ssthresh) {
        const w = vegas.slowStartExit(this.cwnd, this.maxDatagramSize);
        if (w >= 0) this.cwnd = this.ssthresh = w > this.minimumWindow() ? w : this.minimumWindow();
      }
    }
    if (this.cwnd < this.ssthresh) {
      const hs = this.hystartRunning();
      if (hs) hs.onRttSample(latestRtt);
    }
  }

  /** Vegas moves the window once per round (vegas.ts); slow start grows it per ACK until onRttSample ends it. */
  private vegasAck(vegas: Vegas, bytes: i32, timeSent: f64, now: f64, inFlightBefore: i64): void {
    const cwndLimited = <f64>inFlightBefore * 2 >= this.cwnd; // as in onAcked (§7.8)
    const slowStart = this.cwnd < this.ssthresh;
    if (vegas.roundEnded(timeSent, now)) {
      const w = vegas.adjust(this.cwnd, this.maxDatagramSize);
      // In slow start the verdict is slowStartExit's (onRttSample), not the round's.
      if (w >= 0 && !slowStart) {
        if (w > this.cwnd && !cwndLimited) return;
        this.cwnd = w > this.minimumWindow() ? w : this.minimumWindow();
        if (this.ssthresh > this.cwnd) this.ssthresh = this.cwnd; // shrinking must not reopen slow start
        return;
      }
      // Too few samples to judge the queue: grow as NewReno would over a round.
      if (!slowStart && cwndLimited) this.cwnd += this.maxDatagramSize;
    }
    if (slowStart && cwndLimited) this.cwnd += <f64>bytes;
  }

  private cubicState(): CubicState {
    let c = this.cubic;
    if (!c) this.cubic = c = new CubicState();
    return c;
  }

  private cubicAck(bytes: i32, now: f64, smoothedRtt: f64): void {
    const c = this.cubicState();
    if (c.epochStart < 0) {
      c.epochStart = now;
      if (c.wMax < this.cwnd) { c.wMax = this.cwnd; c.k = 0; }
      c.wEst = this.cwnd;
    }
    const mss = this.maxDatagramSize;
    const t = (now - c.epochStart) / 1e6; // seconds
    const rtt = smoothedRtt / 1e6;
    // W_cubic(t + RTT) in segments (RFC 9438 §4.2); target in bytes.
    const d = t + rtt - c.k;
    const wCubic = (CUBIC_C * d * d * d + c.wMax / mss) * mss;
    // Reno-friendly estimate (§4.3).
    c.wEst += mss * (3 * (1 - CUBIC_BETA) / (1 + CUBIC_BETA)) * <f64>bytes / this.cwnd;
    let target = wCubic;
    if (target < this.cwnd) target = this.cwnd;
    if (target > 1.5 * this.cwnd) target = 1.5 * this.cwnd;
    if (c.wEst > target) this.cwnd = c.wEst;
    else this.cwnd += mss * (target - this.cwnd) / this.cwnd;
  }

  /** Lost packets were removed from flight (§7.3.2). */
  onLost(bytes: i32, latestTimeSent: f64, now: f64): void {
    this.bytesInFlight -= bytes;
    if (this.bytesInFlight < 0) this.bytesInFlight = 0;
    this.congestionEvent(latestTimeSent, now);
  }

  /** A packet no longer counts in flight without a congestion signal (discarded keys). */
  onDiscarded(bytes: i32): void {
    this.bytesInFlight -= bytes;
    if (this.bytesInFlight < 0) this.bytesInFlight = 0;
  }

  congestionEvent(timeSent: f64, now: f64): void {
    if (this.inRecovery(timeSent)) return;
    this.recoveryStart = now;
    this.lossEvents++;
    this.stopHystart(); // a loss ends slow start, HyStart++ or not (RFC 9406 §4.2)
    if (this.kind == CC_CUBIC) {
      const c = this.cubicState();
      c.wMax = this.cwnd;
      this.cwnd = this.cwnd * CUBIC_BETA;
      c.k = Math.cbrt((c.wMax / this.maxDatagramSize) * (1 - CUBIC_BETA) / CUBIC_C);
      c.epochStart = -1;
    } else {
      this.cwnd = this.cwnd * LOSS_REDUCTION;
    }
    if (this.cwnd < this.minimumWindow()) this.cwnd = this.minimumWindow();
    this.ssthresh = this.cwnd;
  }

  /** §7.6.2: persistent congestion collapses the window. */
  onPersistentCongestion(): void {
    this.stopHystart(); // standard slow start after persistent congestion (RFC 9406 §4.3)
    this.cwnd = this.minimumWindow();
    this.recoveryStart = -1;
    const c = this.cubic;
    if (c) c.epochStart = -1;
  }
}
