// Which packet protection is fastest where, as bench/protection-core.ts measured it
// (README "Numbers"): ChaCha20-Poly1305 inside the core costs a fraction of a node:crypto
// call per 1200-byte packet in Node and Deno, and @noble's AES-GCM is far slower still
// in browsers; only Bun's node:crypto AES-128-GCM (BoringSSL, called cheaply) is as fast
// or faster. A quicwasm server uses this to prefer TLS_CHACHA20_POLY1305_SHA256 when the
// client offers it; `tls.cipherSuites` overrides the choice.

import type { CryptoProvider } from './provider';
import { portableCryptoProvider } from './portable-provider';
import { Suite } from './suites';

/** Server preference when the in-core ChaCha20 is the fastest suite here. */
export const CHACHA20_FIRST: Suite[] = [Suite.ChaCha20Poly1305, Suite.Aes128Gcm, Suite.Aes256Gcm];

/**
 * True when the in-core AES-GCM (bitsliced, constant time: assembly/crypto/aes.ts) beats
 * the AES-GCM of `provider`. bench/protection-core.ts --quick, Node 20 on a shared 2-core
 * machine, µs per 1200-byte packet (median, best in parentheses):
 *   seal + HP:  in-core 14.6 (10.2)   node:crypto 16.2 (8.8)   @noble 126 (66)
 *   HP + open:  in-core 13.5 (10.2)   node:crypto 11.3 (5.5)   @noble 96 (78)
 *   bulk seal 16 KiB: in-core 0.89 Gbit/s, node:crypto 3.8, @noble 0.20
 * and in headless Chromium 156 (--chromium --quick), where @noble is the only alternative:
 *   seal + HP:  in-core 20.7 (13.1)   @noble 363 (139)
 *   HP + open:  in-core 11.5 (9.0)    @noble 105 (65)
 * node:crypto (AES-NI) keeps AES: as fast per packet and 4x faster in bulk. The portable
 * provider (@noble in pure JavaScript: every browser) is 6-9x slower: with it the core
 * runs AES-GCM itself, Initial packets included.
 */
export function inCoreAesGcmIsFastest(provider: CryptoProvider): boolean {
  // Only the known-slow provider: node:crypto, and any provider an application brings or
  // wraps, keep their own AES-GCM.
  return provider === portableCryptoProvider;
}

/** True when the in-core ChaCha20-Poly1305 beats the AES-GCM of `provider` in this runtime. */
export function inCoreChaCha20IsFastest(provider: CryptoProvider): boolean {
  const bun = typeof (globalThis as { Bun?: unknown }).Bun !== 'undefined';
  // Bun's node:crypto AES-GCM is as fast per packet and faster in bulk; elsewhere, and
  // with the portable backend everywhere, the in-core ChaCha20 wins.
  return !(bun && provider.name === 'node:crypto');
}
