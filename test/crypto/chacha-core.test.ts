// The in-core ChaCha20, Poly1305, AEAD and header protection (assembly/crypto/): RFC 8439
// and RFC 9001 A.5 vectors, and differential tests against node:crypto over every
// length 0..300 and some large ones (random keys, nonces and AAD from a fixed seed).
import { createCipheriv } from 'node:crypto';
import { loadCoreNode } from '../../host/core/node-loader';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CoreKeySlots, CORE_KEY_KIND_AEAD, CORE_KEY_KIND_HP, CORE_KEY_TAG } from '../../host/crypto/core-keys';
import { TableKeyInstaller } from '../../host/transport/keys';
import { portableCryptoProvider } from '../../host/crypto/portable-provider';
import { Suite } from '../../host/crypto/suites';
import { poly1305 as noblePoly1305 } from '@noble/ciphers/_poly1305.js';
import { fromHex, toHex } from '../helpers/hex';
import { loadTestingCore, seededRng } from '../helpers/core-crypto';
import v from '../vectors/rfc8439.json';
import v1 from '../vectors/rfc9001-protection.json';

const DROP = -0x10001;
const TOO_SMALL = -0x10002;
const INTERNAL = -0x01;
const UNSUPPORTED = -0x10003;
const text = (s: string) => new TextEncoder().encode(s);

const load = loadTestingCore;

const rng = seededRng;

function nodeSeal(key: Uint8Array, nonce: Uint8Array, aad: Uint8Array, pt: Uint8Array): Uint8Array {
  const c = createCipheriv('chacha20-poly1305', key, nonce, { authTagLength: 16 });
  c.setAAD(aad, { plaintextLength: pt.length });
  return Buffer.concat([c.update(pt), c.final(), c.getAuthTag()]);
}

function quicNonce(iv: Uint8Array, pn: number): Uint8Array {
  const n = iv.slice();
  const hi = Math.floor(pn / 2 ** 32), lo = pn >>> 0;
  const dv = new DataView(n.buffer);
  dv.setUint32(4, dv.getUint32(4) ^ hi);
  dv.setUint32(8, dv.getUint32(8) ^ lo);
  return n;
}

describe('RFC 8439 vectors', () => {
  const { core, x, slots } = load();
  const ptr = core.scratchPtr;

  test('§2.4.2 ChaCha20 encryption (counter 1)', () => {
    const pt = text(v.chacha20.plaintext);
    core.writeScratch(fromHex(v.chacha20.key));
    core.writeScratch(fromHex(v.chacha20.nonce), 32);
    core.writeScratch(pt, 64);
    x.probeChaCha20(ptr, ptr + 32, v.chacha20.counter, ptr + 64, pt.length);
    expect(toHex(core.read(ptr + 64, pt.length))).toBe(v.chacha20.ciphertext);
  });

  test('§2.5.2 Poly1305', () => {
    const m = text(v.poly1305.message);
    core.writeScratch(fromHex(v.poly1305.key));
    core.writeScratch(m, 32);
    x.probePoly1305(ptr, ptr + 32, m.length, ptr + 1024);
    expect(toHex(core.read(ptr + 1024, 16))).toBe(v.poly1305.tag);
  });

  test('§2.8.2 AEAD seal and open (iv = the nonce, pn 0)', () => {
    const h = slots.installAead(Suite.ChaCha20Poly1305, fromHex(v.aead.key), fromHex(v.aead.nonce));
    const aad = fromHex(v.aead.aad), pt = text(v.aead.plaintext);
    const at = 4096;
    const p = core.writeScratch(aad, at);
    core.writeScratch(pt, at + aad.length);
    expect(x.cryptoSeal(h, 0, p, aad.length, pt.length)).toBe(pt.length + 16);
    expect(toHex(core.read(p + aad.length, pt.length + 16))).toBe(v.aead.ciphertext + v.aead.tag);
    expect(x.cryptoOpen(h, 0, p, aad.length, pt.length + 16)).toBe(pt.length);
    expect(core.read(p + aad.length, pt.length)).toEqual(pt);
    slots.release(h);
  });
});

describe('RFC 9001 A.5: ChaCha20-Poly1305 short header packet through protect/unprotect', () => {
  const { core, x, slots } = load();
  const c = v1.chacha;
  const aead = slots.installAead(Suite.ChaCha20Poly1305, fromHex(c.key), fromHex(c.iv));
  const hp = slots.installHp(Suite.ChaCha20Poly1305, fromHex(c.hp));
  const ptr = core.scratchPtr;

  test('the header protection mask of the RFC sample', () => {
    core.writeScratch(fromHex('5e5cd55c41f69080575d7999c25a5bfb'));
    expect(x.cryptoHpMask(hp, ptr, ptr + 32)).toBe(0);
    expect(toHex(core.read(ptr + 32, 5))).toBe('aefefe7d03');
  });

  test('protects to the RFC bytes and unprotects back', () => {
    core.writeScratch(fromHex(c.header));
    core.writeScratch(fromHex(c.payload), 4);
    const n = x.probeProtect(ptr, 4, c.pnOffset, c.pnLength, BigInt(c.pn), 1, aead, hp);
    expect(toHex(core.read(ptr, n))).toBe(c.protected);
    const r = x.probeUnprotect(ptr, n, 1, 654360563n, aead, hp);
    expect(r).toBe(1);
    expect(core.result(0)).toBe(654360564n);
    expect(toHex(core.read(ptr, 5))).toBe(c.header + c.payload);
  });
  test('every truncation and every flipped byte of a protected packet is a drop through unprotect, never a trap', () => {
    const header = Uint8Array.from([0x41, 1, 2, 3, 4, 5, 6, 7, 8, 0x12, 0x34]);
    const payload = Uint8Array.from({ length: 300 }, (_, i) => i & 0xff);
    core.writeScratch(header);
    core.writeScratch(payload, header.length);
    const n = x.probeProtect(ptr, header.length, 9, 2, 0x1234n, payload.length, aead, hp);
    const wire = core.read(ptr, n);
    for (let len = 0; len < n; len++) {
      core.writeScratch(wire.subarray(0, len));
      expect(x.probeUnprotect(ptr, len, 9, 0x1233n, aead, hp)).toBe(DROP);
    }
    for (let at = 0; at < n; at += 7) {
      const bad = wire.slice();
      bad[at] ^= 0x20;
      core.writeScratch(bad);
      expect(x.probeUnprotect(ptr, n, 9, 0x1233n, aead, hp)).toBe(DROP);
    }
    core.writeScratch(wire);
    expect(x.probeUnprotect(ptr, n, 9, 0x1233n, aead, hp)).toBe(payload.length);
    expect(core.read(ptr + header.length, payload.length)).toEqual(payload);
  });
});

describe('RFC 9001 A.5 from the TLS secret, through the key installer an endpoint uses', () => {
  test('ChaCha20 keys land in the core, protect to the RFC bytes, and are freed', () => {
    const { core, x, slots, table } = load();
    table.bindCore(slots);
    const c = v1.chacha;
    const keys = new TableKeyInstaller(portableCryptoProvider, table);
    const h = keys.fromSecret(1, Suite.ChaCha20Poly1305, fromHex(c.secret));
    expect(h.aead & 0x40000000).toBe(0x40000000);
    expect(h.hp & 0x40000000).toBe(0x40000000);
    const ptr = core.scratchPtr;
    core.writeScratch(fromHex(c.header + c.payload));
    const n = x.probeProtect(ptr, 4, c.pnOffset, c.pnLength, BigInt(c.pn), 1, h.aead, h.hp);
    expect(toHex(core.read(ptr, n))).toBe(c.protected);
    const next = keys.nextGeneration(1, Suite.ChaCha20Poly1305, fromHex(c.secret));
    expect(next.aead & 0x40000000).toBe(0x40000000);
    expect(table.size).toBe(3);
    keys.release(h);
    keys.releaseAead(next.aead);
    expect(table.size).toBe(0);
    // AES keys with the in-core AES off (aes-gcm-core.test.ts covers it on), and ChaCha20
    // with the in-core backend off, stay in the host's table.
    const aes = new TableKeyInstaller(portableCryptoProvider, table, { inCoreAesGcm: false }).fromSecret(1, Suite.Aes128Gcm, fromHex(c.secret));
    const off = new TableKeyInstaller(portableCryptoProvider, table, { inCoreChaCha20: false }).fromSecret(1, Suite.ChaCha20Poly1305, fromHex(c.secret));
    for (const k of [aes.aead, aes.hp, off.aead, off.hp]) expect(k & 0x40000000).toBe(0);
    expect(slots.count).toBe(0);
  });
});

describe('differential against node:crypto', () => {
  const { core, x, slots } = load();
  const r = rng(0x9e3779b9);
  const ptr = core.scratchPtr;

  const check = (len: number) => {
    const key = r.bytes(32), iv = r.bytes(12), aad = r.bytes(r.int(48)), pt = r.bytes(len);
    const pn = r.int(2 ** 31) * (r.int(4) === 0 ? 1024 : 1);
    const h = slots.installAead(Suite.ChaCha20Poly1305, key, iv);
    core.writeScratch(aad);
    core.writeScratch(pt, aad.length);
    expect(x.cryptoSeal(h, pn, ptr, aad.length, len)).toBe(len + 16);
    const sealed = core.read(ptr + aad.length, len + 16);
    expect(toHex(sealed)).toBe(toHex(nodeSeal(key, quicNonce(iv, pn), aad, pt)));
    expect(x.cryptoOpen(h, pn, ptr, aad.length, len + 16)).toBe(len);
    expect(toHex(core.read(ptr + aad.length, len))).toBe(toHex(pt));
    slots.release(h);
  };

  test('AEAD seal and open, every length 0..300', () => {
    for (let len = 0; len <= 300; len++) check(len);
  });

  test('AEAD seal and open, large lengths', () => {
    for (const len of [511, 512, 513, 1024, 1162, 1200, 1452, 4096, 9000, 16384, 65000]) check(len);
  });

  test('ChaCha20 keystream at random counters, lengths 0..600', () => {
    for (let len = 0; len <= 600; len += 1 + r.int(7)) {
      const key = r.bytes(32), nonce = r.bytes(12), data = r.bytes(len);
      const counter = r.int(2 ** 31);
      core.writeScratch(key);
      core.writeScratch(nonce, 32);
      core.writeScratch(data, 64);
      x.probeChaCha20(ptr, ptr + 32, counter, ptr + 64, len);
      const iv = new Uint8Array(16);
      new DataView(iv.buffer).setUint32(0, counter, true);
      iv.set(nonce, 4);
      const c = createCipheriv('chacha20', key, iv);
      expect(toHex(core.read(ptr + 64, len))).toBe(toHex(Buffer.concat([c.update(data), c.final()])));
    }
  });

  test('header protection masks against node:crypto chacha20', () => {
    for (let i = 0; i < 200; i++) {
      const key = r.bytes(32), sample = r.bytes(16);
      const h = slots.installHp(Suite.ChaCha20Poly1305, key);
      core.writeScratch(sample);
      expect(x.cryptoHpMask(h, ptr, ptr + 16)).toBe(0);
      const c = createCipheriv('chacha20', key, sample);
      expect(toHex(core.read(ptr + 16, 5))).toBe(toHex(c.update(new Uint8Array(5))));
      slots.release(h);
    }
  });

  test('Poly1305 against @noble, including all-ones keys and messages (carry paths)', () => {
    const cases: [Uint8Array, Uint8Array][] = [[new Uint8Array(32).fill(0xff), new Uint8Array(64).fill(0xff)], [new Uint8Array(32).fill(0xff), new Uint8Array(17).fill(0xff)]];
    for (let i = 0; i < 300; i++) cases.push([r.bytes(32), r.bytes(r.int(200))]);
    for (const [key, m] of cases) {
      core.writeScratch(key);
      core.writeScratch(m, 32);
      x.probePoly1305(ptr, ptr + 32, m.length, ptr + 4096);
      expect(toHex(core.read(ptr + 4096, 16))).toBe(toHex(noblePoly1305(m, key)));
    }
  });
});

describe('bad input never traps', () => {
  const { core, x, slots } = load();
  const ptr = core.scratchPtr;
  const key = new Uint8Array(32).fill(0x42), iv = new Uint8Array(12).fill(7);
  const h = slots.installAead(Suite.ChaCha20Poly1305, key, iv);
  const hp = slots.installHp(Suite.ChaCha20Poly1305, key);
  const header = Uint8Array.from([0x41, 9, 8, 7, 6, 5]);
  const pt = Uint8Array.from({ length: 100 }, (_, i) => i);

  const sealed = () => {
    core.writeScratch(header);
    core.writeScratch(pt, header.length);
    expect(x.cryptoSeal(h, 77, ptr, header.length, pt.length)).toBe(pt.length + 16);
    return core.read(ptr, header.length + pt.length + 16);
  };

  test('a flipped bit anywhere in header, ciphertext or tag fails to open and leaves the buffer as it was', () => {
    const good = sealed();
    for (let at = 0; at < good.length; at++) {
      const bad = good.slice();
      bad[at] ^= 1 << (at & 7);
      core.writeScratch(bad);
      expect(x.cryptoOpen(h, 77, ptr, header.length, pt.length + 16)).toBe(DROP);
      expect(core.read(ptr, bad.length)).toEqual(bad);
    }
    core.writeScratch(good);
    expect(x.cryptoOpen(h, 78, ptr, header.length, pt.length + 16)).toBe(DROP); // wrong pn
    expect(x.cryptoOpen(h, 77, ptr, header.length, pt.length + 16)).toBe(pt.length);
  });

  test('truncated ciphertexts are drops, at every length', () => {
    const good = sealed();
    for (let n = 0; n < pt.length + 16; n++) {
      core.writeScratch(good);
      expect(x.cryptoOpen(h, 77, ptr, header.length, n)).toBe(DROP);
    }
  });

  test('ranges outside memory, unknown and released handles are errors, not traps', () => {
    const end = core.exports.memory.buffer.byteLength;
    expect(x.cryptoSeal(h, 0, end - 10, 0, 100)).toBe(TOO_SMALL);
    expect(x.cryptoOpen(h, 0, end - 10, 0, 100)).toBe(TOO_SMALL);
    expect(x.cryptoOpen(h, 0, ptr, -1, 100)).toBe(TOO_SMALL);
    expect(x.cryptoHpMask(hp, end - 4, ptr)).toBe(TOO_SMALL);
    expect(x.cryptoSeal(hp, 0, ptr, 0, 10)).toBe(INTERNAL); // an HP key is not an AEAD key
    expect(x.cryptoHpMask(h, ptr, ptr + 16)).toBe(INTERNAL);
    expect(x.cryptoSeal(7, 0, ptr, 0, 10)).toBe(INTERNAL); // a host handle
    expect(x.cryptoSeal(0x40000000 | 123456, 0, ptr, 0, 10)).toBe(INTERNAL);
    const t = slots.installAead(Suite.ChaCha20Poly1305, key, iv);
    slots.release(t);
    expect(x.cryptoSeal(t, 0, ptr, 0, 10)).toBe(INTERNAL);
    expect(x.cryptoKeyRelease(t)).toBe(INTERNAL);
    expect(x.cryptoKeyInstall(1, Suite.Aes128Gcm, 44)).toBe(UNSUPPORTED); // AES-128 takes 16 + 12 bytes (aes-gcm-core.test.ts)
    expect(x.cryptoKeyInstall(1, Suite.ChaCha20Poly1305, 32)).toBe(UNSUPPORTED);
    expect(x.cryptoKeyInstall(3, Suite.ChaCha20Poly1305, 32)).toBe(UNSUPPORTED);
  });
});

describe('the key table', () => {
  test("the host's copies of the table's numbers match assembly/crypto/keys.ts", () => {
    const src = readFileSync(join(__dirname, '../../assembly/crypto/keys.ts'), 'utf8');
    const num = (name: string) => Number(new RegExp(`export const ${name}: i32 = (0x[0-9a-f]+|\\d+);`).exec(src)![1]);
    expect([num('KEY_TAG'), num('KEY_KIND_AEAD'), num('KEY_KIND_HP'), num('SUITE_CHACHA20')]).toEqual([CORE_KEY_TAG, CORE_KEY_KIND_AEAD, CORE_KEY_KIND_HP, Suite.ChaCha20Poly1305]);
  });

  const find = (hay: Uint8Array, needle: Uint8Array) => Buffer.from(hay.buffer, hay.byteOffset, hay.length).indexOf(Buffer.from(needle));

  test('grows past its first block, reuses freed slots, and zeroes key bytes (slot and scratch)', () => {
    const { core, slots } = load();
    const keys = Array.from({ length: 300 }, (_, i) => Uint8Array.from({ length: 32 }, (_, j) => (i * 31 + j * 7 + 1) & 0xff));
    const handles = keys.map((k) => slots.installAead(Suite.ChaCha20Poly1305, k, new Uint8Array(12).fill(5)));
    expect(new Set(handles).size).toBe(300);
    for (const h of handles) expect(h & 0x40000000).toBe(0x40000000);
    expect(slots.count).toBe(300);
    expect(find(core.u8, keys[299])).toBeGreaterThan(0);
    for (const h of handles) slots.release(h);
    expect(slots.count).toBe(0);
    // No copy of any key stays anywhere in linear memory: not in the slots, not in the
    // scratch region they came through, not in the block the table outgrew.
    for (const k of keys) expect(find(core.u8, k)).toBe(-1);
    // Nor after use: the cipher's working state (the key splatted across v128 lanes, the
    // Poly1305 key block) is wiped after every packet.
    const x = core.exports as unknown as Record<string, (...a: number[]) => number>;
    const used = keys[7];
    const h = slots.installAead(Suite.ChaCha20Poly1305, used, new Uint8Array(12));
    const hp = slots.installHp(Suite.ChaCha20Poly1305, used);
    core.writeScratch(new Uint8Array(300), 1024);
    x.cryptoSeal(h, 5, core.scratchPtr + 1024, 10, 250);
    x.cryptoOpen(h, 5, core.scratchPtr + 1024, 10, 266);
    x.cryptoHpMask(hp, core.scratchPtr + 1030, core.scratchPtr + 2000);
    slots.release(h);
    slots.release(hp);
    const splat = new Uint8Array(16);
    for (let i = 0; i < 4; i++) splat.set(used.subarray(0, 4), 4 * i);
    expect(find(core.u8, used)).toBe(-1);
    expect(find(core.u8, splat)).toBe(-1);
    const again = slots.installHp(Suite.ChaCha20Poly1305, keys[0]);
    expect(handles).toContain(again);
    slots.release(again);
  });

  test('installs take the lowest free slot, and the table shrinks once its upper three quarters are empty; the keys kept still work', () => {
    const { core, slots } = load();
    const x = core.exports as unknown as Record<string, (...a: number[]) => number>;
    const index = (h: number) => h & ~0x40000000;
    const mask = (h: number) => {
      core.writeScratch(Uint8Array.from({ length: 16 }, (_, i) => i * 17), 512);
      x.cryptoHpMask(h, core.scratchPtr + 512, core.scratchPtr + 600);
      return core.read(core.scratchPtr + 600, 5);
    };
    // Distinct keys (the index in the first two bytes): a released key's bytes found in memory are its own.
    const keys = Array.from({ length: 5000 }, (_, i) => Uint8Array.from({ length: 32 }, (_, j) => (j === 0 ? i : j === 1 ? i >> 8 : i * 13 + j * 29 + 3) & 0xff));
    const handles = keys.map((k) => slots.installHp(Suite.ChaCha20Poly1305, k));
    expect(handles.map(index)).toEqual(keys.map((_, i) => i)); // lowest first, in order
    expect(x.testKeyTableSlots()).toBe(8192);
    const keep = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9];
    const before = keep.map((i) => mask(handles[i]));
    // Release the rest in a shuffled order: the table shrinks on the way, never under a kept key.
    const rest = handles.slice(10);
    const r = rng(7);
    for (let i = rest.length - 1; i > 0; i--) { const j = r.int(i + 1); [rest[i], rest[j]] = [rest[j], rest[i]]; }
    const sizes = new Set<number>();
    for (const h of rest) { slots.release(h); sizes.add(x.testKeyTableSlots()); }
    expect(slots.count).toBe(10);
    expect(x.testKeyTableSlots()).toBe(32); // room for twice the ten left
    expect(Math.min(...sizes)).toBe(32);
    expect(keep.map((i) => mask(handles[i]))).toEqual(before); // same handles, same keys
    for (const k of keys.slice(10)) expect(find(core.u8, k)).toBe(-1); // wiped, old blocks included
    // A freed slot low in the table is the next one taken; then it grows again past 32.
    slots.release(handles[3]);
    expect(index(slots.installHp(Suite.ChaCha20Poly1305, keys[3]))).toBe(3);
    const more = Array.from({ length: 40 }, (_, i) => slots.installHp(Suite.ChaCha20Poly1305, keys[100 + i]));
    expect(more.map(index)).toEqual(Array.from({ length: 40 }, (_, i) => 10 + i));
    expect(x.testKeyTableSlots()).toBe(64);
    expect(keep.map((i) => mask(handles[i]))).toEqual(before);
    for (const h of [...more, ...handles.slice(0, 10)]) slots.release(h);
    expect(slots.count).toBe(0);
    expect(x.testKeyTableSlots()).toBe(16); // empty: the first size
  });

  test('a full table refuses with an error, and the key installer falls back to the provider', () => {
    const { slots, table } = load();
    table.bindCore(slots);
    const key = new Uint8Array(32).fill(9);
    let n = 0;
    while (slots.installHp(Suite.ChaCha20Poly1305, key) >= 0) n++;
    expect(n).toBe(1 << 17);
    expect((slots.core.exports as unknown as { cryptoKeyInstall(k: number, s: number, l: number): number }).cryptoKeyInstall(2, Suite.ChaCha20Poly1305, 32)).toBe(-0x10002);
    const h = new TableKeyInstaller(portableCryptoProvider, table).fromSecret(1, Suite.ChaCha20Poly1305, fromHex(v1.chacha.secret));
    expect(h.aead & 0x40000000).toBe(0);
    expect(h.hp & 0x40000000).toBe(0);
  });
});

describe.each(['debug', 'release'] as const)('the shipped %s build', (build) => {
  test('RFC 8439 §2.8.2 and RFC 9001 A.5 through the doors, and lengths 0..300 against node:crypto', () => {
    const core = loadCoreNode(build);
    const slots = new CoreKeySlots(core);
    const x = core.exports as unknown as Record<string, (...a: number[]) => number>;
    const ptr = core.scratchPtr;
    const h = slots.installAead(Suite.ChaCha20Poly1305, fromHex(v.aead.key), fromHex(v.aead.nonce));
    const aad = fromHex(v.aead.aad), pt = text(v.aead.plaintext);
    core.writeScratch(aad);
    core.writeScratch(pt, aad.length);
    expect(x.cryptoSeal(h, 0, ptr, aad.length, pt.length)).toBe(pt.length + 16);
    expect(toHex(core.read(ptr + aad.length, pt.length + 16))).toBe(v.aead.ciphertext + v.aead.tag);
    const hp = slots.installHp(Suite.ChaCha20Poly1305, fromHex(v1.chacha.hp));
    core.writeScratch(fromHex('5e5cd55c41f69080575d7999c25a5bfb'));
    expect(x.cryptoHpMask(hp, ptr, ptr + 32)).toBe(0);
    expect(toHex(core.read(ptr + 32, 5))).toBe('aefefe7d03');
    const r = rng(build === 'debug' ? 11 : 12);
    for (let len = 0; len <= 300; len++) {
      const key = r.bytes(32), iv = r.bytes(12), a = r.bytes(r.int(30)), p = r.bytes(len), pn = r.int(1 << 30);
      const k = slots.installAead(Suite.ChaCha20Poly1305, key, iv);
      core.writeScratch(a);
      core.writeScratch(p, a.length);
      x.cryptoSeal(k, pn, ptr, a.length, len);
      expect(toHex(core.read(ptr + a.length, len + 16))).toBe(toHex(nodeSeal(key, quicNonce(iv, pn), a, p)));
      expect(x.cryptoOpen(k, pn, ptr, a.length, len + 16)).toBe(len);
      slots.release(k);
    }
  });
});
