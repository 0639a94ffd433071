// The running SHA-256 of a transcript (host/crypto/hmac-sha256.ts Sha256) and the TLS
// Transcript over it: the digest of everything added so far, at any point and with bytes
// more that are not added, equals node:crypto's hash of the concatenation, whatever the
// split of the messages around the 64-byte blocks; SHA-384 transcripts keep their path.
import { createHash, randomBytes } from 'node:crypto';
import { Sha256 } from '../../host/crypto/hmac-sha256';
import { Transcript } from '../../host/tls/keyschedule';
import { nobleHashBackend, setHashBackend, type HashBackend } from '../../host/crypto/hkdf';
import { nodeHandshakeCrypto } from '../../host/tls/handshake-node';

const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');
const sha = (hash: string, ...parts: Uint8Array[]) => { const h = createHash(hash); for (const p of parts) h.update(p); return h.digest('hex'); };

describe('running SHA-256', () => {
  test('digests after every message of random lengths 0..300 (and a 5000-byte one) equal node:crypto over the concatenation', () => {
    for (let run = 0; run < 20; run++) {
      const s = new Sha256();
      const seen: Uint8Array[] = [];
      for (let m = 0; m < 12; m++) {
        const msg = randomBytes(run === 0 && m === 5 ? 5000 : Math.floor(Math.random() * 301));
        s.update(msg);
        seen.push(msg);
        expect(hex(s.digest())).toBe(sha('sha256', ...seen));
        const extra = randomBytes(Math.floor(Math.random() * 130));
        expect(hex(s.digest(extra))).toBe(sha('sha256', ...seen, extra));
        expect(hex(s.digest())).toBe(sha('sha256', ...seen)); // digest(extra) added nothing
      }
    }
  });

  test('every total length 0..300 in one update and byte by byte; the FIPS 180-2 "abc" vector', () => {
    for (let len = 0; len <= 300; len++) {
      const msg = randomBytes(len);
      const one = new Sha256(), bytes = new Sha256();
      one.update(msg);
      for (let i = 0; i < len; i++) bytes.update(msg.subarray(i, i + 1));
      expect([len, hex(one.digest()), hex(bytes.digest())]).toEqual([len, sha('sha256', msg), sha('sha256', msg)]);
    }
    const abc = new Sha256();
    abc.update(new TextEncoder().encode('abc'));
    expect(hex(abc.digest())).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
  });

  test('two running hashes interleaved do not disturb each other', () => {
    const a = new Sha256(), b = new Sha256();
    const am: Uint8Array[] = [], bm: Uint8Array[] = [];
    for (let i = 0; i < 10; i++) {
      const x = randomBytes(37 * i), y = randomBytes(70 + i);
      a.update(x); am.push(x);
      b.update(y); bm.push(y);
      expect([hex(a.digest()), hex(b.digest())]).toEqual([sha('sha256', ...am), sha('sha256', ...bm)]);
    }
  });
});

// @noble's backend has a running hash (SHA-256 here, SHA-384 noble's); node:crypto's has none (messages kept).
describe.each([
  ['@noble/hashes', nobleHashBackend],
  ['node:crypto', nodeHandshakeCrypto.hashes],
] as [string, HashBackend][])('Transcript over the %s backend', (_name, b) => {
  afterAll(() => setHashBackend(nobleHashBackend));
  test.each(['sha256', 'sha384'] as const)('%s: digest, digestWith, compact and message_hash for HelloRetryRequest (RFC 9846 §4.4.1)', (hash) => {
    setHashBackend(b);
    const t = new Transcript(hash);
    const ch1 = randomBytes(250);
    t.add(ch1);
    expect(hex(t.digest())).toBe(sha(hash, ch1));
    t.replaceWithMessageHash();
    const d = createHash(hash).update(ch1).digest();
    const mh = Uint8Array.from([254, 0, 0, d.length, ...d]);
    expect(hex(t.digest())).toBe(sha(hash, mh));
    const msgs = [randomBytes(300), randomBytes(90), randomBytes(1000), randomBytes(36)];
    const seen: Uint8Array[] = [mh];
    for (const m of msgs) {
      t.add(m);
      seen.push(m);
      expect(hex(t.digest())).toBe(sha(hash, ...seen));
      const extra = randomBytes(33);
      expect(hex(t.digestWith(extra))).toBe(sha(hash, ...seen, extra));
    }
    t.compact();
    expect(hex(t.digest())).toBe(sha(hash, ...seen));
  });
});
