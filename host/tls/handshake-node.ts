// The handshake crypto through node:crypto: OpenSSL does every secret-dependent step
// (scalar multiplication, signing, RSA with blinding, HMAC) in constant time, at native speed
// (bench/handshake.ts). Synchronous KeyObject/ECDH APIs that Node, Deno and Bun share.
// A runtime may lack an algorithm (Bun's BoringSSL, Deno's partial node:crypto): each
// algorithm is checked once, on first use, by a round trip with throwaway keys, and a
// failing one runs on the portable implementation instead, the others stay native.

import { createCipheriv, createDecipheriv, createECDH, createHash, createHmac, createPrivateKey, createPublicKey, diffieHellman, generateKeyPairSync, randomBytes, sign, verify, constants, ECDH, type KeyObject } from 'node:crypto';
import { hmacSha256, shortSha256 } from '../crypto/hmac-sha256';
import { Group } from './constants';
import type { EphemeralKey, HandshakeCrypto, HashName, SigAlg } from './handshake-crypto';
import { portableHandshakeCrypto as portable } from './handshake-portable';
import type { PrivateKey } from './pki/keys';
import type { HashBackend } from '../crypto/hkdf';

// X25519 keys go in and out as JWK (RFC 8037): OpenSSL 3's DER decoders cost ≈ 1 ms per
// key on this machine class, the raw-key JWK path ≈ 0.07 ms. Node reads only `d` of a
// private OKP JWK and derives the public key (exported below); the `x` it insists on is a
// placeholder. A runtime that trusted `x` instead would export the placeholder, and the
// first-use self-check (two shares must agree) would move x25519 to the fallback.
const X_PLACEHOLDER = 'A'.repeat(43);

const CURVES: Record<number, { name: string; scalarLen: number; pointLen: number }> = {
  [Group.secp256r1]: { name: 'prime256v1', scalarLen: 32, pointLen: 65 },
  [Group.secp384r1]: { name: 'secp384r1', scalarLen: 48, pointLen: 97 },
};

const SALT: Record<HashName, number> = { sha256: 32, sha384: 48, sha512: 64 };

const b64u = (b: Uint8Array) => Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('base64url');

/** A throwaway random source for the self-checks (not for real keys). */
const checkRandom = (n: number) => new Uint8Array(randomBytes(n));

/**
 * A throwaway signing key for the self-checks, made by node:crypto. The portable
 * generator (pki/keys.ts) would do P-256 in cold pure-JS arithmetic: ≈ 40 ms added to a
 * process's first handshake. Throws where the runtime lacks the algorithm (the check fails).
 */
function checkKey(type: 'ecdsa-p256' | 'ed25519'): PrivateKey {
  const { privateKey } = type === 'ed25519' ? generateKeyPairSync('ed25519') : generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
  const jwk = privateKey.export({ format: 'jwk' });
  const bytes = (b64?: string) => new Uint8Array(Buffer.from(b64 ?? '', 'base64url'));
  if (type === 'ed25519') return { type, secret: bytes(jwk.d), publicKey: bytes(jwk.x) };
  return { type, secret: bytes(jwk.d), publicKey: Uint8Array.from([4, ...bytes(jwk.x), ...bytes(jwk.y)]) };
}

function x25519Share(random: (n: number) => Uint8Array): EphemeralKey {
  // OpenSSL clamps the 32 random bytes (RFC 7748 §5), as noble does: same key, same share.
  const priv = createPrivateKey({ key: { kty: 'OKP', crv: 'X25519', d: b64u(random(32)), x: X_PLACEHOLDER }, format: 'jwk' });
  const x = priv.export({ format: 'jwk' }).x;
  if (!x || x === X_PLACEHOLDER) throw new Error('this runtime does not derive X25519 public keys from JWK');
  return { priv, publicKey: new Uint8Array(Buffer.from(x, 'base64url')) };
}

function x25519Shared(own: EphemeralKey, peer: Uint8Array): Uint8Array {
  if (peer.length !== 32) throw new Error('x25519 key must be 32 bytes');
  const publicKey = createPublicKey({ key: { kty: 'OKP', crv: 'X25519', x: b64u(peer) }, format: 'jwk' });
  const s = new Uint8Array(diffieHellman({ privateKey: own.priv as KeyObject, publicKey }));
  // RFC 7748 §6.1: a small-order peer key gives all zeros; TLS must abort (RFC 9846 §7.4.2).
  let acc = 0;
  for (const b of s) acc |= b;
  if (acc === 0) throw new Error('x25519 produced the all-zero secret');
  return s;
}

function ecdhShare(group: number, random: (n: number) => Uint8Array): EphemeralKey {
  const c = CURVES[group];
  const ecdh = createECDH(c.name);
  // A scalar must lie in [1, n-1]: draw until OpenSSL accepts one (FIPS 186-5 A.2.2,
  // rejection sampling: a draw fails with probability < 2^-32 for both curves).
  for (;;) {
    try {
      ecdh.setPrivateKey(random(c.scalarLen));
      break;
    } catch {
      /* out of range: draw again */
    }
  }
  return { priv: ecdh, publicKey: new Uint8Array(ecdh.getPublicKey()) };
}

function ecdhShared(group: number, own: EphemeralKey, peer: Uint8Array): Uint8Array {
  // RFC 9846 §4.2.8.2: uncompressed points only. OpenSSL rejects points off the curve.
  if (peer.length !== CURVES[group].pointLen || peer[0] !== 4) throw new Error('ECDH key must be an uncompressed point');
  return new Uint8Array((own.priv as ECDH).computeSecret(peer));
}

// Private keys as KeyObjects, made once per key.
const privateKeys = new WeakMap<PrivateKey, KeyObject>();

function privateKeyObject(key: PrivateKey): KeyObject {
  let k = privateKeys.get(key);
  if (!k) {
    if (key.type === 'rsa') k = createPrivateKey({ key: Buffer.from(key.secret), format: 'der', type: key.rsaEncoding ?? 'pkcs8' });
    else if (key.type === 'ed25519') k = createPrivateKey({ key: { kty: 'OKP', crv: 'Ed25519', d: b64u(key.secret), x: b64u(key.publicKey) }, format: 'jwk' });
    else k = createPrivateKey({ key: { kty: 'EC', crv: 'P-256', d: b64u(key.secret), x: b64u(key.publicKey.subarray(1, 33)), y: b64u(key.publicKey.subarray(33, 65)) }, format: 'jwk' });
    privateKeys.set(key, k);
  }
  return k;
}

// Public keys as KeyObjects, by their bytes: a server or client verifies the same few
// certificates (its peer's chain, the trust anchors) again and again. Bounded.
const publicKeys = new Map<string, KeyObject>();
const PUBLIC_CACHE_MAX = 256;

function publicKeyObject(alg: SigAlg, pub: Uint8Array): KeyObject {
  const kind = alg.kind === 'ecdsa' ? alg.curve : alg.kind === 'ed25519' ? 'ed25519' : 'rsa';
  const id = kind + Buffer.from(pub.buffer, pub.byteOffset, pub.byteLength).toString('base64');
  let k = publicKeys.get(id);
  if (k) return k;
  if (kind === 'rsa') k = createPublicKey({ key: Buffer.from(pub), format: 'der', type: 'pkcs1' });
  else if (kind === 'ed25519') {
    if (pub.length !== 32) throw new Error('Ed25519 key must be 32 bytes');
    k = createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x: b64u(pub) }, format: 'jwk' });
  } else {
    const curve = kind === 'P-256' ? 'prime256v1' : 'secp384r1';
    // Certificates may carry compressed points (RFC 5480 §2.2): OpenSSL decompresses and checks.
    const point = pub[0] === 4 ? pub : new Uint8Array(ECDH.convertKey(pub, curve, undefined, undefined, 'uncompressed') as Buffer);
    const half = (point.length - 1) / 2;
    k = createPublicKey({ key: { kty: 'EC', crv: kind, x: b64u(point.subarray(1, 1 + half)), y: b64u(point.subarray(1 + half)) }, format: 'jwk' });
  }
  if (publicKeys.size >= PUBLIC_CACHE_MAX) publicKeys.clear();
  publicKeys.set(id, k);
  return k;
}

function nodeSign(alg: SigAlg, key: PrivateKey, message: Uint8Array): Uint8Array {
  const k = privateKeyObject(key);
  if (alg.kind === 'ecdsa' && key.type === 'ecdsa-p256') return new Uint8Array(sign(alg.hash, message, { key: k, dsaEncoding: 'der' }));
  if (alg.kind === 'ed25519' && key.type === 'ed25519') return new Uint8Array(sign(null, message, k));
  // TLS 1.3: RSASSA-PSS with MGF1 over the same hash and a salt as long as the hash.
  if (alg.kind === 'rsa-pss' && key.type === 'rsa') return new Uint8Array(sign(alg.hash, message, { key: k, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: SALT[alg.hash] }));
  throw new Error(`key of type ${key.type} cannot sign with ${JSON.stringify(alg)}`);
}

function nodeVerify(alg: SigAlg, pub: Uint8Array, message: Uint8Array, sig: Uint8Array): boolean {
  try {
    const key = publicKeyObject(alg, pub);
    switch (alg.kind) {
      case 'ecdsa': return verify(alg.hash, message, { key, dsaEncoding: 'der' }, sig);
      case 'ed25519': return verify(null, message, key, sig);
      case 'rsa-pss': {
        // As the portable verifier: no RSA modulus below 1024 bits. OpenSSL checks the salt length.
        const bits = key.asymmetricKeyDetails?.modulusLength ?? 0;
        if (bits < 1024) return false;
        // RFC 8017 §8.1.2 step 1: a signature is exactly k octets. OpenSSL reads a shorter one
        // as the same integer, so a valid signature with its leading zero byte cut off (1 in
        // 256) would verify.
        if (sig.length !== Math.ceil(bits / 8)) return false;
        return verify(alg.hash, message, { key, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: SALT[alg.hash] }, sig);
      }
      case 'rsa-pkcs1':
        if (sig.length !== Math.ceil((key.asymmetricKeyDetails?.modulusLength ?? 0) / 8)) return false; // RFC 8017 §8.2.2 step 1
        return verify(alg.hash, message, { key, padding: constants.RSA_PKCS1_PADDING }, sig);
    }
  } catch {
    return false;
  }
}

/**
 * A Uint8Array over a digest's own memory: node:crypto gives each digest a fresh
 * ArrayBuffer of exactly its length (not the Buffer pool), so a view keeps nothing else
 * alive and saves a copy.
 */
const own = (b: Buffer): Uint8Array => new Uint8Array(b.buffer, b.byteOffset, b.byteLength);

/** Transcript hashes and HMACs (HKDF) in OpenSSL: every runtime's node:crypto has SHA-2. */
const nodeHashes: HashBackend = {
  digest(hash, parts) {
    const h = createHash(hash);
    for (const p of parts) h.update(p);
    return own(h.digest());
  },
  hmac(hash, key, parts) {
    // The key schedule's short HMACs without a node:crypto object each (crypto/hmac-sha256.ts).
    if (shortSha256(hash, parts)) return hmacSha256(key, parts);
    const h = createHmac(hash, key);
    for (const p of parts) h.update(p);
    return own(h.digest());
  },
};

// Session tickets' AES-256-GCM in OpenSSL (constant-time AES-NI or bitsliced code, unlike
// a table-based AES in JavaScript): ≈ 20 µs per ticket against ≈ 58 µs through @noble.
function ticketSeal(key: Uint8Array, nonce: Uint8Array, aad: Uint8Array, plaintext: Uint8Array): Uint8Array {
  const c = createCipheriv('aes-256-gcm', key, nonce);
  c.setAAD(aad);
  const head = c.update(plaintext);
  const tail = c.final();
  const out = new Uint8Array(head.length + tail.length + 16);
  out.set(head, 0);
  out.set(tail, head.length);
  out.set(c.getAuthTag(), head.length + tail.length);
  return out;
}

function ticketOpen(key: Uint8Array, nonce: Uint8Array, aad: Uint8Array, sealed: Uint8Array): Uint8Array | null {
  if (sealed.length < 16) return null;
  const d = createDecipheriv('aes-256-gcm', key, nonce);
  d.setAAD(aad);
  d.setAuthTag(sealed.subarray(sealed.length - 16));
  const head = d.update(sealed.subarray(0, sealed.length - 16));
  try {
    const tail = d.final(); // throws when the tag does not match
    if (!tail.length) return new Uint8Array(head.buffer, head.byteOffset, head.length);
    const out = new Uint8Array(head.length + tail.length);
    out.set(head, 0);
    out.set(tail, head.length);
    return out;
  } catch {
    return null;
  }
}

// --- per-algorithm availability, checked once ---

type Algo = 'x25519' | 'P-256' | 'P-384' | 'ecdsa' | 'ed25519' | 'aes-256-gcm';
const available = new Map<Algo, boolean>();

function selfCheck(algo: Algo): boolean {
  try {
    if (algo === 'aes-256-gcm') {
      // Against @noble's output for the same input: a runtime whose GCM differs would
      // issue tickets no other server of the cluster opens.
      const key = checkRandom(32), nonce = checkRandom(12), aad = checkRandom(4), msg = checkRandom(40);
      const sealed = ticketSeal(key, nonce, aad, msg);
      const opened = ticketOpen(key, nonce, aad, sealed);
      const tampered = sealed.slice();
      tampered[0] ^= 1;
      return Buffer.compare(sealed, portable.ticketSeal!(key, nonce, aad, msg)) === 0
        && opened !== null && Buffer.compare(opened, msg) === 0 && ticketOpen(key, nonce, aad, tampered) === null;
    }
    if (algo === 'x25519' || algo === 'P-256' || algo === 'P-384') {
      const group = algo === 'x25519' ? Group.x25519 : algo === 'P-256' ? Group.secp256r1 : Group.secp384r1;
      const a = nodeHandshakeCryptoNoFallback.keyShare(group, checkRandom), b = nodeHandshakeCryptoNoFallback.keyShare(group, checkRandom);
      const ab = nodeHandshakeCryptoNoFallback.sharedSecret(group, a, b.publicKey), ba = nodeHandshakeCryptoNoFallback.sharedSecret(group, b, a.publicKey);
      return ab.length > 0 && Buffer.compare(ab, ba) === 0;
    }
    // A portable key signs natively and verifies natively: both directions must work.
    const key = checkKey(algo === 'ed25519' ? 'ed25519' : 'ecdsa-p256');
    const alg: SigAlg = algo === 'ed25519' ? { kind: 'ed25519' } : { kind: 'ecdsa', curve: 'P-256', hash: 'sha256' };
    const msg = Uint8Array.of(1, 2, 3);
    return nodeVerify(alg, key.publicKey, msg, nodeSign(alg, key, msg)) && !nodeVerify(alg, key.publicKey, Uint8Array.of(1, 2, 4), nodeSign(alg, key, msg));
  } catch {
    return false;
  }
}

function native(algo: Algo): boolean {
  let ok = available.get(algo);
  if (ok === undefined) {
    ok = selfCheck(algo);
    available.set(algo, ok);
  }
  return ok;
}

function groupAlgo(group: number): Algo | null {
  return group === Group.x25519 ? 'x25519' : group === Group.secp256r1 ? 'P-256' : group === Group.secp384r1 ? 'P-384' : null;
}

function sigAlgo(alg: SigAlg): Algo | null {
  // P-384 ECDSA runs on the P-256 check's verdict: the same OpenSSL code path.
  return alg.kind === 'ecdsa' ? 'ecdsa' : alg.kind === 'ed25519' ? 'ed25519' : null;
}

/** The raw node:crypto implementation, without fallback (tests cross-check it). */
export const nodeHandshakeCryptoNoFallback: HandshakeCrypto = {
  name: 'node:crypto',
  hashes: nodeHashes,
  supportsGroup: (group) => groupAlgo(group) !== null,
  keyShare: (group, random) => (group === Group.x25519 ? x25519Share(random) : ecdhShare(group, random)),
  sharedSecret: (group, own, peer) => (group === Group.x25519 ? x25519Shared(own, peer) : ecdhShared(group, own, peer)),
  sign: nodeSign,
  verify: nodeVerify,
  ticketSeal,
  ticketOpen,
};

/**
 * node:crypto where the runtime has the algorithm, the portable implementation where it
 * does not (decided per algorithm on first use). What the Node entry installs.
 */
export const nodeHandshakeCrypto: HandshakeCrypto = {
  name: 'node:crypto (portable fallback per algorithm)',
  hashes: nodeHashes,
  supportsGroup: (group) => groupAlgo(group) !== null,
  keyShare(group, random) {
    const a = groupAlgo(group);
    return a && native(a) ? nodeHandshakeCryptoNoFallback.keyShare(group, random) : portable.keyShare(group, random);
  },
  sharedSecret(group, own, peer) {
    // A share made by the fallback holds noble's private key form: it stays there.
    const a = groupAlgo(group);
    return a && native(a) ? nodeHandshakeCryptoNoFallback.sharedSecret(group, own, peer) : portable.sharedSecret(group, own, peer);
  },
  sign(alg, key, message) {
    const a = sigAlgo(alg);
    return a === null || native(a) ? nodeSign(alg, key, message) : portable.sign(alg, key, message);
  },
  verify(alg, pub, message, sig) {
    const a = sigAlgo(alg);
    return a === null || native(a) ? nodeVerify(alg, pub, message, sig) : portable.verify(alg, pub, message, sig);
  },
  ticketSeal(key, nonce, aad, plaintext) {
    return native('aes-256-gcm') ? ticketSeal(key, nonce, aad, plaintext) : portable.ticketSeal!(key, nonce, aad, plaintext);
  },
  ticketOpen(key, nonce, aad, sealed) {
    return native('aes-256-gcm') ? ticketOpen(key, nonce, aad, sealed) : portable.ticketOpen!(key, nonce, aad, sealed);
  },
};

/**
 * Runs now the first-use checks a server's handshakes need: x25519 (every client offers
 * it), the certificate key's signature algorithm and the session tickets' AES-256-GCM.
 * listen() calls it, so that the first connection's handshake does not pay them (≈ 5 ms
 * cold: key generation, a sign and a verify) — on loopback most of its first RTT sample,
 * which RFC 9002 §5.3 makes the smoothed RTT the pacer spreads the first windows over.
 */
export function prepareServerChecks(keyType?: PrivateKey['type'], tickets = true): void {
  native('x25519');
  if (tickets) native('aes-256-gcm');
  if (keyType === 'ecdsa-p256') native('ecdsa');
  else if (keyType === 'ed25519') native('ed25519');
}

/** @internal tests: the algorithms whose first-use check has run. */
export function checkedAlgorithms(): Algo[] {
  return [...available.keys()];
}

/** @internal tests: pretend the runtime lacks (false) or has (undefined: check again) an algorithm. */
export function overrideNativeForTests(algo: Algo, ok: boolean | undefined): void {
  if (ok === undefined) available.delete(algo);
  else available.set(algo, ok);
}

/** Which algorithms run natively here (for benches and diagnostics). */
export function nativeAlgorithms(): Record<Algo, boolean> {
  const out = {} as Record<Algo, boolean>;
  for (const a of ['x25519', 'P-256', 'P-384', 'ecdsa', 'ed25519', 'aes-256-gcm'] as Algo[]) out[a] = native(a);
  return out;
}
