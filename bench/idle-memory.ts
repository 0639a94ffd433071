// Memory per idle connection (issue 17): a server endpoint holds N established, idle
// connections; the clients run in a worker thread (its own V8 heap and its own core
// instance), so this thread's JS heap and the server core's linear memory are the
// server's alone. Reported: server core memory and server JS heap per connection,
// for N = 1,000 and 10,000 (or the counts given).
//   node --expose-gc --import tsx bench/idle-memory.ts [1000 10000]
import { Worker, isMainThread, parentPort, workerData } from 'node:worker_threads';
import { readFileSync } from 'node:fs';
import { coreWasmPath } from '../host/core/node-loader';
import { createClientEndpoint, createServerEndpoint } from '../host/transport/create';
import { generateSelfSigned } from '../host/tls/pki/index';
import { nodeCryptoProvider } from '../host/crypto/node-provider';
import type { DatagramHandler, Network } from '../host/net/network';
import type { QuicConnection } from '../host/transport/connection';
import { report, type BenchRow } from './lib';
import { setHandshakeCrypto } from '../host/tls/handshake-crypto';
import { nodeHandshakeCrypto } from '../host/tls/handshake-node';

// As listen()/connect() do on Node (both threads import this file).
setHandshakeCrypto(nodeHandshakeCrypto);

/** A network over a worker MessagePort (datagrams are copied, as UDP would). */
function portNetwork(port: { postMessage(d: Uint8Array): void; on(ev: 'message', fn: (d: Uint8Array) => void): void }): Network {
  let handler: DatagramHandler | null = null;
  port.on('message', (d) => handler?.(new Uint8Array(d), 0));
  return { addressed: false, maxDatagramSize: 1452, send: (d) => port.postMessage(d.slice()), onReceive: (h) => { handler = h; }, onError: () => {}, close: () => {} };
}

const gc = (globalThis as { gc?: () => void }).gc;
function settle(): number {
  for (let i = 0; i < 3; i++) gc?.();
  return process.memoryUsage().heapUsed;
}

async function serverSide(n: number): Promise<{ wasmPerConn: number; heapPerConn: number; handshakesPerSec: number }> {
  const module = new WebAssembly.Module(readFileSync(coreWasmPath('release')));
  const cert = generateSelfSigned({ subjectAltNames: ['localhost'] });
  // A worker cannot start from a .ts file in Node 20: bootstrap it through tsx's require hook.
  const worker = new Worker(`require('tsx/cjs'); require(${JSON.stringify(__filename)});`, { eval: true, workerData: { n } });
  const server = createServerEndpoint({
    coreModule: module, network: portNetwork(worker as never), crypto: nodeCryptoProvider, certificate: cert, tls: { alpn: ['idle'] },
    limits: { maxConnections: n + 10, maxHalfOpen: 256, maxHalfOpenPerPath: 256 }, transport: { maxIdleTimeoutMs: 600_000 }, sessionTickets: false,
  });
  const conns: QuicConnection[] = [];
  const h0 = settle();
  const m0 = server.stats.memoryBytes;
  const t0 = performance.now();
  // The core's memory grows in 64 KiB pages and keeps its high-water mark (wasm memory
  // never shrinks), so its figure is an upper bound: live connections plus what the
  // handshakes in flight (32 at a time) needed at their peak.
  await new Promise<void>((resolve) => {
    const next = () => server.accept().then((c) => { conns.push(c); if (conns.length === n) resolve(); else next(); });
    next();
  });
  const secs = (performance.now() - t0) / 1000;
  await new Promise((r) => setTimeout(r, 1000)); // let the last acknowledgements settle
  const h1 = settle();
  const m1 = server.stats.memoryBytes;
  if (process.env.HEAP_SNAPSHOT) require('node:v8').writeHeapSnapshot(process.env.HEAP_SNAPSHOT);
  worker.postMessage('close');
  await new Promise((r) => setTimeout(r, 200));
  await worker.terminate();
  server.close().catch(() => undefined);
  return { wasmPerConn: (m1 - m0) / n, heapPerConn: (h1 - h0) / n, handshakesPerSec: n / secs };
}

async function clientSide(n: number): Promise<void> {
  const module = new WebAssembly.Module(readFileSync(coreWasmPath('release')));
  const client = createClientEndpoint({ coreModule: module, network: portNetwork(parentPort as never), crypto: nodeCryptoProvider, tls: { alpn: ['idle'], groups: ['x25519'] },
    limits: { maxConnections: n + 10 }, transport: { maxIdleTimeoutMs: 600_000 } });
  const live: QuicConnection[] = [];
  let started = 0;
  const one = async (): Promise<void> => {
    while (started < n) {
      started++;
      const c = client.connectTo(0, { serverName: 'localhost', dangerouslySkipCertificateVerification: true });
      await c.established;
      live.push(c);
    }
  };
  await Promise.all(Array.from({ length: 32 }, one));
  parentPort!.on('message', (m) => { if (m === 'close') process.exit(0); });
}

async function main(): Promise<void> {
  const counts = process.argv.slice(2).map(Number).filter((x) => x > 0);
  const rows: BenchRow[] = [];
  for (const n of counts.length ? counts : [1000, 10_000]) {
    const r = await serverSide(n);
    rows.push({ name: `${n} idle connections: server core memory per connection (high-water)`, value: r.wasmPerConn, unit: 'B' });
    rows.push({ name: `  same: server JS heap per connection`, value: r.heapPerConn, unit: 'B' });
    rows.push({ name: `  same: server total per connection (target 16 KiB)`, value: r.wasmPerConn + r.heapPerConn, unit: 'B' });
    rows.push({ name: `  handshakes completed per second while filling`, value: r.handshakesPerSec, unit: '/s' });
  }
  report('idle-memory', rows, [
    'clients run in a worker thread (own heap, own core): the figures are the server side alone',
    gc ? 'heap measured after forced GC' : 'run with node --expose-gc for heap figures after GC (these include garbage)',
    'core memory grows in 64 KiB pages: per-connection figures are page-granular',
  ]);
}

if (isMainThread) main().then(() => process.exit(0), (e) => { console.error(e); process.exit(1); });
else clientSide((workerData as { n: number }).n).catch((e) => { console.error(e); process.exit(1); });
