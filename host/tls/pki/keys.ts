// Private keys and signatures for TLS 1.3 (RFC 9846 §4.2.3): ECDSA P-256 and Ed25519
// signing with @noble/curves; verification also for ECDSA P-384, RSA-PSS (servers with
// RSA certificates) and RSA PKCS#1 v1.5 (what real certificate chains carry).
// Platform-neutral and synchronous.

import { p256, p384 } from '@noble/curves/nist.js';
import { ed25519 } from '@noble/curves/ed25519.js';
import { sha256, sha384, sha512 } from '@noble/hashes/sha2.js';
import { DerReader, TAG } from './der';
import { OID, type Certificate } from './x509';
import { toHex } from '../bytes';

export type KeyType = 'ecdsa-p256' | 'ed25519' | 'rsa';

/** A private key. Opaque to callers beyond its type. */
export interface PrivateKey {
  readonly type: KeyType;
  /** @internal raw secret scalar / seed; for RSA the DER key (rsaEncoding says which) */
  readonly secret: Uint8Array;
  /** @internal RSA only: the DER encoding of `secret` */
  readonly rsaEncoding?: 'pkcs8' | 'pkcs1';
  /** @internal raw public key */
  readonly publicKey: Uint8Array;
}

/** TLS SignatureScheme code points. */
export const Scheme = {
  ecdsa_secp256r1_sha256: 0x0403,
  ecdsa_secp384r1_sha384: 0x0503,
  ed25519: 0x0807,
  rsa_pss_rsae_sha256: 0x0804,
  rsa_pss_rsae_sha384: 0x0805,
  rsa_pss_rsae_sha512: 0x0806,
  rsa_pkcs1_sha256: 0x0401,
} as const;

export function generateKey(type: KeyType = 'ecdsa-p256', random?: (n: number) => Uint8Array): PrivateKey {
  const rnd = random ?? ((n: number) => crypto.getRandomValues(new Uint8Array(n)));
  if (type === 'ed25519') {
    const secret = rnd(32);
    return { type, secret, publicKey: ed25519.getPublicKey(secret) };
  }
  if (type === 'ecdsa-p256') {
    const secret = p256.utils.randomSecretKey(rnd(48));
    return { type, secret, publicKey: p256.getPublicKey(secret, false) };
  }
  throw new Error('RSA key generation is not supported: use an ECDSA P-256 or Ed25519 key');
}

/**
 * Makes RSA-PSS signatures. RSA signing with BigInt arithmetic would leak the key through
 * timing, so it is left to a platform implementation (OpenSSL, with blinding, through
 * node:crypto on Node, Deno and Bun: host/tls/pki/node-rsa.ts registers it).
 */
export type RsaPssSigner = (key: PrivateKey, hash: 'sha256' | 'sha384' | 'sha512', message: Uint8Array) => Uint8Array;

let rsaPssSigner: RsaPssSigner | null = null;

/** Installs the platform's RSA-PSS signer (done by the Node entry point). */
export function registerRsaPssSigner(signer: RsaPssSigner): void {
  rsaPssSigner = signer;
}

/** Signature schemes this key can produce, preferred first. */
export function signatureSchemesFor(key: PrivateKey): number[] {
  if (key.type === 'ed25519') return [Scheme.ed25519];
  if (key.type === 'ecdsa-p256') return [Scheme.ecdsa_secp256r1_sha256];
  return [Scheme.rsa_pss_rsae_sha256, Scheme.rsa_pss_rsae_sha384, Scheme.rsa_pss_rsae_sha512];
}

/** Signs `message` (not pre-hashed) with `scheme`. */
export function sign(key: PrivateKey, scheme: number, message: Uint8Array): Uint8Array {
  if (key.type === 'ecdsa-p256' && scheme === Scheme.ecdsa_secp256r1_sha256) {
    return p256.sign(message, key.secret, { prehash: true, format: 'der' });
  }
  if (key.type === 'ed25519' && scheme === Scheme.ed25519) return ed25519.sign(message, key.secret);
  const rsaHash = scheme === Scheme.rsa_pss_rsae_sha256 ? 'sha256' : scheme === Scheme.rsa_pss_rsae_sha384 ? 'sha384' : scheme === Scheme.rsa_pss_rsae_sha512 ? 'sha512' : null;
  if (key.type === 'rsa' && rsaHash) {
    if (!rsaPssSigner) throw new Error('RSA keys need a platform signer (node:crypto on Node, Deno and Bun); in a browser use an ECDSA P-256 or Ed25519 key');
    return rsaPssSigner(key, rsaHash, message);
  }
  throw new Error(`key of type ${key.type} cannot sign with scheme 0x${scheme.toString(16)}`);
}

const HASHES = { sha256, sha384, sha512 };

function ecdsaVerify(curve: string | undefined, pub: Uint8Array, hash: keyof typeof HASHES, message: Uint8Array, sig: Uint8Array): boolean {
  const digest = HASHES[hash](message);
  const c = curve === OID.prime256v1 ? p256 : curve === OID.secp384r1 ? p384 : undefined;
  if (!c) return false;
  try {
    return c.verify(sig, digest, pub, { prehash: false, format: 'der', lowS: false });
  } catch {
    return false;
  }
}

/** DigestInfo prefixes for EMSA-PKCS1-v1_5 (RFC 8017 §9.2 note 1). */
const DIGEST_INFO: Record<string, string> = {
  sha256: '3031300d060960864801650304020105000420',
  sha384: '3041300d060960864801650304020205000430',
  sha512: '3051300d060960864801650304020305000440',
};

function bytesToBig(b: Uint8Array): bigint {
  let v = 0n;
  for (const x of b) v = (v << 8n) | BigInt(x);
  return v;
}

function modPow(base: bigint, exp: bigint, mod: bigint): bigint {
  let r = 1n;
  base %= mod;
  for (; exp > 0n; exp >>= 1n) {
    if (exp & 1n) r = (r * base) % mod;
    base = (base * base) % mod;
  }
  return r;
}

function rsaPublicKey(pubDer: Uint8Array): { n: bigint; e: bigint } {
  const k = new DerReader(pubDer).enter(TAG.SEQUENCE);
  return { n: bytesToBig(k.read(TAG.INTEGER).value), e: bytesToBig(k.read(TAG.INTEGER).value) };
}

function mgf1(hash: keyof typeof HASHES, seed: Uint8Array, length: number): Uint8Array {
  const out = new Uint8Array(length);
  const block = new Uint8Array(seed.length + 4);
  block.set(seed);
  for (let counter = 0, off = 0; off < length; counter++) {
    new DataView(block.buffer).setUint32(seed.length, counter);
    const h = HASHES[hash](block);
    out.set(h.subarray(0, Math.min(h.length, length - off)), off);
    off += h.length;
  }
  return out;
}

/**
 * RSASSA-PSS verification (RFC 8017 §8.1.2, EMSA-PSS-VERIFY §9.1.2) with MGF1 over the
 * same hash and a salt as long as the hash, as TLS 1.3 requires (RFC 9846 §4.2.3).
 * Only public values are involved, so BigInt arithmetic is fine here.
 */
function rsaPssVerify(pubDer: Uint8Array, hash: keyof typeof HASHES, message: Uint8Array, sig: Uint8Array): boolean {
  try {
    const { n, e } = rsaPublicKey(pubDer);
    const modBits = n.toString(2).length;
    const k = Math.ceil(modBits / 8);
    if (sig.length !== k || modBits < 1024) return false;
    const s = bytesToBig(sig);
    if (s >= n) return false;
    const emBits = modBits - 1;
    const emLen = Math.ceil(emBits / 8);
    const mHex = modPow(s, e, n).toString(16);
    if (mHex.length > emLen * 2) return false;
    const em = Uint8Array.from(mHex.padStart(emLen * 2, '0').match(/../g)!, (h) => parseInt(h, 16));
    const mHash = HASHES[hash](message);
    const hLen = mHash.length;
    const sLen = hLen;
    if (emLen < hLen + sLen + 2 || em[emLen - 1] !== 0xbc) return false;
    const maskedDb = em.subarray(0, emLen - hLen - 1);
    const h = em.subarray(emLen - hLen - 1, emLen - 1);
    const topBits = 8 * emLen - emBits;
    if (topBits > 0 && (maskedDb[0] >> (8 - topBits)) !== 0) return false;
    const db = mgf1(hash, h, maskedDb.length).map((b, i) => b ^ maskedDb[i]);
    if (topBits > 0) db[0] &= 0xff >> topBits;
    const psLen = emLen - hLen - sLen - 2;
    for (let i = 0; i < psLen; i++) if (db[i] !== 0) return false;
    if (db[psLen] !== 0x01) return false;
    const mPrime = new Uint8Array(8 + hLen + sLen);
    mPrime.set(mHash, 8);
    mPrime.set(db.subarray(psLen + 1), 8 + hLen);
    const hPrime = HASHES[hash](mPrime);
    return hPrime.every((b, i) => b === h[i]);
  } catch {
    return false;
  }
}

function rsaPkcs1Verify(pubDer: Uint8Array, hash: keyof typeof HASHES, message: Uint8Array, sig: Uint8Array): boolean {
  try {
    const { n, e } = rsaPublicKey(pubDer);
    const len = Math.ceil(n.toString(16).length / 2);
    if (sig.length !== len) return false;
    const m = modPow(bytesToBig(sig), e, n);
    const em = m.toString(16).padStart(len * 2, '0');
    const t = DIGEST_INFO[hash] + toHex(HASHES[hash](message));
    const expected = '0001' + 'ff'.repeat(len - 3 - t.length / 2) + '00' + t;
    return em === expected; // public data only: no secret in the comparison
  } catch {
    return false;
  }
}

/** Verifies a TLS CertificateVerify signature with the certificate's public key. */
export function verifySchemeSignature(cert: Certificate, scheme: number, message: Uint8Array, signature: Uint8Array): boolean {
  switch (scheme) {
    case Scheme.ecdsa_secp256r1_sha256:
      return cert.keyAlgorithm === OID.ecPublicKey && cert.keyCurve === OID.prime256v1 && ecdsaVerify(cert.keyCurve, cert.publicKey, 'sha256', message, signature);
    case Scheme.ecdsa_secp384r1_sha384:
      return cert.keyAlgorithm === OID.ecPublicKey && cert.keyCurve === OID.secp384r1 && ecdsaVerify(cert.keyCurve, cert.publicKey, 'sha384', message, signature);
    case Scheme.ed25519:
      try { return cert.keyAlgorithm === OID.ed25519 && ed25519.verify(signature, message, cert.publicKey); } catch { return false; }
    case Scheme.rsa_pss_rsae_sha256:
      return cert.keyAlgorithm === OID.rsaEncryption && rsaPssVerify(cert.publicKey, 'sha256', message, signature);
    case Scheme.rsa_pss_rsae_sha384:
      return cert.keyAlgorithm === OID.rsaEncryption && rsaPssVerify(cert.publicKey, 'sha384', message, signature);
    case Scheme.rsa_pss_rsae_sha512:
      return cert.keyAlgorithm === OID.rsaEncryption && rsaPssVerify(cert.publicKey, 'sha512', message, signature);
    default:
      return false;
  }
}

/** Verifies the signature an issuer put on a certificate (its signatureAlgorithm). */
export function verifyCertificateSignature(cert: Certificate, issuer: Certificate): boolean | 'unsupported' {
  switch (cert.signatureAlgorithm) {
    case OID.ecdsaWithSha256: return issuer.keyAlgorithm === OID.ecPublicKey && ecdsaVerify(issuer.keyCurve, issuer.publicKey, 'sha256', cert.tbs, cert.signature);
    case OID.ecdsaWithSha384: return issuer.keyAlgorithm === OID.ecPublicKey && ecdsaVerify(issuer.keyCurve, issuer.publicKey, 'sha384', cert.tbs, cert.signature);
    case OID.ed25519:
      try { return issuer.keyAlgorithm === OID.ed25519 && ed25519.verify(cert.signature, cert.tbs, issuer.publicKey); } catch { return false; }
    case OID.sha256WithRsa: return issuer.keyAlgorithm === OID.rsaEncryption && rsaPkcs1Verify(issuer.publicKey, 'sha256', cert.tbs, cert.signature);
    case OID.sha384WithRsa: return issuer.keyAlgorithm === OID.rsaEncryption && rsaPkcs1Verify(issuer.publicKey, 'sha384', cert.tbs, cert.signature);
    case OID.sha512WithRsa: return issuer.keyAlgorithm === OID.rsaEncryption && rsaPkcs1Verify(issuer.publicKey, 'sha512', cert.tbs, cert.signature);
    default: return 'unsupported';
  }
}
