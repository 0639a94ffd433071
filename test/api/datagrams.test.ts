// Datagrams through the public entry (listen/connect over UDP loopback): the option is
// checked up front and named, a datagram echo works with strings and bytes, acknowledgment
// is reported on request, and the limits are typed errors before anything is sent.
import { listen, connect, generateSelfSigned, type QuicConnection, type DatagramOutcome } from '../../host/index';

const cert = generateSelfSigned({ subjectAltNames: ['localhost', '127.0.0.1'] });
const invalid = (message: RegExp) => expect.objectContaining({ code: 'ERR_QUIC_INVALID_ARGUMENT', message: expect.stringMatching(message) });

test('the datagrams option is checked and named before anything is bound', async () => {
  await expect(listen({ alpn: ['x'], certificate: cert, datagrams: { maxFrameSize: -1 } })).rejects.toEqual(invalid(/^datagrams\.maxFrameSize must be an integer in 0\.\..*not number -1$/));
  await expect(listen({ alpn: ['x'], certificate: cert, datagrams: { receiveQueue: 10 } })).rejects.toEqual(invalid(/datagrams\.receiveQueue must be an integer in 64\.\.268435456, not number 10/));
  await expect(connect({ address: '127.0.0.1', port: 4433, alpn: ['x'], datagrams: { size: 3 } as never })).rejects.toEqual(invalid(/unknown datagrams option "size" \(known: maxFrameSize, receiveQueue, sendQueue\)/));
  await expect(connect({ address: '127.0.0.1', port: 4433, alpn: ['x'], datagrams: true as never })).rejects.toEqual(invalid(/datagrams must be an object/));
});

test('an echo over UDP: strings and bytes, outcomes on request, typed limits', async () => {
  await using server = await listen({ alpn: ['x'], certificate: cert, datagrams: {} });
  const serving = (async () => {
    const conn = await server.accept({ timeoutMs: 10_000 });
    for await (const d of conn.datagrams()) conn.sendDatagram(d);
  })();
  const client: QuicConnection = await connect({
    address: '127.0.0.1', port: server.address.port, alpn: ['x'], trustAnchors: [cert.chain[0]], datagrams: { receiveQueue: 1 << 20 }, timeoutMs: 10_000,
  });
  try {
    const max = client.maxDatagramSize;
    expect(max).toBeGreaterThan(1000);
    expect(() => client.sendDatagram(new Uint8Array(max + 1))).toThrow(expect.objectContaining({ code: 'ERR_QUIC_DATAGRAM_TOO_LARGE' }));

    const sent = ['hello', ...Array.from({ length: 9 }, (_, i) => `datagram ${i} ${'x'.repeat(i * 100)}`)];
    const outcomes: Promise<DatagramOutcome>[] = sent.map((s) => client.sendDatagram(s, { track: true }));
    const back: string[] = [];
    const echoed = client.datagrams({ timeoutMs: 5000 });
    for await (const d of echoed) {
      back.push(new TextDecoder().decode(d));
      if (back.length === sent.length) break;
    }
    // Loopback does not lose packets in practice; order may differ only if it reorders.
    expect(back.sort()).toEqual([...sent].sort());
    expect(await Promise.all(outcomes)).toEqual(sent.map(() => 'acked'));
    const bytes = Uint8Array.from({ length: max }, (_, i) => i & 0xff);
    const one = client.receiveDatagram({ timeoutMs: 5000 });
    client.sendDatagram(bytes);
    expect(Buffer.compare(await one, bytes)).toBe(0);
    expect(client.datagramStats()).toMatchObject({ sent: sent.length + 1, received: sent.length + 1, lost: 0, sendDropped: 0, receiveDropped: 0 });
  } finally {
    await client.close();
  }
  await server.close();
  await serving;
}, 30_000);
