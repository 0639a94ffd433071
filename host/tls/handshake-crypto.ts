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

import type { HandshakeCrypto } from './handshake-types';
import { portableHandshakeCrypto } from './handshake-portable';
import { setHashBackend } from '../crypto/hkdf';

export type { HashName, SigAlg, EphemeralKey, HandshakeCrypto } from './handshake-types';

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
