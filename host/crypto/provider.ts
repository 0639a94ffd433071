// The crypto provider seam (ARCHITECTURE.md §4): what packet protection needs from a
// cipher implementation. Two backends: host-native (node:crypto, node-provider.ts) and
// portable (@noble/ciphers, portable-provider.ts, synchronous everywhere incl. browsers).
// Both work in place on a byte view of the core's linear memory: no copies through JS
// objects beyond what the underlying API forces.

import type { Suite } from './suites';

/** AEAD with a fixed key and iv; the nonce is iv XOR the packet number (RFC 9001 §5.3). */
export interface PacketProtector {
  /**
   * Encrypts `buf[at+headerLen, +payloadLen)` in place, authenticating the header
   * `buf[at, at+headerLen)`, and writes the 16-byte tag after the ciphertext.
   * Returns payloadLen + 16.
   */
  seal(buf: Uint8Array, pn: number, at: number, headerLen: number, payloadLen: number): number;
  /** Decrypts in place; returns the plaintext length, or -1 when authentication fails. */
  open(buf: Uint8Array, pn: number, at: number, headerLen: number, cipherLen: number): number;
}

/** Header protection (RFC 9001 §5.4): 5 mask bytes from a 16-byte sample. */
export interface HeaderProtector {
  mask(buf: Uint8Array, sampleAt: number, out: Uint8Array, outAt: number): void;
}

/** A packet protection backend. */
export interface CryptoProvider {
  readonly name: string;
  createPacketProtector(suite: Suite, key: Uint8Array, iv: Uint8Array): PacketProtector;
  createHeaderProtector(suite: Suite, hpKey: Uint8Array): HeaderProtector;
}

/** Writes the QUIC nonce for `pn` into `nonce` (12 bytes): iv XOR the left-padded pn. pn < 2^53. */
export function makeNonce(iv: Uint8Array, pn: number, nonce: Uint8Array): Uint8Array {
  nonce.set(iv);
  const hi = Math.floor(pn / 0x100000000);
  const lo = pn >>> 0;
  nonce[4] ^= hi >>> 24; nonce[5] ^= (hi >>> 16) & 0xff; nonce[6] ^= (hi >>> 8) & 0xff; nonce[7] ^= hi & 0xff;
  nonce[8] ^= lo >>> 24; nonce[9] ^= (lo >>> 16) & 0xff; nonce[10] ^= (lo >>> 8) & 0xff; nonce[11] ^= lo & 0xff;
  return nonce;
}
