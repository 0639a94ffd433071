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

  test('a Retry with a bad integrity tag is ignored; the genuine one that follows is used', async () => {
    const s = tappedSim({ retry: 'always' });
    s.tap.onSend = (d) => {
      if (!isRetry(d)) return [d];
      // Same Retry with another SCID: the tag no longer matches (RFC 9001 §5.8).
      const forged = d.slice();
      forged[7 + forged[5]] ^= 0x55;
      return [forged, d];
    };
    const pair = await connect(s);
    expect(pair).not.toBeNull();
    expect(pair!.client.stats().retriesReceived).toBe(1);
    expect(pair!.client.stats().packetsDropped).toBeGreaterThanOrEqual(1);
    expect(s.srv.stats.tokensRefused).toBe(0);
    expect(await echo(s, pair!.client, pair!.server)).toBe(true);
  });

  test('a second Retry (valid tag, other SCID and token) is ignored', async () => {
    const s = tappedSim({ retry: 'always' });
    let odcid: Uint8Array | null = null;
    s.tap.onReceive_ = (d) => { if (!odcid && isInitial(d)) odcid = longCids(d).dcid; return [d]; };
    let second: Uint8Array | null = null;
    s.tap.onSend = (d) => {
      if (!isRetry(d)) return [d];
      const r = retryParts(d);
      second = retryPacket(odcid!, r.dcid, Uint8Array.from([9, 9, 9, 9, 9, 9, 9, 9]), Uint8Array.from([1, 2, 3, 4]));
      return [d, second];
    };
    const pair = await connect(s);
    expect(second).not.toBeNull();
    expect(pair).not.toBeNull();
    expect(pair!.client.stats().retriesReceived).toBe(1);
    expect(s.srv.stats.tokensRefused).toBe(0);
  });

  test('a Retry whose SCID is the DCID we sent, or with an empty token, is ignored (§17.2.5.2)', async () => {
    const s = tappedSim({ retry: 'never' });
    let odcid: Uint8Array | null = null;
    let injected = 0;
    s.tap.onReceive_ = (d, path) => {
      if (!odcid && isInitial(d)) {
        odcid = longCids(d).dcid;
        const scid = longCids(d).scid;
        s.tap.sendRaw(retryPacket(odcid, scid, odcid, Uint8Array.from([1, 2, 3])), path);
        s.tap.sendRaw(retryPacket(odcid, scid, Uint8Array.from([7, 7, 7, 7, 7, 7, 7, 7]), new Uint8Array(0)), path);
        injected = 2;
      }
      return [d];
    };
    const pair = await connect(s);
    expect(injected).toBe(2);
    expect(pair).not.toBeNull();
    expect(pair!.client.stats().retriesReceived).toBe(0);
  });
});

describe('NEW_TOKEN', () => {
  test('the server sends one after the handshake; the client keeps it with the session and its next connection skips Retry', async () => {
    const s = tappedSim({ retry: 'always' });
    const first = await connect(s);
    expect(first).not.toBeNull();
    expect(first!.client.stats().retriesReceived).toBe(1);
    let ticket: any = null;
    first!.client.sessionTicket.then((t) => { ticket = t; });
    await runUntil(s.clock, () => ticket !== null && ticket.addressToken !== undefined, 5_000_000);
    expect(ticket?.addressToken?.length).toBeGreaterThan(0);
    expect(first!.client.addressToken).toEqual(ticket.addressToken);
    expect(s.srv.stats.newTokensSent).toBe(1);
    // The token survives the ticket's byte encoding.
    const { encodeSessionTicket, decodeSessionTicket } = await import('../../host/tls/session-ticket');
    const restored = decodeSessionTicket(encodeSessionTicket(ticket));
    expect(restored.addressToken).toEqual(ticket.addressToken);

    const second = await connect(s, { session: restored });
    expect(second).not.toBeNull();
    expect(second!.client.stats().retriesReceived).toBe(0);
    expect(s.srv.stats.retriesSent).toBe(1);
    expect(s.srv.stats.tokensAccepted).toBe(2); // the first connection's Retry token, then the NEW_TOKEN one
    expect(await echo(s, second!.client, second!.server)).toBe(true);
  });

  test('a lost NEW_TOKEN is sent again (the same token, RFC 9000 §13.3)', async () => {
    const s = tappedSim({ retry: 'always' });
    let dropped = 0;
    // Drop the server's first four 1-RTT datagrams: the NEW_TOKEN rides in the first ones.
    s.tap.onSend = (d) => ((d[0] & 0x80) === 0 && dropped < 4 ? (dropped++, []) : [d]);
    const first = await connect(s);
    expect(first).not.toBeNull();
    await runUntil(s.clock, () => first!.client.addressToken !== null, 10_000_000);
    expect(dropped).toBe(4);
    expect(first!.client.addressToken).not.toBeNull();
    expect(s.srv.stats.newTokensSent).toBe(1);
    const ticket = await first!.client.sessionTicket;
    const second = await connect(s, { session: ticket! });
    expect(second).not.toBeNull();
    expect(second!.client.stats().retriesReceived).toBe(0);
  });

  test("addressTokens: { newToken: false } sends none", async () => {
    const s = tappedSim({ retry: 'never', addressTokens: { newToken: false } });
    const pair = await connect(s);
    expect(pair).not.toBeNull();
    await runUntil(s.clock, () => false, 1_000_000);
    expect(s.srv.stats.newTokensSent).toBe(0);
    expect(pair!.client.addressToken).toBeNull();
  });
});

test('bad retry and addressTokens options are refused with ERR_QUIC_INVALID_CONFIG naming the option', () => {
  for (const [opts, msg] of [
    [{ retry: 'sometimes' }, /retry must be 'never', 'always' or 'under-load'/],
    [{ retry: 'toString' }, /retry must be/],
    [{ addressTokens: { retryLifetimeMs: 0 } }, /addressTokens.retryLifetimeMs/],
    [{ addressTokens: { newTokenLifetimeMs: 'long' } }, /addressTokens.newTokenLifetimeMs/],
    [{ addressTokens: { newToken: 1 } }, /addressTokens.newToken must be a boolean/],
  ] as [Record<string, unknown>, RegExp][]) {
    let err: any = null;
    try { tappedSim(opts as any); } catch (e) { err = e; }
    expect(err?.code).toBe('ERR_QUIC_INVALID_CONFIG');
    expect(String(err?.message)).toMatch(msg);
  }
});
