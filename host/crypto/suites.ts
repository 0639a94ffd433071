// The three QUIC cipher suites (RFC 9001 §5.3), numbered as the core numbers them.

import type { HashName } from './hkdf';
import { Suite as CoreSuite } from '../core/abi.generated';

/** Cipher suites by the core's numbering (connInstallKeys; generated from assembly/crypto/host.ts Suite). */
export enum Suite {
  Aes128Gcm = CoreSuite.AES_128_GCM,
  Aes256Gcm = CoreSuite.AES_256_GCM,
  ChaCha20Poly1305 = CoreSuite.CHACHA20_POLY1305,
}

/** Per-suite parameters. */
export interface SuiteInfo {
  suite: Suite;
  /** TLS 1.3 cipher suite code point. */
  tlsCode: number;
  name: string;
  keyLength: number;
  hash: HashName;
}

export const SUITES: Record<Suite, SuiteInfo> = {
  [Suite.Aes128Gcm]: { suite: Suite.Aes128Gcm, tlsCode: 0x1301, name: 'TLS_AES_128_GCM_SHA256', keyLength: 16, hash: 'sha256' },
  [Suite.Aes256Gcm]: { suite: Suite.Aes256Gcm, tlsCode: 0x1302, name: 'TLS_AES_256_GCM_SHA384', keyLength: 32, hash: 'sha384' },
  [Suite.ChaCha20Poly1305]: { suite: Suite.ChaCha20Poly1305, tlsCode: 0x1303, name: 'TLS_CHACHA20_POLY1305_SHA256', keyLength: 32, hash: 'sha256' },
};

/** The suite of a TLS 1.3 cipher suite code point, or undefined. */
export function suiteFromTls(code: number): Suite | undefined {
  for (const s of [Suite.Aes128Gcm, Suite.Aes256Gcm, Suite.ChaCha20Poly1305]) if (SUITES[s].tlsCode === code) return s;
  return undefined;
}

/** AEAD tag length of every QUIC suite. */
export const TAG_LENGTH = 16;
/** AEAD nonce (and iv) length of every QUIC suite. */
export const IV_LENGTH = 12;
/** Header protection sample length (RFC 9001 §5.4.2). */
export const SAMPLE_LENGTH = 16;
