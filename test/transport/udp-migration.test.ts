// Migration over real UDP sockets through the public API (RFC 9000 §9.2, §9.6): a client
// moves to a new local socket mid-transfer with connection.migrate() and the upload's
// SHA-256 still matches; a server's preferred address is taken by the client after the
// handshake (and ignored when asked); a server with disableActiveMigration refuses.
import { createHash } from 'node:crypto';
import { listen, connect } from '../../host/node';
import { generateSelfSigned } from '../../host/tls/pki/index';
import type { QuicServer } from '../../host/node';
import type { QuicConnection } from '../../host/transport/connection';
import type { PathChange } from '../../host/transport/migration';
import { Prng } from '../../host/net/prng';

const sha = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');
const certificate = generateSelfSigned({ subjectAltNames: ['localhost'] });

async function until(cond: () => boolean, ms = 5000): Promise<boolean> {
  const end = Date.now() + ms;
  while (!cond() && Date.now() < end) await new Promise((r) => setTimeout(r, 10));
  return cond();
}

/** A server that answers each stream with the SHA-256 of what it read. */
function hashServer(server: QuicServer, seen: QuicConnection[]): void {
  (async () => {
    for await (const conn of server) {
      seen.push(conn);
      (async () => {
        for (;;) {
          const s = await conn.acceptStream();
          const h = createHash('sha256');
          (async () => { for await (const c of s) h.update(c); await s.end(h.digest('hex')); })().catch(() => undefined);
        }
      })().catch(() => undefined);
    }
  })();
}

async function confirmed(conn: QuicConnection): Promise<void> {
  expect(await until(() => conn.state === 'confirmed')).toBe(true);
}

test('migrate() mid-upload over UDP: a new local port, the server follows, SHA-256 matches, a second move too', async () => {
  const server = await listen({ address: '127.0.0.1', alpn: ['m'], certificate });
  const seen: QuicConnection[] = [];
  hashServer(server, seen);
  const conn = await connect({ address: '127.0.0.1', port: server.address.port, alpn: ['m'], serverName: 'localhost', trustAnchors: certificate.chain });
  try {
    await confirmed(conn);
    const serverChanges: PathChange[] = [];
    await until(() => seen.length === 1);
    seen[0].on('pathchange', (e) => serverChanges.push(e));
    const payload = new Prng(11).fill(new Uint8Array(4 << 20));
    const s = conn.openStream();
    const answer = s.readAll();
    let moved: Promise<PathChange> | null = null;
    for (let off = 0; off < payload.length; off += 256 << 10) {
      await s.write(payload.subarray(off, off + (256 << 10)));
      if (!moved && off >= 3 << 19) moved = conn.migrate();
    }
    await s.end();
    const change = await moved!;
    expect(new TextDecoder().decode(await answer)).toBe(sha(payload));
    expect(change.phase).toBe('validated');
    expect(change.initiator).toBe('local');
    expect(change.local!.port).toBeGreaterThan(0);
    expect(change.remote!.port).toBe(server.address.port);
    expect(conn.stats().ownMigrations).toBe(1);
    // The server saw the client's new port.
    expect(serverChanges.some((c) => c.initiator === 'peer' && c.remote!.port === change.local!.port)).toBe(true);
    // A second move also works (the server issued a new CID after the first was retired).
    await until(() => conn.stats().peerConnectionIdsHeld >= 2);
    const again = await conn.migrate({ localAddress: '127.0.0.1' });
    expect(again.local!.port).not.toBe(change.local!.port);
    const s2 = conn.openStream();
    await s2.end('after two moves');
    expect(new TextDecoder().decode(await s2.readAll())).toBe(sha(new TextEncoder().encode('after two moves')));
  } finally {
    await conn.close();
    await server.close();
  }
}, 30_000);

test('preferred address (§9.6): the client moves there after the handshake; ignorePreferredAddress stays', async () => {
  const server = await listen({ address: '127.0.0.1', alpn: ['m'], certificate, preferredAddress: { ipv4: { address: '127.0.0.1', port: 0 } } });
  const pa = server.preferredAddress!.ipv4!;
  expect(pa.port).toBeGreaterThan(0);
  expect(pa.port).not.toBe(server.address.port);
  const seen: QuicConnection[] = [];
  hashServer(server, seen);
  const conn = await connect({ address: '127.0.0.1', port: server.address.port, alpn: ['m'], serverName: 'localhost', trustAnchors: certificate.chain });
  const stay = await connect({ address: '127.0.0.1', port: server.address.port, alpn: ['m'], serverName: 'localhost', trustAnchors: certificate.chain, ignorePreferredAddress: true });
  try {
    const changes: PathChange[] = [];
    conn.on('pathchange', (e) => changes.push(e));
    expect(await until(() => conn.stats().preferredAddressUsed)).toBe(true);
    expect(changes.map((c) => c.phase)).toEqual(['moved', 'validated']);
    expect(changes[1].preferredAddress).toBe(true);
    expect(changes[1].remote).toEqual(pa);
    const data = new Prng(12).fill(new Uint8Array(1 << 20));
    const s = conn.openStream();
    await s.end(data);
    expect(new TextDecoder().decode(await s.readAll())).toBe(sha(data));
    // §5.1.1: the preferred address's CID is the server's sequence number 1.
    expect(conn.stats().peerConnectionIdSequence).toBe(1);
    await confirmed(stay);
    await new Promise((r) => setTimeout(r, 100));
    expect(stay.stats().preferredAddressUsed).toBe(false);
    expect(stay.stats().ownMigrations).toBe(0);
  } finally {
    await conn.close();
    await stay.close();
    await server.close();
  }
}, 30_000);

test('disableActiveMigration on listen(): the client refuses migrate() with ERR_QUIC_MIGRATION_DISABLED', async () => {
  const server = await listen({ address: '127.0.0.1', alpn: ['m'], certificate, disableActiveMigration: true });
  const seen: QuicConnection[] = [];
  hashServer(server, seen);
  const conn = await connect({ address: '127.0.0.1', port: server.address.port, alpn: ['m'], serverName: 'localhost', trustAnchors: certificate.chain });
  try {
    await confirmed(conn);
    await expect(conn.migrate()).rejects.toMatchObject({ code: 'ERR_QUIC_MIGRATION_DISABLED' });
    const s = conn.openStream();
    await s.end('still here');
    expect(new TextDecoder().decode(await s.readAll())).toBe(sha(new TextEncoder().encode('still here')));
  } finally {
    await conn.close();
    await server.close();
  }
}, 30_000);

test('listen() checks preferredAddress before binding', async () => {
  await expect(listen({ address: '127.0.0.1', alpn: ['m'], certificate, preferredAddress: { ipv4: { address: 'nope', port: 1 } } })).rejects.toMatchObject({ code: 'ERR_QUIC_INVALID_ARGUMENT' });
  await expect(listen({ address: '127.0.0.1', alpn: ['m'], certificate, preferredAddress: {} })).rejects.toMatchObject({ code: 'ERR_QUIC_INVALID_ARGUMENT' });
});
