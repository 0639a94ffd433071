// Initial packet protection (RFC 9001 §5.2) kept as key bytes, made into the provider's
// cipher objects only while in use (issue 17: a half-open connection is small). Every
// connection holds Initial keys for both directions until its handshake moves on; with
// node:crypto each direction's AEAD and header protection objects cost ~0.6 KB of JS
// heap plus OpenSSL contexts outside it, and a flood of spoofed Initials leaves
// thousands of connections that never use theirs again. An endpoint keeps the cipher
// objects of the most recently used Initial keys (a bounded LRU) and remakes others from
// their bytes when a packet needs them: only Initial packets pay that, and only beyond
// the cache.

import type { CryptoProvider, HeaderProtector, PacketProtector } from '../crypto/provider';
import { Suite } from '../crypto/suites';

/** Cipher objects kept per endpoint (4 per connection in its Initial phase). */
const DEFAULT_CACHED = 256;

interface Droppable {
  drop(): void;
}

/** The endpoint's LRU of live cipher objects. */
export class CipherCache {
  private readonly live = new Set<Droppable>();

  constructor(readonly provider: CryptoProvider, private readonly max = DEFAULT_CACHED) {}

  /** `k` was just used: most recent; the least recent beyond the bound drop their objects. */
  touch(k: Droppable): void {
    this.live.delete(k);
    this.live.add(k);
    if (this.live.size <= this.max) return;
    const oldest = this.live.values().next().value as Droppable;
    this.live.delete(oldest);
    oldest.drop();
  }

  /** `k` is released: it leaves the cache. */
  forget(k: Droppable): void {
    this.live.delete(k);
  }
}

/** An AES-128-GCM Initial AEAD made from `keys` (16-byte key, 12-byte iv at `at` and `at` + 16) when used. */
export class LazyPacketProtector implements PacketProtector, Droppable {
  private real: PacketProtector | null = null;

  constructor(private readonly cache: CipherCache, private readonly keys: Uint8Array, private readonly at: number) {}

  private get(): PacketProtector {
    const k = this.keys, at = this.at;
    const p = (this.real ??= this.cache.provider.createPacketProtector(Suite.Aes128Gcm, k.slice(at, at + 16), k.slice(at + 16, at + 28)));
    this.cache.touch(this);
    return p;
  }

  seal(buf: Uint8Array, pn: number, at: number, headerLen: number, payloadLen: number): number {
    return this.get().seal(buf, pn, at, headerLen, payloadLen);
  }

  open(buf: Uint8Array, pn: number, at: number, headerLen: number, cipherLen: number): number {
    return this.get().open(buf, pn, at, headerLen, cipherLen);
  }

  drop(): void {
    this.real = null;
  }

  /** The key table freed this entry. */
  release(): void {
    this.real = null;
    this.cache.forget(this);
  }
}

/** AES-128 Initial header protection made from its 16-byte key (`keys` at `at` + 28) when used. */
export class LazyHeaderProtector implements HeaderProtector, Droppable {
  private real: HeaderProtector | null = null;

  constructor(private readonly cache: CipherCache, private readonly keys: Uint8Array, private readonly at: number) {}

  mask(buf: Uint8Array, sampleAt: number, out: Uint8Array, outAt: number): void {
    const h = (this.real ??= this.cache.provider.createHeaderProtector(Suite.Aes128Gcm, this.keys.slice(this.at + 28, this.at + 44)));
    this.cache.touch(this);
    h.mask(buf, sampleAt, out, outAt);
  }

  drop(): void {
    this.real = null;
  }

  /** The key table freed this entry. */
  release(): void {
    this.real = null;
    this.cache.forget(this);
  }
}
