// Time for the host pump. The core never reads a clock (ARCHITECTURE.md §1): the
// pump reads one of these and passes `now` in. Real time for applications, a
// virtual clock (host/net/virtual-clock.ts) for the deterministic simulator.

/** A source of time in microseconds and one-shot timers on the same timeline. */
export interface Clock {
  /** Current time in microseconds (monotonic). */
  now(): number;
  /** Calls `fn` once at time `at` (microseconds on this clock's timeline); returns a cancel handle. */
  setTimer(at: number, fn: () => void): unknown;
  /** Cancels a timer returned by setTimer (no-op if it already ran). */
  clearTimer(handle: unknown): void;
}

/** Wall-clock time from `performance.now()` and timers from `setTimeout` (every runtime has both). */
export class RealClock implements Clock {
  now(): number {
    return performance.now() * 1000;
  }
  setTimer(at: number, fn: () => void): unknown {
    const delayMs = Math.max(0, (at - this.now()) / 1000);
    // setTimeout has millisecond resolution: round up so we never wake before the deadline.
    // Timers keep a Node process alive, as they must: over an in-memory DgramPair they are
    // all there is (datagrams in flight, PTO), and an endpoint's close() clears its own.
    return setTimeout(fn, Math.ceil(delayMs));
  }
  clearTimer(handle: unknown): void {
    clearTimeout(handle as ReturnType<typeof setTimeout>);
  }
}
