import { PreparedKey, digest, hkdfExpand, hkdfExtract, hkdfExpandLabel, nobleHashBackend, setHashBackend } from '../../host/crypto/hkdf';
import { nodeHandshakeCrypto } from '../../host/tls/handshake-node';

const hex = (s: string) => Uint8Array.from(s.match(/../g)!.map((b) => parseInt(b, 16)));
const toHex = (b: Uint8Array) => Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');

// RFC 9001 Appendix A.1: keys derived from the client's DCID 0x8394c8f03e515708.
test('RFC 9001 A.1 initial secrets through HKDF-Extract and HKDF-Expand-Label', () => {
  const salt = hex('38762cf7f55934b34d179ae6a4c80cadccbb7f0a');
  const initial = hkdfExtract('sha256', salt, hex('8394c8f03e515708'));
  expect(toHex(initial)).toBe('7db5df06e7a69e432496adedb00851923595221596ae2ae9fb8115c1e9ed0a44');
  const client = hkdfExpandLabel('sha256', initial, 'client in', new Uint8Array(0), 32);
  expect(toHex(client)).toBe('c00cf151ca5be075ed0ebfb5c80323c42d6b7db67881289af4008f1f6c357aea');
  expect(toHex(hkdfExpandLabel('sha256', client, 'quic key', new Uint8Array(0), 16))).toBe('1f369613dd76d5467730efcbe3b1a22d');
  expect(toHex(hkdfExpandLabel('sha256', client, 'quic iv', new Uint8Array(0), 12))).toBe('fa044b2f42a3fd3b46fb255c');
  expect(toHex(hkdfExpandLabel('sha256', client, 'quic hp', new Uint8Array(0), 16))).toBe('9f50449e04a0e810283a1e9933adedd2');
});

// RFC 5869 A.1 (two HMAC blocks of output) and the RFC 9001 derivation through each hash
// backend: @noble/hashes and node:crypto (what the Node entry installs).
describe.each([
  ['@noble/hashes', nobleHashBackend],
  ['node:crypto', nodeHandshakeCrypto.hashes],
])('hash backend %s', (_name, b) => {
  afterAll(() => setHashBackend(nobleHashBackend));

  test('RFC 5869 A.1: Extract and a 42-byte Expand', () => {
    setHashBackend(b);
    const prk = hkdfExtract('sha256', hex('000102030405060708090a0b0c'), new Uint8Array(22).fill(0x0b));
    expect(toHex(prk)).toBe('077709362c2e32df0ddc3f0dc47bba6390b6c73bb50f9c3122ec844ad7c2b3e5');
    expect(toHex(hkdfExpand('sha256', prk, hex('f0f1f2f3f4f5f6f7f8f9'), 42))).toBe('3cb25f25faacd57a90434f64d0362f2a2d2d0a90cf1a5a4c5db02d56ecc4c5bf34007208d5b887185865');
  });

  test('RFC 9001 A.1 client key, and SHA-384 digests over parts', () => {
    setHashBackend(b);
    const initial = hkdfExtract('sha256', hex('38762cf7f55934b34d179ae6a4c80cadccbb7f0a'), hex('8394c8f03e515708'));
    expect(toHex(hkdfExpandLabel('sha256', hkdfExpandLabel('sha256', initial, 'client in', new Uint8Array(0), 32), 'quic key', new Uint8Array(0), 16))).toBe('1f369613dd76d5467730efcbe3b1a22d');
    // SHA-384("abc"), FIPS 180-2 B.1, split across two parts.
    expect(toHex(digest('sha384', hex('61'), hex('6263')))).toBe('cb00753f45a35e8bb5a03d699ac65007272c32ab0eded1631a8b605a43ff5bed8086072ba1e7cc2358baeca134c825a7');
  });
});

// hkdfExpandLabel builds info | 0x01 itself for one-block outputs and goes through
// hkdfExpand for longer ones: both must equal HKDF-Expand over the RFC 9846 §7.1 HkdfLabel,
// built here byte by byte, for every length around the block boundaries and both hashes.
describe.each([
  ['@noble/hashes', nobleHashBackend],
  ['node:crypto', nodeHandshakeCrypto.hashes],
])('HKDF-Expand-Label over %s equals HKDF-Expand over the HkdfLabel', (_name, b) => {
  afterAll(() => setHashBackend(nobleHashBackend));
  const hkdfLabel = (length: number, label: string, context: Uint8Array) => {
    const l = new TextEncoder().encode('tls13 ' + label);
    return Uint8Array.from([length >> 8, length & 0xff, l.length, ...l, context.length, ...context]);
  };
  test.each([['sha256', 32], ['sha384', 48]] as const)('%s', (hash, hl) => {
    setHashBackend(b);
    const secret = Uint8Array.from({ length: hl }, (_, i) => i * 7 + 1);
    for (const label of ['quic key', 'c hs traffic', 'ünïcode label']) {
      for (const context of [new Uint8Array(0), Uint8Array.from({ length: hl }, (_, i) => 255 - i)]) {
        for (const length of [0, 1, 12, 16, hl - 1, hl, hl + 1, 2 * hl, 2 * hl + 5]) {
          const want = hkdfExpand(hash, secret, hkdfLabel(length, label, context), length);
          const got = hkdfExpandLabel(hash, secret, label, context, length);
          expect([label, length, toHex(got)]).toEqual([label, length, toHex(want)]);
          expect(got.length).toBe(length);
        }
      }
    }
  });
});

// A key made ready once (PreparedKey: SHA-256's HMAC midstates; SHA-384 goes through the
// backend) gives what the one-off functions give, before and after release().
describe.each([
  ['@noble/hashes', nobleHashBackend],
  ['node:crypto', nodeHandshakeCrypto.hashes],
])('PreparedKey over %s', (_name, b) => {
  afterAll(() => setHashBackend(nobleHashBackend));
  test.each([['sha256', 32], ['sha384', 48]] as const)('%s: Extract, Expand-Label and HMAC equal the one-off functions', (hash, hl) => {
    setHashBackend(b);
    const secret = Uint8Array.from({ length: hl }, (_, i) => i * 11 + 3);
    const k = new PreparedKey(hash, secret);
    const check = () => {
      for (const ikm of [new Uint8Array(0), new Uint8Array(hl).fill(9), new Uint8Array(600).fill(1)]) {
        expect(toHex(k.extract(ikm))).toBe(toHex(hkdfExtract(hash, secret, ikm)));
        expect(toHex(k.hmac([ikm, ikm]))).toBe(toHex(hkdfExtract(hash, secret, Uint8Array.from([...ikm, ...ikm]))));
      }
      for (const label of ['quic key', 'quic iv', 'c hs traffic', 'finished']) {
        for (const context of [new Uint8Array(0), new Uint8Array(hl).fill(0xab)]) {
          for (const length of [0, 12, 16, 32, hl, hl + 1, 3 * hl]) {
            expect([label, length, toHex(k.expandLabel(label, context, length))]).toEqual([label, length, toHex(hkdfExpandLabel(hash, secret, label, context, length))]);
          }
        }
      }
    };
    check();
    k.release();
    check();
  });

  test('RFC 9001 A.1 through prepared keys: the Initial salt, then the client secret', () => {
    setHashBackend(b);
    const initial = new PreparedKey('sha256', hex('38762cf7f55934b34d179ae6a4c80cadccbb7f0a')).extract(hex('8394c8f03e515708'));
    expect(toHex(initial)).toBe('7db5df06e7a69e432496adedb00851923595221596ae2ae9fb8115c1e9ed0a44');
    const client = new PreparedKey('sha256', new PreparedKey('sha256', initial).expandLabel('client in', new Uint8Array(0), 32));
    expect(toHex(client.key)).toBe('c00cf151ca5be075ed0ebfb5c80323c42d6b7db67881289af4008f1f6c357aea');
    expect(toHex(client.expandLabel('quic key', new Uint8Array(0), 16))).toBe('1f369613dd76d5467730efcbe3b1a22d');
    expect(toHex(client.expandLabel('quic iv', new Uint8Array(0), 12))).toBe('fa044b2f42a3fd3b46fb255c');
    expect(toHex(client.expandLabel('quic hp', new Uint8Array(0), 16))).toBe('9f50449e04a0e810283a1e9933adedd2');
  });
});
