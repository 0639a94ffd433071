// Host-native packet protection over node:crypto (Deno and Bun implement it too).
// node:crypto (Node 20) has no way to give a GCM or ChaCha20-Poly1305 cipher object a
// new nonce, so each packet costs one createCipheriv (≈ 6 µs fixed on an idle machine,
// /work/shared/perf/README.md; bench/protection.ts); key objects are created once per
// key. Header protection creates no object per packet: AES keeps one ECB cipher per key
// alive (ECB is stateless across blocks, so update() serves every sample), ChaCha20
// computes its one block in JavaScript (chacha-block.ts).

import { createCipheriv, createDecipheriv, createSecretKey, getCiphers, type KeyObject, type CipherGCMTypes, type CipherChaCha20Poly1305Types } from 'node:crypto';
import type { CryptoProvider, HeaderProtector, PacketProtector } from './provider';
import { makeNonce } from './provider';
import { Suite, TAG_LENGTH } from './suites';
import { portableCryptoProvider } from './portable-provider';
import { ChaChaMasker } from './chacha-block';

// Bun's node:crypto (BoringSSL) has no ChaCha20 or ChaCha20-Poly1305 (Bun 1.4): there the
// ChaCha20 suite runs on the portable implementation, the AES suites stay native.
const ciphers = new Set(getCiphers());
const nativeChaCha = ciphers.has('chacha20-poly1305');

type AeadName = CipherGCMTypes | CipherChaCha20Poly1305Types;

function aeadName(suite: Suite): AeadName {
  return suite === Suite.Aes128Gcm ? 'aes-128-gcm' : suite === Suite.Aes256Gcm ? 'aes-256-gcm' : 'chacha20-poly1305';
}

class NodePacketProtector implements PacketProtector {
  private readonly key: KeyObject;
  private readonly alg: AeadName;
  private readonly nonce = new Uint8Array(12);

  constructor(suite: Suite, key: Uint8Array, private readonly iv: Uint8Array) {
    this.key = createSecretKey(key);
    this.alg = aeadName(suite);
  }

  seal(buf: Uint8Array, pn: number, at: number, headerLen: number, payloadLen: number): number {
    const c = createCipheriv(this.alg as CipherGCMTypes, this.key, makeNonce(this.iv, pn, this.nonce), { authTagLength: TAG_LENGTH });
    const p = at + headerLen;
    c.setAAD(buf.subarray(at, p));
    const out = c.update(buf.subarray(p, p + payloadLen));
    c.final();
    buf.set(out, p);
    buf.set(c.getAuthTag(), p + payloadLen);
    return payloadLen + TAG_LENGTH;
  }

  open(buf: Uint8Array, pn: number, at: number, headerLen: number, cipherLen: number): number {
    const plainLen = cipherLen - TAG_LENGTH;
    if (plainLen < 0) return -1;
    const d = createDecipheriv(this.alg as CipherGCMTypes, this.key, makeNonce(this.iv, pn, this.nonce), { authTagLength: TAG_LENGTH });
    const p = at + headerLen;
    d.setAAD(buf.subarray(at, p));
    d.setAuthTag(buf.subarray(p + plainLen, p + cipherLen));
    const out = d.update(buf.subarray(p, p + plainLen));
    try {
      d.final(); // constant-time tag check inside OpenSSL
    } catch {
      return -1;
    }
    buf.set(out, p);
    return plainLen;
  }
}

class NodeAesHeaderProtector implements HeaderProtector {
  private readonly ecb;
  constructor(hpKey: Uint8Array) {
    this.ecb = createCipheriv(hpKey.length === 16 ? 'aes-128-ecb' : 'aes-256-ecb', createSecretKey(hpKey), null);
    this.ecb.setAutoPadding(false);
  }
  mask(buf: Uint8Array, sampleAt: number, out: Uint8Array, outAt: number): void {
    const block = this.ecb.update(buf.subarray(sampleAt, sampleAt + 16));
    for (let i = 0; i < 5; i++) out[outAt + i] = block[i];
  }
}

/** Packet protection through node:crypto. */
export const nodeCryptoProvider: CryptoProvider = {
  name: 'node:crypto',
  createPacketProtector: (suite, key, iv) =>
    suite === Suite.ChaCha20Poly1305 && !nativeChaCha ? portableCryptoProvider.createPacketProtector(suite, key, iv) : new NodePacketProtector(suite, key, iv),
  createHeaderProtector: (suite, hpKey) => {
    // ChaCha20 masks: one block in JS beats a createCipheriv('chacha20') per packet
    // (chacha-block.ts; bench/protection.ts), and Bun has no native chacha20 anyway.
    return suite === Suite.ChaCha20Poly1305 ? new ChaChaMasker(hpKey) : new NodeAesHeaderProtector(hpKey);
  },
};
