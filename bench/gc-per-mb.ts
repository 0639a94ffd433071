// Garbage per megabyte: what a bulk transfer costs the core's allocator and garbage
// collector, and the host's. One connection over the in-memory DgramPair on a virtual
// clock uploads N MiB (as bench/transport-memory.ts does) and we count, per MB:
//   - core allocations (objects and bytes through the AssemblyScript runtime's __new)
//     and incremental-GC steps: the debug core is instrumented with binaryen to count
//     them (same code as the release core, unoptimised, with its function names);
//   - V8 GC time of the host (PerformanceObserver 'gc' entries);
//   - growth of the core's linear memory (both endpoints).
// With BASELINE_CORE=path/to/an/older/core.debug.wasm the same run measures it too, so
// the table compares before and after on one machine at one moment.
//   npx tsx bench/gc-per-mb.ts [MiB=32]
import { readFileSync } from 'node:fs';
import { PerformanceObserver } from 'node:perf_hooks';
import { coreWasmPath } from '../host/core/node-loader';
import { createClientEndpoint, createServerEndpoint } from '../host/transport/create';
import { DgramPair } from '../host/net/dgram-pair';
import { VirtualClock } from '../host/net/virtual-clock';
import { generateSelfSigned } from '../host/tls/pki/index';
import { nodeCryptoProvider } from '../host/crypto/node-provider';
import { cpuUs, report } from './lib';
import { drive, startUpload } from './upload';

const COUNTERS = ['__benchAllocs', '__benchAllocBytes', '__benchGcSteps'] as const;

/**
 * Adds three exported i64 counters to a debug core: calls and bytes of the runtime's
 * `__new`, and calls of the incremental collector's `step`.
 */
async function instrument(wasm: Uint8Array): Promise<WebAssembly.Module> {
  // binaryen is an ES module with top-level await: import() it.
  const b = (await import('binaryen')).default;
  const m = b.readBinary(wasm);
  m.setFeatures(b.Features.All);
  for (const g of COUNTERS) {
    m.addGlobal(g, b.i64, true, m.i64.const(0n));
    m.addGlobalExport(g, g);
  }
  const wrap = (name: string, extra: (info: ReturnType<typeof b.getFunctionInfo>) => number[]) => {
    const fn = m.getFunction(name);
    if (!fn) throw new Error(`the core has no ${name}: not a debug build with the incremental runtime?`);
    const info = b.getFunctionInfo(fn);
    m.removeFunction(name);
    const body = m.block(null, [...extra(info), info.body], info.results);
    m.addFunction(name, info.params, info.results, info.vars, body);
  };
  const inc = (g: string) => m.global.set(g, m.i64.add(m.global.get(g, b.i64), m.i64.const(1n)));
  wrap('~lib/rt/itcms/__new', () => [inc('__benchAllocs'), m.global.set('__benchAllocBytes', m.i64.add(m.global.get('__benchAllocBytes', b.i64), m.i64.extend_u(m.local.get(0, b.i32))))]);
  wrap('~lib/rt/itcms/step', () => [inc('__benchGcSteps')]);
  if (!m.validate()) throw new Error('instrumented core does not validate');
  return new WebAssembly.Module(m.emitBinary() as Uint8Array<ArrayBuffer>);
}


interface GcRun { allocsPerMB: number; allocKBPerMB: number; gcStepsPerMB: number; hostGcMsPerMB: number; cpuMsPerMB: number; memoryGrowthKiB: number; ok: boolean }

async function transfer(module: WebAssembly.Module, mib: number): Promise<GcRun> {
  const cert = generateSelfSigned({ subjectAltNames: ['localhost'] });
  const clock = new VirtualClock(1_000_000);
  const pair = new DgramPair({ clock, seed: 1, aToB: { delayUs: 1000 }, bToA: { delayUs: 1000 } });
  const server = createServerEndpoint({ coreModule: module, network: pair.b, clock, crypto: nodeCryptoProvider, certificate: cert, tls: { alpn: ['bench'] }, seed: Uint32Array.of(1, 2, 3, 4) });
  const client = createClientEndpoint({ coreModule: module, network: pair.a, clock, crypto: nodeCryptoProvider, tls: { alpn: ['bench'] }, seed: Uint32Array.of(5, 6, 7, 8) });
  const cores = [server, client].map((e) => e.abi.core.exports as unknown as Record<string, WebAssembly.Global | WebAssembly.Memory>);
  const counter = (name: string) => cores.reduce((n, x) => n + Number((x[name] as WebAssembly.Global).value), 0);
  const memBytes = () => cores.reduce((n, x) => n + (x.memory as WebAssembly.Memory).buffer.byteLength, 0);

  const total = mib << 20;
  const payload = new Uint8Array(total);
  for (let i = 0; i < total; i += 4096) payload[i] = i & 0xff;
  const up = await startUpload(client, server, clock, cert, payload);
  const conn = up.conn;

  let hostGcMs = 0;
  const obs = new PerformanceObserver((list) => { for (const e of list.getEntries()) hostGcMs += e.duration; });
  obs.observe({ entryTypes: ['gc'] });
  const a0 = counter('__benchAllocs'), b0 = counter('__benchAllocBytes'), g0 = counter('__benchGcSteps');
  const m0 = memBytes(), c0 = cpuUs();
  await drive(clock, () => up.done());
  const cpuMs = (cpuUs() - c0) / 1000;
  const allocs = counter('__benchAllocs') - a0, bytes = counter('__benchAllocBytes') - b0, steps = counter('__benchGcSteps') - g0;
  const growth = memBytes() - m0;
  await new Promise((r) => setImmediate(r)); // let the observer deliver the last entries
  obs.disconnect();
  let closed = false;
  conn.close(0, 'bench').then(() => { closed = true; });
  await drive(clock, () => closed);
  const mb = total / 1e6;
  return {
    allocsPerMB: allocs / mb, allocKBPerMB: bytes / 1024 / mb, gcStepsPerMB: steps / mb,
    hostGcMsPerMB: hostGcMs / mb, cpuMsPerMB: cpuMs / mb, memoryGrowthKiB: growth / 1024, ok: up.intact(),
  };
}

async function main(): Promise<void> {
  const mib = Number(process.argv[2] ?? 32);
  const builds: [string, string][] = [];
  if (process.env.BASELINE_CORE) builds.push(['baseline', process.env.BASELINE_CORE]);
  builds.push(['this build', coreWasmPath('debug')]);
  const rows = [];
  for (const [name, path] of builds) {
    const r = await transfer(await instrument(readFileSync(path)), mib);
    if (!r.ok) throw new Error(`${name}: the transfer did not arrive intact`);
    rows.push({ name: `${name}, ${mib} MiB upload: core allocations per MB (both ends)`, value: r.allocsPerMB, unit: 'objects/MB' });
    rows.push({ name: `  same: core bytes allocated per MB`, value: r.allocKBPerMB, unit: 'KiB/MB' });
    rows.push({ name: `  same: core incremental-GC steps per MB`, value: r.gcStepsPerMB, unit: 'steps/MB' });
    rows.push({ name: `  same: host (V8) GC time per MB`, value: r.hostGcMsPerMB, unit: 'ms/MB' });
    rows.push({ name: `  same: CPU per MB (debug core, both ends)`, value: r.cpuMsPerMB, unit: 'ms/MB' });
    rows.push({ name: `  same: core linear memory growth during the transfer (both ends)`, value: r.memoryGrowthKiB, unit: 'KiB' });
  }
  report('gc-per-mb', rows, ['the core is the debug build, instrumented: counts are exact, CPU is not the release figure']);
}

if (require.main === module) main().catch((e) => { console.error(e); process.exit(1); });
