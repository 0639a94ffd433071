// The host half of Retry and address tokens (assembly/crypto/retry-tag.ts,
// assembly/endpoint/address-token.ts): the Retry integrity tag, which needs AES-128-GCM
// the core does not have (RFC 9001 §5.8; computed by the endpoint's crypto provider),
// and the address bytes of a path handle, which only the network knows (tokens are
// bound to them, RFC 9000 §8.1.3). Both are called
// rarely — once per Retry sent or received, once per token minted or checked — so
// nothing here is on the per-packet path. Every import catches: an exception must not
// unwind through the core.

import type { CoreImports } from '../core/core';
import type { PathHandle } from '../net/network';
import { RetryTagger } from './retry';
import type { CryptoProvider } from './provider';

export class RetryImports {
  private memory: WebAssembly.Memory | null = null;
  private readonly tagger: RetryTagger;

  /** `provider`: the endpoint's packet protection backend computes the tags (AES-128-GCM). */
  constructor(provider?: CryptoProvider) {
    this.tagger = new RetryTagger(provider);
  }
  /** The address bytes of a path (set by whoever knows the network). */
  addressOf: (path: PathHandle) => Uint8Array | undefined = () => undefined;

  /** Call once the core is instantiated. */
  bind(memory: WebAssembly.Memory): void {
    this.memory = memory;
  }

  imports(): CoreImports {
    return {
      host: {
        retryTag: (version: number, odcidPtr: number, odcidLen: number, pktPtr: number, len: number, out: number): number => {
          if (!this.memory) return -1;
          try {
            const u8 = new Uint8Array(this.memory.buffer);
            const tag = this.tagger.tag(version >>> 0, u8.slice(odcidPtr, odcidPtr + odcidLen), u8.slice(pktPtr, pktPtr + len));
            u8.set(tag, out);
            return 0;
          } catch {
            return -1;
          }
        },
        pathAddress: (path: number, out: number, cap: number): number => {
          if (!this.memory) return 0;
          try {
            const a = this.addressOf(path);
            if (!a) return 0;
            const n = Math.min(a.length, cap);
            new Uint8Array(this.memory.buffer).set(a.subarray(0, n), out);
            return n;
          } catch {
            return 0;
          }
        },
      },
    };
  }
}
