// Migration against ngtcp2 0.12 (RFC 9000 §9): gtlsclient moves to a new local address
// (--change-local-addr, with and without --nat-rebinding) while fetching from our server,
// and our client takes gtlsserver's preferred address (--preferred-ipv4-addr). Every
// download is checked byte-exact.
import { createHash } from 'node:crypto';
import { mkdtempSync, mkdirSync, writeFileSync, readFileSync, existsSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect, listen } from '../../host/node';
import { generateSelfSigned } from '../../host/tls/pki/index';
import type { QuicConnection } from '../../host/transport/connection';
import type { PathChange } from '../../host/transport/migration';
import { controlStreamPreface, okResponse } from './h3-minimal';
import { binariesPresent, freeUdpPort, startServer, run, h3Get, GTLSCLIENT, GTLSSERVER } from './ngtcp2';

const sha = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');
const cert = generateSelfSigned({ subjectAltNames: ['localhost', '127.0.0.1'] });
let dir: string;

beforeAll(() => {
  if (!binariesPresent()) throw new Error(`ngtcp2 example binaries missing (${GTLSSERVER}, ${GTLSCLIENT}): apt-get install ngtcp2-client ngtcp2-server`);
  dir = mkdtempSync(join(tmpdir(), 'quicwasm-interop-mig-'));
  writeFileSync(join(dir, 'cert.pem'), cert.certPem);
  writeFileSync(join(dir, 'key.pem'), cert.keyPem);
});
afterAll(() => { if (dir) rmSync(dir, { recursive: true, force: true }); });

/** gtlsclient with `flags` fetches a 1 MiB file from our HTTP/3 server; the server connection's path changes are recorded. */
async function fetchFromOurServer(flags: string[]) {
  const server = await listen({ address: '127.0.0.1', port: 0, alpn: ['h3'], certificate: cert });
  const body = new Uint8Array(1 << 20).map((_, i) => (i * 13 + 5) & 0xff);
  const changes: PathChange[] = [];
  let conn: QuicConnection | null = null;
  (async () => {
    for await (const c of server) {
      conn = c;
      c.on('pathchange', (e) => changes.push(e));
      c.openStream({ unidirectional: true }).write(controlStreamPreface()).catch(() => undefined);
      (async () => {
        for (;;) {
          const s = await c.acceptStream().catch(() => null);
          if (!s) return;
          if (s.unidirectional) { s.readAll().catch(() => undefined); continue; }
          await s.readAll();
          for (const part of okResponse(body)) await s.write(part);
          await s.end();
        }
      })().catch(() => undefined);
    }
  })();
  const dl = join(dir, `dl-${Date.now()}-${Math.random().toString(16).slice(2)}`);
  mkdirSync(dl);
  try {
    const { port } = server.address;
    const client = run(GTLSCLIENT, ['--no-quic-dump', '--no-http-dump', '--exit-on-all-streams-close', '--timeout=10s', ...flags, '--download', dl, '127.0.0.1', String(port), `https://localhost:${port}/file.bin`]);
    await client.exited;
    const file = join(dl, 'file.bin');
    const stats = (conn as QuicConnection | null)?.stats() ?? null;
    return { log: client.log(), changes, stats, fileOk: existsSync(file) && sha(readFileSync(file)) === sha(body) };
  } finally {
    await server.close();
  }
}

describe('gtlsclient migrates while fetching from our server', () => {
  test('--change-local-addr: a new local address and CID; our server validates it and answers there, byte-exact', async () => {
    const r = await fetchFromOurServer(['--change-local-addr=50ms', '--delay-stream=300ms']);
    expect(r.fileOk).toBe(true);
    expect(r.changes.length).toBeGreaterThanOrEqual(1);
    expect(r.changes[0]).toMatchObject({ initiator: 'peer', phase: 'moved' });
    expect(r.changes[0].remote!.port).not.toBe(undefined);
    expect(r.stats!.migrations).toBeGreaterThanOrEqual(1);
    expect(r.stats!.pathsValidated).toBeGreaterThanOrEqual(1);
  }, 30_000);

  test('--change-local-addr --nat-rebinding: the port changes without notice; our server follows, byte-exact', async () => {
    const r = await fetchFromOurServer(['--change-local-addr=50ms', '--nat-rebinding', '--delay-stream=300ms']);
    expect(r.fileOk).toBe(true);
    expect(r.changes.length).toBeGreaterThanOrEqual(1);
    expect(r.changes[0]).toMatchObject({ initiator: 'peer', phase: 'moved' });
    expect(r.stats!.migrations).toBeGreaterThanOrEqual(1);
  }, 30_000);
});

describe('our client and gtlsserver --preferred-ipv4-addr (RFC 9000 §9.6)', () => {
  test('after the handshake we move to the preferred address (new remote port, CID sequence 1) and the download is byte-exact', async () => {
    const port = await freeUdpPort();
    const preferred = await freeUdpPort();
    writeFileSync(join(dir, 'pa.bin'), new Uint8Array(300_000).map((_, i) => (i * 7) & 0xff));
    const server = await startServer(['--preferred-ipv4-addr', `127.0.0.1:${preferred}`, '-d', dir, '127.0.0.1', String(port), join(dir, 'key.pem'), join(dir, 'cert.pem')], port);
    let conn: QuicConnection | null = null;
    try {
      conn = await connect({ address: '127.0.0.1', port, alpn: ['h3'], serverName: 'localhost', trustAnchors: cert.chain });
      const changes: PathChange[] = [];
      conn.on('pathchange', (e) => changes.push(e));
      for (let i = 0; i < 100 && !conn.stats().preferredAddressUsed; i++) await new Promise((r) => setTimeout(r, 20));
      expect(conn.stats().preferredAddressUsed).toBe(true);
      expect(changes.at(-1)).toMatchObject({ phase: 'validated', preferredAddress: true, remote: { address: '127.0.0.1', port: preferred } });
      const r = await h3Get(conn, '/pa.bin');
      expect(r.status).toBe(200);
      expect(sha(r.body)).toBe(sha(readFileSync(join(dir, 'pa.bin'))));
      expect(conn.stats().peerConnectionIdSequence).toBe(1);
    } finally {
      await conn?.close();
      server.kill();
    }
  }, 30_000);
});
