// The TLS 1.3 key schedule against RFC 8448 (example handshake traces; the resumed handshake
// secret recomputed step by step), through both hash
// backends: a full handshake (§3, no PSK: the early secret and its "derived" salt are
// constants computed once) and a resumed one (§4, with a PSK: derived per handshake), in
// either order, so a remembered constant never leaks into a PSK handshake or back.
import { KeySchedule, deriveSecret } from '../../host/tls/keyschedule';
import { digest, hkdfExpandLabel, hkdfExtract, nobleHashBackend, setHashBackend } from '../../host/crypto/hkdf';
import { nodeHandshakeCrypto } from '../../host/tls/handshake-node';

const hex = (s: string) => Uint8Array.from(s.replace(/\s+/g, '').match(/../g)!.map((b) => parseInt(b, 16)));
const toHex = (b: Uint8Array) => Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');

const FULL = {
  early: '33ad0a1c607ec03b09e6cd9893680ce210adf300aa1f2660e1b22e10f170f92a',
  shared: '8bd4054fb55b9d63fdfbacf9f04b9f0d35e6d63f537563efd46272900f89492d',
  handshake: '1dc826e93606aa6fdc0aadc12f741b01046aa6b99f691ed221a9f0ca043fbeac',
  master: '18df06843d13a08bf2a449844c5f8a478001bc4d4c627984d5a41da8d0402919',
};
const RESUMED = {
  psk: '4ecd0eb6ec3b4d87f5d6028f922ca4c5851a277fd41311c9e62d2c9492e1c4f3',
  early: '9b2188e9b2fc6d64d71dc329900e20bb41915000f678aa839cbb797cb7d8332c',
};

function full(): void {
  const ks = new KeySchedule('sha256');
  expect(toHex(ks.earlySecret)).toBe(FULL.early);
  ks.handshake(hex(FULL.shared));
  expect(toHex(ks.handshakeSecret)).toBe(FULL.handshake);
  ks.master();
  expect(toHex(ks.masterSecret)).toBe(FULL.master);
}

function resumed(): void {
  const ks = new KeySchedule('sha256', hex(RESUMED.psk));
  expect(toHex(ks.earlySecret)).toBe(RESUMED.early);
  // §7.1 step by step from the PSK's early secret (not the no-PSK constant).
  const shared = hex(FULL.shared);
  const salt = hkdfExpandLabel('sha256', hex(RESUMED.early), 'derived', digest('sha256'), 32);
  ks.handshake(shared);
  expect(toHex(ks.handshakeSecret)).toBe(toHex(hkdfExtract('sha256', salt, shared)));
}

describe.each([
  ['@noble/hashes', nobleHashBackend],
  ['node:crypto', nodeHandshakeCrypto.hashes],
])('RFC 8448 key schedule over %s', (_name, b) => {
  afterAll(() => setHashBackend(nobleHashBackend));
  test('full, resumed, full, resumed', () => {
    setHashBackend(b);
    full(); resumed(); full(); resumed();
  });
  test('resumed first', () => {
    setHashBackend(b);
    resumed(); full();
  });
});

// deriveSecret finds the handshake and master secrets' midstates by array: the answers
// equal HKDF-Expand-Label from the bytes, before and after the schedule wipes them
// (master() for the handshake secret, forget() for the master secret), and a copy of a
// secret's bytes (not the schedule's array) derives the same.
describe.each([
  ['@noble/hashes', nobleHashBackend],
  ['node:crypto', nodeHandshakeCrypto.hashes],
])('Derive-Secret from the schedule\'s secrets over %s', (_name, b) => {
  afterAll(() => setHashBackend(nobleHashBackend));
  test.each([['sha256', 32], ['sha384', 48]] as const)('%s, without and with a PSK', (hash, hl) => {
    setHashBackend(b);
    const th = Uint8Array.from({ length: hl }, (_, i) => i);
    const want = (secret: Uint8Array, label: string) => toHex(hkdfExpandLabel(hash, Uint8Array.from(secret), label, th, hl));
    for (const psk of [undefined, new Uint8Array(hl).fill(5)]) {
      const ks = new KeySchedule(hash, psk);
      const early = ks.earlySecret;
      expect(toHex(deriveSecret(hash, early, 'c e traffic', th))).toBe(want(early, 'c e traffic'));
      ks.handshake(new Uint8Array(hl).fill(7));
      const hs = ks.handshakeSecret;
      for (const label of ['c hs traffic', 's hs traffic']) {
        expect(toHex(deriveSecret(hash, hs, label, th))).toBe(want(hs, label));
        expect(toHex(deriveSecret(hash, Uint8Array.from(hs), label, th))).toBe(want(hs, label));
      }
      ks.master();
      expect(toHex(ks.masterSecret)).toBe(toHex(hkdfExtract(hash, hkdfExpandLabel(hash, hs, 'derived', digest(hash), hl), new Uint8Array(hl))));
      expect(toHex(deriveSecret(hash, hs, 's hs traffic', th))).toBe(want(hs, 's hs traffic')); // wiped by master(): from the bytes
      const ms = ks.masterSecret;
      for (const label of ['c ap traffic', 's ap traffic', 'res master']) expect(toHex(deriveSecret(hash, ms, label, th))).toBe(want(ms, label));
      ks.forget();
      expect(toHex(deriveSecret(hash, ms, 'res master', th))).toBe(want(ms, 'res master'));
      expect(toHex(deriveSecret(hash, early, 'c e traffic', th))).toBe(want(early, 'c e traffic'));
    }
  });
});
