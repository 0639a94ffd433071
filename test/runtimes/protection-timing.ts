// Packet protection timing that runs in any runtime, Chromium included (it is part of the
// runtime-checks bundle): µs per 1200-byte packet for seal + header protection and for
// header protection + open, with the in-core ChaCha20 and AES-128-GCM and with providers, interleaved
// in short windows and summarised as median and best. bench/protection-core.ts --all
// runs it in headless Chromium; it asserts nothing.

import { instantiateCore } from '../../host/core/core';
import { CoreKeySlots } from '../../host/crypto/core-keys';
import type { CryptoProvider } from '../../host/crypto/provider';
import { Suite } from '../../host/crypto/suites';

export interface Timing { name: string; sealUs: number; openUs: number; sealBestUs: number; openBestUs: number }

const SIZE = 1200, HEADER = 25, PN_OFFSET = 21, PAYLOAD = SIZE - HEADER - 16, BATCH = 64, WINDOW_MS = 40;

interface Ops { seal(n: number): void; open(n: number): void }

const fill = (n: number, seed: number) => Uint8Array.from({ length: n }, (_, i) => (i * 31 + seed) & 0xff);

function inCore(module: WebAssembly.Module, suite: Suite): Ops {
  const core = instantiateCore(module);
  const slots = new CoreKeySlots(core);
  const x = slots.doors;
  const keyLen = suite === Suite.Aes128Gcm ? 16 : 32;
  const aead = slots.installAead(suite, fill(keyLen, 7), fill(12, 9));
  const hp = slots.installHp(suite, fill(keyLen, 3));
  if (aead < 0 || hp < 0) throw new Error('this core has no in-core ' + Suite[suite]);
  const ptr = core.scratchPtr, maskAt = ptr + 60_000;
  const sealed = Array.from({ length: BATCH }, (_, k) => {
    core.writeScratch(fill(SIZE, k));
    x.cryptoSeal(aead, k, ptr, HEADER, PAYLOAD);
    return core.read(ptr, SIZE);
  });
  let pn = 0, k = 0;
  return {
    seal(n) { for (let i = 0; i < n; i++) { x.cryptoSeal(aead, pn++, ptr, HEADER, PAYLOAD); x.cryptoHpMask(hp, ptr + PN_OFFSET + 4, maskAt); } },
    open(n) {
      for (let i = 0; i < n; i++) {
        k = (k + 1) % BATCH;
        core.u8.set(sealed[k], ptr);
        x.cryptoHpMask(hp, ptr + PN_OFFSET + 4, maskAt);
        if (x.cryptoOpen(aead, k, ptr, HEADER, PAYLOAD + 16) < 0) throw new Error('in-core open failed');
      }
    },
  };
}

function provider(p: CryptoProvider, suite: Suite): Ops {
  const keyLen = suite === Suite.Aes128Gcm ? 16 : 32;
  const aead = p.createPacketProtector(suite, fill(keyLen, 7), fill(12, 9));
  const hpp = p.createHeaderProtector(suite, fill(keyLen, 3));
  const buf = fill(SIZE, 1), mask = new Uint8Array(5), work = new Uint8Array(SIZE);
  const sealed = Array.from({ length: BATCH }, (_, k) => { const b = fill(SIZE, k); aead.seal(b, k, 0, HEADER, PAYLOAD); return b; });
  let pn = 0, k = 0;
  return {
    seal(n) { for (let i = 0; i < n; i++) { aead.seal(buf, pn++, 0, HEADER, PAYLOAD); hpp.mask(buf, PN_OFFSET + 4, mask, 0); } },
    open(n) {
      for (let i = 0; i < n; i++) {
        k = (k + 1) % BATCH;
        work.set(sealed[k]);
        hpp.mask(work, PN_OFFSET + 4, mask, 0);
        if (aead.open(work, k, 0, HEADER, PAYLOAD + 16) < 0) throw new Error(`${p.name} open failed`);
      }
    },
  };
}

function rate(f: (n: number) => void): number {
  let ops = 0;
  const t0 = performance.now();
  let t = t0;
  while (t - t0 < WINDOW_MS) { f(8); ops += 8; t = performance.now(); }
  return (ops * 1000) / (t - t0);
}

/** The in-core ChaCha20 and AES-128-GCM (from `module`) and each provider/suite, `rounds` interleaved rounds after one warm-up. */
export function protectionTiming(module: WebAssembly.Module, providers: [string, CryptoProvider, Suite][], rounds = 9): Timing[] {
  const all: [string, Ops][] = [
    ['in-core ChaCha20-Poly1305 (wasm SIMD)', inCore(module, Suite.ChaCha20Poly1305)],
    ['in-core AES-128-GCM (wasm SIMD, bitsliced)', inCore(module, Suite.Aes128Gcm)],
    ...providers.map(([n, p, s]) => [n, provider(p, s)] as [string, Ops])];
  const seal = all.map(() => [] as number[]), open = all.map(() => [] as number[]);
  for (let r = -1; r < rounds; r++) {
    all.forEach(([, ops], i) => {
      const s = rate(ops.seal), o = rate(ops.open);
      if (r >= 0) { seal[i].push(s); open[i].push(o); }
    });
  }
  const med = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1];
  return all.map(([name], i) => ({
    name, sealUs: 1e6 / med(seal[i]), openUs: 1e6 / med(open[i]), sealBestUs: 1e6 / Math.max(...seal[i]), openBestUs: 1e6 / Math.max(...open[i]),
  }));
}
