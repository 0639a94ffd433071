// Connecting to a host name with several addresses (RFC 8305, "Happy Eyeballs" v2, whose
// §1 covers QUIC as well as TCP): the addresses in the order the resolver sorted them
// (RFC 6724), families interleaved; one attempt started every CONNECTION_ATTEMPT_DELAY_MS
// (sooner when the previous one fails), the first to complete its handshake wins and the
// others are given up. Without it, `connect({ address: 'localhost' })` to a server on
// 127.0.0.1 timed out wherever 'localhost' resolves to ::1 first (glibc and macOS do,
// by RFC 6724's precedence): UDP to a port nobody listens on is silence, not an error.
// Portable: the caller brings the resolver and the attempt.

/** RFC 8305 §5: the recommended Connection Attempt Delay. */
export const CONNECTION_ATTEMPT_DELAY_MS = 250;

/** RFC 8305 §4: interleave the families, starting with the family of the first address. */
export function interleaveFamilies(addresses: readonly string[]): string[] {
  if (addresses.length < 2) return [...addresses];
  const firstV6 = addresses[0].includes(':');
  const first = addresses.filter((a) => a.includes(':') === firstV6);
  const second = addresses.filter((a) => a.includes(':') !== firstV6);
  const out: string[] = [];
  for (let i = 0; i < Math.max(first.length, second.length); i++) {
    if (i < first.length) out.push(first[i]);
    if (i < second.length) out.push(second[i]);
  }
  return out;
}

/** One attempt: its outcome, and how to give it up (it then settles, as a failure). */
export interface Attempt<T> {
  result: Promise<T>;
  cancel(): void;
}

/**
 * Runs `start(target)` for each target in turn as described above. Resolves with the
 * first success, after giving up every other attempt (a late success included); rejects
 * with the first attempt's error when all fail. `cancelAll()` on the returned handle gives
 * up everything (connect()'s timeout and AbortSignal).
 */
export function raceAttempts<T>(targets: readonly string[], start: (target: string) => Attempt<T>, delayMs = CONNECTION_ATTEMPT_DELAY_MS, dispose: (late: T) => void = () => undefined): { result: Promise<T>; cancelAll(): void } {
  const running: Attempt<T>[] = [];
  let next = 0;
  let failed = 0;
  let firstError: unknown;
  let settled = false;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let resolveRace!: (v: T) => void;
  let rejectRace!: (e: unknown) => void;
  const result = new Promise<T>((res, rej) => { resolveRace = res; rejectRace = rej; });
  result.catch(() => undefined); // the caller may have stopped listening (cancelAll): never an unhandled rejection
  const finish = () => {
    settled = true;
    if (timer !== undefined) clearTimeout(timer);
  };
  const launch = (): void => {
    if (settled || next >= targets.length) return;
    if (timer !== undefined) clearTimeout(timer);
    const index = next++;
    let attempt: Attempt<T>;
    try {
      attempt = start(targets[index]);
    } catch (err) {
      attempt = { result: Promise.reject(err), cancel: () => undefined };
    }
    running.push(attempt);
    attempt.result.then((value) => {
      if (settled) { dispose(value); return; } // a later success after the race was decided
      finish();
      for (const other of running) if (other !== attempt) other.cancel();
      resolveRace(value);
    }, (err) => {
      if (index === 0) firstError = err;
      failed++;
      if (settled) return;
      if (failed === targets.length) { finish(); rejectRace(firstError); return; }
      launch(); // §5: a failure starts the next attempt at once
    });
    if (next < targets.length) timer = setTimeout(launch, delayMs);
  };
  launch();
  return {
    result,
    cancelAll: () => {
      if (settled) return;
      finish();
      for (const a of running) a.cancel();
      rejectRace(firstError ?? new Error('every attempt was given up'));
    },
  };
}
