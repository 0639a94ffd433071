// Retry under load (RFC 9000 §8.1.2; the hook issue 17 left in endpoint.ts accept()): a
// flood of correctly protected Initials from spoofed sources fills the half-open table to
// half, and from then on every Initial without a token is answered with a stateless
// Retry — no connection, no TLS state, no growth of the half-open table, nothing
// evicted, each answer smaller than the Initial it answers — while a real client follows
// its Retry and completes.
import { randomBytes } from 'node:crypto';
import { forgeInitial } from './flood';
import { sourcesSim, realClientHello, echoWhile, isRetry } from './retry-helpers';
import { runUntil } from './sim';

describe('a server under a spoofed-Initial flood', () => {
  test("retry 'under-load' (default): half-open state stops at half the table, spoofed sources get only Retries, the real client completes", async () => {
    const hello = await realClientHello();
    const s = sourcesSim({ limits: { maxHalfOpen: 64, maxHalfOpenPerPath: 4, handshakeTimeoutMs: 3000 } });
    s.net.keepSent = true;
    let injected = 0;
    let maxHalfOpen = 0;
    const TOTAL = 3000;
    // Sources 1..2000 send one Initial each, sources 2001..2010 send 100 each.
    const spoof = () => {
      for (let k = 0; k < 40 && injected < TOTAL; k++, injected++) {
        const path = injected < 2000 ? 1 + injected : 2001 + (injected % 10);
        s.net.inject(forgeInitial(hello.frames, randomBytes(8), hello.scid), path);
      }
      maxHalfOpen = Math.max(maxHalfOpen, s.srv.stats.halfOpen);
    };
    // Fill the table to its load mark before the real client starts.
    while (injected < 200) spoof();
    const memBefore = s.srv.stats.memoryBytes;
    const retriesBefore = s.srv.stats.retriesSent;
    const r = await echoWhile(s, 30_000, spoof);
    while (injected < TOTAL) spoof();
    expect(r.ok).toBe(true);
    // The real client arrived under load: it was sent a Retry and followed it.
    expect(r.client!.stats().retriesReceived).toBe(1);

    const st = s.srv.stats;
    expect(maxHalfOpen).toBeLessThanOrEqual(32 + 1); // half the table (+ the real client)
    expect(st.halfOpenEvicted).toBe(0); // the table never filled: nothing had to go
    expect(st.refusedPerPath).toBe(0); // a source over its share gets a Retry instead
    // Every spoofed Initial after the load mark drew one Retry and took no state.
    expect(st.retriesSent - retriesBefore).toBeGreaterThanOrEqual(TOTAL - 200);
    // Memory per spoofed Initial ≈ 0: the core's memory did not grow by 1 byte per Initial.
    expect(st.memoryBytes - memBefore).toBeLessThan(TOTAL);
    // A source answered only with Retries got less than it sent (a Retry is smaller than
    // the 1200-byte Initial it answers); one that took a half-open slot, at most 3x (§8.1).
    let retryOnly = 0;
    for (const [path, c] of s.net.sources) {
      const sent = s.net.sentTo.get(path) ?? [];
      for (const d of sent) if (isRetry(d)) expect(d.length).toBeLessThan(120);
      if (sent.length && sent.every(isRetry)) { retryOnly++; expect(c.sent).toBeLessThan(c.received); }
      expect(c.sent).toBeLessThanOrEqual(3 * c.received);
    }
    expect(retryOnly).toBeGreaterThan(1900);

    // The half-open connections the flood did take time out; nothing is left.
    await runUntil(s.clock, () => s.srv.stats.halfOpen === 0, 10_000_000);
    expect(s.srv.stats.halfOpen).toBe(0);
  }, 120_000);

  test('with the load mark at 0 (maxHalfOpen: 1), a spoofed flood allocates no half-open state at all; the real client still completes', async () => {
    const hello = await realClientHello();
    const s = sourcesSim({ limits: { maxHalfOpen: 1, handshakeTimeoutMs: 3000 } });
    let injected = 0;
    let maxHalfOpen = 0;
    const spoof = () => {
      for (let k = 0; k < 40 && injected < 2000; k++, injected++) s.net.inject(forgeInitial(hello.frames, randomBytes(8), hello.scid), 1 + injected);
      maxHalfOpen = Math.max(maxHalfOpen, s.srv.stats.halfOpen);
    };
    spoof();
    expect(s.srv.stats.halfOpen).toBe(0);
    const memBefore = s.srv.stats.memoryBytes;
    const r = await echoWhile(s, 10_000, spoof);
    while (injected < 2000) spoof();
    expect(r.ok).toBe(true);
    expect(r.client!.stats().retriesReceived).toBe(1);
    const st = s.srv.stats;
    expect(maxHalfOpen).toBeLessThanOrEqual(1); // only ever the real client's
    expect(st.retriesSent).toBe(2000 + 1); // every spoofed Initial, and the real client's first
    expect(st.connections).toBe(1);
    expect(st.memoryBytes - memBefore).toBeLessThan(2000); // ≈ 0 per spoofed Initial (memory grows by 64 KiB pages)
  }, 60_000);

  test("retry 'never': the same flood fills the table and evicts (the baseline the Retry answers avoid)", async () => {
    const hello = await realClientHello();
    const s = sourcesSim({ retry: 'never', limits: { maxHalfOpen: 64, maxHalfOpenPerPath: 4, handshakeTimeoutMs: 3000 } });
    for (let i = 0; i < 600; i++) s.net.inject(forgeInitial(hello.frames, randomBytes(8), hello.scid), 1 + i);
    const st = s.srv.stats;
    expect(st.halfOpen).toBe(64);
    expect(st.halfOpenEvicted).toBeGreaterThan(0);
    expect(st.retriesSent).toBe(0);
  }, 60_000);
});
