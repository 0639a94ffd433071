// The portable handshake crypto: @noble/curves (audited, pure JS, synchronous) for
// x25519, P-256 and P-384 ECDH, ECDSA and Ed25519; BigInt RSA verification
// (pki/rsa-verify.ts). Runs everywhere; the browser build uses it. RSA signing would
// leak the key through BigInt timing, so it is left to a registered platform signer
// (pki/node-rsa.ts, through node:crypto) and is otherwise refused.

import { x25519, ed25519 } from '@noble/curves/ed25519.js';
import { p256, p384 } from '@noble/curves/nist.js';
import { sha256, sha384, sha512 } from '@noble/hashes/sha2.js';
import { gcm } from '@noble/ciphers/aes.js';
import { Group } from './constants';
import type { EphemeralKey, HandshakeCrypto, HashName, PrivateKey, SigAlg } from './handshake-types';
import { rsaPkcs1Verify, rsaPssVerify } from './pki/rsa-verify';
import { nobleHashBackend } from '../crypto/hkdf';

/** Makes RSA-PSS signatures for a key of type 'rsa' (message not pre-hashed). */
export type RsaPssSigner = (key: PrivateKey, hash: HashName, message: Uint8Array) => Uint8Array;

let rsaPssSigner: RsaPssSigner | null = null;

/** Installs the platform's RSA-PSS signer for the portable implementation. */
export function registerRsaPssSigner(signer: RsaPssSigner): void {
  rsaPssSigner = signer;
}

const HASHES = { sha256, sha384, sha512 };

function nist(group: number) {
  return group === Group.secp256r1 ? p256 : group === Group.secp384r1 ? p384 : null;
}

/** Handshake crypto in pure JavaScript (@noble/curves, @noble/hashes): every runtime, the browser's default. */
export const portableHandshakeCrypto: HandshakeCrypto = {
  name: 'portable (@noble/curves)',
  hashes: nobleHashBackend,

  supportsGroup: (group) => group === Group.x25519 || nist(group) !== null,

  keyShare(group, random): EphemeralKey {
    if (group === Group.x25519) {
      const secret = random(32);
      return { priv: secret, publicKey: x25519.getPublicKey(secret) };
    }
    const c = nist(group);
    if (!c) throw new Error(`unsupported group 0x${group.toString(16)}`);
    const secret = c.utils.randomSecretKey(random(c.lengths.seed!));
    return { priv: secret, publicKey: c.getPublicKey(secret, false) };
  },

  sharedSecret(group, own, peer) {
    const secret = own.priv as Uint8Array;
    if (group === Group.x25519) {
      if (peer.length !== 32) throw new Error('x25519 key must be 32 bytes');
      const s = x25519.getSharedSecret(secret, peer);
      // RFC 7748 §6.1: a small-order peer key gives all zeros; TLS must abort (RFC 9846 §7.4.2).
      if (s.every((b) => b === 0)) throw new Error('x25519 produced the all-zero secret');
      return s;
    }
    const c = nist(group);
    if (!c) throw new Error(`unsupported group 0x${group.toString(16)}`);
    // RFC 9846 §4.2.8.2: uncompressed points only; noble checks the point is on the curve.
    if (peer.length !== c.lengths.publicKeyUncompressed || peer[0] !== 4) throw new Error('ECDH key must be an uncompressed point');
    return c.getSharedSecret(secret, peer, true).subarray(1);
  },

  sign(alg: SigAlg, key: PrivateKey, message: Uint8Array): Uint8Array {
    if (alg.kind === 'ecdsa' && alg.curve === 'P-256' && alg.hash === 'sha256' && key.type === 'ecdsa-p256') {
      return p256.sign(message, key.secret, { prehash: true, format: 'der' });
    }
    if (alg.kind === 'ed25519' && key.type === 'ed25519') return ed25519.sign(message, key.secret);
    if (alg.kind === 'rsa-pss' && key.type === 'rsa') {
      if (!rsaPssSigner) throw new Error('RSA keys need a platform signer (node:crypto on Node, Deno and Bun); in a browser use an ECDSA P-256 or Ed25519 key');
      return rsaPssSigner(key, alg.hash, message);
    }
    throw new Error(`key of type ${key.type} cannot sign with ${JSON.stringify(alg)}`);
  },

  verify(alg: SigAlg, pub: Uint8Array, message: Uint8Array, sig: Uint8Array): boolean {
    try {
      switch (alg.kind) {
        case 'ecdsa': {
          const c = alg.curve === 'P-256' ? p256 : p384;
          // Hash separately: a certificate may pair a curve with a different hash (P-256 with SHA-384).
          return c.verify(sig, HASHES[alg.hash](message), pub, { prehash: false, format: 'der', lowS: false });
        }
        case 'ed25519': return ed25519.verify(sig, message, pub);
        case 'rsa-pss': return rsaPssVerify(pub, alg.hash, message, sig);
        case 'rsa-pkcs1': return rsaPkcs1Verify(pub, alg.hash, message, sig);
      }
    } catch {
      return false;
    }
  },

  ticketSeal: (key, nonce, aad, plaintext) => gcm(key, nonce, aad).encrypt(plaintext),
  ticketOpen(key, nonce, aad, sealed) {
    try {
      return gcm(key, nonce, aad).decrypt(sealed);
    } catch {
      return null; // the tag did not match
    }
  },
};
