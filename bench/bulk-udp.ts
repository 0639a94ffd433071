// Bulk transfer over loopback UDP between two processes, with and without PMTU discovery,
// next to the raw node:dgram ceiling at the same datagram sizes and next to ngtcp2's
// example pair (gtlsserver/gtlsclient, when installed), all measured in the same run.
//   npx tsx bench/bulk-udp.ts [--quick] [--mb=N] [--rounds=N] [--sizes=4096,16384,...] [--batching] [--suites]
//                             [--only=pmtud|1200] [--no-ngtcp2] [--profile=DIR] [--hystart] [--cc=vegas,newreno]
// --hystart adds the variants with HyStart++ (RFC 9406) off, to compare in the same run;
// --cc adds the variants with those congestion controllers (the default is CUBIC).
// --profile=DIR writes a V8 CPU profile of each quicwasm sender's and receiver's transfer into
// DIR (bench/bulk/profile-shares.ts sums one into crypto / wasm / glue / syscalls / GC).
// --batching adds both variants with the pump servicing the core per datagram (before
// CorePump.batchReceives); --suites adds the PMTUD variant with AES-128-GCM (node:crypto)
// next to the default ChaCha20-Poly1305 (in the core).
// quicwasm uploads (client → server, one stream, hashed by the server); ngtcp2's client
// downloads the same number of bytes from its server (HTTP/3 GET, body discarded), timed
// around the client process. Each variant runs `rounds` times, interleaved; the median counts.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync, rmSync, mkdirSync, existsSync } from 'node:fs';
import * as dgram from 'node:dgram';
import { randomFillSync } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { generateSelfSigned } from '../host/tls/pki/index';
import { LOOPBACK_DATAGRAM_LIMIT } from '../host/net/udp';
import { measureUdpCeiling } from './udp-ceiling';
import { report, TS_NODE_ARGS, type BenchRow } from './lib';

const opt = (name: string) => process.argv.find((a) => a.startsWith(`--${name}=`))?.split('=')[1];
const quick = process.argv.includes('--quick');
const MB = Number(opt('mb') ?? (quick ? 20 : 100));
const ROUNDS = Number(opt('rounds') ?? (quick ? 1 : 3));
const SIZES = (opt('sizes') ?? '').split(',').filter(Boolean).map(Number);
const peer = join(__dirname, 'bulk/peer.ts');
const PROFILE = opt('profile');
const ONLY = opt('only');
const median = (xs: number[]) => { const s = [...xs].sort((a, b) => a - b); return s.length ? s[s.length >> 1] : NaN; };

interface Run { mbps: number; sendCpuUsPerPacket: number; recvCpuMs: number; packets: number; acksPerMb: number; pathMtu: number; srttMs: number; minRttMs: number; lost: number }

async function quicUpload(dir: string, bytes: number, transport: object, extra: string[] = []): Promise<Run> {
  const prof = (role: string) => (PROFILE ? ['--profile', join(PROFILE, `${role}-${Object.keys(transport).length ? Object.entries(transport).map(([k, v]) => `${k}-${v}`).join('_') : 'defaults'}${extra.join('')}-${Date.now()}.cpuprofile`)] : []);
  const node = (args: string[]) => spawn(process.execPath, [...TS_NODE_ARGS, peer, ...args], { stdio: ['ignore', 'pipe', 'inherit'] });
  const server = node(['server', ...prof('receiver'), '--cert', join(dir, 'cert.pem'), '--key', join(dir, 'key.pem'), '--transport', JSON.stringify(transport), ...extra]);
  let recvCpuMs = NaN;
  const port = await new Promise<string>((resolve, reject) => {
    createInterface({ input: server.stdout! }).on('line', (l) => {
      const m = /^LISTENING (\d+)$/.exec(l);
      if (m) resolve(m[1]);
      const c = /^CPU (\d+)$/.exec(l);
      if (c) recvCpuMs = Number(c[1]);
    });
    server.on('exit', (code) => reject(new Error(`server exited ${code}`)));
  });
  const client = node(['client', ...prof('sender'), '--port', port, '--ca', join(dir, 'cert.pem'), '--bytes', String(bytes), '--transport', JSON.stringify(transport), ...extra]);
  let out = '';
  client.stdout!.on('data', (d) => { out += d; });
  await new Promise((r) => client.on('exit', r));
  const exited = new Promise((r) => server.on('exit', r));
  server.kill('SIGTERM');
  await exited;
  const line = out.split('\n').find((l) => l.startsWith('RESULT '));
  if (!line) throw new Error(`client failed:\n${out}`);
  const r = JSON.parse(line.slice(7));
  if (!r.ok) throw new Error('upload did not arrive intact');
  return {
    mbps: (bytes * 8) / (r.ms * 1000), sendCpuUsPerPacket: (r.cpuMs * 1000) / r.stats.packetsSent, recvCpuMs, packets: r.stats.packetsSent,
    // What the sender received is (almost) only the receiver's ACK-only packets.
    acksPerMb: r.stats.packetsReceived / (bytes / 1e6),
    pathMtu: r.stats.pathMtu, srttMs: r.stats.smoothedRttUs / 1000, minRttMs: r.stats.minRttUs / 1000, lost: r.stats.packetsLost,
  };
}

function haveNgtcp2(): { server: string; client: string } | null {
  const server = ['/usr/sbin/gtlsserver', '/usr/bin/gtlsserver'].find(existsSync);
  const client = ['/usr/bin/gtlsclient'].find(existsSync);
  return server && client ? { server, client } : null;
}

function freeUdpPort(): Promise<number> {
  return new Promise((resolve) => {
    const s = dgram.createSocket('udp4');
    s.bind(0, '127.0.0.1', () => { const p = s.address().port; s.close(() => resolve(p)); });
  });
}

/** ngtcp2's client downloads `file` from its server over loopback; the client's wall time in ms. */
async function ngtcp2Download(dir: string, bin: { server: string; client: string }, file = 'bulk.bin'): Promise<number> {
  const port = await freeUdpPort();
  const server = spawn(bin.server, ['-q', '-d', join(dir, 'www'), '127.0.0.1', String(port), join(dir, 'key.pem'), join(dir, 'cert.pem')], { stdio: 'ignore' });
  await new Promise((r) => setTimeout(r, 300));
  try {
    const t0 = performance.now();
    const r = spawnSync(bin.client, ['-q', '--exit-on-all-streams-close', '--timeout=10s', '--handshake-timeout=5s', '--download', join(dir, 'dl'), '127.0.0.1', String(port), `https://localhost:${port}/${file}`], { stdio: 'ignore', timeout: 60_000 });
    const ms = performance.now() - t0;
    if (r.status !== 0) throw new Error(`gtlsclient exited ${r.status ?? r.signal}`);
    return ms;
  } finally {
    server.kill('SIGTERM');
  }
}

async function main(): Promise<void> {
  const bytes = MB * 1e6;
  const dir = mkdtempSync(join(tmpdir(), 'quicwasm-bulk-'));
  try {
    const cert = generateSelfSigned({ subjectAltNames: ['localhost', '127.0.0.1'] });
    writeFileSync(join(dir, 'cert.pem'), cert.certPem);
    writeFileSync(join(dir, 'key.pem'), cert.keyPem);
    const ng = process.argv.includes('--no-ngtcp2') ? null : haveNgtcp2();
    if (ng) {
      mkdirSync(join(dir, 'www'));
      mkdirSync(join(dir, 'dl'));
      const body = Buffer.alloc(bytes);
      for (let o = 0; o < bytes; o += 65536) randomFillSync(body, o, Math.min(65536, bytes - o));
      writeFileSync(join(dir, 'www', 'bulk.bin'), body);
      writeFileSync(join(dir, 'www', 'tiny.bin'), body.subarray(0, 1000));
    }
    const variants: { name: string; transport: object; extra?: string[] }[] = [
      ...(ONLY === 'pmtud' ? [] : [{ name: 'quicwasm 1200-byte datagrams (pmtud: false)', transport: { pmtud: false } }]),
      ...(ONLY === '1200' ? [] : [{ name: `quicwasm with PMTU discovery (loopback limit ${LOOPBACK_DATAGRAM_LIMIT})`, transport: {} }]),
      ...SIZES.map((s) => ({ name: `quicwasm with PMTU discovery, maxDatagramSize ${s}`, transport: { maxDatagramSize: s } })),
    ];
    if (process.argv.includes('--batching')) {
      variants.push({ name: 'quicwasm 1200-byte datagrams, core serviced per datagram', transport: { pmtud: false }, extra: ['--no-batch'] });
      variants.push({ name: 'quicwasm with PMTU discovery, core serviced per datagram', transport: {}, extra: ['--no-batch'] });
    }
    if (process.argv.includes('--hystart')) {
      if (ONLY !== 'pmtud') variants.push({ name: 'quicwasm 1200-byte datagrams, HyStart++ off', transport: { pmtud: false, hystart: false } });
      if (ONLY !== '1200') variants.push({ name: 'quicwasm with PMTU discovery, HyStart++ off', transport: { hystart: false } });
    }
    for (const cc of (opt('cc') ?? '').split(',').filter(Boolean)) {
      if (ONLY !== 'pmtud') variants.push({ name: `quicwasm 1200-byte datagrams, congestionControl ${cc}`, transport: { pmtud: false, congestionControl: cc } });
      if (ONLY !== '1200') variants.push({ name: `quicwasm with PMTU discovery, congestionControl ${cc}`, transport: { congestionControl: cc } });
    }
    if (process.argv.includes('--reads')) {
      if (ONLY !== 'pmtud') variants.push({ name: 'quicwasm 1200-byte datagrams, receiver reads chunks (read())', transport: { pmtud: false }, extra: ['--reads', 'chunks'] });
      if (ONLY !== '1200') variants.push({ name: 'quicwasm with PMTU discovery, receiver reads chunks (read())', transport: {}, extra: ['--reads', 'chunks'] });
    }
    if (process.argv.includes('--suites')) {
      variants.push({ name: 'quicwasm with PMTU discovery, AES-128-GCM (node:crypto)', transport: {}, extra: ['--suite', 'TLS_AES_128_GCM_SHA256'] });
    }
    const runs = new Map<string, Run[]>(variants.map((v) => [v.name, []]));
    const ngMs: number[] = [], ngTinyMs: number[] = [];
    const ceil1200: number[] = [], ceilBig: number[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      ceil1200.push((await measureUdpCeiling(1200, quick ? 100_000 : 200_000)).mbps);
      ceilBig.push((await measureUdpCeiling(LOOPBACK_DATAGRAM_LIMIT, Math.round((quick ? 1e8 : 3e8) / LOOPBACK_DATAGRAM_LIMIT))).mbps);
      for (const v of variants) runs.get(v.name)!.push(await quicUpload(dir, bytes, v.transport, v.extra));
      if (ng) {
        ngMs.push(await ngtcp2Download(dir, ng));
        // Its client's process start, handshake and close, timed alone: taken off the
        // download's wall time, so that both sides are timed over the transfer only.
        ngTinyMs.push(await ngtcp2Download(dir, ng, 'tiny.bin'));
      }
    }
    const raw1200 = median(ceil1200), rawBig = median(ceilBig);
    const ngOverheadMs = ng ? median(ngTinyMs) : NaN;
    const ngMbps = ng ? (bytes * 8) / (Math.max(median(ngMs) - ngOverheadMs, 1) * 1000) : NaN;
    const rows: BenchRow[] = [
      { name: 'raw node:dgram loopback ceiling, 1200-byte datagrams', value: raw1200, unit: 'Mbit/s' },
      { name: `raw node:dgram loopback ceiling, ${LOOPBACK_DATAGRAM_LIMIT}-byte datagrams`, value: rawBig, unit: 'Mbit/s' },
    ];
    if (ng) {
      rows.push({
        name: `ngtcp2 gtlsserver → gtlsclient, ${MB} MB download`, value: ngMbps, unit: 'Mbit/s',
        extra: { wallMbps: (bytes * 8) / (median(ngMs) * 1000), startHandshakeCloseMs: ngOverheadMs },
      });
    }
    for (const v of variants) {
      const rs = runs.get(v.name)!;
      const mbps = median(rs.map((r) => r.mbps));
      const mtu = median(rs.map((r) => r.pathMtu));
      const ceiling = mtu > 1200 ? rawBig : raw1200;
      rows.push({
        name: `${v.name}, ${MB} MB upload`, value: mbps, unit: 'Mbit/s',
        extra: {
          baseline: ceiling, ratioToRaw: mbps / ceiling, ratioToNgtcp2: mbps / ngMbps, pathMtu: mtu,
          senderCpuUsPerPacket: median(rs.map((r) => r.sendCpuUsPerPacket)), packets: median(rs.map((r) => r.packets)),
          receiverCpuMs: median(rs.map((r) => r.recvCpuMs)), acksPerMb: median(rs.map((r) => r.acksPerMb)), srttMs: median(rs.map((r) => r.srttMs)), minRttMs: median(rs.map((r) => r.minRttMs)),
          lost: median(rs.map((r) => r.lost)), runs: rs.map((r) => r.mbps.toFixed(0)).join(' '),
        },
      });
      rows.push({ name: '  share of the raw ceiling at its datagram size', value: (100 * mbps) / ceiling, unit: '%' });
      if (ng) rows.push({ name: '  ratio to ngtcp2', value: mbps / ngMbps, unit: 'x' });
      rows.push({ name: `  sender CPU per packet (path MTU ${mtu})`, value: median(rs.map((r) => r.sendCpuUsPerPacket)), unit: 'µs' });
    }
    report('bulk-udp', rows, [
      `${ROUNDS} round(s), medians; quicwasm uploads (timed from the first write to the server's answer), ngtcp2 downloads (its client's wall time less that of a 1,000-byte download: process start, handshake and close)`,
      ng ? 'ngtcp2 0.12 example pair, AES-128-GCM, body written to a temp dir' : 'ngtcp2 not installed: no ngtcp2 row',
    ]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((e) => { console.error(e); process.exit(1); });
