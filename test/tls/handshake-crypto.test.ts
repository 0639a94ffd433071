// The handshake crypto seam, through both implementations and across them: every group's
// shares agree whichever side made them (node:crypto with @noble/curves), every signature
// scheme made by one verifies with the other, bad peer points end in illegal_parameter,
// and whole handshakes (P-384 only among them) complete under each implementation.
import { generateKeyPairSync, sign as opensslSign } from 'node:crypto';
import { p384 } from '@noble/curves/nist.js';
import { gcm } from '@noble/ciphers/aes.js';
import { SessionTicketIssuer } from '../../host/tls/tickets';
import { Suite } from '../../host/crypto/suites';
import { sha384 } from '@noble/hashes/sha2.js';
import { Group, type GroupName } from '../../host/tls/constants';
import { handshakeCrypto, setHandshakeCrypto, type HandshakeCrypto, type SigAlg } from '../../host/tls/handshake-crypto';
import { portableHandshakeCrypto } from '../../host/tls/handshake-portable';
import { nodeHandshakeCrypto, nodeHandshakeCryptoNoFallback, nativeAlgorithms, overrideNativeForTests } from '../../host/tls/handshake-node';
import { newKeyShare, sharedSecret } from '../../host/tls/key-exchange';
import { Alert, TlsAlertError } from '../../host/tls/alerts';
import { Scheme, generateKey, sign, verifySchemeSignature, verifyCertificateSignature, type PrivateKey } from '../../host/tls/pki/keys';
import { parseCertificate, parsePemPrivateKey, type Certificate } from '../../host/tls/pki/index';
import { OID } from '../../host/tls/pki/x509';
import { alertOf, certFor, expectMatchingSecrets, info, pair, run } from './helpers';

const IMPLS: [string, HandshakeCrypto][] = [['node:crypto', nodeHandshakeCryptoNoFallback], ['portable', portableHandshakeCrypto]];
const rnd = (n: number) => crypto.getRandomValues(new Uint8Array(n));
const GROUPS: [GroupName, number][] = [['x25519', 32], ['secp256r1', 65], ['secp384r1', 97]];

test('node:crypto runs every algorithm natively on Node (no fallback taken)', () => {
  expect(nativeAlgorithms()).toEqual({ x25519: true, 'P-256': true, 'P-384': true, ecdsa: true, ed25519: true, 'aes-256-gcm': true });
});

describe('session tickets\' AES-256-GCM through the seam', () => {
  afterEach(() => overrideNativeForTests('aes-256-gcm', undefined));

  test('OpenSSL seals what @noble seals, opens it, refuses a flipped bit, a wrong nonce or AAD, a short input', () => {
    const key = rnd(32), nonce = rnd(12), aad = rnd(4);
    for (const len of [0, 1, 15, 16, 17, 150, 1000]) {
      const msg = rnd(len);
      const sealed = nodeHandshakeCrypto.ticketSeal!(key, nonce, aad, msg);
      expect(Buffer.from(sealed)).toEqual(Buffer.from(gcm(key, nonce, aad).encrypt(msg)));
      expect(Buffer.from(nodeHandshakeCrypto.ticketOpen!(key, nonce, aad, sealed)!)).toEqual(Buffer.from(msg));
      for (const i of [0, sealed.length - 1]) {
        const bad = sealed.slice();
        bad[i] ^= 0x80;
        expect(nodeHandshakeCrypto.ticketOpen!(key, nonce, aad, bad)).toBeNull();
      }
      expect(nodeHandshakeCrypto.ticketOpen!(key, rnd(12), aad, sealed)).toBeNull();
      expect(nodeHandshakeCrypto.ticketOpen!(key, nonce, rnd(4), sealed)).toBeNull();
    }
    expect(nodeHandshakeCrypto.ticketOpen!(key, nonce, aad, rnd(15))).toBeNull();
  });

  test('tickets sealed by a server on one seam open on a server with the other (one cluster, several runtimes)', () => {
    const before = handshakeCrypto();
    const keys = [rnd(32)];
    const state = { suite: Suite.Aes128Gcm, psk: rnd(32), issuedAt: Date.now(), ageAdd: 7, lifetimeSeconds: 60, maxEarlyData: 0, alpn: 'h3', serverName: 'example.com' };
    try {
      for (const [from, to] of [[nodeHandshakeCrypto, portableHandshakeCrypto], [portableHandshakeCrypto, nodeHandshakeCrypto]]) {
        setHandshakeCrypto(from);
        const ticket = new SessionTicketIssuer({ keys }).seal(state, rnd);
        setHandshakeCrypto(to);
        const opened = new SessionTicketIssuer({ keys }).open(ticket);
        expect(opened?.serverName).toBe('example.com');
        expect(Buffer.from(opened!.psk)).toEqual(Buffer.from(state.psk));
        ticket[ticket.length - 1] ^= 1;
        expect(new SessionTicketIssuer({ keys }).open(ticket)).toBeUndefined();
      }
    } finally {
      setHandshakeCrypto(before);
    }
  });

  test('a runtime whose node:crypto lacks it seals with @noble instead, and the tickets still open', () => {
    overrideNativeForTests('aes-256-gcm', false);
    const key = rnd(32), nonce = rnd(12), aad = rnd(4), msg = rnd(100);
    const sealed = nodeHandshakeCrypto.ticketSeal!(key, nonce, aad, msg);
    expect(Buffer.from(sealed)).toEqual(Buffer.from(gcm(key, nonce, aad).encrypt(msg)));
    expect(Buffer.from(nodeHandshakeCrypto.ticketOpen!(key, nonce, aad, sealed)!)).toEqual(Buffer.from(msg));
    sealed[3] ^= 1;
    expect(nodeHandshakeCrypto.ticketOpen!(key, nonce, aad, sealed)).toBeNull();
  });
});

describe('per-algorithm fallback (a runtime without the algorithm in node:crypto)', () => {
  afterEach(() => { overrideNativeForTests('x25519', undefined); overrideNativeForTests('ed25519', undefined); });

  test('x25519 missing: shares come from @noble and still agree with OpenSSL shares', () => {
    overrideNativeForTests('x25519', false);
    const fallback = newKeyShare(Group.x25519, rnd, nodeHandshakeCrypto);
    expect(fallback.key.priv).toBeInstanceOf(Uint8Array); // noble's form, not a KeyObject
    const native = newKeyShare(Group.x25519, rnd, nodeHandshakeCryptoNoFallback);
    expect(Buffer.from(sharedSecret(fallback, native.publicKey))).toEqual(Buffer.from(sharedSecret(native, fallback.publicKey)));
  });

  test('Ed25519 missing: a whole handshake with an Ed25519 certificate still completes', () => {
    overrideNativeForTests('ed25519', false);
    const before = handshakeCrypto();
    setHandshakeCrypto(nodeHandshakeCrypto);
    try {
      const { client, server } = pair({ keyType: 'ed25519' });
      const outs = run(client, server);
      expect(alertOf(outs.client) ?? alertOf(outs.server)).toBeUndefined();
      expect(info(outs.client)).toBeDefined();
    } finally {
      setHandshakeCrypto(before);
    }
  });
});

describe.each(GROUPS)('group %s', (name, pubLen) => {
  const group = Group[name];

  test.each(IMPLS.flatMap(([a, ia]) => IMPLS.map(([b, ib]) => [a, b, ia, ib] as const)))('%s share with %s share: the same secret both ways', (_a, _b, ia, ib) => {
    const x = newKeyShare(group, rnd, ia), y = newKeyShare(group, rnd, ib);
    expect(x.publicKey.length).toBe(pubLen);
    const s1 = sharedSecret(x, y.publicKey), s2 = sharedSecret(y, x.publicKey);
    expect(s1.length).toBe(name === 'secp384r1' ? 48 : 32);
    expect(Buffer.from(s1).toString('hex')).toBe(Buffer.from(s2).toString('hex'));
  });

  const badPoints: [string, (good: Uint8Array) => Uint8Array][] = [
    ['too short', (g) => g.subarray(1)],
    ['empty', () => new Uint8Array(0)],
    ...(name === 'x25519'
      ? ([['a small-order point (all-zero secret)', () => new Uint8Array(32)]] as [string, (g: Uint8Array) => Uint8Array][])
      : ([
          ['compressed form', (g) => Uint8Array.of(2 + (g[g.length - 1] & 1), ...g.subarray(1, 1 + (g.length - 1) / 2))],
          ['not on the curve', (g) => { const b = g.slice(); b[b.length - 1] ^= 1; return b; }],
          ['the point at infinity', (g) => Uint8Array.of(0, ...new Uint8Array(g.length - 1))],
        ] as [string, (g: Uint8Array) => Uint8Array][])),
  ];
  for (const [impl, h] of IMPLS) {
    test.each(badPoints)(`${impl}: peer key %s gives illegal_parameter`, (_what, mutate) => {
      const own = newKeyShare(group, rnd, h);
      const good = newKeyShare(group, rnd, h).publicKey;
      let err: unknown;
      try { sharedSecret(own, mutate(good)); } catch (e) { err = e; }
      expect(err).toBeInstanceOf(TlsAlertError);
      expect((err as TlsAlertError).alert).toBe(Alert.illegal_parameter);
    });
  }
});

test('x25519: the same random bytes give the same public key in both implementations', () => {
  const seed = rnd(32);
  const a = nodeHandshakeCryptoNoFallback.keyShare(Group.x25519, () => seed.slice());
  const b = portableHandshakeCrypto.keyShare(Group.x25519, () => seed.slice());
  expect(Buffer.from(a.publicKey).toString('hex')).toBe(Buffer.from(b.publicKey).toString('hex'));
});

function rsaKey(): { key: PrivateKey; pub: Uint8Array } {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  return { key: parsePemPrivateKey(privateKey.export({ type: 'pkcs8', format: 'pem' }) as string), pub: new Uint8Array(publicKey.export({ type: 'pkcs1', format: 'der' })) };
}

describe('signature schemes across implementations', () => {
  const msg = new TextEncoder().encode(' '.repeat(64) + 'TLS 1.3, server CertificateVerify\0transcript hash');
  const rsa = rsaKey();
  const cases: [string, number, PrivateKey, Certificate][] = [
    ['ecdsa_secp256r1_sha256', Scheme.ecdsa_secp256r1_sha256, certFor('ecdsa-p256').key, parseCertificate(certFor('ecdsa-p256').chain[0])],
    ['ed25519', Scheme.ed25519, certFor('ed25519').key, parseCertificate(certFor('ed25519').chain[0])],
    ...[Scheme.rsa_pss_rsae_sha256, Scheme.rsa_pss_rsae_sha384, Scheme.rsa_pss_rsae_sha512].map((s) =>
      [`rsa_pss 0x${s.toString(16)}`, s, rsa.key, { keyAlgorithm: OID.rsaEncryption, publicKey: rsa.pub } as unknown as Certificate] as [string, number, PrivateKey, Certificate]),
  ];
  for (const [name, scheme, key, cert] of cases) {
    for (const [signer, hs] of IMPLS) for (const [verifier, hv] of IMPLS) {
      if (scheme !== Scheme.ecdsa_secp256r1_sha256 && scheme !== Scheme.ed25519 && signer === 'portable') continue; // RSA signs natively only
      test(`${name}: signed by ${signer}, verified by ${verifier}; a changed message or signature fails`, () => {
        const sig = sign(key, scheme, msg, hs);
        expect(verifySchemeSignature(cert, scheme, msg, sig, hv)).toBe(true);
        const other = msg.slice(); other[70] ^= 1;
        expect(verifySchemeSignature(cert, scheme, other, sig, hv)).toBe(false);
        const bad = sig.slice(); bad[bad.length - 5] ^= 0x10;
        expect(verifySchemeSignature(cert, scheme, msg, bad, hv)).toBe(false);
        expect(verifySchemeSignature(cert, scheme, msg, sig.subarray(0, sig.length - 1), hv)).toBe(false);
      });
    }
  }

  test('an RSA key refuses to sign on the portable implementation without a platform signer', () => {
    expect(() => sign(rsa.key, Scheme.rsa_pss_rsae_sha256, msg, portableHandshakeCrypto)).toThrow(/platform signer/);
  });

  test.each(IMPLS)('ecdsa_secp384r1_sha384 verification with %s, signatures from OpenSSL and from noble', (_n, h) => {
    const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'secp384r1' });
    const jwk = publicKey.export({ format: 'jwk' });
    const point = Uint8Array.from([4, ...Buffer.from(jwk.x!, 'base64url'), ...Buffer.from(jwk.y!, 'base64url')]);
    const cert = { keyAlgorithm: OID.ecPublicKey, keyCurve: OID.secp384r1, publicKey: point } as unknown as Certificate;
    const fromOpenssl = new Uint8Array(opensslSign('sha384', msg, { key: privateKey, dsaEncoding: 'der' }));
    expect(verifySchemeSignature(cert, Scheme.ecdsa_secp384r1_sha384, msg, fromOpenssl, h)).toBe(true);
    const d = Buffer.from(privateKey.export({ format: 'jwk' }).d!, 'base64url');
    const fromNoble = p384.sign(sha384(msg), d, { prehash: false, format: 'der' });
    expect(verifySchemeSignature(cert, Scheme.ecdsa_secp384r1_sha384, msg, fromNoble, h)).toBe(true);
    expect(verifySchemeSignature(cert, Scheme.ecdsa_secp384r1_sha384, msg.subarray(1), fromNoble, h)).toBe(false);
    // The scheme binds the curve: a P-384 key cannot answer for ecdsa_secp256r1_sha256.
    expect(verifySchemeSignature(cert, Scheme.ecdsa_secp256r1_sha256, msg, fromOpenssl, h)).toBe(false);
  });

  test.each(IMPLS)('certificate signatures (self-signed ECDSA and Ed25519) verify with %s; a changed TBS fails', (_n, h) => {
    for (const t of ['ecdsa-p256', 'ed25519'] as const) {
      const c = parseCertificate(certFor(t).chain[0]);
      expect(verifyCertificateSignature(c, c, h)).toBe(true);
      const tampered = { ...c, tbs: c.tbs.slice() };
      tampered.tbs[tampered.tbs.length - 3] ^= 1;
      expect(verifyCertificateSignature(tampered, c, h)).toBe(false);
    }
  });

  test.each(IMPLS)('malformed public keys verify nothing with %s (no throw)', (_n, h) => {
    const algs: SigAlg[] = [{ kind: 'ecdsa', curve: 'P-256', hash: 'sha256' }, { kind: 'ed25519' }, { kind: 'rsa-pss', hash: 'sha256' }, { kind: 'rsa-pkcs1', hash: 'sha256' }];
    for (const alg of algs) expect(h.verify(alg, Uint8Array.of(4, 1, 2, 3), msg, new Uint8Array(64))).toBe(false);
  });
});

describe.each([['node:crypto', nodeHandshakeCrypto], ['portable', portableHandshakeCrypto]] as const)('whole handshakes with %s', (_n, impl) => {
  let before: HandshakeCrypto;
  beforeAll(() => { before = handshakeCrypto(); setHandshakeCrypto(impl); });
  afterAll(() => setHandshakeCrypto(before));

  for (const [group] of GROUPS) for (const keyType of ['ecdsa-p256', 'ed25519'] as const) {
    test(`a client offering only ${group}, ${keyType} certificate, server on its defaults`, () => {
      const { client, server } = pair({ clientGroups: [group], keyType });
      const outs = run(client, server);
      expect(alertOf(outs.client) ?? alertOf(outs.server)).toBeUndefined();
      expect(expectMatchingSecrets(outs)).toHaveLength(4);
      expect(info(outs.client)).toBeDefined();
    });
  }

  test('HelloRetryRequest to P-384 when the server takes only P-384', () => {
    const { client, server } = pair({ serverGroups: ['secp384r1'] });
    const outs = run(client, server);
    expect(alertOf(outs.client) ?? alertOf(outs.server)).toBeUndefined();
    expect(info(outs.server)).toBeDefined();
  });

  test('a peer key share that is not on the curve ends the handshake with illegal_parameter', () => {
    const { client, server } = pair({ clientGroups: ['secp384r1'] });
    // Flip a bit of the last coordinate byte of the client's P-384 key share (tag 0x0033,
    // group 0x0018, length 97): the ClientHello still parses, the point is off the curve.
    const outs = run(client, server, (from, _level, data) => {
      if (from !== 'client' || data[0] !== 1) return data;
      const b = data.slice();
      for (let i = 0; i + 6 < b.length; i++) {
        if (b[i] === 0x00 && b[i + 1] === 0x18 && b[i + 2] === 0x00 && b[i + 3] === 97 && b[i + 4] === 4) { b[i + 4 + 96] ^= 1; return b; }
      }
      throw new Error('no P-384 key share found');
    });
    expect(alertOf(outs.server)).toBe(Alert.illegal_parameter);
  });
});
