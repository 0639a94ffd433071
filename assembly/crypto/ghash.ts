// GHASH (NIST SP 800-38D §6.4) without tables: carry-less multiplication emulated
// with ordinary i64 multiplies on operands masked to every fourth bit ("multiplication
// with holes"), so that time does not depend on H or on the data.
//
// Representation. A block read big-endian as a 128-bit integer (hi:lo, two u64) holds
// the field element bit-reflected: coefficient of x^i at integer bit 127 - i (§6.3:
// the leftmost bit is x^0). For reflected A and B, the 255-bit carry-less product shifted
// left by one is the reflected 256-bit product: its high 128 bits are the coefficients
// 0..127, its low 128 bits the coefficients 128..255, which fold back with
// x^128 = x^7 + x^2 + x + 1 (a right shift by k multiplies a reflected value by x^k).

// The running hash Y (reflected hi:lo).
let y1: u64 = 0;
let y0: u64 = 0;
// A zero-padded partial block.
const pad: usize = memory.data(16, 16);

/** Bytes ghashKey writes: H's halves, their XOR, and the three bit-reversed. */
export const GHASH_KEY_LEN: i32 = 48;

const M0: u64 = 0x1111111111111111;
const M1: u64 = 0x2222222222222222;
const M2: u64 = 0x4444444444444444;
const M3: u64 = 0x8888888888888888;

/**
 * The low 64 bits of the carry-less product of x and y. Each operand is split into
 * four parts holding every fourth bit; a part-by-part integer product has, at each
 * bit position of its residue class, at most 16 terms summed (15 below bit 60), so the
 * sum's carries stay in the three bits between: the parity survives at the class bits.
 */
// @ts-ignore: decorator
@inline function bmul(x: u64, y: u64): u64 {
  const x0 = x & M0, x1 = x & M1, x2 = x & M2, x3 = x & M3;
  const y0 = y & M0, y1 = y & M1, y2 = y & M2, y3 = y & M3;
  const z0 = (x0 * y0) ^ (x1 * y3) ^ (x2 * y2) ^ (x3 * y1);
  const z1 = (x0 * y1) ^ (x1 * y0) ^ (x2 * y3) ^ (x3 * y2);
  const z2 = (x0 * y2) ^ (x1 * y1) ^ (x2 * y0) ^ (x3 * y3);
  const z3 = (x0 * y3) ^ (x1 * y2) ^ (x2 * y1) ^ (x3 * y0);
  return (z0 & M0) | (z1 & M1) | (z2 & M2) | (z3 & M3);
}

/** Bit reversal of a u64 (the high half of a product is the reversed low half of the reversed operands). */
// @ts-ignore: decorator
@inline function rev64(x: u64): u64 {
  x = bswap<u64>(x);
  x = ((x >> 4) & 0x0f0f0f0f0f0f0f0f) | ((x & 0x0f0f0f0f0f0f0f0f) << 4);
  x = ((x >> 2) & 0x3333333333333333) | ((x & 0x3333333333333333) << 2);
  return ((x >> 1) & 0x5555555555555555) | ((x & 0x5555555555555555) << 1);
}

/** Precomputes the multiplier from the hash key block H = E(K, 0^128) at `h` into 48 bytes at `out`. */
export function ghashKey(h: usize, out: usize): void {
  const h1 = bswap<u64>(load<u64>(h)), h0 = bswap<u64>(load<u64>(h, 8));
  store<u64>(out, h1);
  store<u64>(out, h0, 8);
  store<u64>(out, h1 ^ h0, 16);
  store<u64>(out, rev64(h1), 24);
  store<u64>(out, rev64(h0), 32);
  store<u64>(out, rev64(h1 ^ h0), 40);
}

/**
 * Y = Y * H (§6.3, Algorithm 1). One Karatsuba level: three 64x64 products, each as a
 * low half (bmul) and a high half (bmul of the reversed operands, reversed, >> 1).
 */
function mulH(hk: usize): void {
  const a1 = y1, a0 = y0, a2 = a1 ^ a0;
  const r1 = rev64(a1), r0 = rev64(a0), r2 = r1 ^ r0;
  const hhLo = bmul(a1, load<u64>(hk)), llLo = bmul(a0, load<u64>(hk, 8));
  const mLo = bmul(a2, load<u64>(hk, 16)) ^ hhLo ^ llLo;
  const zh = bmul(r1, load<u64>(hk, 24)), zl = bmul(r0, load<u64>(hk, 32));
  const zm = bmul(r2, load<u64>(hk, 40)) ^ zh ^ zl;
  const hhHi = rev64(zh) >> 1, llHi = rev64(zl) >> 1, mHi = rev64(zm) >> 1;
  // The 255-bit product w3:w2:w1:w0, shifted left by one into the reflected 256 bits.
  const w3 = hhHi, w2 = hhLo ^ mHi, w1 = mLo ^ llHi, w0 = llLo;
  const z3 = (w3 << 1) | (w2 >> 63), z2 = (w2 << 1) | (w1 >> 63);
  const l1 = (w1 << 1) | (w0 >> 63), l0 = w0 << 1;
  // Fold L (coefficients 128..255): R = L ^ L>>1 ^ L>>2 ^ L>>7 over 128 bits; the bits
  // those shifts push out at the bottom are coefficients >= 128 again: their fold V sits
  // in the top 7 bits and folds once more without overflow.
  const v = (l0 << 63) ^ (l0 << 62) ^ (l0 << 57);
  y1 = z3 ^ l1 ^ (l1 >> 1) ^ (l1 >> 2) ^ (l1 >> 7) ^ v ^ (v >> 1) ^ (v >> 2) ^ (v >> 7);
  y0 = z2 ^ l0 ^ ((l0 >> 1) | (l1 << 63)) ^ ((l0 >> 2) | (l1 << 62)) ^ ((l0 >> 7) | (l1 << 57));
}

/** Starts a hash (Y = 0). */
export function ghashStart(): void {
  y1 = 0;
  y0 = 0;
}

/** Absorbs `len` bytes at `p`, the last block zero-padded (§7.1: A || 0^v, C || 0^u). */
export function ghashPadded(hk: usize, p: usize, len: i32): void {
  let i = 0;
  for (; i + 16 <= len; i += 16) {
    const q = p + <usize>i;
    y1 ^= bswap<u64>(load<u64>(q));
    y0 ^= bswap<u64>(load<u64>(q, 8));
    mulH(hk);
  }
  if (i < len) {
    v128.store(pad, i64x2.splat(0));
    memory.copy(pad, p + <usize>i, <usize>(len - i));
    y1 ^= bswap<u64>(load<u64>(pad));
    y0 ^= bswap<u64>(load<u64>(pad, 8));
    mulH(hk);
    v128.store(pad, i64x2.splat(0));
  }
}

/** Absorbs the length block [len(A)]64 || [len(C)]64 in bits and writes the 16-byte hash S to `out`; Y is cleared. */
export function ghashFinish(hk: usize, aadLen: i32, ctLen: i32, out: usize): void {
  y1 ^= <u64>aadLen << 3;
  y0 ^= <u64>ctLen << 3;
  mulH(hk);
  store<u64>(out, bswap<u64>(y1));
  store<u64>(out, bswap<u64>(y0), 8);
  y1 = 0;
  y0 = 0;
}
