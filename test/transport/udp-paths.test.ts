// The UDP path table holds an address only while a connection uses it (issue 17): junk
// from many source ports leaves no entries, and a real connection's entry goes with it.
import * as dgram from 'node:dgram';
import { UdpNetwork } from '../../host/net/udp';
import { createServerEndpoint, createClientEndpoint } from '../../host/transport/create';
import { nodeCryptoProvider } from '../../host/crypto/node-provider';
import { coreModule, cert } from './sim';

async function until(cond: () => boolean, ms = 5000): Promise<boolean> {
  const end = Date.now() + ms;
  while (!cond() && Date.now() < end) await new Promise((r) => setTimeout(r, 10));
  return cond();
}

test('junk from 200 source ports leaves no path entries; a connection\'s entry is forgotten when it closes', async () => {
  const serverNet = await UdpNetwork.bind({ address: '127.0.0.1' });
  const server = createServerEndpoint({ coreModule: coreModule(), network: serverNet, crypto: nodeCryptoProvider, certificate: cert, tls: { alpn: ['t'] } });
  const sockets: dgram.Socket[] = [];
  let arrived = 0;
  const countIn = server.counters;
  for (let i = 0; i < 200; i++) {
    const s = dgram.createSocket('udp4');
    await new Promise<void>((r) => s.bind(0, '127.0.0.1', () => r()));
    sockets.push(s);
    // A 1-byte datagram and an Initial-shaped 1200-byte one of random bytes.
    s.send(Uint8Array.of(0x40), serverNet.local.port, '127.0.0.1');
    const junk = new Uint8Array(1200).map(() => (Math.random() * 256) | 0);
    junk[0] = 0xc3; junk.set([0, 0, 0, 1], 1); junk[5] = 8; junk[14] = 8; junk[23] = 0; junk[24] = 0x44; junk[25] = 0x96;
    s.send(junk, serverNet.local.port, '127.0.0.1');
  }
  expect(await until(() => (arrived = countIn.datagramsIn) >= 400)).toBe(true);
  expect(arrived).toBe(400);
  expect(serverNet.paths.size).toBe(0);
  expect(server.stats.initialsUnauthenticated).toBe(200);
  for (const s of sockets) s.close();

  // A real connection: its path entry lives exactly as long as the connection.
  const clientNet = await UdpNetwork.bind({ address: '127.0.0.1' });
  const client = createClientEndpoint({ coreModule: coreModule(), network: clientNet, crypto: nodeCryptoProvider, tls: { alpn: ['t'] } });
  const accepted = server.accept();
  const conn = client.connectTo(clientNet.pathTo(serverNet.local), { serverName: 'localhost', trustAnchors: [cert.chain[0]] });
  await conn.established;
  const sc = await accepted;
  expect(serverNet.paths.size).toBe(1);
  await conn.close(0, 'done');
  await sc.closed;
  expect(await until(() => serverNet.paths.size === 0 && clientNet.paths.size === 0)).toBe(true);
  await client.close();
  await server.close();
}, 30_000);
