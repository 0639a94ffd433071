// A packet protector made on first use. The next 1-RTT key generation (RFC 9001 §6) is
// installed with the handshake so that the core can open a peer's key-updated packet at
// once, but most connections never update their keys: deriving its key and iv (two HMACs)
// and creating the cipher key object can wait until a packet needs them. The secret it
// derives from is the one the handshake keeps for the generation after anyway.

import type { PacketProtector } from './provider';

/** A PacketProtector that calls `make` on its first seal or open, then forwards to what it made. */
export class DeferredPacketProtector implements PacketProtector {
  private inner: PacketProtector | null = null;

  constructor(private make: (() => PacketProtector) | null) {}

  private get(): PacketProtector {
    if (!this.inner) {
      this.inner = this.make!();
      this.make = null; // drop the closure (and the secret it holds)
    }
    return this.inner;
  }

  seal(buf: Uint8Array, pn: number, at: number, headerLen: number, payloadLen: number): number {
    return this.get().seal(buf, pn, at, headerLen, payloadLen);
  }

  open(buf: Uint8Array, pn: number, at: number, headerLen: number, cipherLen: number): number {
    return this.get().open(buf, pn, at, headerLen, cipherLen);
  }

  /** Whether the key was made (tests). */
  get made(): boolean {
    return this.inner !== null;
  }
}
