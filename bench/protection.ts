// Packet protection per 1200-byte packet, in µs: seal + header-protection mask, and
// mask + open, per suite and backend, as the core calls the host per packet. Each
// backend runs next to its baseline in the same run, interleaved round by round (the
// machine is shared and noisy: compare within a run, read the medians):
//   node:crypto, objects per packet  a new AES-ECB / chacha20 cipher object per mask
//                                    (what the profile saw: 8.5 % of the stack)
//   node:crypto (before)             ECB object reused per key, chacha20 object per mask
//   node:crypto                      the provider now: ECB reused, ChaCha20 mask in JS
//   portable (before)                @noble/ciphers, its chacha20() per mask
//   portable                         the provider now
// The AEAD itself needs one createCipheriv per packet under node:crypto: Node 20 cannot
// give a GCM or ChaCha20-Poly1305 cipher object a new nonce (no re-init API), so the
// AEAD half is the same in every node:crypto row.
//   npx tsx bench/protection.ts [--quick]

import { createCipheriv, createSecretKey } from 'node:crypto';
import { chacha20 } from '@noble/ciphers/chacha.js';
import { nodeCryptoProvider } from '../host/crypto/node-provider';
import { portableCryptoProvider } from '../host/crypto/portable-provider';
import { Suite } from '../host/crypto/suites';
import type { CryptoProvider, HeaderProtector, PacketProtector } from '../host/crypto/provider';
import { nowNs, report, type BenchRow } from './lib';

const quick = process.argv.includes('--quick');
const SIZE = 1200;
const HEADER = 25;
const PAYLOAD = SIZE - HEADER - 16;
const ROUNDS = quick ? 5 : 11;
const PER_ROUND = quick ? 300 : 1000;
const SUITES: [string, Suite, number][] = [['AES-128-GCM', Suite.Aes128Gcm, 16], ['AES-256-GCM', Suite.Aes256Gcm, 32], ['ChaCha20-Poly1305', Suite.ChaCha20Poly1305, 32]];

/** A new node:crypto cipher object per mask (the baseline without reuse). */
class PerPacketHp implements HeaderProtector {
  private readonly key;
  private static readonly zeros = new Uint8Array(5);
  constructor(private readonly suite: Suite, hp: Uint8Array) {
    this.key = createSecretKey(hp);
  }
  mask(buf: Uint8Array, s: number, out: Uint8Array, o: number): void {
    let block: Uint8Array;
    if (this.suite === Suite.ChaCha20Poly1305) block = createCipheriv('chacha20', this.key, buf.subarray(s, s + 16)).update(PerPacketHp.zeros);
    else {
      const c = createCipheriv(this.suite === Suite.Aes128Gcm ? 'aes-128-ecb' : 'aes-256-ecb', this.key, null);
      c.setAutoPadding(false);
      block = c.update(buf.subarray(s, s + 16));
    }
    for (let i = 0; i < 5; i++) out[o + i] = block[i];
  }
}

/** @noble/ciphers chacha20() per mask: the portable ChaCha20 mask before chacha-block.ts. */
class NobleChaChaHp implements HeaderProtector {
  private readonly block = new Uint8Array(5);
  constructor(private readonly hp: Uint8Array) {}
  mask(buf: Uint8Array, s: number, out: Uint8Array, o: number): void {
    const counter = (buf[s] | (buf[s + 1] << 8) | (buf[s + 2] << 16) | (buf[s + 3] << 24)) >>> 0;
    this.block.fill(0);
    chacha20(this.hp, buf.slice(s + 4, s + 16), this.block, this.block, counter);
    for (let i = 0; i < 5; i++) out[o + i] = this.block[i];
  }
}

interface Variant { name: string; provider: CryptoProvider; hp: (suite: Suite, key: Uint8Array) => HeaderProtector }
const VARIANTS: Variant[] = [
  { name: 'node:crypto, objects per packet', provider: nodeCryptoProvider, hp: (s, k) => new PerPacketHp(s, k) },
  { name: 'node:crypto (before)', provider: nodeCryptoProvider, hp: (s, k) => (s === Suite.ChaCha20Poly1305 ? new PerPacketHp(s, k) : nodeCryptoProvider.createHeaderProtector(s, k)) },
  { name: 'node:crypto', provider: nodeCryptoProvider, hp: (s, k) => nodeCryptoProvider.createHeaderProtector(s, k) },
  { name: 'portable (before)', provider: portableCryptoProvider, hp: (s, k) => (s === Suite.ChaCha20Poly1305 ? new NobleChaChaHp(k) : portableCryptoProvider.createHeaderProtector(s, k)) },
  { name: 'portable', provider: portableCryptoProvider, hp: (s, k) => portableCryptoProvider.createHeaderProtector(s, k) },
];

interface Case { label: string; seal: () => void; open: () => void; hpOnly: () => void }

function makeCase(v: Variant, suite: Suite, keyLen: number): Case {
  const key = new Uint8Array(keyLen).fill(7), iv = new Uint8Array(12).fill(9), hpKey = new Uint8Array(keyLen).fill(3);
  const aead: PacketProtector = v.provider.createPacketProtector(suite, key, iv);
  const hp = v.hp(suite, hpKey);
  const buf = new Uint8Array(SIZE + 64);
  const mask = new Uint8Array(5);
  let pn = 0;
  // Open needs genuine ciphertexts: seal a batch once, open copies of them.
  const batch = 64;
  const sealed = Array.from({ length: batch }, (_, i) => {
    const b = new Uint8Array(SIZE + 64);
    aead.seal(b, i, 0, HEADER, PAYLOAD);
    return b;
  });
  const work = new Uint8Array(SIZE + 64);
  let k = 0;
  return {
    label: v.name,
    seal: () => {
      aead.seal(buf, pn++, 0, HEADER, PAYLOAD);
      hp.mask(buf, HEADER + 4, mask, 0);
    },
    open: () => {
      const i = k++ % batch;
      work.set(sealed[i]);
      hp.mask(work, HEADER + 4, mask, 0);
      if (aead.open(work, i, 0, HEADER, PAYLOAD + 16) < 0) throw new Error('open failed');
    },
    hpOnly: () => hp.mask(buf, HEADER + 4, mask, 0),
  };
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[s.length >> 1];
}

function timeUs(fn: () => void, n: number): number {
  const t0 = nowNs();
  for (let i = 0; i < n; i++) fn();
  return Number(nowNs() - t0) / n / 1000;
}

const rows: BenchRow[] = [];
const lines: string[] = [];
for (const [sname, suite, keyLen] of SUITES) {
  const cases = VARIANTS.map((v) => makeCase(v, suite, keyLen));
  const samples = cases.map(() => ({ seal: [] as number[], open: [] as number[], hp: [] as number[] }));
  for (const c of cases) { timeUs(c.seal, 200); timeUs(c.open, 200); timeUs(c.hpOnly, 200); } // warm-up
  for (let r = 0; r < ROUNDS; r++) {
    cases.forEach((c, i) => {
      samples[i].seal.push(timeUs(c.seal, PER_ROUND));
      samples[i].open.push(timeUs(c.open, PER_ROUND));
      samples[i].hp.push(timeUs(c.hpOnly, PER_ROUND));
    });
  }
  cases.forEach((c, i) => {
    const seal = median(samples[i].seal), open = median(samples[i].open), hp = median(samples[i].hp);
    lines.push(`  ${sname.padEnd(18)} ${c.label.padEnd(32)} ${seal.toFixed(2).padStart(8)} ${open.toFixed(2).padStart(8)} ${hp.toFixed(2).padStart(8)}`);
    rows.push({ name: `${sname} ${c.label}: seal + HP`, value: seal, unit: 'µs/packet', extra: { suite: sname, backend: c.label, op: 'seal+hp' } });
    rows.push({ name: `${sname} ${c.label}: HP + open`, value: open, unit: 'µs/packet', extra: { suite: sname, backend: c.label, op: 'hp+open' } });
    rows.push({ name: `${sname} ${c.label}: HP mask alone`, value: hp, unit: 'µs/packet', extra: { suite: sname, backend: c.label, op: 'hp' } });
  });
}

console.log(`\n${'suite'.padEnd(20)} ${'backend'.padEnd(32)} ${'seal+HP'.padStart(8)} ${'HP+open'.padStart(8)} ${'HP only'.padStart(8)}   (µs per ${SIZE}-byte packet, median of ${ROUNDS} rounds × ${PER_ROUND})`);
for (const l of lines) console.log(l);
report('protection', rows, ['baselines measured in the same run, interleaved; node:crypto AEAD is one createCipheriv per packet in every node row (no re-nonce API in Node 20)']);
