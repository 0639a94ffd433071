// The echo demo's client:
//   node --import tsx demos/echo/client.ts --port P --ca cert.pem [--address 127.0.0.1]
//     [--echo BYTES] [--upload BYTES] [--parallel N --size BYTES]
// Says hello, echoes BYTES on one stream, uploads BYTES on one stream (the server
// answers with its SHA-256), and runs N parallel echo streams of SIZE bytes. Every
// transfer is checked by hash. Ends with a "RESULT {json}" line for scripts and tests.
import { createHash, randomFillSync } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { connect } from '../../host/node';
import { parsePemCertificates } from '../../host/tls/pki/pem';
import type { QuicConnection } from '../../host/transport/connection';
import { ALPN, HASH_PREFIX, human, parseArgs } from './protocol';

const args = parseArgs(process.argv.slice(2));
const log = (msg: string) => console.log(`[client] ${msg}`);
const sha = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');
const CHUNK = 64 * 1024;

function randomBytes(n: number): Uint8Array {
  const b = new Uint8Array(n);
  for (let o = 0; o < n; o += 65536) randomFillSync(b, o, Math.min(65536, n - o));
  return b;
}

async function writeAll(s: ReturnType<QuicConnection['openStream']>, data: Uint8Array): Promise<void> {
  for (let o = 0; o < data.length; o += CHUNK) await s.write(data.subarray(o, Math.min(data.length, o + CHUNK)));
  await s.end();
}

async function echo(conn: QuicConnection, data: Uint8Array): Promise<boolean> {
  // Waits when the server's stream limit (100 at a time by default) is reached.
  const s = await conn.openStreamAsync();
  const [, back] = await Promise.all([writeAll(s, data), s.readAll()]);
  return sha(back) === sha(data);
}

const mbps = (bytes: number, ms: number) => (bytes * 8) / (ms * 1000);

(async () => {
  const address = args.address ?? '127.0.0.1';
  const port = Number(args.port);
  const t0 = performance.now();
  const conn = await connect({
    address, port, alpn: [ALPN], serverName: args['server-name'] ?? 'localhost',
    trustAnchors: args.ca ? parsePemCertificates(readFileSync(args.ca, 'utf8')) : undefined,
  });
  const hsMs = performance.now() - t0;
  const info = conn.handshakeInfo!;
  log(`connected to ${address}:${port} in ${hsMs.toFixed(1)} ms: QUIC v1, TLS 1.3 ${info.cipherSuite}, ALPN "${info.alpn}", certificate verified for "${args['server-name'] ?? 'localhost'}"`);
  const result: Record<string, unknown> = { handshakeMs: hsMs, cipherSuite: info.cipherSuite, ok: true };

  const hello = new TextEncoder().encode('hello, QUIC');
  const s = conn.openStream();
  const [, back] = await Promise.all([s.end(hello), s.readAll()]);
  log(`echo: sent "hello, QUIC", got back "${new TextDecoder().decode(back)}"`);
  result.hello = new TextDecoder().decode(back);

  const echoBytes = Number(args.echo ?? 0);
  if (echoBytes > 0) {
    const data = randomBytes(echoBytes);
    const t = performance.now();
    const ok = await echo(conn, data);
    const ms = performance.now() - t;
    log(`echo ${human(echoBytes)} on one stream: ${ok ? 'SHA-256 matches' : 'MISMATCH'} in ${ms.toFixed(0)} ms (${mbps(2 * echoBytes, ms).toFixed(0)} Mbit/s both ways)`);
    result.echo = { bytes: echoBytes, ok, ms };
    if (!ok) result.ok = false;
  }

  const uploadBytes = Number(args.upload ?? 0);
  if (uploadBytes > 0) {
    const data = randomBytes(uploadBytes);
    const cpu0 = process.cpuUsage();
    const t = performance.now();
    const st = conn.openStream();
    const [, digest] = await Promise.all([
      (async () => { await st.write(HASH_PREFIX); await writeAll(st, data); })(),
      st.readAll(),
    ]);
    const ms = performance.now() - t;
    const ok = new TextDecoder().decode(digest) === sha(data);
    log(`upload ${human(uploadBytes)} on one stream: server's SHA-256 ${ok ? 'matches' : 'DOES NOT match'}, ${ms.toFixed(0)} ms (${mbps(uploadBytes, ms).toFixed(0)} Mbit/s)`);
    const cpu = process.cpuUsage(cpu0);
    result.upload = { bytes: uploadBytes, ok, ms, cpuMs: (cpu.user + cpu.system) / 1000 };
    if (!ok) result.ok = false;
  }

  const parallel = Number(args.parallel ?? 0);
  if (parallel > 0) {
    const size = Number(args.size ?? 10_000);
    const t = performance.now();
    const oks = await Promise.all(Array.from({ length: parallel }, () => echo(conn, randomBytes(size))));
    const ms = performance.now() - t;
    const good = oks.filter(Boolean).length;
    log(`${parallel} parallel streams × ${human(size)}: ${good}/${parallel} echoed byte-exact in ${ms.toFixed(0)} ms`);
    result.parallel = { streams: parallel, size, ok: good, ms };
    if (good !== parallel) result.ok = false;
  }

  const st = conn.stats();
  log(`stats: RTT ${(st.smoothedRttUs / 1000).toFixed(2)} ms (min ${(st.minRttUs / 1000).toFixed(2)}), cwnd ${human(st.cwnd)}, ${st.packetsSent} packets sent, ${st.packetsReceived} received, ${st.packetsLost} lost`);
  result.stats = st;
  const ticket = await conn.sessionTicket;
  const closed = await conn.close(0, 'done');
  log(`closed: ${closed.reason} (code ${closed.code})`);

  // A second connection resumes the session with the server's ticket: PSK + ECDHE, no certificates.
  if (ticket) {
    const t1 = performance.now();
    const again = await connect({
      address, port, alpn: [ALPN], serverName: args['server-name'] ?? 'localhost', session: ticket,
      trustAnchors: args.ca ? parsePemCertificates(readFileSync(args.ca, 'utf8')) : undefined,
    });
    const resumedMs = performance.now() - t1;
    const r = again.handshakeInfo!;
    const s2 = again.openStream();
    const [, back2] = await Promise.all([s2.end(hello), s2.readAll()]);
    log(`resumed with the session ticket in ${resumedMs.toFixed(1)} ms (${r.resumed ? 'PSK handshake, no certificate sent' : 'server refused the ticket: full handshake'}), echo "${new TextDecoder().decode(back2)}"`);
    result.resumed = { ok: r.resumed, handshakeMs: resumedMs };
    if (!r.resumed) result.ok = false;
    await again.close(0, 'done');
  }
  console.log(`RESULT ${JSON.stringify(result)}`);
  process.exit(result.ok ? 0 : 1);
})().catch((e) => { console.error(`[client] failed: ${e.code ?? ''} ${e.message}`); process.exit(1); });
