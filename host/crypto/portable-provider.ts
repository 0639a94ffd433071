// Portable packet protection over @noble/ciphers: pure JavaScript, synchronous, the same
// in Node, Deno, Bun and browsers (Web Crypto is asynchronous, which a per-packet path
// cannot wait for). Audited, maintained, no dependencies. Slower than node:crypto for
// AES-GCM (no AES-NI from JS), closer for ChaCha20-Poly1305: bench/crypto.ts measures it.

import { gcm, unsafe as aesBlock } from '@noble/ciphers/aes.js';
import { chacha20poly1305 } from '@noble/ciphers/chacha.js';
import { ChaChaMasker } from './chacha-block';
import type { CryptoProvider, HeaderProtector, PacketProtector } from './provider';
import { makeNonce } from './provider';
import { Suite, TAG_LENGTH } from './suites';

class NoblePacketProtector implements PacketProtector {
  private readonly nonce = new Uint8Array(12);
  constructor(private readonly suite: Suite, private readonly key: Uint8Array, private readonly iv: Uint8Array) {}

  private cipher(pn: number, aad: Uint8Array) {
    const nonce = makeNonce(this.iv, pn, this.nonce);
    return this.suite === Suite.ChaCha20Poly1305 ? chacha20poly1305(this.key, nonce, aad) : gcm(this.key, nonce, aad);
  }

  seal(buf: Uint8Array, pn: number, at: number, headerLen: number, payloadLen: number): number {
    const p = at + headerLen;
    const out = this.cipher(pn, buf.slice(at, p)).encrypt(buf.subarray(p, p + payloadLen));
    buf.set(out, p);
    return payloadLen + TAG_LENGTH;
  }

  open(buf: Uint8Array, pn: number, at: number, headerLen: number, cipherLen: number): number {
    if (cipherLen < TAG_LENGTH) return -1;
    const p = at + headerLen;
    let out: Uint8Array;
    try {
      // noble compares tags in constant time and throws on mismatch.
      out = this.cipher(pn, buf.slice(at, p)).decrypt(buf.subarray(p, p + cipherLen));
    } catch {
      return -1;
    }
    buf.set(out, p);
    return out.length;
  }
}

class NobleAesHeaderProtector implements HeaderProtector {
  // noble's ECB object is single-use, and re-expanding the key per packet costs more
  // than the block itself: keep the expanded key and call the block function (noble's
  // low-level API, pinned by package-lock; the RFC vectors test it on every upgrade).
  private readonly xk: Uint32Array;
  private readonly block = new Uint8Array(16);
  constructor(hpKey: Uint8Array) {
    this.xk = aesBlock.expandKeyLE(hpKey);
  }
  mask(buf: Uint8Array, sampleAt: number, out: Uint8Array, outAt: number): void {
    this.block.set(buf.subarray(sampleAt, sampleAt + 16));
    const enc = aesBlock.encryptBlock(this.xk, this.block);
    for (let i = 0; i < 5; i++) out[outAt + i] = enc[i];
  }
}

/** Packet protection in portable JavaScript (@noble/ciphers). */
export const portableCryptoProvider: CryptoProvider = {
  name: 'portable (@noble/ciphers)',
  createPacketProtector: (suite, key, iv) => new NoblePacketProtector(suite, key, iv),
  createHeaderProtector: (suite, hpKey) => (suite === Suite.ChaCha20Poly1305 ? new ChaChaMasker(hpKey) : new NobleAesHeaderProtector(hpKey)),
};
