// Interop with an implementation nobody here wrote: ngtcp2 0.12's example client and
// server (GnuTLS), which speak HTTP/3 over QUIC v1 only. Our client fetches from
// gtlsserver; gtlsclient fetches from our server. Both handshakes complete with real
// certificate handling, data arrives byte-exact, and each side closes cleanly.
// .ci/run installs the packages (ngtcp2-client, ngtcp2-server); without them these
// tests fail rather than skip.
import { createHash } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, mkdirSync, writeFileSync, readFileSync, existsSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect, listen, type ListenOptions } from '../../host/node';
import { connectWith } from '../../host/h3/endpoints';
import { generateSelfSigned, parsePemCertificates, parsePemPrivateKey, type CertifiedKey } from '../../host/tls/pki/index';
import type { QuicConnection, CloseInfo } from '../../host/transport/connection';
import { controlStreamPreface, getRequest, okResponse, parseFrames, isData, isHeaders, responseStatus, H3_NO_ERROR } from './h3-minimal';
import { binariesPresent, freeUdpPort, startServer, run, h3Get, GTLSCLIENT, GTLSSERVER } from './ngtcp2';

const sha = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');
const CHACHA_ONLY = 'NORMAL:-VERS-ALL:+VERS-TLS1.3:-CIPHER-ALL:+CHACHA20-POLY1305';

let dir: string;
const cert = generateSelfSigned({ subjectAltNames: ['localhost', '127.0.0.1'] });

beforeAll(() => {
  if (!binariesPresent()) throw new Error(`ngtcp2 example binaries missing (${GTLSSERVER}, ${GTLSCLIENT}): apt-get install ngtcp2-client ngtcp2-server`);
  dir = mkdtempSync(join(tmpdir(), 'quicwasm-interop-'));
  writeFileSync(join(dir, 'cert.pem'), cert.certPem);
  writeFileSync(join(dir, 'key.pem'), cert.keyPem);
});
afterAll(() => { if (dir) rmSync(dir, { recursive: true, force: true }); });

/** An RSA-2048 self-signed certificate for localhost made by openssl: its PEM files and the parsed CertifiedKey. */
function rsaCertificate(): { keyFile: string; certFile: string; certified: CertifiedKey } {
  const keyFile = join(dir, 'rsa-key.pem');
  const certFile = join(dir, 'rsa-cert.pem');
  if (!existsSync(certFile)) {
    execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-subj', '/CN=localhost', '-addext', 'subjectAltName=DNS:localhost',
      '-days', '2', '-keyout', keyFile, '-out', certFile], { stdio: 'ignore' });
  }
  return { keyFile, certFile, certified: { chain: parsePemCertificates(readFileSync(certFile, 'utf8')), key: parsePemPrivateKey(readFileSync(keyFile, 'utf8')) } };
}

/** Runs `fn` against a gtlsserver started with `flags` on a free port, and stops it after. */
async function withGtlsserver(flags: string[], fn: (server: Awaited<ReturnType<typeof startServer>>, port: number) => Promise<void>, files = [join(dir, 'key.pem'), join(dir, 'cert.pem')]): Promise<void> {
  const port = await freeUdpPort();
  const server = await startServer([...flags, '-d', dir, '127.0.0.1', String(port), ...files], port);
  try {
    await fn(server, port);
  } finally {
    server.kill();
  }
}

describe('our client against gtlsserver', () => {
  test.each([
    ['default suite (AES-128-GCM)', [] as string[], 'TLS_AES_128_GCM_SHA256'],
    ['ChaCha20-Poly1305 forced by the server', [`--ciphers=${CHACHA_ONLY}`], 'TLS_CHACHA20_POLY1305_SHA256'],
  ])('%s: handshake with certificate verification, GET 1 MiB, clean close', async (_name, extra, suite) => {
    await withGtlsserver(['--no-http-dump', ...extra], async (server, port) => {
      const conn = await connect({ address: '127.0.0.1', port, alpn: ['h3'], serverName: 'localhost', trustAnchors: [cert.chain[0]] });
      expect(conn.handshakeInfo).toMatchObject({ alpn: 'h3', cipherSuite: suite });
      // gtlsserver answers GET /<digits> with that many zero bytes.
      const r = await h3Get(conn, '/1048576');
      expect(r.status).toBe(200);
      expect(r.body.length).toBe(1048576);
      expect(sha(r.body)).toBe(sha(new Uint8Array(1048576)));
      const closed = await conn.close(H3_NO_ERROR, '');
      expect(closed).toMatchObject({ code: H3_NO_ERROR, application: true, byPeer: false });
      // The server received our CONNECTION_CLOSE (application variant, H3_NO_ERROR).
      for (let i = 0; i < 40 && !/CONNECTION_CLOSE\(0x1d\) error_code=\S*\(0x100\)/.test(server.log()); i++) await new Promise((res) => setTimeout(res, 50));
      expect(server.log()).toMatch(/frm rx \d+ 1RTT CONNECTION_CLOSE\(0x1d\) error_code=\S*\(0x100\)/);
      expect(server.log()).not.toMatch(/QUIC error|TLS handshake error/i);
    });
  }, 30_000);

  test('our key update is followed by gtlsserver mid-download (RFC 9001 §6)', async () => {
    await withGtlsserver(['--no-http-dump'], async (server, port) => {
      const conn = await connect({ address: '127.0.0.1', port, alpn: ['h3'], serverName: 'localhost', trustAnchors: [cert.chain[0]] });
      conn.updateKeys(); // starts once the handshake is confirmed and a 1-RTT packet was acknowledged
      const r = await h3Get(conn, '/1048576');
      expect(r.status).toBe(200);
      expect(sha(r.body)).toBe(sha(new Uint8Array(1048576)));
      expect(conn.stats().keyUpdates).toBe(1);
      await conn.close(H3_NO_ERROR, '');
      // ngtcp2 logs the key phase of each 1-RTT packet: it received and sent phase 1.
            expect(server.log()).toMatch(/pkt rx pkn=\d+ dcid=\S+ type=1RTT k=1/);
      expect(server.log()).toMatch(/pkt tx pkn=\d+ dcid=\S+ type=1RTT k=1/);
      expect(server.log()).not.toMatch(/QUIC error|TLS handshake error/i);
    });
  }, 30_000);

  test("resumption with gtlsserver's session ticket: the second connection is a PSK handshake with no certificate", async () => {
    await withGtlsserver(['--no-http-dump'], async (server, port) => {
      const first = await connect({ address: '127.0.0.1', port, alpn: ['h3'], serverName: 'localhost', trustAnchors: [cert.chain[0]] });
      expect((await h3Get(first, '/100')).status).toBe(200);
      const ticket = await first.sessionTicket;
      await first.close(H3_NO_ERROR, '');
      expect(ticket).not.toBeNull();
      // GnuTLS allows 0-RTT on its tickets; QUIC requires the value 0xffffffff (RFC 9001 §4.6.1).
      expect(ticket!.maxEarlyData).toBe(0xffffffff);
      const second = await connect({ address: '127.0.0.1', port, alpn: ['h3'], serverName: 'localhost', trustAnchors: [cert.chain[0]], session: ticket! });
      expect(second.handshakeInfo).toMatchObject({ resumed: true, peerCertificates: [] });
      const r = await h3Get(second, '/65536');
      expect(r.status).toBe(200);
      expect(sha(r.body)).toBe(sha(new Uint8Array(65536)));
      await second.close(H3_NO_ERROR, '');
      expect(server.log()).not.toMatch(/QUIC error|TLS handshake error/i);
    });
  }, 30_000);

  test("0-RTT with gtlsserver's ticket: the GET leaves before the handshake completes, gtlsserver reads it from 0-RTT packets", async () => {
    await withGtlsserver(['--no-http-dump'], async (server, port) => {
      const first = await connect({ address: '127.0.0.1', port, alpn: ['h3'], serverName: 'localhost', trustAnchors: [cert.chain[0]] });
      expect((await h3Get(first, '/100')).status).toBe(200);
      const ticket = await first.sessionTicket;
      await first.close(H3_NO_ERROR, '');
      const second = await connect({ address: '127.0.0.1', port, alpn: ['h3'], serverName: 'localhost', trustAnchors: [cert.chain[0]], session: ticket!, earlyData: true });
      // connect() resolved at once: the request is written before any server byte arrived.
      expect(second.earlyData).toBe('offered');
      expect(second.handshakeInfo).toBeNull();
      const r = await h3Get(second, '/65536');
      expect(r.status).toBe(200);
      expect(sha(r.body)).toBe(sha(new Uint8Array(65536)));
      expect(second.earlyData).toBe('accepted');
      expect(second.handshakeInfo).toMatchObject({ resumed: true, earlyDataAccepted: true });
      await second.close(H3_NO_ERROR, '');
      // ngtcp2 logs each frame it receives with its packet type: our request came in 0-RTT.
      expect(server.log()).toMatch(/frm rx \d+ 0RTT STREAM\(0x0[89a-f]\) id=0x0 /);
      expect(server.log()).not.toMatch(/QUIC error|TLS handshake error/i);
    });
  }, 30_000);

  test('0-RTT refused by a restarted gtlsserver (new ticket keys): the GET is sent again in 1-RTT and answered', async () => {
    let ticket: Awaited<QuicConnection['sessionTicket']> = null;
    const port = await freeUdpPort();
    const args = ['--no-http-dump', '-d', dir, '127.0.0.1', String(port), join(dir, 'key.pem'), join(dir, 'cert.pem')];
    let server = await startServer(args, port);
    try {
      const first = await connect({ address: '127.0.0.1', port, alpn: ['h3'], serverName: 'localhost', trustAnchors: [cert.chain[0]] });
      expect((await h3Get(first, '/100')).status).toBe(200);
      ticket = await first.sessionTicket;
      await first.close(H3_NO_ERROR, '');
    } finally {
      server.kill();
      await server.exited;
    }
    server = await startServer(args, port);
    try {
      const second = await connect({ address: '127.0.0.1', port, alpn: ['h3'], serverName: 'localhost', trustAnchors: [cert.chain[0]], session: ticket!, earlyData: true });
      expect(second.earlyData).toBe('offered');
      const r = await h3Get(second, '/65536');
      expect(r.status).toBe(200);
      expect(sha(r.body)).toBe(sha(new Uint8Array(65536)));
      expect(second.earlyData).toBe('rejected');
      expect(second.handshakeInfo).toMatchObject({ resumed: false, earlyDataAccepted: false });
      await second.close(H3_NO_ERROR, '');
      expect(server.log()).not.toMatch(/frm rx \d+ 0RTT/);
      expect(server.log()).not.toMatch(/QUIC error|TLS handshake error/i);
    } finally {
      server.kill();
    }
  }, 30_000);

  test('gtlsserver --verify-client gets our client certificate and CertificateVerify', async () => {
    await withGtlsserver(['--no-http-dump', '--verify-client'], async (server, port) => {
      const mine = generateSelfSigned({ subjectAltNames: ['client.example'], keyType: 'ed25519' });
      const conn = await connect({ address: '127.0.0.1', port, alpn: ['h3'], serverName: 'localhost', trustAnchors: [cert.chain[0]], certificate: mine });
      const r = await h3Get(conn, '/1000');
      expect(r.status).toBe(200);
      await conn.close(H3_NO_ERROR, '');
      expect(server.log()).not.toMatch(/QUIC error|TLS handshake error/i);
    });
  }, 30_000);

  test('a server with an RSA certificate: RSA-PSS CertificateVerify verified, GET, clean close', async () => {
    // GnuTLS signs TLS 1.3 CertificateVerify with rsa_pss_rsae_sha256 for an RSA key;
    // the self-signed certificate itself carries a PKCS#1 v1.5 signature (openssl's default).
    const { keyFile: key, certFile: crt, certified } = rsaCertificate();
    const anchors = certified.chain;
    await withGtlsserver(['--no-http-dump'], async (server, port) => {
      const conn = await connect({ address: '127.0.0.1', port, alpn: ['h3'], serverName: 'localhost', trustAnchors: anchors });
      const r = await h3Get(conn, '/65536');
      expect(r.status).toBe(200);
      expect(r.body.length).toBe(65536);
      expect(await conn.close(H3_NO_ERROR, '')).toMatchObject({ code: H3_NO_ERROR, byPeer: false });
      // And the same server under a name its certificate does not carry is refused.
      await expect(connect({ address: '127.0.0.1', port, alpn: ['h3'], serverName: 'example.org', trustAnchors: anchors }))
        .rejects.toMatchObject({ quicCode: 0x100 + 42 });
    }, [key, crt]);
  }, 30_000);

  test('a server certificate our trust anchors do not cover is refused (unknown_ca)', async () => {
    await withGtlsserver(['-q'], async (_server, port) => {
      const other = generateSelfSigned({ subjectAltNames: ['localhost'] });
      await expect(connect({ address: '127.0.0.1', port, alpn: ['h3'], serverName: 'localhost', trustAnchors: [other.chain[0]] }))
        .rejects.toMatchObject({ quicCode: 0x100 + 48 });
    });
  }, 30_000);
});

/** Serves one 1 MiB file over our minimal HTTP/3 to `runs` gtlsclient runs in a row with `extraArgs`; the log is the last run's. */
async function gtlsclientFetch(extraArgs: string[], certificate: CertifiedKey = cert, runs = 1, listenOptions: Partial<ListenOptions> & { rotateCids?: boolean } = {}) {
  const { rotateCids, ...opts } = listenOptions;
  const server = await listen({ address: '127.0.0.1', port: 0, alpn: ['h3'], certificate, ...opts });
  // The DCIDs of the client's short-header packets (our CIDs are 8 bytes unless QUIC-LB sets them).
  const dcids = new Set<string>();
  const cidLen = opts.quicLb ? 1 + opts.quicLb.serverId.length + (opts.quicLb.nonceLength ?? 4) : 8;
  const net = server.endpoint as unknown as { options: { network: { onReceive(h: (d: Uint8Array, p: number) => void): void } } };
  const pump = (server.endpoint as unknown as { pump: { receive(d: Uint8Array, p: number): void } }).pump;
  net.options.network.onReceive((d, p) => { if ((d[0] & 0x80) === 0) dcids.add(Buffer.from(d.subarray(1, 1 + cidLen)).toString('hex')); pump.receive(d, p); });
  const resumed: boolean[] = [];
  const peerCertificates: Uint8Array[][] = [];
  const body = new Uint8Array(1 << 20).map((_, i) => (i * 31 + 7) & 0xff);
  const closes: CloseInfo[] = [];
  const requests: string[] = [];
  /** Per request stream: whether it came in 0-RTT (stream.early). */
  const early: boolean[] = [];
  let keyUpdates = 0;
  (async () => {
    for await (const conn of server) {
      conn.closed.then((c) => closes.push(c));
      // With 0-RTT accepted the connection comes before its handshake completes.
      conn.established.then((info) => { resumed.push(info.resumed); peerCertificates.push(info.peerCertificates); }, () => undefined);
      conn.openStream({ unidirectional: true }).write(controlStreamPreface()).catch(() => undefined);
      (async () => {
        for (;;) {
          const s = await conn.acceptStream().catch(() => null);
          if (!s) return;
          if (s.unidirectional) { s.readAll().catch(() => undefined); continue; } // its control and QPACK streams
          early.push(s.early);
          const frames = parseFrames(await s.readAll());
          requests.push(frames?.map((f) => f.type).join(',') ?? 'malformed');
          let written = 0;
          for (const part of okResponse(body)) {
            await s.write(part);
            written += part.length;
            if (rotateCids && written > 256 * 1024 && written - part.length <= 256 * 1024) conn.retireConnectionIds();
          }
          await s.end();
          await s.finished.catch(() => undefined);
          keyUpdates = conn.stats().keyUpdates;
        }
      })().catch(() => undefined);
    }
  })();
  const dl = join(dir, `dl-${Date.now()}-${Math.random().toString(16).slice(2)}`);
  mkdirSync(dl);
  try {
    const { port } = server.address;
    let log = '';
    for (let k = 0; k < runs; k++) {
      const client = run(GTLSCLIENT, ['--no-quic-dump', '--no-http-dump', '--exit-on-all-streams-close', '--timeout=10s', ...extraArgs, '--download', dl, '127.0.0.1', String(port), `https://localhost:${port}/file.bin`]);
      await client.exited;
      log = client.log();
      for (let i = 0; i < 40 && closes.length <= k; i++) await new Promise((res) => setTimeout(res, 50));
    }
    const file = join(dl, 'file.bin');
    return { log, requests, early, closes, keyUpdates, resumed, peerCertificates, dcids, fileOk: existsSync(file) && sha(readFileSync(file)) === sha(body) };
  } finally {
    await server.close();
  }
}

describe('gtlsclient against our server', () => {
  test('handshake, GET answered byte-exact, client closes cleanly', async () => {
    const r = await gtlsclientFetch([]);
    expect(r.log).toContain('QUIC handshake has completed');
    expect(r.log).toContain('QUIC handshake has been confirmed');
    expect(r.log).toContain('Negotiated ALPN is h3');
    expect(r.log).toMatch(/\[:status: 200\]/);
    expect(r.requests).toEqual(['1']); // one HEADERS frame, then FIN
    expect(r.fileOk).toBe(true);
    expect(r.closes).toEqual([expect.objectContaining({ code: H3_NO_ERROR, application: true, byPeer: true })]);
  }, 30_000);

  test('our server with an RSA certificate: gtlsclient accepts our RSA-PSS CertificateVerify', async () => {
    const r = await gtlsclientFetch([], rsaCertificate().certified);
    expect(r.log).toContain('QUIC handshake has been confirmed');
    expect(r.fileOk).toBe(true);
    expect(r.closes).toEqual([expect.objectContaining({ code: H3_NO_ERROR, application: true, byPeer: true })]);
  }, 30_000);

  test("gtlsclient resumes with our server's session ticket (its second run is a PSK handshake)", async () => {
    const session = join(dir, `session-${Date.now()}.pem`);
    const r = await gtlsclientFetch([`--session-file=${session}`, '--disable-early-data'], cert, 2);
    expect(readFileSync(session, 'utf8')).toContain('GNUTLS SESSION PARAMETERS');
    expect(r.resumed).toEqual([false, true]);
    expect(r.fileOk).toBe(true);
    expect(r.closes).toEqual([expect.objectContaining({ code: H3_NO_ERROR, byPeer: true }), expect.objectContaining({ code: H3_NO_ERROR, byPeer: true })]);
  }, 40_000);

  test("gtlsclient sends 0-RTT with our server's ticket: accepted, the request read from 0-RTT (stream.early), answered byte-exact", async () => {
    const session = join(dir, `session0-${Date.now()}.pem`);
    const tp = join(dir, `tp0-${Date.now()}.pem`);
    const r = await gtlsclientFetch([`--session-file=${session}`, `--tp-file=${tp}`], cert, 2, { earlyData: true });
    expect(r.resumed).toEqual([false, true]);
    expect(r.early).toEqual([false, true]);
    expect(r.log).not.toMatch(/Early data was rejected/i);
    expect(r.fileOk).toBe(true);
  }, 40_000);

  test('gtlsclient offering 0-RTT to our server without earlyData: refused, resent in 1-RTT, answered', async () => {
    const session = join(dir, `session1-${Date.now()}.pem`);
    const tp = join(dir, `tp1-${Date.now()}.pem`);
    const r = await gtlsclientFetch([`--session-file=${session}`, `--tp-file=${tp}`], cert, 2);
    expect(r.resumed).toEqual([false, true]);
    expect(r.early).toEqual([false, false]);
    expect(r.fileOk).toBe(true);
  }, 40_000);

  test('gtlsclient presents a client certificate our server requires and verifies', async () => {
    const client = generateSelfSigned({ subjectAltNames: ['client.example'] });
    writeFileSync(join(dir, 'client-cert.pem'), client.certPem);
    writeFileSync(join(dir, 'client-key.pem'), client.keyPem);
    const r = await gtlsclientFetch([`--key=${join(dir, 'client-key.pem')}`, `--cert=${join(dir, 'client-cert.pem')}`], cert, 1, { clientAuth: 'require', clientTrustAnchors: [client.chain[0]] });
    expect(r.peerCertificates).toEqual([client.chain]);
    expect(r.fileOk).toBe(true);
    // Without its certificate, gtlsclient is refused with certificate_required (CRYPTO_ERROR 0x174).
    const refused = await gtlsclientFetch([], cert, 1, { clientAuth: 'require', clientTrustAnchors: [client.chain[0]] });
    expect(refused.fileOk).toBe(false);
    expect(refused.peerCertificates).toEqual([]);
    expect(refused.log).toMatch(/0x174|certificate_required|CRYPTO_ERROR/i);
  }, 40_000);

  test('a key update started by gtlsclient is followed by our server (RFC 9001 §6)', async () => {
    const r = await gtlsclientFetch(['--key-update=1ms']);
    expect(r.log).toContain('QUIC handshake has been confirmed');
    expect(r.fileOk).toBe(true);
    // Our counter moves only once a packet of the new generation opened and we switched too.
    expect(r.keyUpdates).toBe(1);
    expect(r.closes).toEqual([expect.objectContaining({ code: H3_NO_ERROR, application: true, byPeer: true })]);
  }, 30_000);
});

describe('connection IDs with ngtcp2 (RFC 9000 §5.1)', () => {
  test('gtlsserver issues several CIDs; we hold them, retire ours (it moves to our new CIDs), and the download stays byte-exact', async () => {
    await withGtlsserver([], async (server, port) => {
      const conn = await connect({ address: '127.0.0.1', port, alpn: ['h3'], serverName: 'localhost', trustAnchors: [cert.chain[0]] });
      // ngtcp2 gives us up to our active_connection_id_limit (4), the handshake's included.
      for (let i = 0; i < 40 && conn.stats().peerConnectionIdsHeld < 4; i++) await new Promise((res) => setTimeout(res, 25));
      expect(conn.stats().peerConnectionIdsHeld).toBe(4);
      expect(conn.stats().connectionIdsIssued).toBeGreaterThanOrEqual(4); // we gave it ours (its limit: 7 or more)
      conn.retireConnectionIds();
      const r = await h3Get(conn, '/1048576');
      expect(r.status).toBe(200);
      expect(sha(r.body)).toBe(sha(new Uint8Array(1048576)));
      for (let i = 0; i < 40 && !/RETIRE_CONNECTION_ID/.test(server.log()); i++) await new Promise((res) => setTimeout(res, 50));
      await conn.close(H3_NO_ERROR, '');
      const log = server.log();
      // It received our NEW_CONNECTION_IDs with Retire Prior To and retired the old ones.
      expect(log).toMatch(/frm rx \d+ 1RTT NEW_CONNECTION_ID\(0x18\) seq=\d+ cid=\S+ retire_prior_to=[1-9]/);
      expect(log).toMatch(/frm tx \d+ 1RTT RETIRE_CONNECTION_ID\(0x19\) seq=0/);
      expect(log).not.toMatch(/QUIC error|TLS handshake error/i);
    });
  }, 30_000);

  test('gtlsclient downloads from our QUIC-LB server while we rotate CIDs; every CID it sends to carries our server ID', async () => {
    const serverId = Uint8Array.from([0x0a, 0x0b]);
    const r = await gtlsclientFetch([], cert, 1, { quicLb: { serverId, configId: 1, nonceLength: 6 }, rotateCids: true } as Partial<ListenOptions>);
    expect(r.log).toContain('QUIC handshake has been confirmed');
    expect(r.fileOk).toBe(true);
    expect(r.closes).toEqual([expect.objectContaining({ code: H3_NO_ERROR, application: true, byPeer: true })]);
    expect(r.dcids.size).toBeGreaterThanOrEqual(2); // it moved to a CID issued after Retire Prior To
    for (const id of r.dcids) expect(id.slice(0, 6)).toMatch(/^[23][0-9a-f]0a0b$/); // config rotation 1 (0b001xxxxx), then the server ID
  }, 30_000);
});

describe('version negotiation with gtlsserver', () => {
  // gtlsserver (ngtcp2 0.12) speaks v1 and the pre-RFC v2 draft, not RFC 9369 v2: it answers
  // our v2 Initial with Version Negotiation. A client that offers only v2 has no version in
  // common: the attempt ends at once (RFC 9000 §6.2) instead of running into the handshake
  // timeout.
  test('our client offering only QUIC v2 gets Version Negotiation and fails with ERR_QUIC_VERSION_NEGOTIATION', async () => {
    await withGtlsserver(['--no-http-dump'], async (server, port) => {
      const attempt = connectWith({ address: '127.0.0.1', port, alpn: ['h3'], serverName: 'localhost', trustAnchors: [cert.chain[0]], quicVersion: 2, versions: [2] });
      await expect(attempt).rejects.toMatchObject({ code: 'ERR_QUIC_VERSION_NEGOTIATION' });
      await expect(attempt).rejects.toThrow(/offers 0x(00000001|709a50c4) among/);
    });
  }, 30_000);

  test('connect({ version: 2 }) follows the Version Negotiation with a v1 attempt (RFC 9368 §2.1) that checks the server\'s versions', async () => {
    await withGtlsserver(['--no-http-dump'], async (_server, port) => {
      const conn = await connect({ address: '127.0.0.1', port, alpn: ['h3'], serverName: 'localhost', trustAnchors: [cert.chain[0]], version: 2 });
      expect(conn.version).toBe(1);
      const r = await h3Get(conn, '/1000');
      expect(r.status).toBe(200);
      await conn.close(H3_NO_ERROR, '');
    });
  }, 30_000);
});
