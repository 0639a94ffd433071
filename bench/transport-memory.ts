// Pure stack cost: one connection over the in-memory DgramPair (no impairment, no
// delay) on a virtual clock, so that only the core, the crypto and the host pump cost
// time. The client uploads N MiB on one stream; the server counts and hashes it.
//   npx tsx bench/transport-memory.ts [MiB=32] [crypto=node|portable]
// After a warm-up transfer, the median of 3 measured ones (portable: 1). CORE_WASM=file runs
// another core build (an A/B against an older tree). PROFILE=/path/prefix
// writes a CPU profile of the first measured transfer (bench/bulk/profile-shares.ts sums it).
import { readFileSync } from 'node:fs';
import { coreWasmPath } from '../host/core/node-loader';
import { createClientEndpoint, createServerEndpoint } from '../host/transport/create';
import { DgramPair } from '../host/net/dgram-pair';
import { VirtualClock } from '../host/net/virtual-clock';
import { generateSelfSigned } from '../host/tls/pki/index';
import { nodeCryptoProvider } from '../host/crypto/node-provider';
import { portableCryptoProvider } from '../host/crypto/portable-provider';
import type { CryptoProvider } from '../host/crypto/provider';
import { cpuUs, report } from './lib';
import { drive, startUpload, defaultReads, type ReadStyle } from './upload';
import { profileWindow } from './profile-window';

export interface MemoryRun { mbps: number; cpuMsPerMB: number; virtualMbps: number; ok: boolean; usPerPacket: number; packets: number }


let compiled: WebAssembly.Module | undefined;

export async function memoryTransfer(mib: number, crypto: CryptoProvider, batchReceives = true, profileFile?: string, reads: ReadStyle = defaultReads, recycle = true): Promise<MemoryRun> {
  // One compiled module for every run of the process: a fresh one would start every function
  // at V8's baseline tier again, and its optimizing compiles (on background threads, in the
  // process CPU measured) would land in the measured transfer instead of the warm-up.
  const module = (compiled ??= new WebAssembly.Module(readFileSync(process.env.CORE_WASM ?? coreWasmPath(process.env.CORE_BUILD === 'debug' ? 'debug' : 'release'))));
  const cert = generateSelfSigned({ subjectAltNames: ['localhost'] });
  const clock = new VirtualClock(1_000_000);
  // A 1 ms one-way delay keeps the virtual clock moving; it does not cost CPU.
  // Datagrams due at one instant are fed as one batch, as a UDP socket's wake-up feeds
  // them (pump.ts): the batched path real sockets take, not one service round per datagram.
  // The link reuses its buffers (the pump copies each datagram into the core at once), so
  // the simulator's own allocations stay out of the stack's figure.
  const pair = new DgramPair({ clock, seed: 1, aToB: { delayUs: 1000 }, bToA: { delayUs: 1000 }, batchReceives, recycleBuffers: recycle });
  const server = createServerEndpoint({ coreModule: module, network: pair.b, clock, crypto, certificate: cert, tls: { alpn: ['bench'] }, seed: Uint32Array.of(1, 2, 3, 4) });
  const client = createClientEndpoint({ coreModule: module, network: pair.a, clock, crypto, tls: { alpn: ['bench'] }, seed: Uint32Array.of(5, 6, 7, 8) });
  const total = mib << 20;
  const payload = new Uint8Array(total);
  for (let i = 0; i < total; i += 4096) payload[i] = i & 0xff;
  const up = await startUpload(client, server, clock, cert, payload, reads);
  const conn = up.conn;
  const profile = profileWindow(profileFile);
  await profile.start();
  const c0 = cpuUs(), t0 = performance.now(), v0 = clock.now(), p0 = pair.a.counters.sent;
  await drive(clock, () => up.done());
  const cpuMs = (cpuUs() - c0) / 1000, wallMs = performance.now() - t0, virtualMs = (clock.now() - v0) / 1000;
  const packets = pair.a.counters.sent - p0; // the client's datagrams: the data packets (the server's ACKs ride the other way)
  await profile.stop();
  let closed = false;
  conn.close(0, 'bench').then(() => { closed = true; });
  await drive(clock, () => closed);
  return { mbps: (total * 8) / (wallMs * 1000), cpuMsPerMB: cpuMs / (total / 1e6), virtualMbps: (total * 8) / (virtualMs * 1000), ok: up.intact(), usPerPacket: (cpuMs * 1000) / packets, packets };
}

async function main(): Promise<void> {
  const mib = Number(process.argv[2] ?? 32);
  const which = process.argv[3];
  const rows = [];
  for (const [name, p] of [['node:crypto', nodeCryptoProvider], ['portable', portableCryptoProvider]] as const) {
    if (which && !name.startsWith(which)) continue;
    // Warm-up, not measured: the first transfers of a process run partly at V8's lower
    // tiers (a 16 MiB transfer right after a 2 MiB warm-up measured ≈ 40 % above the ones
    // after it). The figure is the steady state: the median of the measured rounds.
    await memoryTransfer(Math.min(mib, 8), p);
    const rounds = name === 'portable' ? 1 : 3;
    const runs: MemoryRun[] = [];
    for (let i = 0; i < rounds; i++) {
      const r = await memoryTransfer(mib, p, true, i === 0 && process.env.PROFILE ? `${process.env.PROFILE}-${name.replace(':', '')}.cpuprofile` : undefined);
      if (!r.ok) throw new Error(`${name}: the transfer did not arrive intact`);
      runs.push(r);
    }
    const r = runs.sort((a, b) => a.usPerPacket - b.usPerPacket)[runs.length >> 1];
    const all = runs.map((x) => x.usPerPacket.toFixed(1)).join(' ');
    rows.push({ name: `in-memory pair, ${mib} MiB upload, ${name}: throughput`, value: r.mbps, unit: 'Mbit/s' });
    rows.push({ name: `  same: CPU per MB (both endpoints, one process)`, value: r.cpuMsPerMB, unit: 'ms/MB' });
    rows.push({ name: `  same: CPU per data packet, both ends (issue 19 target 10 µs)`, value: r.usPerPacket, unit: 'µs', extra: { packets: r.packets, rounds, runs: all } });
  }
  report('transport-memory', rows, [
    'one process runs client and server: the figure is the cost of both ends of the stack',
    `the server reads with ${defaultReads === 'into' ? 'readInto() into one reused 64 KiB buffer' : 'read() (BENCH_READS=chunks)'}; the simulated link reuses its buffers (recycleBuffers)`,
  ]);
}

if (require.main === module) main().catch((e) => { console.error(e); process.exit(1); });
