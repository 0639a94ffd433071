// Which packet protection is fastest where, as bench/protection-core.ts measured it
// (README "Numbers"): ChaCha20-Poly1305 inside the core costs a fraction of a node:crypto
// call per 1200-byte packet in Node and Deno, and @noble's AES-GCM is far slower still
// in browsers; only Bun's node:crypto AES-128-GCM (BoringSSL, called cheaply) is as fast
// or faster. A quicwasm server uses this to prefer TLS_CHACHA20_POLY1305_SHA256 when the
// client offers it; `tls.cipherSuites` overrides the choice. The key installer
// (host/transport/keys.ts) asks it where AES-GCM runs: in the core or in the provider.

import type { CryptoProvider } from './provider';
import { portableCryptoProvider } from './portable-provider';
import { Suite } from './suites';

/** Server preference when the in-core ChaCha20 is the fastest suite here. */
export const CHACHA20_FIRST: Suite[] = [Suite.ChaCha20Poly1305, Suite.Aes128Gcm, Suite.Aes256Gcm];

/**
 * True when the in-core AES-GCM (bitsliced, constant time: assembly/crypto/aes.ts) beats
 * the AES-GCM of `provider` in this runtime. bench/protection-core.ts --quick on a shared
 * 2-core machine, µs per 1200-byte packet, median (best):
 *   Node 20      seal + HP: in-core 8.65 (8.33)  node:crypto 10.2 (6.3)  @noble 75 (53)
 *                HP + open: in-core 8.70 (8.54)  node:crypto 5.45 (5.23) @noble 72 (48)
 *                16 KiB seal: in-core 1.18 Gbit/s, node:crypto 5.3, @noble 0.36
 *   Deno 2.9     seal + HP: in-core 11.6  node:crypto 33.9  @noble 133
 *                HP + open: in-core 14.7  node:crypto 24.4  @noble 155
 *                16 KiB seal: in-core 0.75 Gbit/s, node:crypto 0.53, @noble 0.18
 *   Chromium 156 seal + HP: in-core 20.7 (13.1)  @noble 363 (139)   (--chromium)
 *                HP + open: in-core 11.5 (9.0)   @noble 105 (65)
 * (Bun's node:crypto AES-128-GCM, README "Numbers": 3.5 (1.5) µs, 5.0 Gbit/s.)
 * So: the portable provider (@noble in pure JavaScript: every browser) runs AES-GCM in the
 * core, Initial packets included; so does node:crypto under Deno, whose AES-GCM is slower
 * than the core's in every column. node:crypto in Node (AES-NI: as fast per packet, 4x in
 * bulk) and Bun keeps it, as does any provider an application brings or wraps.
 */
export function inCoreAesGcmIsFastest(provider: CryptoProvider): boolean {
  const deno = typeof (globalThis as { Deno?: unknown }).Deno !== 'undefined';
  return provider === portableCryptoProvider || (deno && provider.name === 'node:crypto');
}

/** True when the in-core ChaCha20-Poly1305 beats the AES-GCM of `provider` in this runtime. */
export function inCoreChaCha20IsFastest(provider: CryptoProvider): boolean {
  const bun = typeof (globalThis as { Bun?: unknown }).Bun !== 'undefined';
  // Bun's node:crypto AES-GCM is as fast per packet and faster in bulk; elsewhere, and
  // with the portable backend everywhere, the in-core ChaCha20 wins.
  return !(bun && provider.name === 'node:crypto');
}
