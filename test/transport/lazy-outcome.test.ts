// LazyOutcome (host/transport/lazy-outcome.ts): a connection's established / closed /
// sessionTicket outcome, a promise only once someone asks, and an error made only if
// someone reads it (rejectLazily: a server connection closed during its handshake).
import { LazyOutcome } from '../../host/transport/lazy-outcome';

describe('LazyOutcome', () => {
  test('rejectLazily makes no error until the promise is read, then rejects with it', async () => {
    const o = new LazyOutcome<number>();
    let made = 0;
    o.rejectLazily(() => { made++; return new Error('closed during the handshake'); });
    expect(o.settled).toBe(true);
    expect(made).toBe(0);
    await expect(o.promise).rejects.toThrow('closed during the handshake');
    await expect(o.promise).rejects.toThrow('closed during the handshake'); // the same promise
    expect(made).toBe(1);
  });

  test('rejectLazily with someone already waiting rejects at once', async () => {
    const o = new LazyOutcome<number>();
    const waiting = o.promise;
    let made = 0;
    o.rejectLazily(() => { made++; return new Error('now'); });
    expect(made).toBe(1);
    await expect(waiting).rejects.toThrow('now');
  });

  test('only the first settlement counts, lazy or not', async () => {
    const a = new LazyOutcome<number>();
    a.resolve(7);
    a.rejectLazily(() => new Error('late'));
    await expect(a.promise).resolves.toBe(7);
    const b = new LazyOutcome<number>();
    b.rejectLazily(() => new Error('first'));
    b.resolve(8);
    b.reject(new Error('second'));
    await expect(b.promise).rejects.toThrow('first');
  });

  test('an unread lazy rejection is not reported as unhandled', async () => {
    const seen: unknown[] = [];
    const onUnhandled = (e: unknown) => seen.push(e);
    process.on('unhandledRejection', onUnhandled);
    try {
      const o = new LazyOutcome<number>();
      o.rejectLazily(() => new Error('nobody listens'));
      void o.promise; // made, never awaited: the outcome itself handles it
      await new Promise((r) => setTimeout(r, 20));
      expect(seen).toEqual([]);
    } finally {
      process.off('unhandledRejection', onUnhandled);
    }
  });
});
