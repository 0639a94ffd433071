// The Deno.listenDatagram network outside Deno: a typed error, never a crash. (Inside Deno
// it carries the UDP transfers of test/portability/runtimes.test.ts.)
import { DenoUdpNetwork, denoDatagramsAvailable } from '../../host/net/deno-udp';
import { listen, generateSelfSigned } from '../../host/index';

test('Node has no Deno.listenDatagram: bind rejects with ERR_QUIC_SOCKET, listen({ udp: "deno" }) too', async () => {
  expect(denoDatagramsAvailable()).toBe(false);
  await expect(DenoUdpNetwork.bind()).rejects.toMatchObject({ code: 'ERR_QUIC_SOCKET', message: expect.stringContaining('--unstable-net') });
  const certificate = generateSelfSigned({ subjectAltNames: ['localhost'] });
  await expect(listen({ alpn: ['x'], certificate, udp: 'deno' })).rejects.toMatchObject({ code: 'ERR_QUIC_SOCKET' });
});
