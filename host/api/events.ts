// Typed events with an awaitable form: `on(type, listener)` for every occurrence, and
// `once(type, { signal, timeoutMs })` as a promise of the next one. What seed 001 (the
// in-kernel sockets draft, §5) lists as notifications, in JavaScript's shape. A listener
// that throws does not disturb the connection: the error is reported on its own
// (queueMicrotask), as EventTarget reports listener errors.

import { guard, type WaitOptions } from './abort';

/** A listener for the events of one type. */
export type Listener<T> = (detail: T) => void;

/** Timers for `timeoutMs` (the owner's clock; wall-clock when absent). */
type Timers = { set(ms: number, fn: () => void): unknown; clear(h: unknown): void };

export class TypedEvents<M extends object> {
  private readonly listeners = new Map<keyof M, Set<Listener<never>>>();

  constructor(private readonly timers?: () => Timers) {}

  /** Calls `listener` for every event of `type`; returns a function that removes it. */
  on<K extends keyof M>(type: K, listener: Listener<M[K]>): () => void {
    let set = this.listeners.get(type);
    if (!set) this.listeners.set(type, (set = new Set()));
    set.add(listener as Listener<never>);
    return () => this.off(type, listener);
  }

  /** Removes a listener added with on(). */
  off<K extends keyof M>(type: K, listener: Listener<M[K]>): void {
    this.listeners.get(type)?.delete(listener as Listener<never>);
  }

  /** The next event of `type`, as a promise (with `signal` / `timeoutMs` to stop waiting). */
  once<K extends keyof M>(type: K, options?: WaitOptions): Promise<M[K]> {
    let remove: () => void = () => undefined;
    const next = new Promise<M[K]>((resolve) => {
      remove = this.on(type, (detail) => { remove(); resolve(detail); });
    });
    return guard(next, options, `once('${String(type)}')`, () => remove(), this.timers?.());
  }

  /** @internal Listeners registered for `type`. */
  listenerCount<K extends keyof M>(type: K): number {
    return this.listeners.get(type)?.size ?? 0;
  }

  /** @internal Delivers one event to its listeners. */
  emit<K extends keyof M>(type: K, detail: M[K]): void {
    const set = this.listeners.get(type);
    if (!set) return;
    for (const l of [...set]) {
      try {
        (l as Listener<M[K]>)(detail);
      } catch (err) {
        queueMicrotask(() => { throw err; });
      }
    }
  }
}
