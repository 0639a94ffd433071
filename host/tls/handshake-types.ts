// The handshake crypto seam's types (handshake-crypto.ts holds the selected
// implementation): what the TLS engine asks of a public-key and hash backend, and the
// private keys it signs with. A file of its own so that the implementations and the key
// room import the types without importing the registry that imports them.

import type { HashBackend } from '../crypto/hkdf';

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
  /**
   * AES-256-GCM for session tickets (tickets.ts), sealed under the server's long-term
   * ticket key: ciphertext with its 16-byte tag appended. Optional: without it tickets
   * are sealed by @noble/ciphers.
   */
  ticketSeal?(key: Uint8Array, nonce: Uint8Array, aad: Uint8Array, plaintext: Uint8Array): Uint8Array;
  /** The plaintext of ticketSeal's output, or null when it does not authenticate. */
  ticketOpen?(key: Uint8Array, nonce: Uint8Array, aad: Uint8Array, sealed: Uint8Array): Uint8Array | null;
}
