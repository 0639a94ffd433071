// The host's side of the in-core key table (assembly/abi/crypto.ts): installs ChaCha20
// and AES-GCM keys into the core's linear memory and releases them, and a CryptoProvider
// whose packet protection runs inside a core instance (for callers outside an endpoint:
// benchmarks, tests, tools). Inside an endpoint, TableKeyInstaller installs keys here
// directly and the core protects packets without calling the host at all.

import type { Core } from '../core/core';
import type { CryptoProvider, HeaderProtector, PacketProtector } from './provider';
import { Suite, TAG_LENGTH } from './suites';

/** Slot kinds of cryptoKeyInstall and the handle tag (assembly/crypto/keys.ts; a test checks they agree). */
export const CORE_KEY_KIND_AEAD = 1;
export const CORE_KEY_KIND_HP = 2;
/** AES-128 AEAD and header protection keys in one compact slot: Initial keys (one handle serves as both). */
export const CORE_KEY_KIND_BOTH = 3;
export const CORE_KEY_TAG = 0x40000000;
/** OR'ed into the kind: an AES key kept as bytes and expanded per packet (Initial keys: small while idle). */
export const CORE_KEY_FLAG_COMPACT = 0x100;
/** The core's error for an authentication failure (-ERR_DROP_PACKET). */
const DROP = -0x10001;

interface CryptoDoors {
  cryptoKeyInstall(kind: number, suite: number, len: number): number;
  cryptoKeyRelease(handle: number): number;
  cryptoKeyCount(): number;
  cryptoSeal(handle: number, pn: number, ptr: number, headerLen: number, payloadLen: number): number;
  cryptoOpen(handle: number, pn: number, ptr: number, headerLen: number, cipherLen: number): number;
  cryptoHpMask(handle: number, sample: number, out: number): number;
}

/** True when `h` is a handle of the core's key table (KEY_TAG, assembly/crypto/keys.ts). */
export function isCoreKeyHandle(h: number): boolean {
  return (h & CORE_KEY_TAG) !== 0;
}

/** The in-core key table of one core instance. */
export class CoreKeySlots {
  readonly doors: CryptoDoors;

  /** Throws if this core build has no in-core crypto doors; use CoreKeySlots.of for a soft check. */
  constructor(readonly core: Core) {
    this.doors = core.exports as unknown as CryptoDoors;
    if (typeof this.doors.cryptoKeyInstall !== 'function') throw new TypeError('this core build has no in-core crypto (cryptoKeyInstall)');
  }

  /** The key table of `core`, or undefined when the build lacks it (an older core.wasm). */
  static of(core: Core): CoreKeySlots | undefined {
    return typeof core.exports.cryptoKeyInstall === 'function' ? new CoreKeySlots(core) : undefined;
  }

  /** True when the core implements `suite` itself (every QUIC suite; an older core.wasm refuses AES at install, and callers fall back). */
  supports(suite: Suite): boolean {
    return suite === Suite.ChaCha20Poly1305 || suite === Suite.Aes128Gcm || suite === Suite.Aes256Gcm;
  }

  /**
   * An AEAD key (key + 12-byte iv); the handle, or -1 when the table refuses (full, or a
   * core without this suite). `compact`: an AES key stays as bytes in its slot (48 B
   * instead of 64 + 288 B) and is expanded for each packet (about 1 µs more).
   */
  installAead(suite: Suite, key: Uint8Array, iv: Uint8Array, compact = false): number {
    const material = new Uint8Array(key.length + iv.length);
    material.set(key);
    material.set(iv, key.length);
    const h = this.install(CORE_KEY_KIND_AEAD | (compact ? CORE_KEY_FLAG_COMPACT : 0), suite, material);
    material.fill(0);
    return h;
  }

  /**
   * AES-128-GCM Initial keys of one direction (RFC 9001 §5.2) in one compact slot: the
   * handle serves as both the AEAD and the header protection handle (48 B for the pair,
   * not 96: every half-open connection holds two pairs). -1 when the table refuses.
   */
  installInitial(key: Uint8Array, iv: Uint8Array, hpKey: Uint8Array): number {
    const material = new Uint8Array(44);
    material.set(key);
    material.set(iv, 16);
    material.set(hpKey, 28);
    const h = this.install(CORE_KEY_KIND_BOTH | CORE_KEY_FLAG_COMPACT, Suite.Aes128Gcm, material);
    material.fill(0);
    return h;
  }

  /** A header protection key (16 or 32 bytes); the handle, or -1. */
  installHp(suite: Suite, hpKey: Uint8Array, compact = false): number {
    return this.install(CORE_KEY_KIND_HP | (compact ? CORE_KEY_FLAG_COMPACT : 0), suite, hpKey);
  }

  private install(kind: number, suite: Suite, material: Uint8Array): number {
    this.core.writeScratch(material);
    // The door wipes the scratch bytes after copying them.
    const h = this.doors.cryptoKeyInstall(kind, suite, material.length);
    return h < 0 ? -1 : h;
  }

  /** Zeroes and frees a slot (a no-op for a handle that is not live). */
  release(handle: number): void {
    if (isCoreKeyHandle(handle)) this.doors.cryptoKeyRelease(handle);
  }

  /** Live in-core keys. */
  get count(): number {
    return this.doors.cryptoKeyCount();
  }
}

// Packet protection on any buffer: bytes in the core's memory are protected in place;
// others are copied through the scratch region (a caller that cares keeps them in core memory).
class CorePacketProtector implements PacketProtector {
  constructor(private readonly slots: CoreKeySlots, readonly handle: number) {}

  seal(buf: Uint8Array, pn: number, at: number, headerLen: number, payloadLen: number): number {
    const n = headerLen + payloadLen + TAG_LENGTH;
    return this.run(buf, at, n, (ptr) => this.slots.doors.cryptoSeal(this.handle, pn, ptr, headerLen, payloadLen));
  }

  open(buf: Uint8Array, pn: number, at: number, headerLen: number, cipherLen: number): number {
    const r = this.run(buf, at, headerLen + cipherLen, (ptr) => this.slots.doors.cryptoOpen(this.handle, pn, ptr, headerLen, cipherLen));
    return r === DROP || r < 0 ? -1 : r;
  }

  private run(buf: Uint8Array, at: number, n: number, f: (ptr: number) => number): number {
    const core = this.slots.core;
    if (buf.buffer === core.exports.memory.buffer) return f(buf.byteOffset + at);
    const ptr = core.writeScratch(buf.subarray(at, at + n));
    const r = f(ptr);
    if (r >= 0) buf.set(core.u8.subarray(ptr, ptr + n), at);
    return r;
  }
}

class CoreHeaderProtector implements HeaderProtector {
  constructor(private readonly slots: CoreKeySlots, readonly handle: number) {}

  mask(buf: Uint8Array, sampleAt: number, out: Uint8Array, outAt: number): void {
    const core = this.slots.core;
    const mem = core.exports.memory.buffer;
    if (buf.buffer === mem && out.buffer === mem) {
      this.slots.doors.cryptoHpMask(this.handle, buf.byteOffset + sampleAt, out.byteOffset + outAt);
      return;
    }
    const s = core.writeScratch(buf.subarray(sampleAt, sampleAt + 16));
    this.slots.doors.cryptoHpMask(this.handle, s, s + 16);
    out.set(core.u8.subarray(s + 16, s + 21), outAt);
  }
}

/**
 * A provider whose packet protection runs in `core` (its key table holds the keys until
 * `dispose`), falling back to `fallback` when the core refuses a key (table full, or an
 * older core without AES). Keys made here are not freed by garbage collection: call
 * `dispose(protector)` when done.
 */
export function inCoreCryptoProvider(core: Core, fallback: CryptoProvider): CryptoProvider & { dispose(p: PacketProtector | HeaderProtector): void } {
  const slots = new CoreKeySlots(core);
  return {
    name: `in-core (fallback: ${fallback.name})`,
    createPacketProtector(suite, key, iv) {
      if (!slots.supports(suite)) return fallback.createPacketProtector(suite, key, iv);
      const h = slots.installAead(suite, key, iv);
      return h < 0 ? fallback.createPacketProtector(suite, key, iv) : new CorePacketProtector(slots, h);
    },
    createHeaderProtector(suite, hpKey) {
      if (!slots.supports(suite)) return fallback.createHeaderProtector(suite, hpKey);
      const h = slots.installHp(suite, hpKey);
      return h < 0 ? fallback.createHeaderProtector(suite, hpKey) : new CoreHeaderProtector(slots, h);
    },
    dispose(p) {
      if (p instanceof CorePacketProtector || p instanceof CoreHeaderProtector) slots.release(p.handle);
    },
  };
}
