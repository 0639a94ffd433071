// Retry (RFC 9000 §8.1.2, §17.2.5; RFC 9001 §5.8) between our own endpoints in the
// simulator: the server answers the first Initial with Retry, the client follows it
// (once), the handshake and an echo complete byte-exact; forged Retries are ignored.
import { randomBytes } from 'node:crypto';
import { runUntil } from './sim';
import { tappedSim, connect, isRetry, isInitial, retryParts, retryPacket, longCids, initialToken } from './retry-helpers';
import type { QuicConnection } from '../../host/transport/connection';

async function echo(s: ReturnType<typeof tappedSim>, client: QuicConnection, server: QuicConnection, size = 20_000) {
  (async () => { const st = await server.acceptStream(); await st.end(await st.readAll()); })().catch(() => undefined);
  const payload = randomBytes(size);
  const st = client.openStream();
  await st.end(new Uint8Array(payload));
  let echoed: Uint8Array | null = null;
  st.readAll().then((d) => { echoed = d; }, () => undefined);
  await runUntil(s.clock, () => echoed !== null, 20_000_000);
  return echoed !== null && Buffer.from(echoed).equals(payload);
}

describe('Retry between our endpoints', () => {
  test("retry: 'always' — one Retry, its token echoed in every later Initial, then handshake and echo byte-exact", async () => {
    const s = tappedSim({ retry: 'always' });
    const fromServer: Uint8Array[] = [];
    const fromClient: Uint8Array[] = [];
    s.tap.onSend = (d) => { fromServer.push(d); return [d]; };
    s.tap.onReceive_ = (d) => { fromClient.push(d); return [d]; };
    const pair = await connect(s);
    expect(pair).not.toBeNull();
    expect(isRetry(fromServer[0])).toBe(true);
    expect(fromServer.filter(isRetry).length).toBe(1);
    const r = retryParts(fromServer[0]);
    // The first Initial had no token; every Initial after the Retry goes to the Retry's SCID with its token.
    const initials = fromClient.filter(isInitial);
    expect(initials.length).toBeGreaterThan(1);
    expect(initialToken(initials[0]).length).toBe(0);
    // §17.2.5.2: the next Initial goes to the Retry's SCID, and every later Initial carries its token.
    expect(Buffer.from(longCids(initials[1]).dcid).equals(r.scid)).toBe(true);
    for (const d of initials.slice(1)) expect(Buffer.from(initialToken(d)).equals(r.token)).toBe(true);
    expect(await echo(s, pair!.client, pair!.server)).toBe(true);
    expect(pair!.client.stats().retriesReceived).toBe(1);
    const st = s.srv.stats;
    expect(st.retriesSent).toBe(1);
    expect(st.tokensAccepted).toBe(1);
    expect(st.tokensRefused).toBe(0);
  });

  test("retry: 'never' — no Retry", async () => {
    const s = tappedSim({ retry: 'never' });
    const pair = await connect(s);
    expect(pair).not.toBeNull();
    expect(pair!.client.stats().retriesReceived).toBe(0);
    expect(s.srv.stats.retriesSent).toBe(0);
  });
});
