// Packet protection cost per backend and cipher suite: 1200-byte packets sealed and
// opened per second (AEAD + header protection mask, as the core does per packet), in
// place on one buffer, the way the core's seam calls the provider.
//   npx tsx bench/crypto.ts
import { nodeCryptoProvider } from '../host/crypto/node-provider';
import { portableCryptoProvider } from '../host/crypto/portable-provider';
import { Suite } from '../host/crypto/suites';
import type { CryptoProvider } from '../host/crypto/provider';
import { opsPerSecond, report, type BenchRow } from './lib';

const SIZE = 1200;
const HEADER = 25;
const SUITES: [string, Suite, number][] = [['AES-128-GCM', Suite.Aes128Gcm, 16], ['AES-256-GCM', Suite.Aes256Gcm, 32], ['ChaCha20-Poly1305', Suite.ChaCha20Poly1305, 32]];

function measure(provider: CryptoProvider, suite: Suite, keyLen: number): { seal: number; open: number } {
  const key = new Uint8Array(keyLen).fill(7), iv = new Uint8Array(12).fill(9), hp = new Uint8Array(keyLen).fill(3);
  const aead = provider.createPacketProtector(suite, key, iv);
  const hpp = provider.createHeaderProtector(suite, hp);
  const buf = new Uint8Array(SIZE + 64);
  const payload = SIZE - HEADER - 16;
  const mask = new Uint8Array(5);
  let pn = 0;
  const seal = opsPerSecond((n) => {
    for (let i = 0; i < n; i++) {
      aead.seal(buf, pn++, 0, HEADER, payload);
      hpp.mask(buf, HEADER + 4, mask, 0);
    }
  }, 200);
  // Open needs genuine ciphertexts: seal a batch, then time opening them.
  const batch = 256;
  const sealed = Array.from({ length: batch }, (_, i) => {
    const b = new Uint8Array(SIZE + 64);
    aead.seal(b, i, 0, HEADER, payload);
    return b;
  });
  const work = new Uint8Array(SIZE + 64);
  const open = opsPerSecond((n) => {
    for (let i = 0; i < n; i++) {
      const k = i % batch;
      work.set(sealed[k]);
      hpp.mask(work, HEADER + 4, mask, 0);
      if (aead.open(work, k, 0, HEADER, payload + 16) < 0) throw new Error('open failed');
    }
  }, 200);
  return { seal, open };
}

const rows: BenchRow[] = [];
for (const [pname, provider] of [['node:crypto', nodeCryptoProvider], ['portable (@noble)', portableCryptoProvider]] as const) {
  for (const [sname, suite, keyLen] of SUITES) {
    const r = measure(provider, suite, keyLen);
    rows.push({ name: `${pname} ${sname}: seal + HP mask, ${SIZE} B`, value: r.seal, unit: 'packets/s' });
    rows.push({ name: `${pname} ${sname}: HP mask + open, ${SIZE} B`, value: r.open, unit: 'packets/s' });
  }
}
report('crypto', rows, ['per packet, one AEAD call and one header-protection call (what the core asks of the host today)']);
