// listen({ versions }) and connect({ version, versions }) over UDP on loopback: the
// public options of QUIC v2 (RFC 9369) and compatible version negotiation (RFC 9368),
// with the version of every long header read by a relay between the two.
import * as dgram from 'node:dgram';
import { listen, connect, QUIC_V1, QUIC_V2 } from '../../host/index';
import { generateSelfSigned } from '../../host/tls/pki/index';
import type { QuicServer, ListenOptions } from '../../host/node';

const cert = generateSelfSigned({ subjectAltNames: ['localhost'] });

/** A server behind a relay that records the version of each long-header datagram's first packet. */
async function relayed(opts: Partial<ListenOptions>) {
  const server: QuicServer = await listen({ address: '127.0.0.1', port: 0, alpn: ['v'], certificate: cert, ...opts });
  (async () => {
    for await (const c of server) c.acceptStream().then(async (s) => { await s.end(await s.readAll()); }).catch(() => undefined);
  })();
  const front = dgram.createSocket('udp4'), back = dgram.createSocket('udp4');
  let client: dgram.RemoteInfo | null = null;
  const seen: string[] = [];
  const version = (m: Buffer) => (m[0] & 0x80 ? m.readUInt32BE(1).toString(16) : null);
  front.on('message', (m, r) => { client = r; const v = version(m); if (v) seen.push(`c ${v}`); back.send(m, server.address.port, '127.0.0.1'); });
  back.on('message', (m) => { const v = version(m); if (v) seen.push(`s ${v}`); if (client) front.send(m, client.port, client.address); });
  await new Promise<void>((r) => front.bind(0, '127.0.0.1', () => r()));
  await new Promise<void>((r) => back.bind(0, '127.0.0.1', () => r()));
  return {
    port: front.address().port, seen,
    async close() { front.close(); back.close(); await server.close(); },
  };
}

async function roundTrip(port: number, extra: Record<string, unknown>) {
  const conn = await connect({ address: '127.0.0.1', port, alpn: ['v'], serverName: 'localhost', trustAnchors: [cert.chain[0]], ...extra });
  const s = conn.openStream();
  await s.end('over quic');
  expect(new TextDecoder().decode(await s.readAll())).toBe('over quic');
  const version = conn.version;
  await conn.close(0, 'done');
  return version;
}

test('listen({ versions: [2, 1] }) moves a default connect() (v1 first flight, offering v2) to v2', async () => {
  const r = await relayed({ versions: [2, 1] });
  try {
    expect(await roundTrip(r.port, {})).toBe(QUIC_V2);
    expect(r.seen[0]).toBe('c 1');
    expect(r.seen.filter((x) => x.startsWith('s ')).every((x) => x === 's 6b3343cf')).toBe(true);
  } finally {
    await r.close();
  }
});

test('connect({ versions: [1] }) stays on v1; connect({ version: 2 }) speaks v2 to a default server', async () => {
  const r = await relayed({});
  try {
    expect(await roundTrip(r.port, { versions: [1] })).toBe(QUIC_V1);
    expect(await roundTrip(r.port, { version: 2 })).toBe(QUIC_V2);
    expect(await roundTrip(r.port, { versions: [2] })).toBe(QUIC_V2); // the only version offered is the first flight's
  } finally {
    await r.close();
  }
});

test('version options are checked before anything is bound', async () => {
  await expect(listen({ alpn: ['v'], certificate: cert, versions: [3 as 1] })).rejects.toThrow(/versions\[0\] must be 1 or 2/);
  await expect(listen({ alpn: ['v'], certificate: cert, versions: [] })).rejects.toThrow(/versions must be a non-empty array/);
  await expect(connect({ address: '127.0.0.1', port: 9, alpn: ['v'], versions: [1, 1] })).rejects.toThrow(/lists a version twice/);
  await expect(connect({ address: '127.0.0.1', port: 9, alpn: ['v'], version: 0x6b3343cf as 2 })).rejects.toThrow(/version must be 1 or 2/);
});

test('a ticket from a connection moved to v2 resumes in v2: connect({ session }) starts in the ticket\'s version', async () => {
  const r = await relayed({ versions: [2, 1] });
  try {
    const opts = { address: '127.0.0.1', port: r.port, alpn: ['v'], serverName: 'localhost', trustAnchors: [cert.chain[0]] };
    const first = await connect(opts);
    expect(first.version).toBe(QUIC_V2);
    const ticket = await first.sessionTicket;
    await first.close(0, 'done');
    expect(ticket).not.toBeNull();
    r.seen.length = 0;
    const second = await connect({ ...opts, session: ticket! });
    expect(second.handshakeInfo).toMatchObject({ resumed: true });
    expect(second.version).toBe(QUIC_V2);
    expect(r.seen[0]).toBe('c 6b3343cf');
    await second.close(0, 'done');
  } finally {
    await r.close();
  }
});
