// The checks every runtime runs (Node, Deno, Bun, headless Chromium): the RFC 9001 and
// RFC 9369 vectors through a crypto backend, and a simulator transfer (client and server
// over a DgramPair on a virtual clock) hashed at both ends. Platform-neutral on purpose:
// rollup bundles this file with the core inlined (build/runtime-checks.mjs), and the
// same bundle runs everywhere; test/portability/runtimes.test.ts drives it.

import { initialSecrets, packetKeyMaterial, nextGenerationSecret } from '../../host/crypto/quic-keys';
import { retryIntegrityTag } from '../../host/crypto/retry';
import { Suite } from '../../host/crypto/suites';
import { portableCryptoProvider } from '../../host/crypto/portable-provider';
import type { CryptoProvider } from '../../host/crypto/provider';
import { inCoreCryptoProvider } from '../../host/crypto/core-keys';
import { instantiateCore } from '../../host/core/core';
import { compileCore } from '../../host/browser';
import { protectionTiming } from './protection-timing';
import { toHex } from '../../host/tls/bytes';
import v1 from '../vectors/rfc9001-protection.json';
import v2 from '../vectors/rfc9369-protection.json';

export { portableCryptoProvider };
// The simulator transfer is the browser harness's engine; the checks run the same code.
export { simulatorTransfer, type TransferResult, type TransferOptions } from '../../demos/browser-harness/transfer';

const fromHex = (h: string) => Uint8Array.from(h.replace(/\s+/g, '').match(/../g) ?? [], (b) => parseInt(b, 16));

/** Protects a packet the way the core does (AEAD, then header protection), in JS, through `provider`. */
function protect(provider: CryptoProvider, suite: Suite, keys: { key: string; iv: string; hp: string }, p: { header: string; pnOffset: number; pnLength: number; pn: number; payload: string; payloadLength?: number }): string {
  const header = fromHex(p.header);
  const payloadLen = p.payloadLength ?? p.payload.replace(/\s+/g, '').length / 2;
  const buf = new Uint8Array(header.length + payloadLen + 16);
  buf.set(header);
  buf.set(fromHex(p.payload), header.length);
  provider.createPacketProtector(suite, fromHex(keys.key), fromHex(keys.iv)).seal(buf, p.pn, 0, header.length, payloadLen);
  const mask = new Uint8Array(5);
  provider.createHeaderProtector(suite, fromHex(keys.hp)).mask(buf, p.pnOffset + 4, mask, 0);
  buf[0] ^= mask[0] & ((buf[0] & 0x80) ? 0x0f : 0x1f);
  for (let i = 0; i < p.pnLength; i++) buf[p.pnOffset + i] ^= mask[1 + i];
  return toHex(buf);
}

/** RFC 9001 Appendix A and RFC 9369 Appendix A; returns the names of the checks that failed (empty = all passed) and how many ran. */
export function rfcVectors(provider: CryptoProvider): { ran: number; failed: string[] } {
  const failed: string[] = [];
  let ran = 0;
  const check = (name: string, got: string, want: string) => { ran++; if (got !== want) failed.push(name); };
  for (const vec of [v1, v2]) {
    const v = `v${vec.version === 1 ? 1 : 2}`;
    const s = initialSecrets(vec.version, fromHex(vec.dcid));
    check(`${v} client initial secret`, toHex(s.client), vec.client.secret);
    check(`${v} server initial secret`, toHex(s.server), vec.server.secret);
    for (const [name, side] of [['client', vec.client], ['server', vec.server]] as const) {
      const m = packetKeyMaterial(vec.version, Suite.Aes128Gcm, fromHex(side.secret));
      check(`${v} ${name} key/iv/hp`, [m.key, m.iv, m.hp].map(toHex).join(), [side.key, side.iv, side.hp].join());
    }
    const c = packetKeyMaterial(vec.version, Suite.ChaCha20Poly1305, fromHex(vec.chacha.secret));
    check(`${v} chacha key/iv/hp`, [c.key, c.iv, c.hp].map(toHex).join(), [vec.chacha.key, vec.chacha.iv, vec.chacha.hp].join());
    check(`${v} key update secret`, toHex(nextGenerationSecret(vec.version, Suite.ChaCha20Poly1305, fromHex(vec.chacha.secret))), vec.chacha.ku);
    const retry = fromHex(vec.retry.packet);
    check(`${v} retry tag`, toHex(retryIntegrityTag(vec.version, fromHex(vec.dcid), retry.subarray(0, retry.length - 16))), vec.retry.packet.slice(-32));
    check(`${v} client Initial (${provider.name})`, protect(provider, Suite.Aes128Gcm, vec.client, vec.clientInitial), vec.clientInitial.protected);
    check(`${v} server Initial (${provider.name})`, protect(provider, Suite.Aes128Gcm, vec.server, vec.serverInitial), vec.serverInitial.protected);
    check(`${v} ChaCha20 short header (${provider.name})`, protect(provider, Suite.ChaCha20Poly1305, vec.chacha, vec.chacha), vec.chacha.protected);
  }
  return { ran, failed };
}

/**
 * The same vectors with ChaCha20-Poly1305, AES-128-GCM and their header protection
 * running inside a core instance (WebAssembly SIMD: the runtime must support it).
 */
export async function inCoreVectors(): Promise<{ ran: number; failed: string[] }> {
  const core = instantiateCore(await compileCore());
  return rfcVectors(inCoreCryptoProvider(core, portableCryptoProvider));
}

/** µs per 1200-byte packet in this runtime: the in-core ChaCha20 and AES-128-GCM next to @noble (the browser's other choice). */
export async function protectionTimings(rounds = 9) {
  return protectionTiming(await compileCore(), [
    ['@noble ChaCha20-Poly1305', portableCryptoProvider, Suite.ChaCha20Poly1305],
    ['@noble AES-128-GCM', portableCryptoProvider, Suite.Aes128Gcm],
  ], rounds);
}
