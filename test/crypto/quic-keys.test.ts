// Initial key derivation (RFC 9001 §5.2, RFC 9369 §3.3.1) through the one-entry memo of
// quic-keys.ts: the same answers on a first derivation, on a remembered one, after another
// DCID or version replaced it, and whatever a caller does to the buffers it was given.
import { initialClientSecret, initialSecrets, nextGenerationKeys, nextGenerationSecret, packetKeyMaterial, QUIC_V1, QUIC_V2 } from '../../host/crypto/quic-keys';
import { Suite } from '../../host/crypto/suites';

const hex = (s: string) => Uint8Array.from(s.match(/../g)!.map((b) => parseInt(b, 16)));
const toHex = (b: Uint8Array) => Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');
const DCID = hex('8394c8f03e515708');

// RFC 9001 A.1 and RFC 9369 A.1 (the same DCID).
const VECTORS: Record<number, Record<string, string>> = {
  [QUIC_V1]: { client: 'c00cf151ca5be075ed0ebfb5c80323c42d6b7db67881289af4008f1f6c357aea', server: '3c199828fd139efd216c155ad844cc81fb82fa8d7446fa7d78be803acdda951b', ckey: '1f369613dd76d5467730efcbe3b1a22d', civ: 'fa044b2f42a3fd3b46fb255c', chp: '9f50449e04a0e810283a1e9933adedd2', skey: 'cf3a5331653c364c88f0f379b6067e37', siv: '0ac1493ca1905853b0bba03e', shp: 'c206b8d9b9f0f37644430b490eeaa314' },
  [QUIC_V2]: { client: '14ec9d6eb9fd7af83bf5a668bc17a7e283766aade7ecd0891f70f9ff7f4bf47b', server: '0263db1782731bf4588e7e4d93b7463907cb8cd8200b5da55a8bd488eafc37c1', ckey: '8b1a0bc121284290a29e0971b5cd045d', civ: '91f73e2351d8fa91660e909f', chp: '45b95e15235d6f45a6b19cbcb0294ba9', skey: '82db637861d55e1d011f19ea71d5d2a7', siv: 'dd13c276499c0249d3310652', shp: 'edf6d05c83121201b436e16877593c3a' },
};

function check(version: number): void {
  const v = VECTORS[version];
  expect(toHex(initialClientSecret(version, DCID))).toBe(v.client);
  const s = initialSecrets(version, DCID);
  expect([toHex(s.client), toHex(s.server)]).toEqual([v.client, v.server]);
  const c = packetKeyMaterial(version, Suite.Aes128Gcm, s.client);
  const sv = packetKeyMaterial(version, Suite.Aes128Gcm, s.server);
  expect([toHex(c.key), toHex(c.iv), toHex(c.hp)]).toEqual([v.ckey, v.civ, v.chp]);
  expect([toHex(sv.key), toHex(sv.iv), toHex(sv.hp)]).toEqual([v.skey, v.siv, v.shp]);
  // Scribble over everything handed out: the next caller must not see it.
  for (const b of [s.client, s.server, c.key, c.iv, c.hp, sv.key, sv.iv, sv.hp]) b.fill(0xee);
}

test('Initial secrets and keys match RFC 9001 A.1 / RFC 9369 A.1, first and remembered, whatever callers do to their copies', () => {
  for (let i = 0; i < 3; i++) check(QUIC_V1);
  for (let i = 0; i < 3; i++) check(QUIC_V2);
  check(QUIC_V1);
  // Another DCID in between replaces the memo; the same DCID again derives the same.
  const other = initialSecrets(QUIC_V1, hex('0102030405060708'));
  expect(toHex(other.client)).not.toBe(VECTORS[QUIC_V1].client);
  check(QUIC_V1);
  // The probe's order: the client secret alone first, then both.
  initialClientSecret(QUIC_V2, hex('aabbccdd'));
  check(QUIC_V2);
});

test('the bytes of a remembered Initial secret under another suite or version are derived afresh', () => {
  const s = initialSecrets(QUIC_V1, DCID);
  // Same bytes under another suite or version: derived from scratch (different labels or lengths).
  const aes = packetKeyMaterial(QUIC_V1, Suite.Aes128Gcm, s.client);
  const chacha = packetKeyMaterial(QUIC_V1, Suite.ChaCha20Poly1305, s.client);
  expect(chacha.key.length).toBe(32);
  expect(toHex(chacha.iv)).toBe(toHex(aes.iv)); // same label, same hash: same iv
  const v2 = packetKeyMaterial(QUIC_V2, Suite.Aes128Gcm, s.client);
  expect(toHex(v2.key)).not.toBe(toHex(aes.key));
});

// RFC 9001 A.5 (ChaCha20-Poly1305 short header): the key update of that secret.
test('nextGenerationKeys: the secret and key/iv nextGenerationSecret + packetKeyMaterial give, for each suite and version (RFC 9001 A.5 ku)', () => {
  const secret = hex('9ac312a7f877468ebe69422748ad00a15443f18203a07d6060f688f30f21632b');
  expect(toHex(nextGenerationSecret(QUIC_V1, Suite.ChaCha20Poly1305, secret))).toBe('1223504755036d556342ee9361d253421a826c9ecdf3c7148684b36b714881f9');
  for (const version of [QUIC_V1, QUIC_V2]) {
    for (const suite of [Suite.Aes128Gcm, Suite.Aes256Gcm, Suite.ChaCha20Poly1305]) {
      const s = suite === Suite.Aes256Gcm ? Uint8Array.from({ length: 48 }, (_, i) => i) : secret;
      const n = nextGenerationKeys(version, suite, s);
      const next = nextGenerationSecret(version, suite, s);
      const m = packetKeyMaterial(version, suite, next);
      expect([toHex(n.secret), toHex(n.key), toHex(n.iv)]).toEqual([toHex(next), toHex(m.key), toHex(m.iv)]);
    }
  }
});
