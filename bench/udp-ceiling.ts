// The raw node:dgram ceiling on loopback: a sender process blasts fixed-size datagrams
// at a receiver process that counts them (after /work/shared/perf/dgram-ceiling.js).
// No Node-hosted QUIC can carry more than this at the same datagram size; transport
// benches print their numbers next to it.
//   npx tsx bench/udp-ceiling.ts [size=1200] [count=200000]

import { fork } from 'node:child_process';
import * as dgram from 'node:dgram';
import { report, TS_NODE_ARGS } from './lib';

interface Counts { n: number; bytes: number; dt: number }

function receiver(): void {
  const s = dgram.createSocket('udp4');
  let n = 0, bytes = 0, t0 = 0n, t1 = 0n;
  s.on('message', (m) => {
    if (!t0) t0 = process.hrtime.bigint();
    t1 = process.hrtime.bigint();
    n++;
    bytes += m.length;
  });
  s.bind(0, '127.0.0.1', () => {
    try { s.setRecvBufferSize(8 << 20); } catch { /* clamped by the OS */ }
    process.send!(s.address().port);
  });
  process.on('message', () => {
    const counts: Counts = { n, bytes, dt: Number(t1 - t0) / 1e9 };
    process.send!(counts, () => { s.close(); process.exit(0); });
  });
}

/** Measures the raw rate; returns pps and Mbit/s of received payload. */
export async function measureUdpCeiling(size = 1200, count = 200_000): Promise<{ pps: number; mbps: number; loss: number }> {
  const child = fork(__filename, ['--receiver'], { execArgv: TS_NODE_ARGS });
  const port: number = await new Promise((resolve) => child.once('message', (m) => resolve(m as number)));
  const s = dgram.createSocket('udp4');
  await new Promise<void>((resolve) => s.connect(port, '127.0.0.1', () => resolve()));
  const buf = Buffer.alloc(size, 1);
  let sent = 0;
  await new Promise<void>((resolve) => {
    const burst = () => {
      for (let i = 0; i < 64 && sent < count; i++) { s.send(buf); sent++; }
      if (sent < count) setImmediate(burst);
      else resolve();
    };
    burst();
  });
  await new Promise((r) => setTimeout(r, 300));
  child.send('done');
  const c: Counts = await new Promise((resolve) => child.once('message', (m) => resolve(m as Counts)));
  s.close();
  const dt = Math.max(c.dt, 1e-6);
  return { pps: c.n / dt, mbps: (c.bytes * 8) / dt / 1e6, loss: 1 - c.n / count };
}

async function main(): Promise<void> {
  const size = Number(process.argv[2] ?? 1200);
  const count = Number(process.argv[3] ?? 200_000);
  const r = await measureUdpCeiling(size, count);
  report('udp-ceiling', [
    { name: `raw node:dgram loopback, ${size}-byte datagrams received`, value: r.pps, unit: 'pps' },
    { name: 'same, payload throughput', value: r.mbps, unit: 'Mbit/s' },
    { name: 'share lost in the kernel (sender outran receiver)', value: r.loss * 100, unit: '%' },
  ]);
}

if (process.argv.includes('--receiver')) receiver();
else if (require.main === module) main();
