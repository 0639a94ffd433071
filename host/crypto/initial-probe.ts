// The host half of "authenticate before allocating" (assembly/endpoint/initial-probe.ts):
// the core asks for the client Initial keys of a DCID it has never seen, to try to
// open the packet before it creates any connection. The keys live in one reusable pair
// of key-table slots, replaced on every call: a flood of Initials for random DCIDs
// costs a key derivation each and no memory. The last DCID's keys are kept, so a client
// retransmitting its first Initial derives nothing twice. The pair is one compact slot of
// the core's own key table (its AES-GCM costs what node:crypto's does per packet, without a
// cipher object made per probed DCID), installed from inside this import (the key bytes pass
// through the scratch region, which the receive path does not use; the datagram is in
// the rx buffer and the probe opens a copy of it).

import type { CoreImports } from '../core/core';
import type { CryptoProvider } from './provider';
import type { KeyTable } from './key-table';
import { initialClientSecret, packetKeyMaterial } from './quic-keys';
import { Suite } from './suites';
import { isCoreKeyHandle } from './core-keys';

export class InitialProbe {
  private memory: WebAssembly.Memory | null = null;
  private aead = 0;
  private hp = 0;
  private lastVersion = -1;
  private lastDcid = new Uint8Array(0);
  /** Key derivations made (a test reads it). */
  derivations = 0;

  constructor(private readonly provider: CryptoProvider, private readonly table: KeyTable) {}

  bind(memory: WebAssembly.Memory): void {
    this.memory = memory;
  }

  imports(): CoreImports {
    return {
      host: {
        initialProbeKeys: (version: number, dcidPtr: number, dcidLen: number, out: number): number => {
          if (!this.memory) return -1;
          try {
            const u8 = new Uint8Array(this.memory.buffer);
            const dcid = u8.subarray(dcidPtr, dcidPtr + dcidLen);
            if (version >>> 0 !== this.lastVersion || !sameBytes(dcid, this.lastDcid)) this.derive(version >>> 0, dcid);
            const dv = new DataView(this.memory.buffer);
            dv.setInt32(out, this.aead, true);
            dv.setInt32(out + 4, this.hp, true);
            return 0;
          } catch {
            return -1; // an exception must not unwind through the core
          }
        },
      },
    };
  }

  private derive(version: number, dcidView: Uint8Array): void {
    // A copy first: installing into the core may grow its memory and detach the view.
    const dcid = dcidView.slice();
    this.table.releaseAead(this.aead);
    if (this.hp !== this.aead || !isCoreKeyHandle(this.aead)) this.table.releaseHp(this.hp); // one in-core slot holds both
    this.aead = this.hp = 0;
    const m = packetKeyMaterial(version, Suite.Aes128Gcm, initialClientSecret(version, dcid));
    // The provider's objects only for a core built without AES-GCM.
    const core = this.table.core?.supports(Suite.Aes128Gcm) ? this.table.core : undefined;
    const both = core ? core.installInitial(m.key, m.iv, m.hp) : -1;
    if (both >= 0) {
      this.aead = this.hp = both;
    } else {
      this.aead = this.table.addAead(this.provider.createPacketProtector(Suite.Aes128Gcm, m.key, m.iv));
      this.hp = this.table.addHp(this.provider.createHeaderProtector(Suite.Aes128Gcm, m.hp));
    }
    this.lastVersion = version;
    this.lastDcid = dcid;
    this.derivations++;
  }
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
