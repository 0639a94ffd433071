// The next 1-RTT generation's provider key is made when a packet first needs it
// (host/crypto/deferred-protector.ts via TableKeyInstaller.nextGeneration), and then
// protects exactly as a key made at once would (RFC 9001 §6: same secret, same "quic ku" chain).
import { TableKeyInstaller } from '../../host/transport/keys';
import { KeyTable } from '../../host/crypto/key-table';
import { nodeCryptoProvider } from '../../host/crypto/node-provider';
import { nextGenerationSecret, packetKeyMaterial, QUIC_V1 } from '../../host/crypto/quic-keys';
import { Suite } from '../../host/crypto/suites';
import type { CryptoProvider } from '../../host/crypto/provider';

test.each([Suite.Aes128Gcm, Suite.Aes256Gcm, Suite.ChaCha20Poly1305])('next generation of suite %s: no key until the first packet, then the same ciphertext as an eager key', (suite) => {
  let made = 0;
  const counting: CryptoProvider = { ...nodeCryptoProvider, createPacketProtector: (s, k, iv) => { made++; return nodeCryptoProvider.createPacketProtector(s, k, iv); } };
  const table = new KeyTable(); // no core bound: every suite goes through the provider
  const keys = new TableKeyInstaller(counting, table);
  const secret = Uint8Array.from({ length: suite === Suite.Aes256Gcm ? 48 : 32 }, (_, i) => i + 1);
  const next = keys.nextGeneration(QUIC_V1, suite, secret);
  expect(made).toBe(0);
  expect(next.secret).toEqual(nextGenerationSecret(QUIC_V1, suite, secret));

  const m = packetKeyMaterial(QUIC_V1, suite, next.secret);
  const eager = nodeCryptoProvider.createPacketProtector(suite, m.key, m.iv);
  const packet = () => { const b = new Uint8Array(64 + 16); for (let i = 0; i < 64; i++) b[i] = i * 3; return b; };
  const a = packet(), b = packet();
  expect(table.aead(next.aead)!.seal(a, 7, 0, 20, 44)).toBe(60);
  expect(made).toBe(1);
  eager.seal(b, 7, 0, 20, 44);
  expect(a).toEqual(b);
  // Opens what it sealed; a second use makes nothing new.
  expect(table.aead(next.aead)!.open(a, 7, 0, 20, 60)).toBe(44);
  expect(a.subarray(20, 64)).toEqual(packet().subarray(20, 64));
  expect(made).toBe(1);
});
