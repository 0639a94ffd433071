// Where a handshake's CPU goes (issue 19: ≥ 1,000 handshakes/s per server process):
// both endpoints in this process over a DgramPair on a virtual clock, node:crypto, full
// handshakes (x25519, ECDSA P-256, certificate verified), run long enough for V8's
// optimizing compiler to settle (a warm-up round first). Every call through the
// handshake crypto seam (key shares, signatures, hashes, HMACs) and the packet
// protection provider is timed; the table gives calls and µs per handshake for each,
// and what is left for the rest (the TLS and transport JS, the wasm core, GC).
// The timing wrappers themselves cost ≈ 0.1 µs per call (more on a loaded machine).
// HMACs from keys made ready once (hkdf.ts PreparedKey: QUIC packet keys, the handshake
// and master secrets' Derive-Secrets) do not pass the seam: the hash.hmac row counts the
// others only, and bench/key-schedule.ts times all of the key schedule. --plain runs
// without any wrapper and prints the handshake's time and CPU alone: the figure to
// compare between two trees (run each in turn, several times).
//   node --require ./bench/register.cjs bench/handshake-costs.ts [--quick] [--n=2000] [--plain]

import { readFileSync } from 'node:fs';
import { coreWasmPath } from '../host/core/node-loader';
import { createClientEndpoint, createServerEndpoint } from '../host/transport/create';
import { DgramPair } from '../host/net/dgram-pair';
import { VirtualClock } from '../host/net/virtual-clock';
import { generateSelfSigned } from '../host/tls/pki/index';
import { nodeCryptoProvider } from '../host/crypto/node-provider';
import type { CryptoProvider } from '../host/crypto/provider';
import { setHandshakeCrypto, type HandshakeCrypto } from '../host/tls/handshake-crypto';
import { nodeHandshakeCrypto } from '../host/tls/handshake-node';
import { report, type BenchRow } from './lib';

const opt = (name: string) => process.argv.find((a) => a.startsWith(`--${name}=`))?.split('=')[1];
const quick = process.argv.includes('--quick');
const plain = process.argv.includes('--plain');
const N = Number(opt('n') ?? (quick ? 300 : 2000));
const WARMUP = quick ? 200 : 500;

const spent = new Map<string, { calls: number; ns: bigint }>();

/** `target` with every method call timed under `name.method`. */
function timed<T extends object>(target: T, name: string): T {
  return new Proxy(target, {
    get(t, key) {
      const f = Reflect.get(t, key, t);
      if (typeof f !== 'function' || key === 'constructor') return f;
      return (...args: unknown[]) => {
        const t0 = process.hrtime.bigint();
        try {
          return f.apply(t, args);
        } finally {
          const e = spent.get(`${name}.${String(key)}`) ?? { calls: 0, ns: 0n };
          e.calls++;
          e.ns += process.hrtime.bigint() - t0;
          spent.set(`${name}.${String(key)}`, e);
        }
      };
    },
  });
}

const seam: HandshakeCrypto = { ...nodeHandshakeCrypto, hashes: timed(nodeHandshakeCrypto.hashes, 'hash') };
const timedSeam = timed(nodeHandshakeCrypto, 'pk');
for (const k of ['keyShare', 'sharedSecret', 'sign', 'verify'] as const) (seam as unknown as Record<string, unknown>)[k] = timedSeam[k];
const provider: CryptoProvider = {
  name: nodeCryptoProvider.name,
  createPacketProtector: (...a) => timed(nodeCryptoProvider.createPacketProtector(...a), 'aead'),
  createHeaderProtector: (...a) => timed(nodeCryptoProvider.createHeaderProtector(...a), 'hp'),
};

async function drive(clock: VirtualClock, done: () => boolean): Promise<void> {
  while (!done()) {
    await new Promise((r) => setImmediate(r));
    const next = clock.nextDeadline();
    if (next !== Infinity) clock.advanceTo(next);
  }
}

async function main(): Promise<void> {
  setHandshakeCrypto(plain ? nodeHandshakeCrypto : seam);
  const cert = generateSelfSigned({ subjectAltNames: ['localhost'] });
  const coreModule = new WebAssembly.Module(readFileSync(coreWasmPath('release')));
  const clock = new VirtualClock(1_000_000);
  const pair = new DgramPair({ clock, seed: 1 });
  const server = createServerEndpoint({ coreModule, network: pair.b, clock, crypto: plain ? nodeCryptoProvider : provider, certificate: cert, tls: { alpn: ['bench'] }, sessionTickets: false });
  const client = createClientEndpoint({ coreModule, network: pair.a, clock, crypto: plain ? nodeCryptoProvider : provider, tls: { alpn: ['bench'] } });
  (async () => { for (;;) { try { (await server.accept()).closed.catch(() => undefined); } catch { return; } } })();
  const handshake = async () => {
    const c = client.connectTo(0, { serverName: 'localhost', trustAnchors: [cert.chain[0]] });
    let ok = false, failed: unknown = null;
    c.established.then(() => { ok = true; }, (e) => { failed = e; });
    await drive(clock, () => ok || failed !== null);
    if (failed) throw failed;
    c.close(0, 'bench').catch(() => undefined);
  };
  for (let i = 0; i < WARMUP; i++) await handshake();
  spent.clear();
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  for (let i = 0; i < N; i++) await handshake();
  const wallUs = ((performance.now() - t0) * 1000) / N;
  const cpu = process.cpuUsage(cpu0);
  const cpuUs = (cpu.user + cpu.system) / N;

  if (plain) {
    report('handshake-costs', [{ name: `full handshake, both ends in one process, no timing wrappers (${N} after ${WARMUP} warm-up)`, value: wallUs / 1000, unit: 'ms', extra: { processCpuMs: +(cpuUs / 1000).toFixed(3) } }]);
    await Promise.all([client.close(), server.close()]).catch(() => undefined);
    process.exit(0);
  }
  const rows: BenchRow[] = [];
  console.log(`\n  ${'operation'.padEnd(22)} ${'calls/hs'.padStart(9)} ${'µs/hs'.padStart(8)} ${'µs/call'.padStart(8)} ${'share'.padStart(6)}`);
  let timedUs = 0;
  for (const [name, e] of [...spent].sort((a, b) => Number(b[1].ns - a[1].ns))) {
    const us = Number(e.ns) / 1000 / N;
    timedUs += us;
    console.log(`  ${name.padEnd(22)} ${(e.calls / N).toFixed(1).padStart(9)} ${us.toFixed(1).padStart(8)} ${(Number(e.ns) / 1000 / e.calls).toFixed(2).padStart(8)} ${((100 * us) / wallUs).toFixed(1).padStart(5)}%`);
    rows.push({ name: `  ${name} (both ends)`, value: us, unit: 'µs/handshake', extra: { callsPerHandshake: +(e.calls / N).toFixed(2), usPerCall: +(Number(e.ns) / 1000 / e.calls).toFixed(2) } });
  }
  console.log(`  ${'crypto, all of it'.padEnd(22)} ${''.padStart(9)} ${timedUs.toFixed(0).padStart(8)} ${''.padStart(8)} ${((100 * timedUs) / wallUs).toFixed(1).padStart(5)}%`);
  console.log(`  ${'the rest (JS, wasm, GC)'.padEnd(22)} ${''.padStart(9)} ${(wallUs - timedUs).toFixed(0).padStart(8)} ${''.padStart(8)} ${((100 * (wallUs - timedUs)) / wallUs).toFixed(1).padStart(5)}%`);
  rows.unshift(
    { name: `full handshake, both ends in one process, main-thread time (${N} after ${WARMUP} warm-up)`, value: wallUs / 1000, unit: 'ms', extra: { processCpuMs: +(cpuUs / 1000).toFixed(3) } },
    { name: '  crypto through the seam and the provider (both ends)', value: timedUs, unit: 'µs/handshake', extra: { share: +(timedUs / wallUs).toFixed(3) } },
  );
  report('handshake-costs', rows, [
    'node:crypto seam and provider; x25519 + ECDSA P-256 certificate, verified against its anchor; no resumption',
    'main-thread time per handshake is the denominator; process CPU also counts V8\'s background threads (GC, compiler)',
  ]);
  await Promise.all([client.close(), server.close()]).catch(() => undefined);
  process.exit(0);
}

main().catch((e) => { console.error(e); process.exit(1); });
