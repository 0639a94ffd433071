// A clock whose timers only fire when the application says so: seed 000's
// "non-pollable" mode (axis D). With a ManualClock (and a ManualNetwork) nothing in an
// endpoint arms a real timer; the application asks `nextTimeout()` when it next needs
// attention and calls `handleTimeout()` from its own loop, as an OpenSSL application
// drives SSL_handle_events() after SSL_get_event_timeout(). Platform-neutral.

import type { Clock } from '../transport/clock';
import { VirtualClock } from '../net/virtual-clock';
import { QuicArgumentError } from '../errors';

/** Microseconds from `performance.now()`: the default time source of a ManualClock. */
function realMicros(): number {
  return performance.now() * 1000;
}

/**
 * Time read from a source the application chooses (real time by default), timers that
 * run only inside `handleTimeout()`. Give it to an endpoint as `clock`; the endpoint then
 * never calls setTimeout, and the application's loop decides when time is handled.
 */
export class ManualClock implements Clock {
  // The timer queue: a VirtualClock advanced to the source's time by handleTimeout().
  private readonly timers = new VirtualClock();
  private readonly source: () => number;

  /** `now`: current time in microseconds, monotonic (default: performance.now() × 1000). */
  constructor(now: () => number = realMicros) {
    if (typeof now !== 'function') throw new QuicArgumentError(`ManualClock's time source must be a function returning microseconds, not ${typeof now}`);
    this.source = now;
  }

  /** Current time in microseconds, from the source. */
  now(): number {
    return this.source();
  }

  private earlier: (() => void) | null = null;

  /**
   * Calls `fn` whenever a new timer makes nextTimeout() earlier (the endpoint did work
   * outside handleTimeout(), e.g. a stream write): a loop sleeping until the old deadline
   * should wake and ask again. null removes it.
   */
  onEarlierTimeout(fn: (() => void) | null): void {
    if (fn !== null && typeof fn !== 'function') throw new QuicArgumentError(`onEarlierTimeout() takes a function or null, not ${typeof fn}`);
    this.earlier = fn;
  }

  /** Records a timer; it runs in the first handleTimeout() at or after `at`. */
  setTimer(at: number, fn: () => void): unknown {
    const wake = this.earlier !== null && at < this.timers.nextDeadline();
    const handle = this.timers.setTimer(at, fn);
    if (wake) this.earlier!();
    return handle;
  }

  /** Cancels a timer (no-op if it already ran). */
  clearTimer(handle: unknown): void {
    this.timers.clearTimer(handle);
  }

  /** When the endpoint next needs handleTimeout(): microseconds on this clock, or Infinity for never. */
  nextTimeout(): number {
    return this.timers.nextDeadline();
  }

  /** Milliseconds from now until nextTimeout() (0 when already due, Infinity for never): what to sleep. */
  msUntilTimeout(): number {
    const at = this.nextTimeout();
    return at === Infinity ? Infinity : Math.max(0, (at - this.now()) / 1000);
  }

  /** Runs every timer due at now(), in deadline order; returns how many ran. */
  handleTimeout(): number {
    const before = this.timers.steps;
    // The queue's own time never goes back, even if the source is coarse.
    this.timers.advanceTo(Math.max(this.now(), this.timers.now()));
    return this.timers.steps - before;
  }
}
