// What the UDP network tells PMTU discovery (host/net/udp.ts): the largest datagram a
// socket's path carries, and a datagram the OS refuses as too large (EMSGSIZE) counted
// as a loss rather than reported as a socket error.
import { UdpNetwork, isLoopbackAddress, loopbackDatagramLimit } from '../../host/net/udp';

test('loopback sockets carry 65,507-byte datagrams (65,488 over ::1), others 1452, an explicit size wins', async () => {
  expect(isLoopbackAddress('127.0.0.1')).toBe(true);
  expect(isLoopbackAddress('127.3.2.1')).toBe(true);
  expect(isLoopbackAddress('::1')).toBe(true);
  expect(isLoopbackAddress('::ffff:127.0.0.1')).toBe(true);
  expect(isLoopbackAddress('10.0.0.1')).toBe(false);
  expect(isLoopbackAddress('0.0.0.0')).toBe(false);
  expect(loopbackDatagramLimit('127.0.0.1')).toBe(65507);
  expect(loopbackDatagramLimit('::1')).toBe(65488);
  const lo = await UdpNetwork.bind({ address: '127.0.0.1' });
  const any = await UdpNetwork.bind({ address: '0.0.0.0' });
  const capped = await UdpNetwork.bind({ address: '127.0.0.1', maxDatagramSize: 1400 });
  expect([lo.maxDatagramSize, any.maxDatagramSize, capped.maxDatagramSize]).toEqual([65507, 1452, 1400]);
  await Promise.all([lo.close(), any.close(), capped.close()]);
});

test('a datagram too large for the interface is counted as oversized, not reported as an error; the socket keeps working', async () => {
  const a = await UdpNetwork.bind({ address: '127.0.0.1' });
  const b = await UdpNetwork.bind({ address: '127.0.0.1' });
  const errors: Error[] = [];
  a.onError((e) => errors.push(e));
  const got: number[] = [];
  b.onReceive((d) => got.push(d.length));
  try {
    const path = a.pathTo(b.local);
    a.send(new Uint8Array(65_600), path); // above IPv4's 65,507-byte UDP payload: EMSGSIZE
    a.send(new Uint8Array(65_507), path); // the largest that fits: delivered
    for (let i = 0; i < 100 && (got.length < 1 || a.oversized + errors.length < 1); i++) await new Promise((r) => setTimeout(r, 10));
    expect(errors).toEqual([]);
    expect(a.oversized).toBe(1);
    expect(got).toEqual([65_507]);
  } finally {
    await Promise.all([a.close(), b.close()]);
  }
});
