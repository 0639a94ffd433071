// Cancellation for every API call that can wait: an AbortSignal (`signal`) and a
// `timeoutMs`, as fetch() and node:stream take them. The wait rejects with the signal's
// reason or a QuicTimeoutError, and `cancel` undoes what the call queued (a waiter taken
// off its list), so nothing is handed later to a caller who has gone.

import { QuicArgumentError, QuicTimeoutError } from '../errors';
import type { Clock } from '../transport/clock';
import { describe } from './options';

/** `signal` and `timeoutMs` for a call that can wait. */
export interface WaitOptions {
  /** Abort the wait: it rejects with `signal.reason` (an AbortError DOMException by default). */
  signal?: AbortSignal;
  /** Give up after this many milliseconds with a QuicTimeoutError (code ERR_QUIC_TIMEOUT). */
  timeoutMs?: number;
}

/** Checks `opts` (throws QuicArgumentError naming the bad field). */
export function checkWaitOptions(opts: WaitOptions | undefined, what: string): void {
  if (opts === undefined) return;
  if (typeof opts !== 'object' || opts === null) throw new QuicArgumentError(`${what}: options must be an object, not ${describe(opts)}`);
  if (opts.signal !== undefined && (typeof opts.signal !== 'object' || opts.signal === null || typeof opts.signal.aborted !== 'boolean')) {
    throw new QuicArgumentError(`${what}: signal must be an AbortSignal, not ${describe(opts.signal)}`);
  }
  if (opts.timeoutMs !== undefined && !(typeof opts.timeoutMs === 'number' && opts.timeoutMs >= 0)) {
    throw new QuicArgumentError(`${what}: timeoutMs must be a non-negative number, not ${describe(opts.timeoutMs)}`);
  }
}

/** Wall-clock timers when no endpoint clock is at hand. */
const realTimers = {
  set: (ms: number, fn: () => void): unknown => setTimeout(fn, ms),
  clear: (h: unknown) => clearTimeout(h as ReturnType<typeof setTimeout>),
};

/** Timers on an endpoint's clock (virtual in the simulator). */
export function clockTimers(clock: Clock) {
  return {
    set: (ms: number, fn: () => void): unknown => clock.setTimer(clock.now() + ms * 1000, fn),
    clear: (h: unknown) => clock.clearTimer(h),
  };
}

/**
 * `wait` unless the signal aborts or the timeout passes first; then `cancel` runs and the
 * result rejects. Without a signal or a timeout this is `wait` itself.
 */
export function guard<T>(
  wait: Promise<T>, opts: WaitOptions | undefined, what: string, cancel: () => void = () => undefined,
  timers: { set(ms: number, fn: () => void): unknown; clear(h: unknown): void } = realTimers,
): Promise<T> {
  checkWaitOptions(opts, what);
  const signal = opts?.signal;
  const timeoutMs = opts?.timeoutMs;
  if (!signal && timeoutMs === undefined) return wait;
  if (signal?.aborted) {
    cancel();
    wait.catch(() => undefined);
    return Promise.reject(signal.reason);
  }
  return new Promise<T>((resolve, reject) => {
    let timer: unknown = null;
    const done = () => {
      signal?.removeEventListener('abort', onAbort);
      if (timer !== null) timers.clear(timer);
    };
    const stop = (err: unknown) => {
      done();
      cancel();
      wait.catch(() => undefined);
      reject(err);
    };
    const onAbort = () => stop(signal!.reason);
    signal?.addEventListener('abort', onAbort, { once: true });
    if (timeoutMs !== undefined) timer = timers.set(timeoutMs, () => stop(new QuicTimeoutError(`${what} timed out after ${timeoutMs} ms`)));
    wait.then((v) => { done(); resolve(v); }, (e) => { done(); reject(e); });
  });
}

/** Symbol.asyncDispose, defined where the runtime lacks it (Node before 20.4, older browsers), for `await using`. */
export const asyncDispose: typeof Symbol.asyncDispose =
  (Symbol as { asyncDispose?: symbol }).asyncDispose as typeof Symbol.asyncDispose
  ?? ((Symbol as { asyncDispose?: symbol }).asyncDispose = Symbol.for('Symbol.asyncDispose')) as typeof Symbol.asyncDispose;
