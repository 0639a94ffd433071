// Pacing (RFC 9002 §7.7): once the congestion window is large, the sender spreads it
// over the RTT instead of emitting it in one burst at a single instant.
import { makeSim, runUntil, cert } from './sim';
import type { QuicConnection } from '../../host/transport/connection';
import { Prng } from '../../host/net/prng';

test('a 4 MiB upload never sends more than a short burst at one instant while cwnd is far larger', async () => {
  const { clock, pair, client, server } = makeSim({ aToB: { delayUs: 20_000 }, bToA: { delayUs: 20_000 } });
  let serverConn: QuicConnection | null = null;
  server.accept().then((c) => { serverConn = c; });
  const conn = client.connectTo(0, { serverName: 'localhost', trustAnchors: [cert.chain[0]] });
  expect(await runUntil(clock, () => conn.handshakeInfo !== null && serverConn !== null)).toBe(true);

  // Count the client's 1-RTT datagrams per virtual instant.
  const perInstant = new Map<number, number>();
  const send = pair.a.send.bind(pair.a);
  pair.a.send = (d: Uint8Array, p: number) => {
    if ((d[0] & 0x80) === 0 && d.length >= 1000) perInstant.set(clock.now(), (perInstant.get(clock.now()) ?? 0) + 1);
    send(d, p);
  };
  let maxCwnd = 0, received = 0;
  serverConn!.acceptStream().then(async (s) => { for await (const c of s) received += c.length; });
  const payload = new Prng(5).fill(new Uint8Array(4 << 20));
  const s = conn.openStream();
  s.end(payload);
  expect(await runUntil(clock, () => {
    maxCwnd = Math.max(maxCwnd, conn.stats().cwnd);
    return received === payload.length;
  })).toBe(true);

  const maxBurst = Math.max(...perInstant.values());
  expect(maxCwnd).toBeGreaterThan(400 * 1200); // without pacing a whole window could leave at once
  expect(maxBurst).toBeLessThanOrEqual(64); // the bucket's depth: max(10 packets, 2 ms at the pacing rate)
  expect(perInstant.size).toBeGreaterThan(500); // the data left over many instants
});
