// The host's key table: small integer handles the core passes to its crypto imports,
// mapped to packet and header protection state. The core never sees key bytes; keys
// stay in the host's provider objects and are dropped when the core discards a level
// (RFC 9001 §4.9) or the connection ends.

import type { HeaderProtector, PacketProtector } from './provider';

/** A table of protection states by handle (handles start at 1; 0 means "none"). */
export class KeyTable {
  private readonly aeads: (PacketProtector | undefined)[] = [undefined];
  private readonly hps: (HeaderProtector | undefined)[] = [undefined];
  private readonly freeAead: number[] = [];
  private readonly freeHp: number[] = [];

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
    if (h > 0 && this.aeads[h]) { this.aeads[h] = undefined; this.freeAead.push(h); }
  }

  releaseHp(h: number): void {
    if (h > 0 && this.hps[h]) { this.hps[h] = undefined; this.freeHp.push(h); }
  }

  /** Live entries (for leak tests). */
  get size(): number {
    return this.aeads.filter(Boolean).length + this.hps.filter(Boolean).length;
  }
}
