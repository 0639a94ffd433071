// NAT rebinding over real UDP sockets (RFC 9000 §9.3): a relay between client and server
// plays the NAT and, mid-transfer, switches to a new outside port (the old one closed, as
// an expired binding). The server's UDP path table gives the new source a new handle,
// the core sends there, and the old entry is released once its validation gives up.
import * as dgram from 'node:dgram';
import { createHash } from 'node:crypto';
import { UdpNetwork } from '../../host/net/udp';
import { createServerEndpoint, createClientEndpoint } from '../../host/transport/create';
import { nodeCryptoProvider } from '../../host/crypto/node-provider';
import { Prng } from '../../host/net/prng';
import { coreModule, cert } from './sim';

const sha = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

async function until(cond: () => boolean, ms = 5000): Promise<boolean> {
  const end = Date.now() + ms;
  while (!cond() && Date.now() < end) await new Promise((r) => setTimeout(r, 10));
  return cond();
}

function bindSocket(): Promise<dgram.Socket> {
  const s = dgram.createSocket('udp4');
  return new Promise((r) => s.bind(0, '127.0.0.1', () => r(s)));
}

/** A one-client NAT: `front` faces the client, `outside` faces the server; rebind() takes a new outside port. */
class Nat {
  private client: dgram.RemoteInfo | null = null;
  outside!: dgram.Socket;
  private constructor(readonly front: dgram.Socket, private readonly server: { port: number }) {}

  static async create(server: { port: number }): Promise<Nat> {
    const nat = new Nat(await bindSocket(), server);
    nat.front.on('message', (m, rinfo) => { nat.client = rinfo; nat.outside.send(m, server.port, '127.0.0.1'); });
    await nat.rebind();
    return nat;
  }

  async rebind(): Promise<void> {
    const old = this.outside;
    const s = await bindSocket();
    s.on('message', (m) => { if (this.client) this.front.send(m, this.client.port, this.client.address); });
    this.outside = s;
    old?.close(); // the old binding is gone: what the server sends there is lost
  }

  close(): void { this.front.close(); this.outside.close(); }
}

test('a NAT rebinding mid-transfer over UDP: byte-exact, the server moves to the new port and forgets the old one', async () => {
  const serverNet = await UdpNetwork.bind({ address: '127.0.0.1' });
  const server = createServerEndpoint({ coreModule: coreModule(), network: serverNet, crypto: nodeCryptoProvider, certificate: cert, tls: { alpn: ['t'] } });
  const nat = await Nat.create(serverNet.local);
  const clientNet = await UdpNetwork.bind({ address: '127.0.0.1' });
  const client = createClientEndpoint({ coreModule: coreModule(), network: clientNet, crypto: nodeCryptoProvider, tls: { alpn: ['t'] } });
  const accepted = server.accept();
  const conn = client.connectTo(clientNet.pathTo({ address: '127.0.0.1', port: nat.front.address().port }), { serverName: 'localhost', trustAnchors: [cert.chain[0]] });
  await conn.established;
  const sc = await accepted;
  const changes: number[] = [];
  sc.on('pathchange', (e) => changes.push(e.path));

  const payload = new Prng(7).fill(new Uint8Array(2_000_000));
  let received = 0;
  let rebound: Promise<void> | null = null;
  sc.acceptStream().then(async (s) => {
    for await (const c of s) {
      received += c.length;
      if (!rebound && received > 500_000) rebound = nat.rebind();
      await s.write(c);
    }
    await s.end();
  });
  const st = conn.openStream();
  void st.end(payload);
  const echoed = await st.readAll();
  expect(rebound).not.toBeNull();
  expect(sha(echoed)).toBe(sha(payload));
  expect(changes.length).toBe(1);
  const s = sc.stats();
  expect(s.pathsValidated).toBeGreaterThanOrEqual(1);
  // The old outside port's entry goes when its re-validation is abandoned (§8.2.4, ~3 s at kInitialRtt).
  expect(await until(() => serverNet.paths.size === 1, 8000)).toBe(true);
  await conn.close(0, 'done');
  await sc.closed;
  expect(await until(() => serverNet.paths.size === 0)).toBe(true);
  nat.close();
  await client.close();
  await server.close();
}, 30_000);
