// Memory per idle connection (issue 17): a server endpoint holds N established, idle
// connections; the clients run in a worker thread (its own V8 heap and its own core
// instance), so this thread's JS heap and the server core's linear memory are the
// server's alone. Reported: server core memory and server JS heap per connection,
// for N = 1,000 and 10,000 (or the counts given). Also the state of one half-open server
// connection: N spoofed, correctly protected Initials from N sources that never answer
// (test/transport/flood.ts forgeInitial), each answered with the server's first flight
// and kept for its retransmission; server core memory and JS heap per half-open one.
//   node --expose-gc --import tsx bench/idle-memory.ts [1000 10000] [--half-open 1000]
//   node --expose-gc --max-old-space-size=8192 --import tsx bench/idle-memory.ts --conns 100000 [--live]
// (--conns N: only N idle connections, no half-open run; --live: the server's exact core heap too)
import { Worker, isMainThread, parentPort, workerData } from 'node:worker_threads';
import { readFileSync } from 'node:fs';
import { coreWasmPath } from '../host/core/node-loader';
import { createClientEndpoint, createServerEndpoint } from '../host/transport/create';
import { generateSelfSigned } from '../host/tls/pki/index';
import { nodeCryptoProvider } from '../host/crypto/node-provider';
import type { DatagramHandler, Network } from '../host/net/network';
import type { QuicConnection } from '../host/transport/connection';
import { report, TS_NODE_ARGS, type BenchRow } from './lib';
import { setHandshakeCrypto } from '../host/tls/handshake-crypto';
import { nodeHandshakeCrypto } from '../host/tls/handshake-node';
import { DgramPair } from '../host/net/dgram-pair';
import { VirtualClock } from '../host/net/virtual-clock';
import { MultiSourceNetwork, forgeInitial, openClientInitial } from '../test/transport/flood';
import { randomBytes } from 'node:crypto';

// As listen()/connect() do on Node (both threads import this file).
setHandshakeCrypto(nodeHandshakeCrypto);

/** A network over a worker MessagePort (datagrams are copied, as UDP would). */
function portNetwork(port: { postMessage(d: Uint8Array): void; on(ev: 'message', fn: (d: Uint8Array) => void): void }): Network {
  let handler: DatagramHandler | null = null;
  port.on('message', (d) => handler?.(new Uint8Array(d), 0));
  return { addressed: false, maxDatagramSize: 1452, send: (d) => port.postMessage(d.slice()), onReceive: (h) => { handler = h; }, onError: () => {}, close: () => {} };
}

const gc = (globalThis as { gc?: () => void }).gc;
/**
 * This thread's JS memory after GC: the V8 heap plus the array buffers' backing stores
 * outside it (secrets, transport parameters; wasm memory is not among them — measured
 * apart — and the client worker's are its own).
 */
function settle(): number {
  for (let i = 0; i < 3; i++) gc?.();
  const m = process.memoryUsage();
  return m.heapUsed + m.arrayBuffers;
}

async function serverSide(n: number, live: boolean): Promise<{ wasmPerConn: number; heapPerConn: number; handshakesPerSec: number; memoryBytes: number; connections: number; livePerConn: number }> {
  // --live: the server runs the testing build (same layouts, unoptimised) for its exact
  // live-heap probe (testHeapUsed), besides the page high-water every build shows.
  const module = new WebAssembly.Module(readFileSync(coreWasmPath(live ? 'testing' : 'release')));
  const cert = generateSelfSigned({ subjectAltNames: ['localhost'] });
  // A worker cannot start from a .ts file in Node 20: bootstrap it through the benches' require hook.
  // The clients' heap grows with n too (100,000 client connections): room for it.
  const worker = new Worker(`require(${JSON.stringify(TS_NODE_ARGS[1])}); require(${JSON.stringify(__filename)});`, { eval: true, workerData: { n }, resourceLimits: { maxOldGenerationSizeMb: n > 20_000 ? 12_288 : 2048 } });
  const server = createServerEndpoint({
    coreModule: module, network: portNetwork(worker as never), crypto: nodeCryptoProvider, certificate: cert, tls: { alpn: ['idle'] },
    limits: { maxConnections: n + 10, maxHalfOpen: 256, maxHalfOpenPerPath: 256, handshakeTimeoutMs: 60_000 }, transport: { maxIdleTimeoutMs: 600_000 }, sessionTickets: false,
  });
  const conns: QuicConnection[] = [];
  const coreUsed = live ? (server as unknown as { abi: { core: { exports: { testHeapUsed(): number } } } }).abi.core.exports.testHeapUsed : () => 0;
  const h0 = settle();
  const m0 = server.stats.memoryBytes;
  const u0 = coreUsed();
  const t0 = performance.now();
  // The core's memory grows in 64 KiB pages and keeps its high-water mark (wasm memory
  // never shrinks), so its figure is an upper bound: live connections plus what the
  // handshakes in flight (32 at a time) needed at their peak.
  const progress = n >= 50_000;
  await new Promise<void>((resolve) => {
    const next = () => server.accept().then((c) => {
      conns.push(c);
      if (progress && conns.length % 10_000 === 0) console.error(`  ${conns.length} connections, ${((performance.now() - t0) / 1000).toFixed(0)} s, rss ${(process.memoryUsage().rss / 2 ** 20).toFixed(0)} MiB`);
      if (conns.length === n) resolve(); else next();
    });
    next();
  });
  const secs = (performance.now() - t0) / 1000;
  await new Promise((r) => setTimeout(r, 1000)); // let the last acknowledgements settle
  const h1 = settle();
  const m1 = server.stats.memoryBytes;
  const u1 = coreUsed();
  const connections = server.stats.connections; // before the clients go
  if (process.env.HEAP_SNAPSHOT) require('node:v8').writeHeapSnapshot(process.env.HEAP_SNAPSHOT);
  worker.postMessage('close');
  await new Promise((r) => setTimeout(r, 200));
  await worker.terminate();
  server.close().catch(() => undefined);
  return { wasmPerConn: (m1 - m0) / n, heapPerConn: (h1 - h0) / n, handshakesPerSec: n / secs, memoryBytes: m1, connections, livePerConn: (u1 - u0) / n };
}

async function clientSide(n: number): Promise<void> {
  const module = new WebAssembly.Module(readFileSync(coreWasmPath('release')));
  const client = createClientEndpoint({ coreModule: module, network: portNetwork(parentPort as never), crypto: nodeCryptoProvider, tls: { alpn: ['idle'], groups: ['x25519'] },
    limits: { maxConnections: n + 10, handshakeTimeoutMs: 60_000 }, transport: { maxIdleTimeoutMs: 600_000 } });
  const live: QuicConnection[] = [];
  let started = 0;
  const one = async (): Promise<void> => {
    while (started < n) {
      started++;
      const c = client.connectTo(0, { serverName: 'localhost', dangerouslySkipCertificateVerification: true });
      try {
        await c.established;
        live.push(c);
      } catch (e) {
        // A handshake lost to a long GC pause under load: counted, and made again.
        started--;
        console.error(`  client: a handshake failed (${(e as Error).message}); retrying`);
      }
    }
  };
  await Promise.all(Array.from({ length: n > 20_000 ? 128 : 32 }, one));
  parentPort!.on('message', (m) => { if (m === 'close') process.exit(0); });
}

/** Runs a virtual clock for `us` (every timer and pending callback in between). */
async function runFor(clock: VirtualClock, us: number): Promise<void> {
  const end = clock.now() + us;
  for (;;) {
    await new Promise((r) => setImmediate(r));
    const next = clock.nextDeadline();
    if (next === Infinity || next > end) break;
    clock.advanceTo(next);
  }
}

/**
 * n spoofed Initials from n sources that never answer: what one half-open server
 * connection costs, core linear memory and JS heap, after its first flight went out.
 */
async function halfOpenSide(n: number): Promise<{ wasmPerHalfOpen: number; heapPerHalfOpen: number; halfOpen: number; firstFlight: number }> {
  // The testing build (same layouts as the release core) has testHeapUsed: the bytes in
  // live blocks of the core's heap, exact where memory.size() only shows doublings.
  const module = new WebAssembly.Module(readFileSync(coreWasmPath('testing')));
  const cert = generateSelfSigned({ subjectAltNames: ['localhost'] });
  // A real client's first Initial, opened: its ClientHello is what the forged Initials carry.
  const hello = await (async () => {
    const clock = new VirtualClock(1_000_000);
    const pair = new DgramPair({ clock });
    let first: Uint8Array | null = null;
    pair.b.onReceive((d) => { first ??= d.slice(); });
    const cli = createClientEndpoint({ coreModule: module, network: pair.a, clock, crypto: nodeCryptoProvider, tls: { alpn: ['idle'] } });
    cli.connectTo(0, { serverName: 'localhost', dangerouslySkipCertificateVerification: true }).established.catch(() => undefined);
    while (!first) { await new Promise((r) => setImmediate(r)); clock.advanceTo(clock.nextDeadline()); }
    return openClientInitial(first);
  })();
  const clock = new VirtualClock(1_000_000);
  const pair = new DgramPair({ clock });
  const net = new MultiSourceNetwork(pair.b);
  // Virtual time stands still but for the steps below: no handshake timeout, no eviction.
  const server = createServerEndpoint({
    coreModule: module, network: net, clock, crypto: nodeCryptoProvider, certificate: cert, tls: { alpn: ['idle'] },
    limits: { maxConnections: n + 10, maxHalfOpen: n + 10, maxHalfOpenPerPath: 1, handshakeTimeoutMs: 3_600_000 },
    transport: { maxIdleTimeoutMs: 600_000 }, sessionTickets: false,
    retry: 'never', // every spoofed Initial takes its half-open connection (no stateless Retry under load)
  });
  const coreUsed = (server as unknown as { abi: { core: { exports: { testHeapUsed(): number } } } }).abi.core.exports.testHeapUsed;
  const datagrams = Array.from({ length: n }, () => forgeInitial(hello.frames, randomBytes(8), hello.scid));
  await runFor(clock, 1000);
  const h0 = settle();
  const m0 = coreUsed();
  for (let i = 0; i < n; i++) {
    net.inject(datagrams[i], 1 + i);
    if (i % 64 === 63) await runFor(clock, 100);
  }
  await runFor(clock, 10_000); // every first flight out, well before the first PTO
  // The forged datagrams are input, not state: alive at both measures, so they cancel out
  // (dropped before h1 they used to make the JS figure ≈ 1.3 KB per half-open too small
  // once array buffers count, and ≈ 0.1 KB before).
  const h1 = settle();
  const m1 = coreUsed();
  datagrams.length = 0;
  const halfOpen = server.stats.halfOpen;
  const firstFlight = net.sources.get(1)?.sent ?? 0;
  if (process.env.HEAP_SNAPSHOT) require('node:v8').writeHeapSnapshot(process.env.HEAP_SNAPSHOT);
  // Closed for good before the next measure starts: a server left half-closed was let go
  // in the middle of the idle run that follows, its 64 MiB of core memory making that
  // run's JS figure negative.
  let closed = false;
  void server.close().catch(() => undefined).finally(() => { closed = true; });
  for (let i = 0; !closed && i < 100; i++) await runFor(clock, 10_000_000);
  return { wasmPerHalfOpen: (m1 - m0) / n, heapPerHalfOpen: (h1 - h0) / n, halfOpen, firstFlight };
}

function flag(name: string): number | null {
  const i = process.argv.indexOf(name);
  return i > 0 ? Number(process.argv[i + 1]) : null;
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const counts = args.filter((a, i) => !a.startsWith('--') && !(i > 0 && args[i - 1].startsWith('--'))).map(Number).filter((x) => x > 0);
  const conns = flag('--conns');
  if (conns) counts.splice(0, counts.length, conns);
  const halfOpenN = flag('--half-open') ?? (conns ? 0 : 1000);
  const rows: BenchRow[] = [];
  if (halfOpenN > 0) {
    const h = await halfOpenSide(halfOpenN);
    rows.push({ name: `${halfOpenN} half-open server connections (spoofed Initials): core heap per half-open (live blocks)`, value: h.wasmPerHalfOpen, unit: 'B' });
    rows.push({ name: `  same: server JS heap + array buffers per half-open`, value: h.heapPerHalfOpen, unit: 'B' });
    rows.push({ name: `  same: total per half-open (issue 17 target 4 KiB)`, value: h.wasmPerHalfOpen + h.heapPerHalfOpen, unit: 'B',
      extra: { halfOpen: h.halfOpen, firstFlightBytes: h.firstFlight } });
  }
  for (const n of counts.length ? counts : conns === null && flag('--half-open') !== null ? [] : [1000, 10_000]) {
    const r = await serverSide(n, process.argv.includes('--live'));
    rows.push({ name: `${n} idle connections: server core memory per connection (high-water)`, value: r.wasmPerConn, unit: 'B' });
    if (r.livePerConn > 0) rows.push({ name: `  same: server core live heap per connection (testing build probe)`, value: r.livePerConn, unit: 'B' });
    rows.push({ name: `  same: server JS heap + array buffers per connection`, value: r.heapPerConn, unit: 'B' });
    rows.push({ name: `  same: server total per connection (target 16 KiB)`, value: r.wasmPerConn + r.heapPerConn, unit: 'B' });
    rows.push({ name: `  handshakes completed per second while filling`, value: r.handshakesPerSec, unit: '/s',
      extra: { connections: r.connections, serverCoreMemoryBytes: r.memoryBytes } });
  }
  report('idle-memory', rows, [
    'clients run in a worker thread (own heap, own core): the figures are the server side alone',
    gc ? 'heap measured after forced GC' : 'run with node --expose-gc for heap figures after GC (these include garbage)',
    'core memory grows in 64 KiB pages: per-connection figures are page-granular',
  ]);
}

if (isMainThread) main().then(() => process.exit(0), (e) => { console.error(e); process.exit(1); });
else clientSide((workerData as { n: number }).n).catch((e) => { console.error(e); process.exit(1); });
