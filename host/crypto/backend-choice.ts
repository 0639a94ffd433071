// Which packet protection is fastest where, as bench/protection-core.ts measured it
// (README "Numbers"): ChaCha20-Poly1305 inside the core costs a fraction of a node:crypto
// call per 1200-byte packet in Node and Deno, and @noble's AES-GCM is far slower still
// in browsers; only Bun's node:crypto AES-128-GCM (BoringSSL, called cheaply) is as fast
// or faster. A quicwasm server uses this to prefer TLS_CHACHA20_POLY1305_SHA256 when the
// client offers it; `tls.cipherSuites` overrides the choice.

import type { CryptoProvider } from './provider';
import { Suite } from './suites';

/** Server preference when the in-core ChaCha20 is the fastest suite here. */
export const CHACHA20_FIRST: Suite[] = [Suite.ChaCha20Poly1305, Suite.Aes128Gcm, Suite.Aes256Gcm];

/** True when the in-core ChaCha20-Poly1305 beats the AES-GCM of `provider` in this runtime. */
export function inCoreChaCha20IsFastest(provider: CryptoProvider): boolean {
  const bun = typeof (globalThis as { Bun?: unknown }).Bun !== 'undefined';
  // Bun's node:crypto AES-GCM is as fast per packet and faster in bulk; elsewhere, and
  // with the portable backend everywhere, the in-core ChaCha20 wins.
  return !(bun && provider.name === 'node:crypto');
}
