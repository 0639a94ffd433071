// connectWith({ quicVersion: 2 }): HTTP/3 over QUIC v2 (RFC 9369), checked on the wire —
// a relay in the middle reads the version field of every long-header packet.
import * as dgram from 'node:dgram';
import { generateSelfSigned } from '../../host/portable';
import { serveH3, H3Client } from '../../host/h3/index';

test('HTTP/3 over QUIC v2: every long header in both directions carries 0x6b3343cf', async () => {
  const cert = generateSelfSigned({ subjectAltNames: ['localhost'] });
  const server = await serveH3({ address: '127.0.0.1', port: 0, certificate: cert }, () => new Response('over v2'));
  const front = dgram.createSocket('udp4'), back = dgram.createSocket('udp4');
  let client: dgram.RemoteInfo | null = null;
  const versions = new Set<string>();
  front.on('message', (m, r) => { client = r; if (m[0] & 0x80) versions.add(`c→s ${m.readUInt32BE(1).toString(16)}`); back.send(m, server.address.port, '127.0.0.1'); });
  back.on('message', (m) => { if (m[0] & 0x80) versions.add(`s→c ${m.readUInt32BE(1).toString(16)}`); if (client) front.send(m, client.port, client.address); });
  await new Promise<void>((r) => front.bind(0, '127.0.0.1', () => r()));
  await new Promise<void>((r) => back.bind(0, '127.0.0.1', () => r()));
  try {
    const origin = `https://localhost:${front.address().port}`;
    const c = await H3Client.connect(origin, { address: '127.0.0.1', trustAnchors: [cert.chain[0]], quicVersion: 2 });
    expect(await (await c.fetch(`${origin}/`)).text()).toBe('over v2');
    await c.close();
    expect([...versions].sort()).toEqual(['c→s 6b3343cf', 's→c 6b3343cf']);
  } finally {
    front.close();
    back.close();
    await server.close();
  }
});
