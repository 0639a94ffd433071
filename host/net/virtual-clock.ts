// A clock the test drives (the deterministic simulator). Time only moves when the test
// says so; timers fire in (deadline, creation order) so a seed replays exactly.

import type { Clock } from '../transport/clock';
import { QuicArgumentError } from '../errors';

interface VirtualTimer {
  at: number;
  seq: number;
  fn: () => void;
  cancelled: boolean;
}

/** Timers run at one virtual instant before advanceTo decides something loops. */
const MAX_TIMERS_PER_INSTANT = 1_000_000;

/** Limits that make every simulation loop terminate. */
export interface RunLimits {
  /** Stop after this many timer callbacks (default 10 million). */
  maxSteps?: number;
  /** Stop before running timers later than this virtual time (µs, absolute). */
  maxTime?: number;
}

/** Why runUntil returned. */
export type RunOutcome = 'done' | 'idle' | 'step-limit' | 'time-limit';

/** Virtual time in microseconds with one-shot timers. */
export class VirtualClock implements Clock {
  private time: number;
  private seq = 0;
  // A binary min-heap on (at, seq).
  private heap: VirtualTimer[] = [];
  /** Timer callbacks run so far. */
  steps = 0;

  constructor(start = 0) {
    this.time = start;
  }

  now(): number {
    return this.time;
  }

  setTimer(at: number, fn: () => void): unknown {
    const timer: VirtualTimer = { at: Math.max(at, this.time), seq: this.seq++, fn, cancelled: false };
    this.push(timer);
    return timer;
  }

  clearTimer(handle: unknown): void {
    if (handle) (handle as VirtualTimer).cancelled = true;
  }

  /** Number of live (not cancelled) timers. */
  get pending(): number {
    return this.heap.reduce((n, t) => n + (t.cancelled ? 0 : 1), 0);
  }

  /** Deadline of the earliest live timer, or +Infinity. */
  nextDeadline(): number {
    this.dropCancelledTop();
    return this.heap.length ? this.heap[0].at : Infinity;
  }

  /** Moves time forward to `t`, running every timer due up to and including `t` in order. */
  advanceTo(t: number): void {
    if (t < this.time) throw new QuicArgumentError(`virtual time cannot go back (${t} < ${this.time})`);
    let sameInstant = 0;
    for (;;) {
      this.dropCancelledTop();
      const top = this.heap[0];
      if (!top || top.at > t) break;
      this.pop();
      // A timer that keeps re-arming itself at the current instant would spin here
      // forever without yielding; fail loudly instead (it is always a bug).
      sameInstant = top.at === this.time ? sameInstant + 1 : 0;
      if (sameInstant > MAX_TIMERS_PER_INSTANT) {
        throw new QuicArgumentError(`more than ${MAX_TIMERS_PER_INSTANT} timers ran at virtual time ${this.time} µs: a timer re-arms itself at the same instant`);
      }
      this.time = top.at;
      this.steps++;
      top.fn();
    }
    this.time = t;
  }

  /** Moves time forward by `dt` microseconds. */
  advanceBy(dt: number): void {
    this.advanceTo(this.time + dt);
  }

  /**
   * Runs timers in order until `done()` is true, no timer is left, or a limit is hit.
   * Always terminates: bounded by maxSteps and maxTime.
   */
  runUntil(done: () => boolean, limits: RunLimits = {}): RunOutcome {
    const maxSteps = this.steps + (limits.maxSteps ?? 10_000_000);
    const maxTime = limits.maxTime ?? Infinity;
    for (;;) {
      if (done()) return 'done';
      if (this.steps >= maxSteps) return 'step-limit';
      this.dropCancelledTop();
      const top = this.heap[0];
      if (!top) return 'idle';
      if (top.at > maxTime) {
        this.time = Math.max(this.time, maxTime);
        return 'time-limit';
      }
      this.pop();
      this.time = top.at;
      this.steps++;
      top.fn();
    }
  }

  private dropCancelledTop(): void {
    while (this.heap.length && this.heap[0].cancelled) this.pop();
  }

  private less(a: VirtualTimer, b: VirtualTimer): boolean {
    return a.at < b.at || (a.at === b.at && a.seq < b.seq);
  }

  private push(t: VirtualTimer): void {
    const h = this.heap;
    h.push(t);
    let i = h.length - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (!this.less(h[i], h[p])) break;
      [h[i], h[p]] = [h[p], h[i]];
      i = p;
    }
  }

  private pop(): VirtualTimer | undefined {
    const h = this.heap;
    const top = h[0];
    const last = h.pop();
    if (h.length && last) {
      h[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1, r = l + 1;
        let m = i;
        if (l < h.length && this.less(h[l], h[m])) m = l;
        if (r < h.length && this.less(h[r], h[m])) m = r;
        if (m === i) break;
        [h[i], h[m]] = [h[m], h[i]];
        i = m;
      }
    }
    return top;
  }
}
