// Many small request/response streams on one connection over loopback: the client opens
// N bidirectional streams, C at a time, each carrying a REQ-byte request and a RES-byte
// response, and measures requests/s and the latency of each (open to the response's
// end), p50 and p99. The server runs in a child process. Baseline in the same run: the
// same exchange as node:http2 streams on one TLS session over TCP (a POST of REQ bytes
// answered with RES bytes), the multiplexed transport Node already has. Rounds of the
// two are interleaved, each on a new connection warmed up with N/10 requests first; the
// median round counts. Every response is checked byte for byte.
//   npx tsx bench/streams.ts [--quick] [--n=10000] [--concurrency=100] [--req=64] [--res=1024] [--rounds=3]
import * as http2 from 'node:http2';
import { generateSelfSigned } from '../host/tls/pki/index';
import { parsePemCertificates } from '../host/tls/pki/pem';
import { connect, listen } from '../host/node';
import type { QuicConnection } from '../host/transport/connection';
import type { QuicStream } from '../host/transport/stream';
import { report, type BenchRow } from './lib';
import { announcePort, childCertificate, startChildServer } from './child-server';

const opt = (name: string) => process.argv.find((a) => a.startsWith(`--${name}=`))?.split('=')[1];
const quick = process.argv.includes('--quick');
const N = Number(opt('n') ?? (quick ? 2000 : 10_000));
const C = Number(opt('concurrency') ?? 100);
const REQ = Number(opt('req') ?? 64);
const RES = Number(opt('res') ?? 1024);
const ROUNDS = Number(opt('rounds') ?? (quick ? 1 : 3));
/** Requests on each new connection before the measured ones (JIT, windows, stream credit). */
const WARMUP = Math.min(1000, Math.ceil(N / 10));
const ALPN = 'bench-streams';

/** The response to a request: RES bytes that depend on the request's first byte, so a mixed-up answer is caught. */
function response(first: number): Uint8Array {
  const b = new Uint8Array(RES);
  for (let i = 0; i < RES; i++) b[i] = (first + i) & 0xff;
  return b;
}

function checkResponse(req: Uint8Array, res: Uint8Array): void {
  const want = response(req[0]);
  if (res.length !== want.length || !res.every((v, i) => v === want[i])) throw new Error(`response ${res.length} B does not match request ${req[0]}`);
}

// ---- server (child process) --------------------------------------------------------

async function serve(kind: string): Promise<void> {
  const cert = childCertificate();
  if (kind === 'quic') {
    const server = await listen({ address: '127.0.0.1', port: 0, alpn: [ALPN], certificate: cert.certified, transport: { initialMaxStreamsBidi: C } });
    announcePort(server.address.port);
    for await (const conn of server) {
      (async () => {
        for (;;) {
          let s: QuicStream;
          try { s = await conn.acceptStream(); } catch { return; }
          s.readAll().then((req: Uint8Array) => s.end(response(req[0]))).catch(() => undefined);
        }
      })();
    }
  } else {
    const server = http2.createSecureServer({ cert: cert.certPem, key: cert.keyPem, settings: { maxConcurrentStreams: C } });
    server.on('stream', (stream) => {
      const parts: Buffer[] = [];
      stream.on('data', (d: Buffer) => parts.push(d));
      stream.on('end', () => {
        const req = Buffer.concat(parts);
        stream.respond({ ':status': 200 });
        stream.end(response(req[0]));
      });
      stream.on('error', () => undefined);
    });
    server.listen(0, '127.0.0.1', () => announcePort((server.address() as { port: number }).port));
  }
}

// ---- client ------------------------------------------------------------------------

interface Round { reqPerSec: number; p50Ms: number; p99Ms: number; cpuMs: number }

/** Runs `n` requests through `one`, `C` at a time; latencies in ms. */
async function drive(one: (req: Uint8Array) => Promise<void>, n = N): Promise<Round> {
  const lat: number[] = [];
  let next = 0;
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const worker = async () => {
    const req = new Uint8Array(REQ);
    while (next < n) {
      const i = next++;
      req[0] = i & 0xff;
      const t = performance.now();
      await one(req);
      lat.push(performance.now() - t);
    }
  };
  await Promise.all(Array.from({ length: C }, worker));
  const ms = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  lat.sort((a, b) => a - b);
  return { reqPerSec: (n * 1000) / ms, p50Ms: lat[lat.length >> 1], p99Ms: lat[Math.floor(lat.length * 0.99)], cpuMs: (cpu.user + cpu.system) / 1000 };
}

async function quicRound(port: number, certPem: string): Promise<Round> {
  const conn: QuicConnection = await connect({ address: '127.0.0.1', port, alpn: [ALPN], serverName: 'localhost', trustAnchors: parsePemCertificates(certPem) });
  try {
    const one = async (req: Uint8Array) => {
      const s = await conn.openStreamAsync();
      const [, res] = await Promise.all([s.end(req.slice()), s.readAll()]);
      checkResponse(req, res);
    };
    await drive(one, WARMUP);
    return await drive(one);
  } finally {
    await conn.close();
  }
}

async function h2Round(port: number, certPem: string): Promise<Round> {
  const session = http2.connect(`https://localhost:${port}`, { ca: certPem, peerMaxConcurrentStreams: C });
  await new Promise<void>((resolve, reject) => { session.once('connect', () => resolve()); session.once('error', reject); });
  try {
    const one = (req: Uint8Array) => new Promise<void>((resolve, reject) => {
      const st = session.request({ ':method': 'POST', ':path': '/' });
      const parts: Buffer[] = [];
      st.on('data', (d: Buffer) => parts.push(d));
      st.on('end', () => { try { checkResponse(req, Buffer.concat(parts)); resolve(); } catch (e) { reject(e); } });
      st.on('error', reject);
      st.end(Buffer.from(req));
    });
    await drive(one, WARMUP);
    return await drive(one);
  } finally {
    await new Promise<void>((r) => session.close(() => r()));
  }
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1];

async function main(): Promise<void> {
  const serveAt = process.argv.indexOf('--serve');
  if (serveAt >= 0) return serve(process.argv[serveAt + 1]);
  const cert = generateSelfSigned({ subjectAltNames: ['localhost'] });
  const quic = await startChildServer(__filename, 'quic', cert, process.argv.slice(2));
  const h2 = await startChildServer(__filename, 'h2', cert, process.argv.slice(2));
  const runs: { quic: Round[]; h2: Round[] } = { quic: [], h2: [] };
  try {
    for (let r = 0; r < ROUNDS; r++) {
      runs.h2.push(await h2Round(h2.port, cert.certPem));
      runs.quic.push(await quicRound(quic.port, cert.certPem));
    }
  } finally {
    quic.child.kill();
    h2.child.kill();
  }
  const rows: BenchRow[] = [];
  const h2Rate = median(runs.h2.map((x) => x.reqPerSec));
  for (const [name, rs] of [['node:http2 over TLS/TCP (baseline)', runs.h2], ['quicwasm', runs.quic]] as const) {
    const rate = median(rs.map((x) => x.reqPerSec));
    rows.push({
      name: `${name}: ${N} streams on one connection, ${C} at a time, ${REQ} B request / ${RES} B response`, value: rate, unit: 'req/s',
      extra: { baseline: h2Rate, ratio: rate / h2Rate, p50Ms: median(rs.map((x) => x.p50Ms)), p99Ms: median(rs.map((x) => x.p99Ms)),
        clientCpuUsPerRequest: (median(rs.map((x) => x.cpuMs)) * 1000) / N, runs: rs.map((x) => x.reqPerSec.toFixed(0)).join(' ') },
    });
    rows.push({ name: '  latency p50', value: median(rs.map((x) => x.p50Ms)), unit: 'ms' });
    rows.push({ name: '  latency p99', value: median(rs.map((x) => x.p99Ms)), unit: 'ms' });
    rows.push({ name: '  client CPU per request', value: (median(rs.map((x) => x.cpuMs)) * 1000) / N, unit: 'µs' });
  }
  report('streams', rows, [`${ROUNDS} round(s) interleaved, medians; server in a child process; every response checked byte for byte`]);
}

main().catch((e) => { console.error(e); process.exit(1); });
