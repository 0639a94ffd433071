// A promise made only when someone asks for it (issue 17: memory per connection). A
// connection's `established`, `closed` and `sessionTicket` promises, each with its two
// resolver closures, cost ~0.7 KB per connection that nobody may ever await (a half-open
// server connection, an idle one); this holds the outcome until a caller wants it.

const quiet = (): void => undefined;

/** An outcome settled once, exposed as a promise created on first use. */
export class LazyOutcome<T> {
  private made: Promise<T> | null = null;
  private settle: { resolve: (v: T) => void; reject: (e: Error) => void } | null = null;
  private result: { value: T } | { error: Error } | { makeError: () => Error } | null = null;

  /** `handled`: a rejection with nobody listening is not reported as unhandled. */
  constructor(private readonly handled = true) {}

  /** The outcome as a promise (the same promise on every call). */
  get promise(): Promise<T> {
    if (!this.made) {
      const r = this.result;
      this.made = r ? ('value' in r ? Promise.resolve(r.value) : Promise.reject('error' in r ? r.error : r.makeError()))
        : new Promise<T>((resolve, reject) => { this.settle = { resolve, reject }; });
      if (this.handled) this.made.catch(quiet);
    }
    return this.made;
  }

  /** True once resolved or rejected. */
  get settled(): boolean {
    return this.result !== null;
  }

  /** Resolves (only the first resolve or reject counts). */
  resolve(value: T): void {
    if (this.result) return;
    this.result = { value };
    this.settle?.resolve(value);
    this.settle = null;
  }

  /**
   * Rejects with an error made only if someone reads the outcome: a server connection
   * the client closes before the handshake completes (nobody awaits it) costs no Error
   * and no stack capture (≈ 60 µs in the handshake bench's profile).
   */
  rejectLazily(make: () => Error): void {
    if (this.result) return;
    if (this.settle) return this.reject(make());
    this.result = { makeError: make };
  }

  /** Rejects (only the first resolve or reject counts). */
  reject(error: Error): void {
    if (this.result) return;
    this.result = { error };
    this.settle?.reject(error);
    this.settle = null;
  }
}
