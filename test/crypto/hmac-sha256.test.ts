// The key schedule's own HMAC-SHA-256 (host/crypto/hmac-sha256.ts): RFC 4231's test cases,
// and agreement with node:crypto over random keys and messages of every length around
// the block boundaries (keys longer than a block are hashed first; messages split in parts).
import { createHmac, randomBytes } from 'node:crypto';
import { hmacSha256, hmacSha256Key, hmacSha256With } from '../../host/crypto/hmac-sha256';

const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');
const h = (s: string) => new Uint8Array(Buffer.from(s, 'hex'));

describe('HMAC-SHA-256', () => {
  test('RFC 4231 test cases 1, 2, 3, 4, 6 and 7', () => {
    const cases: [Uint8Array, Uint8Array, string][] = [
      [h('0b'.repeat(20)), new TextEncoder().encode('Hi There'), 'b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7'],
      [new TextEncoder().encode('Jefe'), new TextEncoder().encode('what do ya want for nothing?'), '5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843'],
      [h('aa'.repeat(20)), h('dd'.repeat(50)), '773ea91e36800e46854db8ebd09181a72959098b3ef8c122d9635514ced565fe'],
      [h('0102030405060708090a0b0c0d0e0f10111213141516171819'), h('cd'.repeat(50)), '82558a389a443c0ea4cc819899f2083a85f0faa3e578f8077a2e3ff46729665b'],
      [h('aa'.repeat(131)), new TextEncoder().encode('Test Using Larger Than Block-Size Key - Hash Key First'), '60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54'],
      [h('aa'.repeat(131)), new TextEncoder().encode('This is a test using a larger than block-size key and a larger than block-size data. The key needs to be hashed before being used by the HMAC algorithm.'), '9b09ffa71b942fcb27635fbcd5b0e944bfdc63644f0713938a7f51535c3a35e2'],
    ];
    for (const [key, data, want] of cases) expect(hex(hmacSha256(key, [data]))).toBe(want);
  });

  test('agrees with node:crypto for keys of 0..130 and messages of 0..300 bytes, in up to three parts', () => {
    for (let keyLen = 0; keyLen <= 130; keyLen += 13) {
      for (let len = 0; len <= 300; len++) {
        const key = randomBytes(keyLen), msg = randomBytes(len);
        const cut1 = len >> 2, cut2 = (len * 3) >> 2;
        const want = createHmac('sha256', key).update(msg).digest('hex');
        expect([keyLen, len, hex(hmacSha256(key, [msg.subarray(0, cut1), msg.subarray(cut1, cut2), msg.subarray(cut2)]))]).toEqual([keyLen, len, want]);
      }
    }
  });

  test('messages whose inner hash pads across a block boundary (55, 56, 63, 64, 119, 120 bytes after the key block) and a 1000-byte one', () => {
    for (const len of [0, 1, 55, 56, 57, 63, 64, 65, 119, 120, 127, 128, 1000]) {
      const key = randomBytes(32), msg = randomBytes(len);
      expect([len, hex(hmacSha256(key, [msg]))]).toEqual([len, createHmac('sha256', key).update(msg).digest('hex')]);
    }
  });

  test('a result is its own array: a later call does not change it', () => {
    const a = hmacSha256(h('01'), [h('02')]);
    const copy = hex(a);
    hmacSha256(h('03'), [h('04')]);
    expect(hex(a)).toBe(copy);
  });

  // A key made ready once (the ipad and opad midstates) MACs every message as the key itself does.
  test('a prepared key agrees with node:crypto for random keys of 0..200 bytes (hashed first above 64) and messages of every length 0..300, in parts', () => {
    for (const keyLen of [0, 1, 20, 32, 48, 55, 63, 64, 65, 100, 128, 200]) {
      const key = randomBytes(keyLen);
      const prepared = hmacSha256Key(key);
      for (let len = 0; len <= 300; len++) {
        const msg = randomBytes(len);
        const cut = len >> 1;
        const want = createHmac('sha256', key).update(msg).digest('hex');
        expect([keyLen, len, hex(hmacSha256With(prepared, [msg.subarray(0, cut), msg.subarray(cut)]))]).toEqual([keyLen, len, want]);
      }
    }
  });

  test('a prepared key cut to a length (HKDF-Expand of a 12- or 16-byte key), into a caller\'s array, unchanged by other keys in between', () => {
    const key = randomBytes(32), other = randomBytes(32), msg = randomBytes(40);
    const want = createHmac('sha256', key).update(msg).digest('hex');
    const mine = new Int32Array(16);
    expect(hmacSha256Key(key, mine)).toBe(mine);
    hmacSha256Key(other); // a second key made ready does not disturb the first
    hmacSha256(other, [msg]);
    for (const length of [0, 1, 12, 16, 31, 32]) expect(hex(hmacSha256With(mine, [msg], length))).toBe(want.slice(0, 2 * length));
  });
});
