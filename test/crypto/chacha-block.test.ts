// The JavaScript ChaCha20 block behind ChaCha20 header protection (RFC 9001 §5.4.4):
// RFC 8439's block vector, and the first 5 keystream bytes against node:crypto's
// chacha20 (OpenSSL) for random keys and samples.
import { createCipheriv, randomBytes } from 'node:crypto';
import { ChaChaMasker } from '../../host/crypto/chacha-block';
import { fromHex, toHex } from '../helpers/hex';

test('RFC 8439 §2.3.2: key 00..1f, counter 1, nonce 000000090000004a00000000', () => {
  const key = Uint8Array.from({ length: 32 }, (_, i) => i);
  const sample = fromHex('01000000' + '000000090000004a00000000');
  const out = new Uint8Array(7);
  new ChaChaMasker(key).mask(sample, 0, out, 1);
  expect(toHex(out)).toBe('0010f1e7e4d100'); // block bytes 10 f1 e7 e4 d1 at out[1..6)
});

test('matches node:crypto chacha20 for 500 random keys and samples (counter bytes included)', () => {
  const out = new Uint8Array(5);
  for (let t = 0; t < 500; t++) {
    const key = randomBytes(32), buf = randomBytes(40), at = t % 24;
    new ChaChaMasker(key).mask(buf, at, out, 0);
    const ref = createCipheriv('chacha20', key, buf.subarray(at, at + 16)).update(new Uint8Array(5));
    expect(toHex(out)).toBe(toHex(ref));
  }
});

test('rejects a key that is not 32 bytes', () => {
  expect(() => new ChaChaMasker(new Uint8Array(16))).toThrow(RangeError);
});
