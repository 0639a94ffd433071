// What the in-core crypto tests share: a testing-build core with the host's key table
// bound, and a seeded generator (every run checks the same "random" inputs).
import { loadCoreNode } from '../../host/core/node-loader';
import { CoreCrypto } from '../../host/crypto/core-imports';
import { CoreKeySlots } from '../../host/crypto/core-keys';

/** The testing build with its crypto imports bound; `x` is its exports as plain functions. */
export function loadTestingCore() {
  const crypto = new CoreCrypto();
  const core = loadCoreNode('testing', crypto.imports());
  crypto.bind(core.exports.memory);
  const x = core.exports as unknown as Record<string, (...a: (number | bigint)[]) => number>;
  return { core, x, slots: new CoreKeySlots(core), table: crypto.table };
}

/** xorshift32 from a fixed seed. */
export function seededRng(seed: number) {
  let s = seed >>> 0 || 1;
  const next = () => { s ^= s << 13; s >>>= 0; s ^= s >>> 17; s ^= s << 5; s >>>= 0; return s; };
  return {
    int: (n: number) => next() % n,
    bytes: (n: number) => Uint8Array.from({ length: n }, () => next() & 0xff),
  };
}
