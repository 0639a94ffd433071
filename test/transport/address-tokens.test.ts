// Address validation tokens on the server (RFC 9000 §8.1.2-§8.1.4): a Retry token works
// from the address it was issued to, for the DCID of that Retry, within its lifetime;
// a tampered token, one replayed from another address, an expired one, or one used with
// another DCID is refused — treated as no token (§8.1.3), so the Initial draws a new Retry
// and no state. Initials are forged from a real ClientHello and injected from chosen
// sources (test/transport/flood.ts).
import { randomBytes } from 'node:crypto';
import { forgeInitial } from './flood';
import { sourcesSim, realClientHello, isRetry, retryParts } from './retry-helpers';

async function setup(lifetimeMs = 10_000) {
  const hello = await realClientHello();
  const s = sourcesSim({ retry: 'always', addressTokens: { retryLifetimeMs: lifetimeMs } });
  s.net.keepSent = true;
  // Source 1 sends a first Initial and gets a Retry with a token for its address.
  const odcid = randomBytes(8);
  s.net.inject(forgeInitial(hello.frames, odcid, hello.scid), 1);
  const retry = s.net.sentTo.get(1)![0];
  expect(isRetry(retry)).toBe(true);
  return { s, hello, odcid, r: retryParts(retry) };
}

describe('address validation tokens', () => {
  test('a Retry token from the same address, for the Retry SCID, opens a connection without a new Retry', async () => {
    const { s, hello, r } = await setup();
    const st0 = s.srv.stats;
    expect(st0.retriesSent).toBe(1);
    expect(st0.halfOpen).toBe(0); // the Retry kept nothing
    s.net.inject(forgeInitial(hello.frames, r.scid, hello.scid, 1, r.token), 1);
    const st = s.srv.stats;
    expect(st.tokensAccepted).toBe(1);
    expect(st.tokensRefused).toBe(0);
    expect(st.retriesSent).toBe(1);
    expect(st.halfOpen).toBe(1);
  });

  const refusals: [string, (x: Awaited<ReturnType<typeof setup>>) => void][] = [
    ['tampered with', ({ s, hello, r }) => { const t = r.token.slice(); t[20] ^= 1; s.net.inject(forgeInitial(hello.frames, r.scid, hello.scid, 1, t), 1); }],
    ['replayed from another address', ({ s, hello, r }) => s.net.inject(forgeInitial(hello.frames, r.scid, hello.scid, 1, r.token), 2)],
    ['used with another DCID than the Retry SCID', ({ s, hello, r }) => s.net.inject(forgeInitial(hello.frames, randomBytes(8), hello.scid, 1, r.token), 1)],
    ['truncated', ({ s, hello, r }) => s.net.inject(forgeInitial(hello.frames, r.scid, hello.scid, 1, r.token.subarray(0, 30)), 1)],
  ];
  for (const [name, send] of refusals) {
    test(`a token ${name} is refused: no connection, a new Retry`, async () => {
      const x = await setup();
      send(x);
      const st = x.s.srv.stats;
      expect(st.tokensAccepted).toBe(0);
      expect(st.tokensRefused).toBe(1);
      expect(st.retriesSent).toBe(2);
      expect(st.halfOpen).toBe(0);
      expect(st.connections).toBe(0);
    });
  }

  test('an expired token is refused (lifetime 2 s)', async () => {
    const x = await setup(2000);
    x.s.clock.advanceTo(x.s.clock.now() + 2_100_000);
    x.s.net.inject(forgeInitial(x.hello.frames, x.r.scid, x.hello.scid, 1, x.r.token), 1);
    const st = x.s.srv.stats;
    expect(st.tokensRefused).toBe(1);
    expect(st.tokensAccepted).toBe(0);
    expect(st.connections).toBe(0);
  });

  test('a token minted by another server instance is refused (keys are per instance)', async () => {
    const a = await setup();
    const b = await setup();
    b.s.net.inject(forgeInitial(a.hello.frames, a.r.scid, a.hello.scid, 1, a.r.token), 1);
    expect(b.s.srv.stats.tokensRefused).toBe(1);
    expect(b.s.srv.stats.connections).toBe(0);
  });
});
