// Packet protection per backend, measured in one run: ChaCha20-Poly1305 and AES-128-GCM
// inside the wasm core (assembly/crypto: the path an endpoint uses for in-core keys; the
// AES is bitsliced and constant time), node:crypto ChaCha20-Poly1305 and AES-128-GCM,
// and @noble (the portable backend) for both.
// Per 1200-byte packet: seal + header protection mask, and mask + open (the received
// datagram copied into place first, as the receive path does); and the bulk rate at
// 16 KiB packets (seal only). In-core numbers go through the exported doors
// (cryptoSeal/cryptoOpen/cryptoHpMask), one JS→wasm call each, on a packet in linear memory.
//   npx tsx bench/protection-core.ts            this runtime (Node)
//   npx tsx bench/protection-core.ts --all      also under Bun and Deno (same file), one table each,
//                                               and headless Chromium (in-core vs @noble, via the runtime-checks bundle)
//   npx tsx bench/protection-core.ts --chromium headless Chromium only
import { execFileSync } from 'node:child_process';
import { join, resolve } from 'node:path';
import { loadCoreNode } from '../host/core/node-loader';
import { CoreKeySlots } from '../host/crypto/core-keys';
import { nodeCryptoProvider } from '../host/crypto/node-provider';
import { portableCryptoProvider } from '../host/crypto/portable-provider';
import { Suite } from '../host/crypto/suites';
import type { CryptoProvider } from '../host/crypto/provider';
import { nowNs, report, runtimeName, type BenchRow } from './lib';

const SIZE = 1200;
const HEADER = 25; // a short header with a 20-byte DCID and a 4-byte packet number
const PN_OFFSET = 21;
const PAYLOAD = SIZE - HEADER - 16;
const BULK = 16384;
const BATCH = 64;
const QUICK = process.argv.includes('--quick');
// The machine is shared and noisy: every backend is measured in short windows, round
// after round, interleaved, and the median round is reported (the best in the JSON).
const ROUNDS = QUICK ? 5 : 11;
const WINDOW_MS = 40;

/** Each runs `n` operations. */
interface Ops { seal(n: number): void; open(n: number): void; bulk(n: number): void }

function fill(n: number, seed: number): Uint8Array {
  return Uint8Array.from({ length: n }, (_, i) => (i * 31 + seed) & 0xff);
}

function inCore(suite: Suite): Ops {
  const core = loadCoreNode('release');
  const slots = new CoreKeySlots(core);
  const x = slots.doors;
  const keyLen = suite === Suite.Aes128Gcm ? 16 : 32;
  const aead = slots.installAead(suite, fill(keyLen, 7), fill(12, 9));
  const hp = slots.installHp(suite, fill(keyLen, 3));
  const ptr = core.scratchPtr;
  const maskAt = ptr + 60_000;
  core.writeScratch(fill(SIZE, 1));
  let pn = 0;
  const sealed = Array.from({ length: BATCH }, (_, k) => {
    core.writeScratch(fill(SIZE, k));
    x.cryptoSeal(aead, k, ptr, HEADER, PAYLOAD);
    return core.read(ptr, SIZE);
  });
  let k = 0;
  return {
    seal(n) {
      for (let i = 0; i < n; i++) {
        x.cryptoSeal(aead, pn++, ptr, HEADER, PAYLOAD);
        x.cryptoHpMask(hp, ptr + PN_OFFSET + 4, maskAt);
      }
    },
    open(n) {
      for (let i = 0; i < n; i++) {
        k = (k + 1) % BATCH;
        core.u8.set(sealed[k], ptr);
        x.cryptoHpMask(hp, ptr + PN_OFFSET + 4, maskAt);
        if (x.cryptoOpen(aead, k, ptr, HEADER, PAYLOAD + 16) < 0) throw new Error('in-core open failed');
      }
    },
    bulk(n) {
      for (let i = 0; i < n; i++) x.cryptoSeal(aead, pn++, ptr, HEADER, BULK);
    },
  };
}

function provider(p: CryptoProvider, suite: Suite): Ops {
  const keyLen = suite === Suite.Aes128Gcm ? 16 : 32;
  const aead = p.createPacketProtector(suite, fill(keyLen, 7), fill(12, 9));
  const hpp = p.createHeaderProtector(suite, fill(keyLen, 3));
  const buf = fill(BULK + 64, 1);
  const mask = new Uint8Array(5);
  let pn = 0;
  const sealed = Array.from({ length: BATCH }, (_, k) => {
    const b = fill(SIZE, k);
    aead.seal(b, k, 0, HEADER, PAYLOAD);
    return b;
  });
  const work = new Uint8Array(SIZE);
  let k = 0;
  return {
    seal(n) {
      for (let i = 0; i < n; i++) {
        aead.seal(buf, pn++, 0, HEADER, PAYLOAD);
        hpp.mask(buf, PN_OFFSET + 4, mask, 0);
      }
    },
    open(n) {
      for (let i = 0; i < n; i++) {
        k = (k + 1) % BATCH;
        work.set(sealed[k]);
        hpp.mask(work, PN_OFFSET + 4, mask, 0);
        if (aead.open(work, k, 0, HEADER, PAYLOAD + 16) < 0) throw new Error(`${p.name} open failed`);
      }
    },
    bulk(n) {
      for (let i = 0; i < n; i++) aead.seal(buf, pn++, 0, HEADER, BULK);
    },
  };
}

/** Operations per second of `f` over one window (batches of `batch`). */
function rate(f: (n: number) => void, batch: number): number {
  let ops = 0;
  const t0 = nowNs();
  const end = t0 + BigInt(WINDOW_MS) * 1_000_000n;
  let t = t0;
  while (t < end) { f(batch); ops += batch; t = nowNs(); }
  return (ops * 1e9) / Number(t - t0);
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1];

function main(): void {
  const backends: [string, Ops][] = [
    ['in-core ChaCha20-Poly1305 (wasm SIMD)', inCore(Suite.ChaCha20Poly1305)],
    ['in-core AES-128-GCM (wasm SIMD, bitsliced)', inCore(Suite.Aes128Gcm)],
    [`${nodeCryptoProvider.name} ChaCha20-Poly1305`, provider(nodeCryptoProvider, Suite.ChaCha20Poly1305)],
    [`${nodeCryptoProvider.name} AES-128-GCM`, provider(nodeCryptoProvider, Suite.Aes128Gcm)],
    ['@noble ChaCha20-Poly1305', provider(portableCryptoProvider, Suite.ChaCha20Poly1305)],
    ['@noble AES-128-GCM', provider(portableCryptoProvider, Suite.Aes128Gcm)],
  ];
  const samples = backends.map(() => ({ seal: [] as number[], open: [] as number[], bulk: [] as number[] }));
  // Warm-up round (JIT tiers), then the measured rounds, interleaved across backends.
  for (let r = -1; r < ROUNDS; r++) {
    backends.forEach(([, ops], i) => {
      const s = { seal: rate(ops.seal, 16), open: rate(ops.open, 16), bulk: rate(ops.bulk, 2) };
      if (r >= 0) { samples[i].seal.push(s.seal); samples[i].open.push(s.open); samples[i].bulk.push(s.bulk); }
    });
  }
  const rows: BenchRow[] = [];
  const table: string[] = [];
  const us = (ops: number) => 1e6 / ops;
  const gbps = (ops: number) => (ops * BULK * 8) / 1e9;
  backends.forEach(([name], i) => {
    const s = samples[i];
    const best = { seal: us(Math.max(...s.seal)), open: us(Math.max(...s.open)), bulk: gbps(Math.max(...s.bulk)) };
    const med = { seal: us(median(s.seal)), open: us(median(s.open)), bulk: gbps(median(s.bulk)) };
    rows.push({ name: `${name}: seal + HP, ${SIZE} B`, value: med.seal, unit: 'µs/packet', extra: { best: best.seal } });
    rows.push({ name: `${name}: HP + open, ${SIZE} B`, value: med.open, unit: 'µs/packet', extra: { best: best.open } });
    rows.push({ name: `${name}: seal, ${BULK} B`, value: med.bulk, unit: 'Gbit/s', extra: { best: best.bulk } });
    table.push(`| ${name} | ${med.seal.toFixed(2)} (${best.seal.toFixed(2)}) | ${med.open.toFixed(2)} (${best.open.toFixed(2)}) | ${med.bulk.toFixed(2)} (${best.bulk.toFixed(2)}) |`);
  });
  console.log(`\n${runtimeName()}: median of ${ROUNDS} interleaved rounds (best in parentheses)\n| backend | seal + HP µs (1200 B) | HP + open µs (1200 B) | seal Gbit/s (16 KiB) |\n|---|---|---|---|\n${table.join('\n')}`);
  report('protection-core', rows, ['baseline: node:crypto in the same run; lower µs and higher Gbit/s are better']);
}

const CHROMIUM_ONLY = process.argv.includes('--chromium');
if (!CHROMIUM_ONLY) main();
else chromiumTimings(resolve(__dirname, '..')).catch((e) => console.log(`!! chromium: ${(e as Error).message.split('\n')[0]}`));

// --all: the same file under Bun and Deno too (their TypeScript loaders run it as is).
if (process.argv.includes('--all') && !('Bun' in globalThis) && !('Deno' in globalThis)) {
  const root = resolve(__dirname, '..');
  const bin = join(root, 'node_modules/.bin');
  const extra = QUICK ? ['--quick'] : [];
  for (const [cmd, args] of [[join(bin, 'bun'), []], [join(bin, 'deno'), ['run', '-A', '--unstable-sloppy-imports']]] as [string, string[]][]) {
    try {
      process.stdout.write(execFileSync(cmd, [...args, join(root, 'bench/protection-core.ts'), ...extra], { cwd: root, encoding: 'utf8', timeout: 300_000 }));
    } catch (e) {
      console.log(`!! ${cmd}: ${(e as Error).message.split('\n')[0]}`);
    }
  }
  chromiumTimings(root).catch((e) => console.log(`!! chromium: ${(e as Error).message.split('\n')[0]}`));
}

async function chromiumTimings(root: string): Promise<void> {
  const { buildOnce } = await import('../test/portability/build-once');
  const { serveHarness } = await import('../demos/browser-harness/serve');
  const { chromium } = await import('playwright-core');
  await buildOnce();
  const { server, url } = await serveHarness(0);
  const executablePath = execFileSync('sh', ['-c', 'command -v chromium || command -v chromium-browser'], { encoding: 'utf8', cwd: root }).trim();
  const browser = await chromium.launch({ executablePath, args: ['--headless', '--no-sandbox', '--disable-gpu'] });
  try {
    const page = await browser.newPage();
    await page.goto(`${url}blank.html`);
    const rounds = QUICK ? 5 : 11;
    const t = await page.evaluate(`import('/runtime-checks.mjs').then((m) => m.protectionTimings(${rounds}))`) as { name: string; sealUs: number; openUs: number; sealBestUs: number; openBestUs: number }[];
    const name = `chromium ${browser.version()}`;
    console.log(`\n${name}: median of ${rounds} interleaved rounds (best in parentheses)\n| backend | seal + HP µs (1200 B) | HP + open µs (1200 B) |\n|---|---|---|`);
    for (const r of t) console.log(`| ${r.name} | ${r.sealUs.toFixed(2)} (${r.sealBestUs.toFixed(2)}) | ${r.openUs.toFixed(2)} (${r.openBestUs.toFixed(2)}) |`);
    console.log(`BENCH_JSON ${JSON.stringify({ bench: 'protection-core', runtime: name, results: t.flatMap((r) => [
      { name: `${r.name}: seal + HP, ${SIZE} B`, value: r.sealUs, unit: 'µs/packet', extra: { best: r.sealBestUs } },
      { name: `${r.name}: HP + open, ${SIZE} B`, value: r.openUs, unit: 'µs/packet', extra: { best: r.openBestUs } },
    ]) })}`);
  } finally {
    await browser.close();
    server.close();
  }
}
