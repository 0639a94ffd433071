// The functions the core imports from module "host" for packet protection
// (assembly/crypto/host.ts declares them). They work in place on linear memory through
// the key table: the core passes handles, a packet number and pointers, never key bytes.
//   aeadSeal(handle, pn: f64, ptr, headerLen, payloadLen) -> payloadLen + 16, or -1
//   aeadOpen(handle, pn: f64, ptr, headerLen, cipherLen)  -> plaintext length, or -1 (authentication failed)
//   hpMask(handle, samplePtr, outPtr)                      -> 0 (5 mask bytes at outPtr), or -1
// pn crosses as f64: exact below 2^53, far beyond any real connection's packet count.
// An exception thrown into WebAssembly would unwind through the core mid-packet, so
// every import catches and reports -1 (the core drops the packet).

import { KeyTable } from './key-table';
import type { CoreImports } from '../core/core';

/** Crypto imports bound to one core instance's memory (bind after instantiation). */
export class CoreCrypto {
  private memory: WebAssembly.Memory | null = null;
  private buffer: ArrayBuffer | null = null;
  private u8 = new Uint8Array(0);

  constructor(readonly table: KeyTable = new KeyTable()) {}

  /** Call once the core is instantiated. */
  bind(memory: WebAssembly.Memory): void {
    this.memory = memory;
  }

  private view(): Uint8Array {
    const b = this.memory!.buffer;
    if (b !== this.buffer) { this.buffer = b; this.u8 = new Uint8Array(b); }
    return this.u8;
  }

  /** The import object to pass to instantiateCore (merged with others by module name). */
  imports(): CoreImports {
    return {
      host: {
        aeadSeal: (handle: number, pn: number, ptr: number, headerLen: number, payloadLen: number): number => {
          const a = this.table.aead(handle);
          if (!a || !this.memory) return -1;
          try { return a.seal(this.view(), pn, ptr, headerLen, payloadLen); } catch { return -1; }
        },
        aeadOpen: (handle: number, pn: number, ptr: number, headerLen: number, cipherLen: number): number => {
          const a = this.table.aead(handle);
          if (!a || !this.memory) return -1;
          try { return a.open(this.view(), pn, ptr, headerLen, cipherLen); } catch { return -1; }
        },
        hpMask: (handle: number, samplePtr: number, outPtr: number): number => {
          const h = this.table.hp(handle);
          if (!h || !this.memory) return -1;
          const u8 = this.view();
          try { h.mask(u8, samplePtr, u8, outPtr); } catch { return -1; }
          return 0;
        },
      },
    };
  }
}
