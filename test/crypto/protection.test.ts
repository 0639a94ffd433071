// RFC 9001 Appendix A and RFC 9369 Appendix A, byte for byte, through both crypto
// backends and through the core's in-place seam (the testing build's probes call
// protectPacket/unprotectPacket, which call back into the host's key table).
import { loadCoreNode } from '../../host/core/node-loader';
import { CoreCrypto } from '../../host/crypto/core-imports';
import { initialSecrets, packetKeyMaterial, nextGenerationSecret } from '../../host/crypto/quic-keys';
import { nodeCryptoProvider } from '../../host/crypto/node-provider';
import { portableCryptoProvider } from '../../host/crypto/portable-provider';
import { RetryTagger, retryIntegrityTag, verifyRetryIntegrity } from '../../host/crypto/retry';
import { Suite } from '../../host/crypto/suites';
import type { CryptoProvider } from '../../host/crypto/provider';
import { fromHex, toHex } from '../helpers/hex';
import v1 from '../vectors/rfc9001-protection.json';
import v2 from '../vectors/rfc9369-protection.json';

const DROP = -0x10001;

function coreWith(provider: CryptoProvider) {
  const crypto = new CoreCrypto();
  const core = loadCoreNode('testing', crypto.imports());
  crypto.bind(core.exports.memory);
  const x = core.exports as unknown as Record<string, (...a: (number | bigint)[]) => number>;
  const install = (suite: Suite, key: string, iv: string, hp: string) => ({
    aead: crypto.table.addAead(provider.createPacketProtector(suite, fromHex(key), fromHex(iv))),
    hp: crypto.table.addHp(provider.createHeaderProtector(suite, fromHex(hp))),
  });
  return { core, x, install, table: crypto.table };
}

type Vec = typeof v1;
type Pkt = Vec['clientInitial'];

for (const vec of [v1, v2] as Vec[]) {
  const vname = vec.version === 1 ? 'v1 (RFC 9001)' : 'v2 (RFC 9369)';

  describe(`key derivation ${vname}`, () => {
    test('Initial secrets and packet keys from the client DCID', () => {
      const s = initialSecrets(vec.version, fromHex(vec.dcid));
      expect(toHex(s.client)).toBe(vec.client.secret);
      expect(toHex(s.server)).toBe(vec.server.secret);
      for (const side of [vec.client, vec.server]) {
        const m = packetKeyMaterial(vec.version, Suite.Aes128Gcm, fromHex(side.secret));
        expect([toHex(m.key), toHex(m.iv), toHex(m.hp)]).toEqual([side.key, side.iv, side.hp]);
      }
    });

    test('ChaCha20-Poly1305 keys and the key update secret', () => {
      const m = packetKeyMaterial(vec.version, Suite.ChaCha20Poly1305, fromHex(vec.chacha.secret));
      expect([toHex(m.key), toHex(m.iv), toHex(m.hp)]).toEqual([vec.chacha.key, vec.chacha.iv, vec.chacha.hp]);
      expect(toHex(nextGenerationSecret(vec.version, Suite.ChaCha20Poly1305, fromHex(vec.chacha.secret)))).toBe(vec.chacha.ku);
    });

    test('Retry integrity tag', () => {
      const retry = fromHex(vec.retry.packet);
      expect(toHex(retryIntegrityTag(vec.version, fromHex(vec.dcid), retry.subarray(0, retry.length - 16)))).toBe(vec.retry.packet.slice(-32));
      expect(verifyRetryIntegrity(vec.version, fromHex(vec.dcid), retry)).toBe(true);
      const bad = retry.slice();
      bad[10] ^= 1;
      expect(verifyRetryIntegrity(vec.version, fromHex(vec.dcid), bad)).toBe(false);
    });

    test.each([['node:crypto', nodeCryptoProvider], ['portable', portableCryptoProvider]] as const)('Retry integrity tag through the %s provider, twice with one AEAD', (_name, provider) => {
      const tagger = new RetryTagger(provider);
      const retry = fromHex(vec.retry.packet);
      for (let i = 0; i < 2; i++) {
        expect(toHex(tagger.tag(vec.version, fromHex(vec.dcid), retry.subarray(0, retry.length - 16)))).toBe(vec.retry.packet.slice(-32));
        expect(tagger.verify(vec.version, fromHex(vec.dcid), retry)).toBe(true);
      }
      const otherDcid = fromHex(vec.dcid);
      otherDcid[0] ^= 1;
      expect(tagger.verify(vec.version, otherDcid, retry)).toBe(false);
    });
  });

  for (const provider of [nodeCryptoProvider, portableCryptoProvider]) {
    describe(`packet protection ${vname} with ${provider.name}, through the core`, () => {
      const { core, x, install } = coreWith(provider);
      const client = install(Suite.Aes128Gcm, vec.client.key, vec.client.iv, vec.client.hp);
      const server = install(Suite.Aes128Gcm, vec.server.key, vec.server.iv, vec.server.hp);
      const chacha = install(Suite.ChaCha20Poly1305, vec.chacha.key, vec.chacha.iv, vec.chacha.hp);
      const ptr = core.scratchPtr;

      const protect = (p: Pkt | Vec['chacha'], keys: { aead: number; hp: number }) => {
        const header = fromHex(p.header);
        const payload = new Uint8Array('payloadLength' in p ? p.payloadLength : p.payload.length / 2);
        payload.set(fromHex(p.payload));
        core.writeScratch(header);
        core.writeScratch(payload, header.length);
        const n = x.probeProtect(ptr, header.length, p.pnOffset, p.pnLength, BigInt(p.pn), payload.length, keys.aead, keys.hp);
        return n < 0 ? n : toHex(core.read(ptr, n));
      };
      const unprotect = (bytes: Uint8Array, pnOffset: number, largest: bigint, keys: { aead: number; hp: number }) => {
        core.writeScratch(bytes);
        const n = x.probeUnprotect(ptr, bytes.length, pnOffset, largest, keys.aead, keys.hp);
        if (n < 0) return n;
        const hl = core.resultNumber(2);
        return { pn: core.result(0), header: toHex(core.read(ptr, hl)), payload: core.read(ptr + hl, n) };
      };

      test('client Initial protects to the RFC bytes', () => {
        expect(protect(vec.clientInitial, client)).toBe(vec.clientInitial.protected);
      });

      test('server Initial protects to the RFC bytes and unprotects back', () => {
        expect(protect(vec.serverInitial, server)).toBe(vec.serverInitial.protected);
        const r = unprotect(fromHex(vec.serverInitial.protected), vec.serverInitial.pnOffset, -1n, server);
        expect(r).toMatchObject({ pn: 1n, header: vec.serverInitial.header });
        expect(toHex((r as { payload: Uint8Array }).payload)).toBe(vec.serverInitial.payload);
      });

      test('client Initial unprotects to its header and payload', () => {
        const r = unprotect(fromHex(vec.clientInitial.protected), vec.clientInitial.pnOffset, -1n, client);
        expect(r).toMatchObject({ pn: 2n, header: vec.clientInitial.header });
        expect(toHex((r as { payload: Uint8Array }).payload).startsWith(vec.clientInitial.payload.replace(/ /g, ''))).toBe(true);
      });

      test('ChaCha20-Poly1305 short header, both ways', () => {
        expect(protect(vec.chacha, chacha)).toBe(vec.chacha.protected);
        const r = unprotect(fromHex(vec.chacha.protected), 1, 654360563n, chacha);
        expect(r).toMatchObject({ pn: 654360564n, header: vec.chacha.header });
        expect(toHex((r as { payload: Uint8Array }).payload)).toBe('01');
      });

      test('a flipped bit in header, payload or tag drops the packet (never a trap)', () => {
        const good = fromHex(vec.serverInitial.protected);
        for (const at of [0, 5, 19, 40, good.length - 1]) {
          const bad = good.slice();
          bad[at] ^= 0x04;
          expect(unprotect(bad, vec.serverInitial.pnOffset, -1n, server)).toBe(DROP);
        }
        // Wrong keys and too-short packets are drops too.
        expect(unprotect(good, vec.serverInitial.pnOffset, -1n, client)).toBe(DROP);
        expect(unprotect(good.subarray(0, 30), vec.serverInitial.pnOffset, -1n, server)).toBe(DROP);
        expect(unprotect(good, vec.serverInitial.pnOffset, -1n, { aead: 999, hp: 999 })).toBe(DROP);
      });
    });
  }
}

describe('the in-core seam round trip for every suite and backend', () => {
  for (const provider of [nodeCryptoProvider, portableCryptoProvider]) {
    for (const suite of [Suite.Aes128Gcm, Suite.Aes256Gcm, Suite.ChaCha20Poly1305]) {
      test(`${provider.name} suite ${suite}`, () => {
        const { core, x, install } = coreWith(provider);
        const len = suite === Suite.Aes128Gcm ? 16 : 32;
        const keys = install(suite, '11'.repeat(len), '22'.repeat(12), '33'.repeat(len));
        const other = coreWith(provider === nodeCryptoProvider ? portableCryptoProvider : nodeCryptoProvider);
        const okeys = other.install(suite, '11'.repeat(len), '22'.repeat(12), '33'.repeat(len));
        for (const pn of [0, 1, 255, 65536, 2 ** 40 + 7]) {
          const header = Uint8Array.from([0x43, 1, 2, 3, 4, 5, 6, 7, 8, 0, 0, 0, 0]);
          const payload = Uint8Array.from({ length: 1100 }, (_, i) => (i * 7 + pn) & 0xff);
          const pnBytes = [(pn >>> 24) & 0xff, (pn >>> 16) & 0xff, (pn >>> 8) & 0xff, pn & 0xff];
          header.set(pnBytes, 9);
          core.writeScratch(header);
          core.writeScratch(payload, header.length);
          const n = x.probeProtect(core.scratchPtr, header.length, 9, 4, BigInt(pn), payload.length, keys.aead, keys.hp);
          expect(n).toBe(header.length + payload.length + 16);
          // The other backend opens what this one sealed.
          const wire = core.read(core.scratchPtr, n);
          other.core.writeScratch(wire);
          const m = other.x.probeUnprotect(other.core.scratchPtr, n, 9, BigInt(pn - 1), okeys.aead, okeys.hp);
          expect(m).toBe(payload.length);
          expect(other.core.result(0)).toBe(BigInt(pn));
          expect(other.core.read(other.core.scratchPtr + 13, m)).toEqual(payload);
        }
      });
    }
  }
});
