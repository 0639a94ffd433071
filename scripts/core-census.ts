// Where a server connection's core memory goes, by class (diagnostics for issue 17's
// memory targets): walks the allocator's blocks in the testing build (every live block
// carries its class id) before and after N connections, and prints the difference per
// connection. ArrayBuffer and StaticArray<u8> rows are split by block size (id * 100000
// + size); raw blocks (heap.alloc: the endpoint's CID table, the key table, rings) have
// no class id and are grouped by size ("raw <size>"), amortised over N. Blocks freed
// between the walks count negatively, so the total is the heap's growth.
//   npx tsx scripts/core-census.ts [N=500]          N half-open connections (spoofed Initials)
//   npx tsx scripts/core-census.ts [N=500] idle     N established, idle connections
import { readFileSync } from 'node:fs';
import { coreWasmPath } from '../host/core/node-loader';
import { createClientEndpoint, createServerEndpoint } from '../host/transport/create';
import { generateSelfSigned } from '../host/tls/pki/index';
import { nodeCryptoProvider } from '../host/crypto/node-provider';
import { setHandshakeCrypto } from '../host/tls/handshake-crypto';
import { nodeHandshakeCrypto } from '../host/tls/handshake-node';
import { DgramPair } from '../host/net/dgram-pair';
import { VirtualClock } from '../host/net/virtual-clock';
import { MultiSourceNetwork, forgeInitial, openClientInitial } from '../test/transport/flood';
import { randomBytes } from 'node:crypto';
setHandshakeCrypto(nodeHandshakeCrypto);
const names = ['Connection','PacketSpace','Config','TransportParams','AckTracker','SendBuffer','RecvBuffer','RangeSet','RttEstimator','CC','Pacer','ConnectionIds','TimerTable','SentQueue','Uint8Array','Array<u64>','Map<u64,i32>','ArrayBuffer','SA<u8>','SA<u64>','SA<i32>','LocalCid','PeerCid','Array<LocalCid>','Array<PeerCid>','Path','KeyPhase','WireBits','Pending','SA<f64>','Array<Uint8Array>','SA<PacketSpace>','Array<i32>','HyStart','Pmtud','PathCounters','CryptoSendBuffer'];
async function runFor(clock: VirtualClock, us: number) { const end = clock.now() + us; for (;;) { await new Promise((r) => setImmediate(r)); const next = clock.nextDeadline(); if (next === Infinity || next > end) break; clock.advanceTo(next); } }
const RAW = 900_000_000;
function census(ex: any): Map<number, { c: number; s: number }> {
  ex.testHeapUsed();
  const mem = new DataView(ex.memory.buffer);
  const end = ex.memory.buffer.byteLength;
  let b = (((ex.testHeapStart() >>> 0) + 4 + 15) & ~15) - 4;
  const m = new Map<number, { c: number; s: number }>();
  while (b + 4 <= end) {
    const info = mem.getUint32(b, true); const size = info & ~3;
    if (size === 0) break;
    if (!(info & 1)) { let id = mem.getUint32(b + 12, true); if (id === 1 || id === 5) id = id * 100000 + (size + 4); else if (id > 1000 || id === 0) id = RAW + (size + 4); /* a raw block: its +12 holds data, not a class id */ const e = m.get(id) ?? { c: 0, s: 0 }; e.c++; e.s += size + 4; m.set(id, e); }
    b += 4 + size;
  }
  return m;
}
(async () => {
  const n = Number(process.argv[2] ?? 500);
  const module = new WebAssembly.Module(readFileSync(coreWasmPath('testing')));
  const cert = generateSelfSigned({ subjectAltNames: ['localhost'] });
  const hello = await (async () => {
    const clock = new VirtualClock(1_000_000); const pair = new DgramPair({ clock }); let first: Uint8Array | null = null;
    pair.b.onReceive((d) => { first ??= d.slice(); });
    const cli = createClientEndpoint({ coreModule: module, network: pair.a, clock, crypto: nodeCryptoProvider, tls: { alpn: ['idle'] } });
    cli.connectTo(0, { serverName: 'localhost', dangerouslySkipCertificateVerification: true }).established.catch(() => undefined);
    while (!first) { await new Promise((r) => setImmediate(r)); clock.advanceTo(clock.nextDeadline()); }
    return openClientInitial(first);
  })();
  if (process.argv[3] === 'idle') {
    const clock = new VirtualClock(1_000_000); const pair = new DgramPair({ clock });
    const server = createServerEndpoint({ coreModule: module, network: pair.b, clock, crypto: nodeCryptoProvider, certificate: cert, tls: { alpn: ['idle'] },
      limits: { maxConnections: n + 10, maxHalfOpen: 256, maxHalfOpenPerPath: 256, handshakeTimeoutMs: 3_600_000 }, transport: { maxIdleTimeoutMs: 600_000 }, sessionTickets: false, retry: 'never' });
    const cli = createClientEndpoint({ coreModule: new WebAssembly.Module(readFileSync(coreWasmPath('release'))), network: pair.a, clock, crypto: nodeCryptoProvider, tls: { alpn: ['idle'] }, limits: { maxConnections: n + 10 }, transport: { maxIdleTimeoutMs: 600_000 } });
    const ex = (server as any).abi.core.exports;
    const ids = new Map<number, string>(); for (let k = 0; k < names.length; k++) ids.set(ex.testClassId(k), names[k]);
    await runFor(clock, 1000);
    const a = census(ex);
    let done = 0;
    for (let i = 0; i < n; i++) { cli.connectTo(0, { serverName: 'localhost', dangerouslySkipCertificateVerification: true }).established.then(() => { done++; }); if (i % 32 === 31) await runFor(clock, 50_000); }
    while (done < n) await runFor(clock, 50_000);
    await runFor(clock, 2_000_000);
    const b = census(ex);
    report(a, b, ids, n);
    console.log('connections', server.stats.connections);
    process.exit(0);
  }
  const clock = new VirtualClock(1_000_000); const pair = new DgramPair({ clock }); const net = new MultiSourceNetwork(pair.b);
  const server = createServerEndpoint({ coreModule: module, network: net, clock, crypto: nodeCryptoProvider, certificate: cert, tls: { alpn: ['idle'] },
    limits: { maxConnections: n + 10, maxHalfOpen: n + 10, maxHalfOpenPerPath: 1, handshakeTimeoutMs: 3_600_000 }, transport: { maxIdleTimeoutMs: 600_000 }, sessionTickets: false, retry: 'never' });
  const ex = (server as any).abi.core.exports;
  const ids = new Map<number, string>(); for (let k = 0; k < names.length; k++) ids.set(ex.testClassId(k), names[k]);
  await runFor(clock, 1000);
  const a = census(ex);
  for (let i = 0; i < n; i++) { net.inject(forgeInitial(hello.frames, randomBytes(8), hello.scid), 1 + i); if (i % 64 === 63) await runFor(clock, 100); }
  await runFor(clock, 10_000);
  const b = census(ex);
  report(a, b, ids, n);
  console.log('in-core keys', ex.cryptoKeyCount?.()); console.log('halfOpen', server.stats.halfOpen, JSON.stringify(server.stats));
  process.exit(0);
})();
function report(a: Map<number, { c: number; s: number }>, b: Map<number, { c: number; s: number }>, ids: Map<number, string>, n: number) {
  const rows: [string, number, number][] = [];
  let tot = 0;
  for (const id of new Set([...a.keys(), ...b.keys()])) { const e = b.get(id) ?? { c: 0, s: 0 }, o = a.get(id) ?? { c: 0, s: 0 }; const ds = (e.s - o.s) / n, dc = (e.c - o.c) / n; tot += ds; if (Math.abs(ds) >= 2) rows.push([id >= RAW ? `raw ${id - RAW}` : `${id} ${ids.get(id) ?? ''}`, ds, dc]); }
  rows.sort((x, y) => y[1] - x[1]);
  for (const [k, ds, dc] of rows) console.log(ds.toFixed(0).padStart(7), dc.toFixed(2).padStart(6), k);
  console.log('total per connection', tot.toFixed(0));
}
