import * as os from 'node:os';
import { UdpNetwork, QuicSocketError } from '../../host/net/udp';

function hasIpv6Loopback(): boolean {
  return Object.values(os.networkInterfaces()).some((list) => list?.some((i) => i.family === 'IPv6' && i.internal));
}

async function exchange(address: string, count: number) {
  const a = await UdpNetwork.bind({ address });
  const b = await UdpNetwork.bind({ address });
  const received: number[] = [];
  const done = new Promise<void>((resolve) => {
    b.onReceive((data, path) => {
      received.push(new DataView(data.buffer, data.byteOffset).getUint32(0));
      b.send(data, path); // echo back on the same path
      if (received.length === count) resolve();
    });
  });
  let echoed = 0;
  a.onReceive(() => { echoed++; });
  const path = a.pathTo(b.local);
  // Send in small bursts so the kernel buffer never overflows on a busy machine.
  for (let i = 0; i < count; i++) {
    const d = new Uint8Array(1200);
    new DataView(d.buffer).setUint32(0, i);
    a.send(d, path);
    if (i % 50 === 49) await new Promise((r) => setTimeout(r, 1));
  }
  let timer: ReturnType<typeof setTimeout> | undefined;
  await Promise.race([done, new Promise((r) => { timer = setTimeout(r, 5000); })]);
  clearTimeout(timer); // a pending 5 s timer would keep jest from exiting
  await new Promise((r) => setTimeout(r, 50));
  await a.close();
  await b.close();
  return { received, echoed, a, b };
}

describe('UdpNetwork', () => {
  test('two sockets on 127.0.0.1 exchange 1000 datagrams', async () => {
    const { received, echoed, b } = await exchange('127.0.0.1', 1000);
    expect(new Set(received).size).toBe(1000);
    expect(echoed).toBeGreaterThan(900);
    expect(b.paths.size).toBe(1);
    expect(b.bufferSizes.receive).toBeGreaterThan(0);
  });

  (hasIpv6Loopback() ? test : test.skip)('two sockets on ::1 exchange 1000 datagrams (skipped: no IPv6 loopback on this machine)', async () => {
    const { received } = await exchange('::1', 1000);
    expect(new Set(received).size).toBe(1000);
  });

  test('binding a port in use fails with a typed error', async () => {
    const a = await UdpNetwork.bind({ address: '127.0.0.1' });
    await expect(UdpNetwork.bind({ address: '127.0.0.1', port: a.local.port })).rejects.toMatchObject({
      code: 'ERR_QUIC_SOCKET',
      errno: 'EADDRINUSE',
    });
    await a.close();
  });

  test('sending to a bad address reports a typed error, never throws', async () => {
    const a = await UdpNetwork.bind({ address: '127.0.0.1' });
    const errors: Error[] = [];
    a.onError((e) => errors.push(e));
    a.send(new Uint8Array(10), a.pathTo({ address: 'not-an-address', port: 1 }));
    a.send(new Uint8Array(10), 99);
    await new Promise((r) => setTimeout(r, 300));
    expect(errors.length).toBe(2);
    expect(errors.every((e) => e instanceof QuicSocketError)).toBe(true);
    await a.close();
  });
});
