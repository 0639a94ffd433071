// Stream writes made in one turn of the application go out together (pump.ts
// serviceSoon): over a network that marks its turns (UDP; the simulator with
// batchReceives), a loop of 64 KiB writes at 65,507-byte datagrams sends full packets,
// not each write's ~100-byte tail as a packet of its own. Checked by the sizes of the
// datagrams the sender puts on the link (against the same upload serviced after each
// write), and the bytes arriving intact.
import { createHash } from 'node:crypto';
import { DgramPair } from '../../host/net/dgram-pair';
import { VirtualClock } from '../../host/net/virtual-clock';
import { createClientEndpoint, createServerEndpoint } from '../../host/transport/create';
import { nodeCryptoProvider } from '../../host/crypto/node-provider';
import { cert, coreModule, runUntil } from './sim';

async function upload(batchReceives: boolean) {
  const clock = new VirtualClock(1_000_000);
  const pair = new DgramPair({ clock, seed: 1, batchReceives, aToB: { delayUs: 500, mtu: 65527 }, bToA: { delayUs: 500, mtu: 65527 } });
  const server = createServerEndpoint({ coreModule: coreModule(), network: pair.b, clock, crypto: nodeCryptoProvider, certificate: cert, tls: { alpn: ['test'] }, seed: Uint32Array.of(1, 2, 3, 4) });
  const client = createClientEndpoint({ coreModule: coreModule(), network: pair.a, clock, crypto: nodeCryptoProvider, tls: { alpn: ['test'] }, seed: Uint32Array.of(5, 6, 7, 8) });
  const digests: string[] = [];
  void server.accept().then(async (sc) => {
    for (;;) {
      const s = await sc.acceptStream();
      digests.push(createHash('sha256').update(await s.readAll()).digest('hex'));
    }
  }).catch(() => undefined);
  const conn = client.connectTo(0, { serverName: 'localhost', trustAnchors: [cert.chain[0]] });
  expect(await runUntil(clock, () => conn.handshakeInfo !== null)).toBe(true);
  // PMTU discovery probes while data flows: a first stream lets it settle at the link's 65,527.
  void conn.openStream().end(new Uint8Array(4 << 20));
  expect(await runUntil(clock, () => digests.length === 1)).toBe(true);
  expect(conn.stats().pathMtu).toBeGreaterThanOrEqual(65_000);
  const sizes: number[] = [];
  const send = pair.a.send.bind(pair.a);
  pair.a.send = (d, path) => { sizes.push(d.length); send(d, path); };
  const data = new Uint8Array(64 * 65536).map((_, i) => (i * 31) & 0xff);
  let written = false;
  void (async () => {
    const s = conn.openStream();
    for (let o = 0; o < data.length; o += 65536) await s.write(data.subarray(o, o + 65536));
    await s.end();
    written = true;
  })();
  expect(await runUntil(clock, () => written && digests.length === 2)).toBe(true);
  expect(digests[1]).toBe(createHash('sha256').update(data).digest('hex'));
  return { sizes, tails: sizes.filter((n) => n < 400).length };
}

test('a loop of 64 KiB writes goes out in full 65,527-byte datagrams, not one tail packet per write', async () => {
  const coalesced = await upload(true);
  const eager = await upload(false); // serviced at once after each write (the simulator's per-datagram mode)
  // 4 MiB in 65,527-byte datagrams: ~64 of them either way.
  expect(coalesced.sizes.filter((n) => n > 60_000).length).toBeGreaterThanOrEqual(60);
  // Eagerly, each write's ~100-byte tail left as a datagram of its own; coalesced, a small
  // one goes only when the sender ran dry (an ACK freed room before the next write came).
  expect(eager.tails).toBeGreaterThanOrEqual(30); // 46 of 64 writes: the others found the sender still busy
  expect(coalesced.tails).toBeLessThan(eager.tails / 3); // 10
}, 60_000);
