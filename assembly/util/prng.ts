// The core's pseudo-random generator: xoshiro128** seeded by the host.
// WASM has no entropy source of its own (STYLE.md point 1): the host seeds it from
// crypto.getRandomValues, and tests seed it with a constant so that every run replays.
// Used for connection IDs, packet number skips, grease and Version Negotiation's
// random bits — never for keys (those come from the host's TLS engine).

let s0: u32 = 0x9e3779b9;
let s1: u32 = 0x243f6a88;
let s2: u32 = 0xb7e15162;
let s3: u32 = 0x85a308d3;

/** Seeds the generator. An all-zero seed is replaced by a fixed constant (xoshiro would stay at zero). */
export function prngSeed(a: u32, b: u32, c: u32, d: u32): void {
  if ((a | b | c | d) == 0) { a = 0x9e3779b9; b = 0x243f6a88; c = 0xb7e15162; d = 0x85a308d3; }
  s0 = a; s1 = b; s2 = c; s3 = d;
  // Discard a few outputs so that nearby seeds diverge.
  for (let i = 0; i < 8; i++) prngNext();
}

/** The next 32 random bits. */
export function prngNext(): u32 {
  const result = rotl<u32>(s1 * 5, 7) * 9;
  const t = s1 << 9;
  s2 ^= s0;
  s3 ^= s1;
  s1 ^= s2;
  s0 ^= s3;
  s2 ^= t;
  s3 = rotl<u32>(s3, 11);
  return result;
}

/** Fills `len` bytes at `p` with random bytes. */
export function prngFill(p: usize, len: i32): void {
  let i = 0;
  for (; i + 4 <= len; i += 4) store<u32>(p + <usize>i, prngNext());
  if (i < len) {
    let r = prngNext();
    for (; i < len; i++) { store<u8>(p + <usize>i, <u8>r); r >>= 8; }
  }
}
