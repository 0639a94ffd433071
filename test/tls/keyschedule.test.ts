// The TLS 1.3 key schedule against RFC 8448 (example handshake traces; the resumed handshake
// secret recomputed step by step), through both hash
// backends: a full handshake (§3, no PSK: the early secret and its "derived" salt are
// constants computed once) and a resumed one (§4, with a PSK: derived per handshake), in
// either order, so a remembered constant never leaks into a PSK handshake or back.
import { KeySchedule } from '../../host/tls/keyschedule';
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
