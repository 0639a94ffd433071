// Constant cost per datagram (issue 17): the same 4 MiB upload between a client and a
// server in memory, while the client endpoint holds 0, 999 or 9,999 other connections
// (handshaking toward a path that drops everything). The CPU per datagram of the
// transfer should not depend on how many other connections the endpoint holds: CIDs
// are looked up in a hash table, deadlines sit in a heap, and only touched
// connections are asked to send. Also the cost of a junk Initial (no state is taken,
// but its DCID's keys are derived to try to open it) next to a datagram of the transfer.
//   npx tsx bench/endpoint-scale.ts [MiB=4]
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { coreWasmPath } from '../host/core/node-loader';
import { createClientEndpoint, createServerEndpoint } from '../host/transport/create';
import { DgramPair } from '../host/net/dgram-pair';
import { VirtualClock } from '../host/net/virtual-clock';
import { generateSelfSigned } from '../host/tls/pki/index';
import { nodeCryptoProvider } from '../host/crypto/node-provider';
import type { Network } from '../host/net/network';
import { cpuUs, report, type BenchRow } from './lib';
import { drive, startUpload } from './upload';
import { setHandshakeCrypto } from '../host/tls/handshake-crypto';
import { nodeHandshakeCrypto } from '../host/tls/handshake-node';

// As listen()/connect() do on Node: key derivation (also the junk-Initial probe's) through node:crypto.
setHandshakeCrypto(nodeHandshakeCrypto);

const coreModule = new WebAssembly.Module(readFileSync(coreWasmPath('release')));
const cert = generateSelfSigned({ subjectAltNames: ['localhost'] });


/** Path 1 of the client's network goes nowhere: the idle connections live there. */
function withBlackHole(inner: Network): Network {
  return {
    addressed: inner.addressed, maxDatagramSize: inner.maxDatagramSize,
    send: (d, path) => { if (path === 0) inner.send(d, 0); },
    onReceive: (h) => inner.onReceive(h), onError: (h) => inner.onError(h), close: () => inner.close(),
  };
}

async function run(others: number, mib: number): Promise<{ usPerDatagram: number; datagrams: number; ok: boolean }> {
  const clock = new VirtualClock(1_000_000);
  const pair = new DgramPair({ clock, seed: 1, aToB: { delayUs: 1000 }, bToA: { delayUs: 1000 } });
  const server = createServerEndpoint({ coreModule, network: pair.b, clock, crypto: nodeCryptoProvider, certificate: cert, tls: { alpn: ['bench'] } });
  const client = createClientEndpoint({ coreModule, network: withBlackHole(pair.a), clock, crypto: nodeCryptoProvider, tls: { alpn: ['bench'] },
    limits: { maxConnections: others + 1, handshakeTimeoutMs: 3_600_000 }, transport: { maxIdleTimeoutMs: 3_600_000 } });
  // Connections whose TLS never speaks: they hold a slot, keys and timers, like a server's
  // half-open or idle connections, without a minute of key-share generation.
  const silent = () => ({ start() {}, receive() {}, drain: () => [] });
  for (let i = 0; i < others; i++) client.connect(1, silent).established.catch(() => undefined);
  const total = mib << 20;
  const payload = randomBytes(total);
  const up = await startUpload(client, server, clock, cert, payload);
  const d0 = client.counters.datagramsIn + client.counters.datagramsOut + server.counters.datagramsIn + server.counters.datagramsOut;
  const c0 = cpuUs();
  await drive(clock, () => up.done());
  const cpu = cpuUs() - c0;
  const datagrams = client.counters.datagramsIn + client.counters.datagramsOut + server.counters.datagramsIn + server.counters.datagramsOut - d0;
  return { usPerDatagram: cpu / datagrams, datagrams, ok: up.intact() };
}

function junkCost(): number {
  const clock = new VirtualClock(1_000_000);
  const pair = new DgramPair({ clock });
  let handler: ((d: Uint8Array, p: number) => void) | null = null;
  const net: Network = {
    addressed: true, maxDatagramSize: 65527, send: () => {}, onReceive: (h) => { handler = h; }, onError: () => {}, close: () => pair.b.close(),
  };
  createServerEndpoint({ coreModule, network: net, clock, crypto: nodeCryptoProvider, certificate: cert, tls: { alpn: ['bench'] } });
  const n = 20_000;
  const junk = Array.from({ length: n }, () => {
    const d = randomBytes(1200);
    d[0] = 0xc3; d.set([0, 0, 0, 1], 1); d[5] = 8; d[14] = 8; d[23] = 0; d[24] = 0x44; d[25] = 0x96;
    return new Uint8Array(d);
  });
  const c0 = cpuUs();
  for (let i = 0; i < n; i++) handler!(junk[i], 1 + i);
  return (cpuUs() - c0) / n;
}

async function main(): Promise<void> {
  const mib = Number(process.argv[2] ?? 4);
  const rows: BenchRow[] = [];
  // Three rounds over the three counts, interleaved, and the median of each: run in a row,
  // the first transfer carried the JIT's warm-up and made the 1-connection figure the
  // largest (2–2.5 × the 10,000-connection one).
  const counts = [0, 999, 9_999];
  const runs = new Map<number, { usPerDatagram: number; datagrams: number }[]>(counts.map((c) => [c, []]));
  for (let round = 0; round < 3; round++) {
    for (const others of counts) {
      const r = await run(others, mib);
      if (!r.ok) throw new Error(`${others + 1} connections: the transfer did not arrive intact`);
      runs.get(others)!.push(r);
    }
  }
  const median = (others: number) => { const v = runs.get(others)!.map((r) => r.usPerDatagram).sort((a, b) => a - b); return v[1]; };
  const base = median(0);
  rows.push({ name: `${mib} MiB upload, 1 connection: CPU per datagram (both ends)`, value: base, unit: 'µs', extra: { datagrams: runs.get(0)![0].datagrams, rounds: 3 } });
  for (const others of [999, 9_999]) {
    rows.push({ name: `  same, ${others + 1} connections on the client endpoint`, value: median(others), unit: 'µs', extra: { ratioToOne: median(others) / base } });
  }
  rows.push({ name: 'junk Initial (1200 B, unknown DCID): CPU to refuse it', value: junkCost(), unit: 'µs' });
  report('endpoint-scale', rows, [
    'one process runs both ends; the idle connections sit on the client endpoint, whose pump handles every datagram of the transfer',
    'a junk Initial costs a key derivation and a failed AEAD open (authenticate before allocating), and no memory',
  ]);
}

main().catch((e) => { console.error(e); process.exit(1); });
