// The handshake's public-key crypto seam: (EC)DHE key shares (RFC 9846 §4.2.8) and the
// signatures of CertificateVerify and certificates (§4.2.3). Synchronous, because the
// TLS engine is. Two implementations: @noble/curves (handshake-portable.ts: pure JS,
// every runtime, the browser build's) and node:crypto (handshake-node.ts: OpenSSL,
// selected by the Node entry, also what Deno and Bun run, with a per-algorithm fallback
// to the portable one). bench/handshake.ts measures both.
//
// Offered groups: x25519, secp256r1, secp384r1. Not x448 (no maintained synchronous
// implementation in every runtime: Bun's BoringSSL has none, and few peers offer it) and
// not X25519MLKEM768 (needs ML-KEM, which neither node:crypto in Node 20 nor a current
// dependency provides; @noble/post-quantum would be a new dependency).

import type { PrivateKey } from './pki/keys';
import { portableHandshakeCrypto } from './handshake-portable';
import { setHashBackend, type HashBackend } from '../crypto/hkdf';

export type HashName = 'sha256' | 'sha384' | 'sha512';

/** A signature algorithm, independent of the TLS code point that names it. */
export type SigAlg =
  | { kind: 'ecdsa'; curve: 'P-256' | 'P-384'; hash: HashName }
  | { kind: 'ed25519' }
  | { kind: 'rsa-pss'; hash: HashName }
  | { kind: 'rsa-pkcs1'; hash: HashName };

/** One side's ephemeral key share; `priv` is the implementation's own form. */
export interface EphemeralKey {
  readonly publicKey: Uint8Array;
  readonly priv: unknown;
}

/**
 * The TLS engine's public-key and hash work (key shares, ECDH, signatures, digests,
 * HMAC), synchronous: node:crypto on Node, Deno and Bun (nodeHandshakeCrypto), @noble in
 * the browser (portableHandshakeCrypto). Select one with setHandshakeCrypto().
 */
export interface HandshakeCrypto {
  readonly name: string;
  /** SHA-256/384 digests and HMACs for the transcript and the key schedule (HKDF). */
  readonly hashes: HashBackend;
  /** Whether `group` (a TLS NamedGroup code point) is implemented. */
  supportsGroup(group: number): boolean;
  /** A new key share; private-key bytes come from `random` (tests replay it). */
  keyShare(group: number, random: (n: number) => Uint8Array): EphemeralKey;
  /**
   * The shared secret (x25519: 32 bytes; ECDH: the x coordinate). Throws an Error for a
   * peer key that is not a valid point of the group (the caller maps it to an alert).
   */
  sharedSecret(group: number, own: EphemeralKey, peerPublic: Uint8Array): Uint8Array;
  /** Signs `message` (not pre-hashed). Throws when the key cannot make `alg`. */
  sign(alg: SigAlg, key: PrivateKey, message: Uint8Array): Uint8Array;
  /**
   * Verifies with a public key as a certificate carries it: an EC point (SEC1), the
   * 32-byte Ed25519 key, or the DER RSAPublicKey. False for any malformed input.
   */
  verify(alg: SigAlg, publicKey: Uint8Array, message: Uint8Array, signature: Uint8Array): boolean;
}

let current: HandshakeCrypto = portableHandshakeCrypto;

/**
 * Selects the implementation the TLS engine uses from now on (process-wide, as the RSA
 * signer registration is). The Node entry installs node:crypto; tests and benches switch.
 */
export function setHandshakeCrypto(impl: HandshakeCrypto): void {
  current = impl;
  setHashBackend(impl.hashes);
}

/** The implementation in use (the portable one unless an entry installed another). */
export function handshakeCrypto(): HandshakeCrypto {
  return current;
}
