// The host's key table: small integer handles the core passes to its crypto imports,
// mapped to packet and header protection state. Keys stay in the host's provider objects
// and are dropped when the core discards a level (RFC 9001 §4.9) or the connection ends.
// Keys the core runs itself (ChaCha20-Poly1305) live in the core's own table instead
// (core-keys.ts); their handles carry the in-core tag bit, and release routes them there.

import type { HeaderProtector, PacketProtector } from './provider';
import { isCoreKeyHandle, type CoreKeySlots } from './core-keys';

/** A table of protection states by handle (handles start at 1; 0 means "none"). */
export class KeyTable {
  private readonly aeads: (PacketProtector | undefined)[] = [undefined];
  private readonly hps: (HeaderProtector | undefined)[] = [undefined];
  private readonly freeAead: number[] = [];
  private readonly freeHp: number[] = [];
  /** The core instance's own key table, once bound (undefined: every key stays in the host). */
  core: CoreKeySlots | undefined;

  /** Lets keys be installed into the core itself (after the core is instantiated). */
  bindCore(slots: CoreKeySlots | undefined): void {
    this.core = slots;
  }

  addAead(p: PacketProtector): number {
    const h = this.freeAead.pop() ?? this.aeads.length;
    this.aeads[h] = p;
    return h;
  }

  addHp(p: HeaderProtector): number {
    const h = this.freeHp.pop() ?? this.hps.length;
    this.hps[h] = p;
    return h;
  }

  aead(h: number): PacketProtector | undefined {
    return this.aeads[h];
  }

  hp(h: number): HeaderProtector | undefined {
    return this.hps[h];
  }

  releaseAead(h: number): void {
    if (isCoreKeyHandle(h)) { this.core?.release(h); return; }
    if (h > 0 && this.aeads[h]) { this.aeads[h] = undefined; this.freeAead.push(h); }
  }

  releaseHp(h: number): void {
    if (isCoreKeyHandle(h)) { this.core?.release(h); return; }
    if (h > 0 && this.hps[h]) { this.hps[h] = undefined; this.freeHp.push(h); }
  }

  /** Live entries, the core's own included (for leak tests). */
  get size(): number {
    return this.aeads.filter(Boolean).length + this.hps.filter(Boolean).length + (this.core?.count ?? 0);
  }
}
