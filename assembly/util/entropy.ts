// Unpredictable bytes from the host's CSPRNG (crypto.getRandomValues): for what an
// attacker must not guess — connection IDs, stateless reset tokens, the CID table's
// hash key (STYLE.md point 1; RFC 9000 §10.3, §21.11). The seeded PRNG (prng.ts) stays
// for choices nobody needs to predict (grease, Version Negotiation's unused bits),
// where replaying a run matters more.

/** Fills [ptr, ptr+len) with CSPRNG bytes. len <= 65536. */
// @ts-ignore: decorator
@external("host", "randomFill")
export declare function hostRandomFill(ptr: usize, len: i32): void;

/** A random u64 from the CSPRNG. */
export function randomU64(): u64 {
  const p = memory.data(8);
  hostRandomFill(p, 8);
  return load<u64>(p);
}
