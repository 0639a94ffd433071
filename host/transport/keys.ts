// Turns TLS secrets into packet protection state in the key table (host/crypto) and
// hands the core their handles — the KeyInstaller the handshake glue uses. It decides
// per suite which backend makes a key: ChaCha20-Poly1305 runs inside the core (its keys
// go to the core's own table) unless `inCoreChaCha20` is false or the core has no room;
// AES-GCM runs inside the core where that beats the provider (the portable one: @noble
// in JavaScript; node:crypto under Deno), Initial keys included (as compact slots), and
// stays with node:crypto in Node and Bun (backend-choice.ts inCoreAesGcmIsFastest;
// bench/protection-core.ts measures the choice). Initial keys go to the core in every
// runtime: a handful of packets per connection, where the in-core AES costs the same as
// node:crypto's per packet, and a compact slot (48 B of linear memory) instead of ≈ 0.5 KB
// of JS objects that a half-open connection holds until it times out (issue 17).

import type { CryptoProvider } from '../crypto/provider';
import type { KeyTable } from '../crypto/key-table';
import { initialSecrets, packetKeyMaterial, nextGenerationSecret, nextGenerationKeys } from '../crypto/quic-keys';
import { Suite } from '../crypto/suites';
import { inCoreAesGcmIsFastest } from '../crypto/backend-choice';
import { DeferredPacketProtector } from '../crypto/deferred-protector';
import { isCoreKeyHandle } from '../crypto/core-keys';
import type { CoreSuite, KeyHandles, KeyInstaller } from './handshake';
import { CipherCache, LazyHeaderProtector, LazyPacketProtector } from './lazy-keys';

export interface KeyInstallerOptions {
  /** Run ChaCha20-Poly1305 inside the core when it can (default true). */
  inCoreChaCha20?: boolean;
  /**
   * Run AES-GCM inside the core (default: where it is faster than the provider's,
   * backend-choice.ts; Initial keys always, unless this is false).
   */
  inCoreAesGcm?: boolean;
}

export class TableKeyInstaller implements KeyInstaller {
  private readonly inCoreChaCha20: boolean;
  private readonly inCoreAesGcm: boolean;
  private readonly initialInCore: boolean;

  /** Initial keys' cipher objects, made while in use (lazy-keys.ts). */
  private readonly initialCiphers: CipherCache;

  constructor(private readonly provider: CryptoProvider, private readonly table: KeyTable, options: KeyInstallerOptions = {}) {
    this.inCoreChaCha20 = options.inCoreChaCha20 ?? true;
    this.inCoreAesGcm = options.inCoreAesGcm ?? inCoreAesGcmIsFastest(provider);
    this.initialInCore = options.inCoreAesGcm ?? true;
    this.initialCiphers = new CipherCache(provider);
  }

  private inCore(suite: CoreSuite) {
    const core = this.table.core;
    const wanted = suite === Suite.ChaCha20Poly1305 ? this.inCoreChaCha20 : this.inCoreAesGcm;
    return core && wanted && core.supports(suite) ? core : undefined;
  }

  private aead(suite: CoreSuite, key: Uint8Array, iv: Uint8Array): number {
    const core = this.inCore(suite);
    if (core) {
      const h = core.installAead(suite, key, iv);
      if (h >= 0) return h;
    }
    return this.table.addAead(this.provider.createPacketProtector(suite, key, iv));
  }

  private hp(suite: CoreSuite, hpKey: Uint8Array): number {
    const core = this.inCore(suite);
    if (core) {
      const h = core.installHp(suite, hpKey);
      if (h >= 0) return h;
    }
    return this.table.addHp(this.provider.createHeaderProtector(suite, hpKey));
  }

  initial(version: number, dcid: Uint8Array, isServer: boolean): { read: KeyHandles; write: KeyHandles } {
    const s = initialSecrets(version, dcid);
    // Both directions' key, iv and hp key in one array (the derivation's outputs may be views of larger buffers).
    const bytes = new Uint8Array(88);
    const client = this.lazyInitial(version, s.client, bytes, 0);
    const server = this.lazyInitial(version, s.server, bytes, 44);
    return isServer ? { read: client, write: server } : { read: server, write: client };
  }

  /**
   * Initial keys (always AES-128-GCM) as bytes: in the core's table as one compact slot per
   * direction (48 B, expanded per packet), or in the host's, their cipher objects made when used.
   */
  private lazyInitial(version: number, secret: Uint8Array, bytes: Uint8Array, at: number): KeyHandles {
    const m = packetKeyMaterial(version, Suite.Aes128Gcm, secret);
    const core = this.table.core;
    if (core && this.initialInCore && core.supports(Suite.Aes128Gcm)) {
      const h = core.installInitial(m.key, m.iv, m.hp);
      if (h >= 0) return { aead: h, hp: h }; // one slot, both keys
    }
    bytes.set(m.key, at);
    bytes.set(m.iv, at + 16);
    bytes.set(m.hp, at + 28);
    return {
      aead: this.table.addAead(new LazyPacketProtector(this.initialCiphers, bytes, at)),
      hp: this.table.addHp(new LazyHeaderProtector(this.initialCiphers, bytes, at)),
    };
  }

  fromSecret(version: number, suite: CoreSuite, secret: Uint8Array): KeyHandles {
    const s = suite;
    const m = packetKeyMaterial(version, s, secret);
    return { aead: this.aead(s, m.key, m.iv), hp: this.hp(s, m.hp) };
  }

  nextGeneration(version: number, suite: CoreSuite, secret: Uint8Array): { secret: Uint8Array; aead: number } {
    if (this.inCore(suite)) {
      // Key and iv only: the header protection key does not change (RFC 9001 §6.1).
      const n = nextGenerationKeys(version, suite, secret);
      return { secret: n.secret, aead: this.aead(suite, n.key, n.iv) };
    }
    const next = nextGenerationSecret(version, suite, secret);
    // A provider key: derived when a packet first needs it (deferred-protector.ts).
    const make = () => { const m = packetKeyMaterial(version, suite, next); return this.provider.createPacketProtector(suite, m.key, m.iv); };
    return { secret: next, aead: this.table.addAead(new DeferredPacketProtector(make)) };
  }


  releaseAead(handle: number): void {
    const a = this.table.aead(handle);
    if (a instanceof LazyPacketProtector) a.release();
    this.table.releaseAead(handle);
  }

  release(h: KeyHandles): void {
    this.releaseAead(h.aead);
    if (h.hp === h.aead && isCoreKeyHandle(h.aead)) return; // an in-core Initial slot holds both (host tables number AEADs and HPs apart)
    const hp = this.table.hp(h.hp);
    if (hp instanceof LazyHeaderProtector) hp.release();
    this.table.releaseHp(h.hp);
  }
}
