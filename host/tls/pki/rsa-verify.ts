// RSA signature verification in portable JavaScript (RFC 8017): RSASSA-PSS for TLS 1.3
// CertificateVerify and PKCS#1 v1.5 for certificate signatures. Public values only, so
// BigInt arithmetic (not constant-time) is fine. The portable handshake crypto uses it;
// node:crypto verifies RSA natively (handshake-node.ts).

import { sha256, sha384, sha512 } from '@noble/hashes/sha2.js';
import { DerReader, TAG } from './der';
import { toHex } from '../bytes';

const HASHES = { sha256, sha384, sha512 };

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

export function rsaPublicKey(pubDer: Uint8Array): { n: bigint; e: bigint } {
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
export function rsaPssVerify(pubDer: Uint8Array, hash: keyof typeof HASHES, message: Uint8Array, sig: Uint8Array): boolean {
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

export function rsaPkcs1Verify(pubDer: Uint8Array, hash: keyof typeof HASHES, message: Uint8Array, sig: Uint8Array): boolean {
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
