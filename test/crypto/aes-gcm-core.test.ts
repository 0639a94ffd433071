// The in-core AES (bitsliced, assembly/crypto/aes.ts), GHASH, AES-GCM AEAD and AES
// header protection: FIPS 197 vectors, the GCM spec's test cases (McGrew-Viega 1-4 for
// AES-128 and 13-16 for AES-256: the 96-bit-IV ones; 5-6 and 17-18 use other IV lengths,
// which QUIC never does, and 7-12 are AES-192), RFC 9001 A.2/A.3 through protect and
// unprotect, differential tests against node:crypto, and tampering.
import { createCipheriv } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CORE_KEY_KIND_AEAD, CORE_KEY_KIND_HP, CORE_KEY_FLAG_COMPACT, CORE_KEY_TAG } from '../../host/crypto/core-keys';
import { TableKeyInstaller } from '../../host/transport/keys';
import { portableCryptoProvider } from '../../host/crypto/portable-provider';
import { nodeCryptoProvider } from '../../host/crypto/node-provider';
import { inCoreAesGcmIsFastest } from '../../host/crypto/backend-choice';
import { Suite } from '../../host/crypto/suites';
import { fromHex, toHex } from '../helpers/hex';
import { loadTestingCore, seededRng } from '../helpers/core-crypto';
import v1 from '../vectors/rfc9001-protection.json';

const DROP = -0x10001;
const UNSUPPORTED = -0x10003;

const load = loadTestingCore;

const rng = seededRng;

const gcmName = (key: Uint8Array) => (key.length === 16 ? 'aes-128-gcm' : 'aes-256-gcm');
const suiteOf = (key: Uint8Array) => (key.length === 16 ? Suite.Aes128Gcm : Suite.Aes256Gcm);

function nodeSeal(key: Uint8Array, nonce: Uint8Array, aad: Uint8Array, pt: Uint8Array): Uint8Array {
  const c = createCipheriv(gcmName(key), key, nonce);
  c.setAAD(aad);
  return Buffer.concat([c.update(pt), c.final(), c.getAuthTag()]);
}

function nodeEcb(key: Uint8Array, blocks: Uint8Array): Uint8Array {
  const c = createCipheriv(key.length === 16 ? 'aes-128-ecb' : 'aes-256-ecb', key, null);
  c.setAutoPadding(false);
  return Buffer.concat([c.update(blocks), c.final()]);
}

function quicNonce(iv: Uint8Array, pn: number): Uint8Array {
  const n = iv.slice();
  const dv = new DataView(n.buffer);
  dv.setUint32(4, dv.getUint32(4) ^ Math.floor(pn / 2 ** 32));
  dv.setUint32(8, dv.getUint32(8) ^ (pn >>> 0));
  return n;
}

describe('AES block cipher (FIPS 197)', () => {
  const { core, x } = load();
  const ptr = core.scratchPtr;
  const ecb = (key: string, pt: string) => {
    const k = fromHex(key), p = fromHex(pt);
    core.writeScratch(k);
    core.writeScratch(p, 64);
    expect(x.probeAesEcb(ptr, k.length, ptr + 64, p.length / 16)).toBe(0);
    return toHex(core.read(ptr + 64, p.length));
  };

  test('Appendix B cipher example (AES-128)', () => {
    expect(ecb('2b7e151628aed2a6abf7158809cf4f3c', '3243f6a8885a308d313198a2e0370734')).toBe('3925841d02dc09fbdc118597196a0b32');
  });

  test('Appendix C.1 AES-128 and C.3 AES-256', () => {
    expect(ecb('000102030405060708090a0b0c0d0e0f', '00112233445566778899aabbccddeeff')).toBe('69c4e0d86a7b0430d8cdb78070b4c55a');
    expect(ecb('000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f', '00112233445566778899aabbccddeeff')).toBe('8ea2b7ca516745bfeafc49904b496089');
  });

  test('Appendix A.1 and A.3 key expansion: first and last round keys', () => {
    const rk = (key: string, r: number) => {
      const k = fromHex(key);
      core.writeScratch(k);
      expect(x.probeAesRoundKey(ptr, k.length, r, ptr + 64)).toBe(k.length === 16 ? 10 : 14);
      return toHex(core.read(ptr + 64, 16));
    };
    const k128 = '2b7e151628aed2a6abf7158809cf4f3c';
    expect(rk(k128, 0)).toBe(k128);
    expect(rk(k128, 1)).toBe('a0fafe1788542cb123a339392a6c7605');
    expect(rk(k128, 10)).toBe('d014f9a8c9ee2589e13f0cc8b6630ca6');
    const k256 = '603deb1015ca71be2b73aef0857d77811f352c073b6108d72d9810a30914dff4';
    expect(rk(k256, 1)).toBe('1f352c073b6108d72d9810a30914dff4');
    expect(rk(k256, 14)).toBe('fe4890d1e6188d0b046df344706c631e');
  });

  test('other key lengths are refused (AES-192 is not implemented)', () => {
    core.writeScratch(new Uint8Array(64));
    expect(x.probeAesEcb(ptr, 24, ptr + 32, 1)).toBe(-1);
  });

  test('random keys and blocks agree with node:crypto (every S-box input, 1..20 blocks)', () => {
    const r = rng(0x243f6a88);
    for (let i = 0; i < 60; i++) {
      const key = r.bytes(i % 2 ? 32 : 16);
      const n = 1 + r.int(20);
      const blocks = r.bytes(16 * n);
      expect(ecb(toHex(key), toHex(blocks))).toBe(toHex(nodeEcb(key, blocks)));
    }
    // All 256 byte values through the S-box in every position.
    const all = Uint8Array.from({ length: 256 * 16 }, (_, i) => (i * 17 + (i >> 8)) & 0xff);
    const key = r.bytes(16);
    expect(ecb(toHex(key), toHex(all))).toBe(toHex(nodeEcb(key, all)));
  });
});

// McGrew & Viega, "The Galois/Counter Mode of Operation (GCM)", Appendix B.
const P = 'd9313225f88406e5a55909c5aff5269a86a7a9531534f7da2e4c303d8a318a721c3c0c95956809532fcf0e2449a6b525b16aedf5aa0de657ba637b391aafd255';
const K = 'feffe9928665731c6d6a8f9467308308';
const AAD = 'feedfacedeadbeeffeedfacedeadbeefabaddad2';
const IV = 'cafebabefacedbaddecaf888';
const GCM_CASES: [string, string, string, string, string, string, string][] = [
  ['1', '00'.repeat(16), '00'.repeat(12), '', '', '', '58e2fccefa7e3061367f1d57a4e7455a'],
  ['2', '00'.repeat(16), '00'.repeat(12), '00'.repeat(16), '', '0388dace60b6a392f328c2b971b2fe78', 'ab6e47d42cec13bdf53a67b21257bddf'],
  ['3', K, IV, P, '', '42831ec2217774244b7221b784d0d49ce3aa212f2c02a4e035c17e2329aca12e21d514b25466931c7d8f6a5aac84aa051ba30b396a0aac973d58e091473f5985', '4d5c2af327cd64a62cf35abd2ba6fab4'],
  ['4', K, IV, P.slice(0, 120), AAD, '42831ec2217774244b7221b784d0d49ce3aa212f2c02a4e035c17e2329aca12e21d514b25466931c7d8f6a5aac84aa051ba30b396a0aac973d58e091', '5bc94fbc3221a5db94fae95ae7121a47'],
  ['13', '00'.repeat(32), '00'.repeat(12), '', '', '', '530f8afbc74536b9a963b4f1c4cb738b'],
  ['14', '00'.repeat(32), '00'.repeat(12), '00'.repeat(16), '', 'cea7403d4d606b6e074ec5d3baf39d18', 'd0d1c8a799996bf0265b98b5d48ab919'],
  ['15', K + K, IV, P, '', '522dc1f099567d07f47f37a32a84427d643a8cdcbfe5c0c97598a2bd2555d1aa8cb08e48590dbb3da7b08b1056828838c5f61e6393ba7a0abcc9f662898015ad', 'b094dac5d93471bdec1a502270e3cc6c'],
  ['16', K + K, IV, P.slice(0, 120), AAD, '522dc1f099567d07f47f37a32a84427d643a8cdcbfe5c0c97598a2bd2555d1aa8cb08e48590dbb3da7b08b1056828838c5f61e6393ba7a0abcc9f662', '76fc6ece0f4e1768cddf8853bb2d551b'],
];

describe('GCM test cases (the nonce is the iv at packet number 0)', () => {
  const { core, x, slots } = load();
  for (const [name, key, iv, pt, aad, ct, tag] of GCM_CASES) {
    test(`test case ${name} (AES-${key.length * 4}${aad ? ', with AAD' : ''})`, () => {
      const k = fromHex(key), a = fromHex(aad), p = fromHex(pt);
      const h = slots.installAead(suiteOf(k), k, fromHex(iv));
      expect(h).toBeGreaterThan(0);
      const at = core.writeScratch(a, 256);
      core.writeScratch(p, 256 + a.length);
      expect(x.cryptoSeal(h, 0, at, a.length, p.length)).toBe(p.length + 16);
      expect(toHex(core.read(at + a.length, p.length + 16))).toBe(ct + tag);
      expect(x.cryptoOpen(h, 0, at, a.length, p.length + 16)).toBe(p.length);
      expect(toHex(core.read(at + a.length, p.length))).toBe(pt);
      slots.release(h);
    });
  }
  test('all keys released', () => expect(slots.count).toBe(0));
});

describe('RFC 9001 A.2-A.3: Initial packets with AES-128-GCM and AES header protection in the core', () => {
  const { core, x, slots } = load();
  const ptr = core.scratchPtr;
  const keys = (side: { key: string; iv: string; hp: string }) => ({
    aead: slots.installAead(Suite.Aes128Gcm, fromHex(side.key), fromHex(side.iv)),
    hp: slots.installHp(Suite.Aes128Gcm, fromHex(side.hp)),
  });
  const client = keys(v1.client), server = keys(v1.server);

  test('the client hp key gives the RFC mask for the RFC sample (A.2)', () => {
    core.writeScratch(fromHex('d1b1c98dd7689fb8ec11d242b123dc9b'));
    expect(x.cryptoHpMask(client.hp, ptr, ptr + 32)).toBe(0);
    expect(toHex(core.read(ptr + 32, 5))).toBe('437b9aec36');
  });

  for (const [name, p, k] of [['client', v1.clientInitial, client], ['server', v1.serverInitial, server]] as const) {
    test(`${name} Initial protects to the RFC bytes exactly and unprotects back`, () => {
      const header = fromHex(p.header);
      const payload = new Uint8Array(p.payloadLength);
      payload.set(fromHex(p.payload));
      core.writeScratch(header);
      core.writeScratch(payload, header.length);
      const n = x.probeProtect(ptr, header.length, p.pnOffset, p.pnLength, BigInt(p.pn), payload.length, k.aead, k.hp);
      expect(toHex(core.read(ptr, n))).toBe(p.protected);
      expect(x.probeUnprotect(ptr, n, p.pnOffset, -1n, k.aead, k.hp)).toBe(payload.length);
      expect(core.result(0)).toBe(BigInt(p.pn));
      expect(toHex(core.read(ptr, header.length + payload.length))).toBe(p.header + toHex(payload));
    });
  }
});

describe('differential against node:crypto', () => {
  const { core, x, slots } = load();
  const r = rng(0x9e3779b9);
  const ptr = core.scratchPtr;

  const check = (keyLen: number, len: number) => {
    const key = r.bytes(keyLen), iv = r.bytes(12), aad = r.bytes(r.int(64)), pt = r.bytes(len);
    const pn = r.int(2 ** 31) * (r.int(4) === 0 ? 1024 : 1);
    const h = slots.installAead(suiteOf(key), key, iv);
    core.writeScratch(aad);
    core.writeScratch(pt, aad.length);
    expect(x.cryptoSeal(h, pn, ptr, aad.length, len)).toBe(len + 16);
    expect(toHex(core.read(ptr + aad.length, len + 16))).toBe(toHex(nodeSeal(key, quicNonce(iv, pn), aad, pt)));
    expect(x.cryptoOpen(h, pn, ptr, aad.length, len + 16)).toBe(len);
    expect(toHex(core.read(ptr + aad.length, len))).toBe(toHex(pt));
    slots.release(h);
  };

  for (const keyLen of [16, 32]) {
    test(`AES-${keyLen * 8}-GCM seal and open, every length 0..300`, () => {
      for (let len = 0; len <= 300; len++) check(keyLen, len);
    });
    test(`AES-${keyLen * 8}-GCM seal and open, random lengths up to 2000 and large ones`, () => {
      for (let i = 0; i < 60; i++) check(keyLen, r.int(2001));
      for (const len of [1162, 1200, 1452, 2000, 16384, 65000]) check(keyLen, len);
    });
    test(`AES-${keyLen * 8} header protection masks match AES-ECB of the sample`, () => {
      for (let i = 0; i < 50; i++) {
        const hpKey = r.bytes(keyLen), sample = r.bytes(16);
        const h = slots.installHp(suiteOf(hpKey), hpKey);
        core.writeScratch(sample);
        expect(x.cryptoHpMask(h, ptr, ptr + 32)).toBe(0);
        expect(toHex(core.read(ptr + 32, 5))).toBe(toHex(nodeEcb(hpKey, sample).subarray(0, 5)));
        slots.release(h);
      }
    });
  }
  test('all keys released', () => expect(slots.count).toBe(0));
});

describe('tampering and the key table', () => {
  const { core, x, slots } = load();
  const ptr = core.scratchPtr;

  for (const keyLen of [16, 32]) {
    test(`AES-${keyLen * 8}-GCM: every flipped bit of AAD, ciphertext or tag fails to open and leaves the buffer as it was`, () => {
      const r = rng(keyLen);
      const key = r.bytes(keyLen), iv = r.bytes(12), aad = r.bytes(21), pt = r.bytes(150);
      const h = slots.installAead(suiteOf(key), key, iv);
      core.writeScratch(aad);
      core.writeScratch(pt, aad.length);
      const total = aad.length + pt.length + 16;
      x.cryptoSeal(h, 7, ptr, aad.length, pt.length);
      const sealed = core.read(ptr, total);
      const opened: number[] = [], changed: number[] = [];
      for (let bit = 0; bit < total * 8; bit++) {
        const bad = sealed.slice();
        bad[bit >> 3] ^= 1 << (bit & 7);
        core.writeScratch(bad);
        if (x.cryptoOpen(h, 7, ptr, aad.length, pt.length + 16) !== DROP) opened.push(bit);
        if (Buffer.compare(core.read(ptr, total), bad) !== 0) changed.push(bit);
      }
      expect({ opened, changed }).toEqual({ opened: [], changed: [] });
      // Wrong packet number, truncated: also dropped.
      core.writeScratch(sealed);
      expect(x.cryptoOpen(h, 8, ptr, aad.length, pt.length + 16)).toBe(DROP);
      expect(x.cryptoOpen(h, 7, ptr, aad.length, pt.length + 15)).toBe(DROP);
      expect(x.cryptoOpen(h, 7, ptr, aad.length, 15)).toBe(DROP);
      expect(core.read(ptr, total)).toEqual(sealed);
      expect(x.cryptoOpen(h, 7, ptr, aad.length, pt.length + 16)).toBe(pt.length);
      expect(core.read(ptr + aad.length, pt.length)).toEqual(pt);
      slots.release(h);
    });
  }

  test('install checks kind, suite and length per suite', () => {
    const ok: [number, number, number][] = [[CORE_KEY_KIND_AEAD, Suite.Aes128Gcm, 28], [CORE_KEY_KIND_AEAD, Suite.Aes256Gcm, 44], [CORE_KEY_KIND_HP, Suite.Aes128Gcm, 16], [CORE_KEY_KIND_HP, Suite.Aes256Gcm, 32]];
    const bad: [number, number, number][] = [[CORE_KEY_KIND_AEAD, Suite.Aes128Gcm, 44], [CORE_KEY_KIND_HP, Suite.Aes128Gcm, 32], [CORE_KEY_KIND_AEAD, Suite.Aes256Gcm, 28], [CORE_KEY_KIND_HP, Suite.Aes256Gcm, 16], [3, Suite.Aes128Gcm, 16], [CORE_KEY_KIND_HP, 3, 16]];
    for (const [kind, suite, len] of bad) {
      core.writeScratch(new Uint8Array(len).fill(1));
      expect(x.cryptoKeyInstall(kind, suite, len)).toBe(UNSUPPORTED);
    }
    const handles = ok.map(([kind, suite, len]) => {
      core.writeScratch(new Uint8Array(len).fill(1));
      const h = x.cryptoKeyInstall(kind, suite, len);
      expect(h).toBeGreaterThan(0);
      // The door wipes the key material from scratch.
      expect(core.read(ptr, len)).toEqual(new Uint8Array(len));
      return h;
    });
    expect(slots.count).toBe(4);
    // An HP handle is not an AEAD key and vice versa.
    expect(x.cryptoSeal(handles[2], 0, ptr, 0, 0)).toBeLessThan(0);
    expect(x.cryptoHpMask(handles[0], ptr, ptr + 32)).toBeLessThan(0);
    for (const h of handles) slots.release(h);
    expect(slots.count).toBe(0);
  });

  test('many AES keys installed and released: the table grows and every extension block is returned', () => {
    const round = () => {
      const hs = Array.from({ length: 300 }, (_, i) => slots.installAead(i % 2 ? Suite.Aes256Gcm : Suite.Aes128Gcm, new Uint8Array(i % 2 ? 32 : 16).fill(i), new Uint8Array(12)));
      for (const h of hs) expect(h).toBeGreaterThan(0);
      expect(slots.count).toBe(300);
      for (const h of hs) slots.release(h);
      expect(slots.count).toBe(0);
    };
    round();
    const after1 = core.exports.memory.buffer.byteLength;
    // 30 more rounds would leak 30 x 300 x 288 B = 2.6 MB of extension blocks if release kept them.
    for (let i = 0; i < 30; i++) round();
    expect(core.exports.memory.buffer.byteLength).toBe(after1);
  });
});

describe('compact AES keys (Initial keys: bytes in the slot, expanded per packet)', () => {
  const { core, x, slots } = load();
  const ptr = core.scratchPtr;
  const r = rng(0x51ed270b);

  test("the host's flag matches assembly/crypto/keys.ts", () => {
    const src = readFileSync(join(__dirname, '../../assembly/crypto/keys.ts'), 'utf8');
    expect(src).toContain(`KEY_FLAG_COMPACT: i32 = 0x${CORE_KEY_FLAG_COMPACT.toString(16)};`);
  });

  for (const keyLen of [16, 32]) {
    test(`AES-${keyLen * 8}: a compact key seals, opens and masks exactly as an expanded one`, () => {
      for (let i = 0; i < 20; i++) {
        const key = r.bytes(keyLen), iv = r.bytes(12), hpKey = r.bytes(keyLen), aad = r.bytes(r.int(40)), pt = r.bytes(r.int(1500));
        const pn = r.int(2 ** 30);
        const full = slots.installAead(suiteOf(key), key, iv), small = slots.installAead(suiteOf(key), key, iv, true);
        const fullHp = slots.installHp(suiteOf(key), hpKey), smallHp = slots.installHp(suiteOf(key), hpKey, true);
        const sealWith = (h: number) => {
          core.writeScratch(aad);
          core.writeScratch(pt, aad.length);
          expect(x.cryptoSeal(h, pn, ptr, aad.length, pt.length)).toBe(pt.length + 16);
          return toHex(core.read(ptr, aad.length + pt.length + 16));
        };
        const a = sealWith(full);
        expect(sealWith(small)).toBe(a);
        expect(x.cryptoOpen(small, pn, ptr, aad.length, pt.length + 16)).toBe(pt.length);
        expect(toHex(core.read(ptr + aad.length, pt.length))).toBe(toHex(pt));
        core.writeScratch(fromHex(a));
        core.u8[ptr + aad.length] ^= 1;
        expect(x.cryptoOpen(small, pn, ptr, aad.length, pt.length + 16)).toBe(DROP);
        const sample = r.bytes(16);
        core.writeScratch(sample);
        x.cryptoHpMask(smallHp, ptr, ptr + 32);
        x.cryptoHpMask(fullHp, ptr, ptr + 48);
        expect(toHex(core.read(ptr + 32, 5))).toBe(toHex(nodeEcb(hpKey, sample).subarray(0, 5)));
        expect(toHex(core.read(ptr + 48, 5))).toBe(toHex(core.read(ptr + 32, 5)));
        for (const h of [full, small, fullHp, smallHp]) slots.release(h);
      }
      expect(slots.count).toBe(0);
    });
  }

  test('the compact flag is refused with other kind bits', () => {
    core.writeScratch(new Uint8Array(28));
    expect(x.cryptoKeyInstall(CORE_KEY_KIND_AEAD | 0x200, Suite.Aes128Gcm, 28)).toBe(UNSUPPORTED);
    expect(x.cryptoKeyInstall(CORE_KEY_KIND_AEAD | CORE_KEY_FLAG_COMPACT, Suite.Aes128Gcm, 28)).toBeGreaterThan(0);
  });
});

describe('the key installer an endpoint uses', () => {
  test('which providers get the in-core AES-GCM: the portable one, and node:crypto under Deno only', () => {
    expect(inCoreAesGcmIsFastest(portableCryptoProvider)).toBe(true);
    expect(inCoreAesGcmIsFastest(nodeCryptoProvider)).toBe(false);
    expect(inCoreAesGcmIsFastest({ ...portableCryptoProvider, name: 'wrapped' })).toBe(false);
    const g = globalThis as { Deno?: unknown };
    g.Deno = {};
    try {
      expect(inCoreAesGcmIsFastest(nodeCryptoProvider)).toBe(true);
    } finally {
      delete g.Deno;
    }
  });

  test('with the portable provider, Initial and handshake AES keys land in the core, protect to the RFC bytes, and are freed', () => {
    const { core, x, slots, table } = load();
    table.bindCore(slots);
    const keys = new TableKeyInstaller(portableCryptoProvider, table);
    const { write, read } = keys.initial(1, fromHex(v1.dcid), false);
    for (const h of [write.aead, write.hp, read.aead, read.hp]) expect(h & CORE_KEY_TAG).toBe(CORE_KEY_TAG);
    // One compact slot per direction holds its AEAD and header protection keys.
    expect(write.hp).toBe(write.aead);
    expect(read.hp).toBe(read.aead);
    expect(slots.count).toBe(2);
    // Such a slot is AES-128 and compact only: anything else is refused at the door (-ERR_UNSUPPORTED).
    const UNSUPPORTED = -0x10003;
    const install = (slots.core.exports as unknown as { cryptoKeyInstall(k: number, s: number, l: number): number }).cryptoKeyInstall;
    expect(install(3, Suite.Aes128Gcm, 44)).toBe(UNSUPPORTED);
    expect(install(3 | 0x100, Suite.Aes256Gcm, 44)).toBe(UNSUPPORTED);
    expect(install(3 | 0x100, Suite.ChaCha20Poly1305, 44)).toBe(UNSUPPORTED);
    expect(install(3 | 0x100, Suite.Aes128Gcm, 28)).toBe(UNSUPPORTED);
    expect(slots.count).toBe(2);
    const ptr = core.scratchPtr;
    const p = v1.clientInitial;
    const payload = new Uint8Array(p.payloadLength);
    payload.set(fromHex(p.payload));
    core.writeScratch(fromHex(p.header));
    core.writeScratch(payload, p.header.length / 2);
    const n = x.probeProtect(ptr, p.header.length / 2, p.pnOffset, p.pnLength, BigInt(p.pn), payload.length, write.aead, write.hp);
    expect(toHex(core.read(ptr, n))).toBe(p.protected);
    // The server Initial opens with the client's read keys.
    core.writeScratch(fromHex(v1.serverInitial.protected));
    expect(x.probeUnprotect(ptr, v1.serverInitial.protected.length / 2, v1.serverInitial.pnOffset, -1n, read.aead, read.hp)).toBeGreaterThan(0);
    const hs = keys.fromSecret(1, Suite.Aes256Gcm, fromHex(v1.client.secret + v1.client.secret.slice(0, 32)));
    const next = keys.nextGeneration(1, Suite.Aes128Gcm, fromHex(v1.client.secret));
    for (const h of [hs.aead, hs.hp, next.aead]) expect(h & CORE_KEY_TAG).toBe(CORE_KEY_TAG);
    keys.release(write);
    keys.release(read);
    keys.release(hs);
    keys.releaseAead(next.aead);
    expect(table.size).toBe(0);
  });

  test('with node:crypto AES keys stay in the host table but Initial keys go to the core (compact); inCoreAesGcm: false keeps both in the host; ChaCha20 always in the core', () => {
    const { slots, table } = load();
    table.bindCore(slots);
    for (const [keys, initialInCore] of [[new TableKeyInstaller(nodeCryptoProvider, table), true], [new TableKeyInstaller(portableCryptoProvider, table, { inCoreAesGcm: false }), false]] as const) {
      const i = keys.initial(1, fromHex(v1.dcid), true);
      for (const h of [i.read.aead, i.read.hp, i.write.aead, i.write.hp]) expect(h & CORE_KEY_TAG).toBe(initialInCore ? CORE_KEY_TAG : 0);
      const hs = keys.fromSecret(1, Suite.Aes128Gcm, fromHex(v1.client.secret));
      for (const h of [hs.aead, hs.hp]) expect(h & CORE_KEY_TAG).toBe(0);
      const cc = keys.fromSecret(1, Suite.ChaCha20Poly1305, fromHex(v1.chacha.secret));
      expect(cc.aead & CORE_KEY_TAG).toBe(CORE_KEY_TAG);
      for (const h of [i.read, i.write, hs, cc]) keys.release(h);
    }
    expect(table.size).toBe(0);
  });
});
