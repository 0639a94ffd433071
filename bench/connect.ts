// What an application waits for one connection on loopback (issue 19: connect() ≤ 2 ms):
// sequential connect() + close() to a quicwasm server in a child process, each connect
// timed from the call to `established` (connect() resolves there), with certificate
// verification against the server's self-signed anchor; then the client's CPU per
// connect + close. Baseline in the same run: node:tls (TLS 1.3 over TCP, the secure
// connection Node already has) to a node:tls server in another child, timed from
// tls.connect() to 'secureConnect', verification on. Rounds of the two are interleaved;
// a process's first connect (module loading, JIT, the crypto self-checks) is reported
// separately and left out of the percentiles.
//   node --require ./bench/register.cjs bench/connect.ts [--quick] [--n=300] [--rounds=3] [--profile=FILE]
// --profile=FILE: a CPU profile of one more round of quicwasm connects after the
// measured ones (bench/bulk/profile-shares.ts sums it). --compare-reserve: a third
// interleaved series with the core reserve off (each connect() instantiates its core).

import * as tls from 'node:tls';
import { generateSelfSigned } from '../host/tls/pki/index';
import { parsePemCertificates } from '../host/tls/pki/pem';
import { connect, listen } from '../host/node';
import { report, type BenchRow } from './lib';
import { announcePort, childCertificate, startChildServer } from './child-server';
import { profileWindow } from './profile-window';
import { coreReserve } from '../host/core/node-core-reserve';

const opt = (name: string) => process.argv.find((a) => a.startsWith(`--${name}=`))?.split('=')[1];
const quick = process.argv.includes('--quick');
const N = Number(opt('n') ?? (quick ? 40 : 300));
const ROUNDS = Number(opt('rounds') ?? (quick ? 2 : 3));
const WARMUP = quick ? 30 : 100;
const ALPN = 'bench-connect';

// ---- servers (child processes) -------------------------------------------------------

async function serve(kind: string): Promise<void> {
  const cert = childCertificate();
  if (kind === 'quic') {
    const server = await listen({ address: '127.0.0.1', port: 0, alpn: [ALPN], certificate: cert.certified });
    announcePort(server.address.port);
    for await (const conn of server) conn.closed.catch(() => undefined);
  } else {
    const server = tls.createServer({ cert: cert.certPem, key: cert.keyPem, minVersion: 'TLSv1.3', ALPNProtocols: [ALPN] }, (s) => {
      s.on('error', () => undefined);
      s.resume();
    });
    server.listen(0, '127.0.0.1', () => announcePort((server.address() as { port: number }).port));
  }
}

// ---- clients ---------------------------------------------------------------------------

interface Round { connectMs: number[]; closeMs: number[]; cpuMsPerConnect: number }

async function quicOnce(port: number, anchors: Uint8Array[]): Promise<{ connectMs: number; closeMs: number }> {
  const t0 = performance.now();
  const conn = await connect({ address: '127.0.0.1', port, alpn: [ALPN], serverName: 'localhost', trustAnchors: anchors });
  const t1 = performance.now();
  if (conn.handshakeInfo?.alpn !== ALPN) throw new Error(`quicwasm: handshake without the ALPN (${conn.handshakeInfo?.alpn})`);
  await conn.close();
  return { connectMs: t1 - t0, closeMs: performance.now() - t1 };
}

function tlsOnce(port: number, ca: string): Promise<{ connectMs: number; closeMs: number }> {
  const t0 = performance.now();
  return new Promise((resolve, reject) => {
    const s = tls.connect({ host: '127.0.0.1', port, servername: 'localhost', ca, minVersion: 'TLSv1.3', ALPNProtocols: [ALPN] }, () => {
      const t1 = performance.now();
      if (!s.authorized || s.alpnProtocol !== ALPN) return reject(new Error(`node:tls: not authorized (${s.authorizationError}) or no ALPN`));
      s.end(() => resolve({ connectMs: t1 - t0, closeMs: performance.now() - t1 }));
    });
    s.on('error', reject);
  });
}

async function round(once: () => Promise<{ connectMs: number; closeMs: number }>): Promise<Round> {
  const connectMs: number[] = [];
  const closeMs: number[] = [];
  const cpu0 = process.cpuUsage();
  for (let i = 0; i < N; i++) {
    const r = await once();
    connectMs.push(r.connectMs);
    closeMs.push(r.closeMs);
  }
  const cpu = process.cpuUsage(cpu0);
  return { connectMs, closeMs, cpuMsPerConnect: (cpu.user + cpu.system) / 1000 / N };
}

function pct(xs: number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))];
}
const median = (xs: number[]) => pct(xs, 50);

async function main(): Promise<void> {
  const serveAt = process.argv.indexOf('--serve');
  if (serveAt >= 0) return serve(process.argv[serveAt + 1]);
  const cert = generateSelfSigned({ subjectAltNames: ['localhost'] });
  const anchors = parsePemCertificates(cert.certPem);
  const quic = await startChildServer(__filename, 'quic', cert);
  const tcp = await startChildServer(__filename, 'tls', cert);
  const compareReserve = process.argv.includes('--compare-reserve');
  const runs = { quic: [] as Round[], tls: [] as Round[], noReserve: [] as Round[] };
  let firstQuic = 0, firstTls = 0;
  try {
    firstTls = (await tlsOnce(tcp.port, cert.certPem)).connectMs;
    firstQuic = (await quicOnce(quic.port, anchors)).connectMs;
    // Warm-up: the optimizing compiler's first rounds on both sides (client and server).
    for (let i = 0; i < WARMUP; i++) { await tlsOnce(tcp.port, cert.certPem); await quicOnce(quic.port, anchors); }
    for (let r = 0; r < ROUNDS; r++) {
      runs.tls.push(await round(() => tlsOnce(tcp.port, cert.certPem)));
      runs.quic.push(await round(() => quicOnce(quic.port, anchors)));
      if (compareReserve) {
        coreReserve.enabled = false;
        runs.noReserve.push(await round(() => quicOnce(quic.port, anchors)));
        coreReserve.enabled = true;
      }
    }
    const profile = profileWindow(opt('profile'));
    if (opt('profile')) {
      await profile.start();
      await round(() => quicOnce(quic.port, anchors));
      await profile.stop();
    }
  } finally {
    quic.child.kill();
    tcp.child.kill();
  }
  const rows: BenchRow[] = [];
  const summary = (rs: Round[]) => {
    const all = rs.flatMap((r) => r.connectMs);
    return { p10: pct(all, 10), p50: pct(all, 50), p99: pct(all, 99), closeP50: median(rs.flatMap((r) => r.closeMs)), cpu: median(rs.map((r) => r.cpuMsPerConnect)) };
  };
  const t = summary(runs.tls), q = summary(runs.quic);
  const series: [string, ReturnType<typeof summary>, number][] = [['node:tls over TCP (baseline)', t, firstTls], ['quicwasm', q, firstQuic]];
  if (compareReserve) series.push(['quicwasm, core reserve off', summary(runs.noReserve), NaN]);
  for (const [name, s, first] of series) {
    rows.push({
      name: `${name}: connect p50, ${N * ROUNDS} sequential connections to a server process on loopback`, value: s.p50, unit: 'ms',
      extra: { p10Ms: +s.p10.toFixed(3), p99Ms: +s.p99.toFixed(3), closeP50Ms: +s.closeP50.toFixed(3), clientCpuMsPerConnectAndClose: +s.cpu.toFixed(3), firstConnectMs: +first.toFixed(1), baselineP50Ms: +t.p50.toFixed(3), ratio: +(s.p50 / t.p50).toFixed(2) },
    });
  }
  console.log('\n  connection                       p10 ms   p50 ms   p99 ms   close p50   client CPU/conn   first connect');
  for (const [name, s, first] of series) {
    console.log(`  ${name.padEnd(30)} ${s.p10.toFixed(2).padStart(8)} ${s.p50.toFixed(2).padStart(8)} ${s.p99.toFixed(2).padStart(8)} ${s.closeP50.toFixed(2).padStart(8)} ms ${s.cpu.toFixed(2).padStart(10)} ms ${first.toFixed(1).padStart(11)} ms`);
  }
  console.log(`  quicwasm / node:tls at p50: ${(q.p50 / t.p50).toFixed(2)}× (issue 19 target: connect ≤ 2 ms)\n`);
  report('connect', rows, [
    `${ROUNDS} round(s) of ${N} sequential connect + close each, interleaved; both verify the server's certificate (self-signed anchor, ECDSA P-256) and negotiate ALPN`,
    'quicwasm: connect() makes its own UDP socket and endpoint per call, as an application would; close() resolves once CONNECTION_CLOSE is sent',
    'node:tls: TLS 1.3 over TCP, connect to secureConnect; close = end() until the socket finished',
    'first connect: the first of the process (module loading, JIT, self-checks), not in the percentiles; then a warm-up of each kind, also left out',
  ]);
  process.exit(0);
}

main().catch((e) => { console.error(e); process.exit(1); });
