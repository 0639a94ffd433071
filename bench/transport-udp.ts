// One QUIC connection over loopback UDP between two processes (the echo demo's server
// and client, with their defaults: PMTU discovery on, so the datagrams grow past 1200
// bytes): a 50 MB upload on one stream, next to the raw node:dgram rate at 1200 bytes
// measured in the same run. Not like for like: bulk-udp.ts compares each datagram size
// with its own ceiling.
//   npx tsx bench/transport-udp.ts [MB=50]
import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { generateSelfSigned } from '../host/tls/pki/index';
import { measureUdpCeiling } from './udp-ceiling';
import { report, TS_NODE_ARGS } from './lib';

const demo = join(__dirname, '../demos/echo');

async function quicUpload(bytes: number): Promise<{ mbps: number; clientCpuMsPerMB: number; serverCpuMs: number }> {
  const dir = mkdtempSync(join(tmpdir(), 'quicwasm-bench-'));
  const cert = generateSelfSigned({ subjectAltNames: ['localhost', '127.0.0.1'] });
  writeFileSync(join(dir, 'cert.pem'), cert.certPem);
  writeFileSync(join(dir, 'key.pem'), cert.keyPem);
  const node = (f: string, a: string[]) => spawn(process.execPath, [...TS_NODE_ARGS, join(demo, f), ...a], { stdio: ['ignore', 'pipe', 'inherit'] });
  const server = node('server.ts', ['--cert', join(dir, 'cert.pem'), '--key', join(dir, 'key.pem')]);
  const lines = createInterface({ input: server.stdout! });
  let serverCpuMs = NaN;
  const port = await new Promise<string>((resolve) => lines.on('line', (l) => {
    const m = /^LISTENING \S+ (\d+)$/.exec(l);
    if (m) resolve(m[1]);
    const c = /^CPU (\d+)$/.exec(l);
    if (c) serverCpuMs = Number(c[1]);
  }));
  const client = node('client.ts', ['--port', port, '--ca', join(dir, 'cert.pem'), '--upload', String(bytes)]);
  let out = '';
  client.stdout!.on('data', (d) => { out += d; });
  await new Promise((r) => client.on('exit', r));
  server.kill('SIGTERM');
  await new Promise((r) => server.on('exit', r));
  rmSync(dir, { recursive: true, force: true });
  const line = out.split('\n').find((l) => l.startsWith('RESULT '));
  if (!line) throw new Error(`client failed:\n${out}`);
  const r = JSON.parse(line.slice(7));
  if (!r.upload?.ok) throw new Error('upload did not arrive intact');
  return { mbps: (bytes * 8) / (r.upload.ms * 1000), clientCpuMsPerMB: r.upload.cpuMs / (bytes / 1e6), serverCpuMs };
}

async function main(): Promise<void> {
  const mb = Number(process.argv[2] ?? 50);
  const ceiling = await measureUdpCeiling(1200, 200_000);
  const q = await quicUpload(mb * 1e6);
  report('transport-udp', [
    { name: 'raw node:dgram loopback ceiling, 1200-byte datagrams', value: ceiling.mbps, unit: 'Mbit/s', extra: { pps: Math.round(ceiling.pps) } },
    { name: `quicwasm upload ${mb} MB, one stream, two processes`, value: q.mbps, unit: 'Mbit/s' },
    { name: '  ratio to the raw 1200-byte ceiling (PMTU discovery on: larger datagrams)', value: (100 * q.mbps) / ceiling.mbps, unit: '%' },
    { name: '  sender CPU per MB', value: q.clientCpuMsPerMB, unit: 'ms/MB' },
    { name: '  receiver process CPU, whole run', value: q.serverCpuMs, unit: 'ms' },
  ]);
}

main().catch((e) => { console.error(e); process.exit(1); });
