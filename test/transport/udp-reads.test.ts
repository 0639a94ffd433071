// Over node:dgram the pump services the core once per socket wake-up (CorePump batching):
// a stream that became readable during a batch is read once, at its end, not once per
// datagram — fewer, larger chunks for the application at 1200-byte datagrams, the upload
// still byte-exact (host/transport/pump.ts heldReadable).
import { createHash } from 'node:crypto';
import { listen, connect } from '../../host/node';
import { generateSelfSigned } from '../../host/tls/pki/index';
import { Prng } from '../../host/net/prng';

test('a 4 MB upload at 1200-byte datagrams reaches the reader in chunks of several datagrams, byte-exact', async () => {
  const certificate = generateSelfSigned({ subjectAltNames: ['localhost'] });
  const server = await listen({ address: '127.0.0.1', port: 0, alpn: ['reads'], certificate, transport: { pmtud: false } });
  const payload = new Prng(11).fill(new Uint8Array(4_000_000));
  const chunks: number[] = [];
  const got = (async () => {
    for await (const conn of server) {
      const s = await conn.acceptStream();
      const h = createHash('sha256');
      for (let c = await s.read(); c; c = await s.read()) { chunks.push(c.length); h.update(c); }
      await s.end(new TextEncoder().encode(h.digest('hex')));
      return;
    }
  })();
  const conn = await connect({ address: '127.0.0.1', port: server.address.port, alpn: ['reads'], serverName: 'localhost', trustAnchors: certificate.chain, transport: { pmtud: false } });
  try {
    const s = conn.openStream();
    const reply = s.readAll();
    for (let o = 0; o < payload.length; o += 65536) await s.write(payload.subarray(o, o + 65536));
    await s.end();
    expect(new TextDecoder().decode(await reply)).toBe(createHash('sha256').update(payload).digest('hex'));
    await got;
    expect(conn.stats().pathMtu).toBe(1200);
    const mean = payload.length / chunks.length;
    // One read per datagram would give chunks of at most ~1,170 bytes (1200 minus headers and tag).
    expect(Math.max(...chunks)).toBeGreaterThan(4 * 1200);
    expect(mean).toBeGreaterThan(2 * 1200);
  } finally {
    await conn.close(0, 'done');
    await server.close();
  }
}, 60_000);
