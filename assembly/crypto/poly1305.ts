// Poly1305 (RFC 8439 §2.5) on five 26-bit limbs: each product of two limbs fits an i64,
// so one block costs 25 i64 multiplies and no 128-bit arithmetic (which wasm lacks).
// Constant time: no branch or index depends on the key or the message; the final
// reduction selects with a mask.

const M26: u32 = 0x3ffffff;
/** The 2^128 bit of every full 16-byte block, as it lands in limb 4. */
export const POLY_HIBIT: u32 = 1 << 24;

// r (clamped) and s = 5*r1..r4 (r_i * 2^130 folds back as 5 * r_i); accumulator h; pad s.
let r0: u32 = 0, r1: u32 = 0, r2: u32 = 0, r3: u32 = 0, r4: u32 = 0;
let h0: u32 = 0, h1: u32 = 0, h2: u32 = 0, h3: u32 = 0, h4: u32 = 0;
let pad0: u32 = 0, pad1: u32 = 0, pad2: u32 = 0, pad3: u32 = 0;
// One zero-padded block (partial blocks, the AEAD's length block).
const blk: usize = memory.data(16, 16);

/** Starts a MAC with the 32-byte one-time key at `key` (r is clamped per §2.5.1). */
export function polyInit(key: usize): void {
  r0 = load<u32>(key) & 0x3ffffff;
  r1 = (load<u32>(key, 3) >> 2) & 0x3ffff03;
  r2 = (load<u32>(key, 6) >> 4) & 0x3ffc0ff;
  r3 = (load<u32>(key, 9) >> 6) & 0x3f03fff;
  r4 = (load<u32>(key, 12) >> 8) & 0x00fffff;
  h0 = 0; h1 = 0; h2 = 0; h3 = 0; h4 = 0;
  pad0 = load<u32>(key, 16); pad1 = load<u32>(key, 20); pad2 = load<u32>(key, 24); pad3 = load<u32>(key, 28);
}

/** Absorbs `n` 16-byte blocks at `m`; `hibit` is POLY_HIBIT for full blocks, 0 for a final padded one. */
export function polyBlocks(m: usize, n: i32, hibit: u32): void {
  const R0 = <u64>r0, R1 = <u64>r1, R2 = <u64>r2, R3 = <u64>r3, R4 = <u64>r4;
  const S1 = R1 * 5, S2 = R2 * 5, S3 = R3 * 5, S4 = R4 * 5;
  let a0 = h0, a1 = h1, a2 = h2, a3 = h3, a4 = h4;
  for (let i = 0; i < n; i++) {
    a0 += load<u32>(m) & M26;
    a1 += (load<u32>(m, 3) >> 2) & M26;
    a2 += (load<u32>(m, 6) >> 4) & M26;
    a3 += (load<u32>(m, 9) >> 6) & M26;
    a4 += (load<u32>(m, 12) >> 8) | hibit;
    const b0 = <u64>a0, b1 = <u64>a1, b2 = <u64>a2, b3 = <u64>a3, b4 = <u64>a4;
    const d0 = b0 * R0 + b1 * S4 + b2 * S3 + b3 * S2 + b4 * S1;
    let d1 = b0 * R1 + b1 * R0 + b2 * S4 + b3 * S3 + b4 * S2;
    let d2 = b0 * R2 + b1 * R1 + b2 * R0 + b3 * S4 + b4 * S3;
    let d3 = b0 * R3 + b1 * R2 + b2 * R1 + b3 * R0 + b4 * S4;
    let d4 = b0 * R4 + b1 * R3 + b2 * R2 + b3 * R1 + b4 * R0;
    // Partial carry: limbs end below 2^26 except a1, which may reach slightly above.
    a0 = <u32>d0 & M26; d1 += d0 >> 26;
    a1 = <u32>d1 & M26; d2 += d1 >> 26;
    a2 = <u32>d2 & M26; d3 += d2 >> 26;
    a3 = <u32>d3 & M26; d4 += d3 >> 26;
    a4 = <u32>d4 & M26;
    a0 += <u32>(d4 >> 26) * 5;
    a1 += a0 >> 26; a0 &= M26;
    m += 16;
  }
  h0 = a0; h1 = a1; h2 = a2; h3 = a3; h4 = a4;
}

/** Absorbs `len` bytes at `p` zero-padded to a multiple of 16 (the AEAD's pad16, RFC 8439 §2.8). */
export function polyPadded(p: usize, len: i32): void {
  polyBlocks(p, len >> 4, POLY_HIBIT);
  const rem = len & 15;
  if (rem == 0) return;
  v128.store(blk, i64x2.splat(0));
  memory.copy(blk, p + <usize>(len & ~15), <usize>rem);
  polyBlocks(blk, 1, POLY_HIBIT);
}

/** Absorbs the AEAD's final block: the AAD and ciphertext lengths as two little-endian u64. */
export function polyLengths(aadLen: i32, ctLen: i32): void {
  store<u64>(blk, <u64>aadLen);
  store<u64>(blk, <u64>ctLen, 8);
  polyBlocks(blk, 1, POLY_HIBIT);
}

/** Absorbs a final partial block of a plain Poly1305 message (a 1 byte appended, §2.5.1). */
export function polyFinalPartial(p: usize, rem: i32): void {
  if (rem == 0) return;
  v128.store(blk, i64x2.splat(0));
  memory.copy(blk, p, <usize>rem);
  store<u8>(blk + <usize>rem, 1);
  polyBlocks(blk, 1, 0);
}

/** Writes the 16-byte tag (h mod p + s) mod 2^128 to `out` and clears the state. */
export function polyFinish(out: usize): void {
  let a0 = h0, a1 = h1, a2 = h2, a3 = h3, a4 = h4;
  // Full carry.
  a2 += a1 >> 26; a1 &= M26;
  a3 += a2 >> 26; a2 &= M26;
  a4 += a3 >> 26; a3 &= M26;
  a0 += (a4 >> 26) * 5; a4 &= M26;
  a1 += a0 >> 26; a0 &= M26;
  // g = h + 5 - 2^130; keep g when it did not go negative (h >= p), by mask.
  let g0 = a0 + 5; let c = g0 >> 26; g0 &= M26;
  let g1 = a1 + c; c = g1 >> 26; g1 &= M26;
  let g2 = a2 + c; c = g2 >> 26; g2 &= M26;
  let g3 = a3 + c; c = g3 >> 26; g3 &= M26;
  const g4 = a4 + c - (1 << 26);
  const keepG = (g4 >> 31) - 1; // all ones when g4 did not borrow
  const keepH = ~keepG;
  a0 = (a0 & keepH) | (g0 & keepG);
  a1 = (a1 & keepH) | (g1 & keepG);
  a2 = (a2 & keepH) | (g2 & keepG);
  a3 = (a3 & keepH) | (g3 & keepG);
  a4 = (a4 & keepH) | (g4 & keepG);
  // To four 32-bit words (mod 2^128), then add s.
  const w0 = a0 | (a1 << 26);
  const w1 = (a1 >> 6) | (a2 << 20);
  const w2 = (a2 >> 12) | (a3 << 14);
  const w3 = (a3 >> 18) | (a4 << 8);
  let f = <u64>w0 + <u64>pad0; store<u32>(out, <u32>f);
  f = <u64>w1 + <u64>pad1 + (f >> 32); store<u32>(out, <u32>f, 4);
  f = <u64>w2 + <u64>pad2 + (f >> 32); store<u32>(out, <u32>f, 8);
  f = <u64>w3 + <u64>pad3 + (f >> 32); store<u32>(out, <u32>f, 12);
  r0 = 0; r1 = 0; r2 = 0; r3 = 0; r4 = 0;
  h0 = 0; h1 = 0; h2 = 0; h3 = 0; h4 = 0;
  pad0 = 0; pad1 = 0; pad2 = 0; pad3 = 0;
}

/** Poly1305 of `len` bytes at `m` under the 32-byte key at `key`, tag to `out` (RFC 8439 §2.5). */
export function poly1305(key: usize, m: usize, len: i32, out: usize): void {
  polyInit(key);
  polyBlocks(m, len >> 4, POLY_HIBIT);
  polyFinalPartial(m + <usize>(len & ~15), len & 15);
  polyFinish(out);
}
