// Socket per peer (seed 004; seed 000's BCG-R): each accepted client gets a connected UDP
// socket on the listener's address and port. On Linux the kernel then delivers that
// client's datagrams to its own socket; the echo stays byte-exact, and the socket goes
// when the connection does.
import { listen, connect, generateSelfSigned } from '../../host/index';

const certificate = generateSelfSigned({ subjectAltNames: ['localhost'] });

test('an accepted client gets its own connected socket, which carries its datagrams; closed with the connection', async () => {
  const server = await listen({ address: '127.0.0.1', port: 0, alpn: ['t'], certificate, socketPerPeer: true, transport: { maxIdleTimeoutMs: 30_000 } });
  const echoing = (async () => {
    const conn = await server.accept();
    const s = await conn.acceptStream();
    await s.end(await s.readAll());
    await conn.closed;
  })();
  const clients = await Promise.all([0, 1].map(() => connect({ ...server.address, alpn: ['t'], serverName: 'localhost', trustAnchors: certificate.chain })));
  const [conn, other] = clients;
  const payload = new Uint8Array(300_000).map((_, i) => (i * 7) & 0xff);
  const s = await conn.openStreamAsync();
  const [, back] = await Promise.all([s.end(payload), s.readAll()]);
  expect(Buffer.from(back).equals(Buffer.from(payload))).toBe(true);
  const during = server.peerSockets!;
  expect(during.opened).toBe(2);
  expect(during.open).toBe(2);
  expect(during.refused).toBe(0);
  // The upload came in on the peer socket (without it nothing does). PMTU discovery makes its
  // datagrams large on loopback (up to 64 KB), so a 300 kB upload and its ACKs are a few dozen.
  if (process.platform === 'linux') expect(during.received).toBeGreaterThan(10);
  await conn.close(0, 'done');
  await other.close(0, 'done');
  await echoing;
  // The path is forgotten once its connection is gone, and its socket with it.
  for (let i = 0; i < 100 && server.peerSockets!.open > 0; i++) await new Promise((r) => setTimeout(r, 20));
  expect(server.peerSockets!.open).toBe(0);
  await server.close();
}, 30_000);

test('off by default; a non-boolean is refused by name', async () => {
  const server = await listen({ address: '127.0.0.1', port: 0, alpn: ['t'], certificate });
  expect(server.peerSockets).toBeNull();
  await server.close();
  await expect(listen({ address: '127.0.0.1', port: 0, alpn: ['t'], certificate, socketPerPeer: 'yes' as never })).rejects.toMatchObject({ code: 'ERR_QUIC_INVALID_ARGUMENT', message: expect.stringContaining('socketPerPeer') });
});
