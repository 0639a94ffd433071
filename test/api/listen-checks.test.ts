// listen() runs the native handshake crypto's first-use checks (host/tls/handshake-node.ts
// prepareServerChecks) before it resolves, so that a fresh server's first handshake does
// not pay them. Jest gives each test file its own module registry: nothing has checked an
// algorithm before this file's first listen().
import { listen, connect, generateSelfSigned } from '../../host/index';
import { checkedAlgorithms } from '../../host/tls/handshake-node';

test('listen() checks x25519 and its certificate key\'s algorithm before the first client comes; a handshake then works', async () => {
  const cert = generateSelfSigned({ subjectAltNames: ['localhost', '127.0.0.1'] });
  expect(checkedAlgorithms()).not.toContain('x25519');
  await using server = await listen({ alpn: ['x'], certificate: cert });
  expect(checkedAlgorithms()).toEqual(expect.arrayContaining(['x25519', 'ecdsa']));
  void (async () => {
    for await (const conn of server) void conn.acceptStream().then(async (s) => { await s.end(await s.readAll()); }).catch(() => undefined);
  })();
  const conn = await connect({ address: '127.0.0.1', port: server.address.port, alpn: ['x'], trustAnchors: [cert.chain[0]], timeoutMs: 10_000 });
  const s = conn.openStream();
  void s.end(new TextEncoder().encode('after the checks'));
  expect(new TextDecoder().decode(await s.readAll())).toBe('after the checks');
  await conn.close();
});
