// AES-128 and AES-256 block encryption (FIPS 197), bitsliced over eight blocks at once,
// so that it is constant time: no table is indexed by key or data, no branch depends on
// them. Only the forward cipher: GCM and QUIC header protection never decrypt a block.
//
// Layout. The eight 16-byte blocks b0..b7 become eight bit planes P0..P7 (v128 each):
// bit b of byte i of plane j = bit j of state byte i of block b. Byte positions keep the
// AES state order (byte r + 4c is row r, column c; FIPS 197 §3.4), so
//   - SubBytes is a boolean circuit over the planes: the 113 XOR/XNOR/AND gates of
//     Boyar and Peralta's depth-16 S-box ("A depth-16 circuit for the AES S-box", 2012),
//     computing 128 S-boxes (16 bytes x 8 blocks) per gate;
//   - ShiftRows and the row rotations of MixColumns are byte permutations of each plane
//     (i8x16.shuffle with constant lanes, one pshufb);
//   - the xtime of MixColumns moves planes up by one and folds plane 7 into planes
//     0, 1, 3, 4 (x^8 = x^4 + x^3 + x + 1, FIPS 197 §4.2);
//   - AddRoundKey XORs planes of the round key, bitsliced (each byte 0x00 or 0xff) from
//     the stored schedule once per packet (aesBitslice).
// Going from blocks to planes and back is the same 8x8 bit transposition per byte
// position (three swap-move stages), done once per eight blocks.

/** Bytes of a bitsliced round key (eight planes). */
export const AES_RK_STRIDE: i32 = 128;
/** Bytes of the largest bitsliced key schedule (AES-256: 15 round keys). */
export const AES_RK_MAX: i32 = 15 * 128;
/** Bytes of the largest key schedule as FIPS 197 words (AES-256: 60 words). */
export const AES_SCHEDULE_MAX: i32 = 15 * 16;

// The state of one SubWord; wiped after each.
const sw: usize = memory.data(128, 16);

/**
 * In-place bit transposition of the 8 v128 at `p`: blocks to planes, or planes back to
 * blocks (the transposition is its own inverse). Stage k swaps bit (j, b) with (b, j)
 * within pairs of registers 2^k apart, masked so that no bit crosses a byte.
 */
function transpose(p: usize): void {
  let x0 = v128.load(p), x1 = v128.load(p, 16), x2 = v128.load(p, 32), x3 = v128.load(p, 48);
  let x4 = v128.load(p, 64), x5 = v128.load(p, 80), x6 = v128.load(p, 96), x7 = v128.load(p, 112);
  const m1 = i8x16.splat(0x55), m2 = i8x16.splat(0x33), m4 = i8x16.splat(0x0f);
  let t: v128;
  t = v128.and(v128.xor(i64x2.shr_u(x0, 1), x1), m1); x1 = v128.xor(x1, t); x0 = v128.xor(x0, i64x2.shl(t, 1));
  t = v128.and(v128.xor(i64x2.shr_u(x2, 1), x3), m1); x3 = v128.xor(x3, t); x2 = v128.xor(x2, i64x2.shl(t, 1));
  t = v128.and(v128.xor(i64x2.shr_u(x4, 1), x5), m1); x5 = v128.xor(x5, t); x4 = v128.xor(x4, i64x2.shl(t, 1));
  t = v128.and(v128.xor(i64x2.shr_u(x6, 1), x7), m1); x7 = v128.xor(x7, t); x6 = v128.xor(x6, i64x2.shl(t, 1));
  t = v128.and(v128.xor(i64x2.shr_u(x0, 2), x2), m2); x2 = v128.xor(x2, t); x0 = v128.xor(x0, i64x2.shl(t, 2));
  t = v128.and(v128.xor(i64x2.shr_u(x1, 2), x3), m2); x3 = v128.xor(x3, t); x1 = v128.xor(x1, i64x2.shl(t, 2));
  t = v128.and(v128.xor(i64x2.shr_u(x4, 2), x6), m2); x6 = v128.xor(x6, t); x4 = v128.xor(x4, i64x2.shl(t, 2));
  t = v128.and(v128.xor(i64x2.shr_u(x5, 2), x7), m2); x7 = v128.xor(x7, t); x5 = v128.xor(x5, i64x2.shl(t, 2));
  t = v128.and(v128.xor(i64x2.shr_u(x0, 4), x4), m4); x4 = v128.xor(x4, t); x0 = v128.xor(x0, i64x2.shl(t, 4));
  t = v128.and(v128.xor(i64x2.shr_u(x1, 4), x5), m4); x5 = v128.xor(x5, t); x1 = v128.xor(x1, i64x2.shl(t, 4));
  t = v128.and(v128.xor(i64x2.shr_u(x2, 4), x6), m4); x6 = v128.xor(x6, t); x2 = v128.xor(x2, i64x2.shl(t, 4));
  t = v128.and(v128.xor(i64x2.shr_u(x3, 4), x7), m4); x7 = v128.xor(x7, t); x3 = v128.xor(x3, i64x2.shl(t, 4));
  v128.store(p, x0); v128.store(p, x1, 16); v128.store(p, x2, 32); v128.store(p, x3, 48);
  v128.store(p, x4, 64); v128.store(p, x5, 80); v128.store(p, x6, 96); v128.store(p, x7, 112);
}

/**
 * SubBytes on the planes at `p`: Boyar-Peralta's circuit, whose input U0 is the most
 * significant bit (plane 7) and output S0 likewise. Top linear layer (T), shared
 * nonlinear middle (M: the GF(2^4)-tower inversion), bottom linear layer (L) with the
 * affine constant 0x63 folded in as XNORs.
 */
function subBytes(p: usize): void {
  const U7 = v128.load(p), U6 = v128.load(p, 16), U5 = v128.load(p, 32), U4 = v128.load(p, 48);
  const U3 = v128.load(p, 64), U2 = v128.load(p, 80), U1 = v128.load(p, 96), U0 = v128.load(p, 112);
  const T1 = v128.xor(U0, U3), T2 = v128.xor(U0, U5), T3 = v128.xor(U0, U6), T4 = v128.xor(U3, U5);
  const T5 = v128.xor(U4, U6), T6 = v128.xor(T1, T5), T7 = v128.xor(U1, U2), T8 = v128.xor(U7, T6);
  const T9 = v128.xor(U7, T7), T10 = v128.xor(T6, T7), T11 = v128.xor(U1, U5), T12 = v128.xor(U2, U5);
  const T13 = v128.xor(T3, T4), T14 = v128.xor(T6, T11), T15 = v128.xor(T5, T11), T16 = v128.xor(T5, T12);
  const T17 = v128.xor(T9, T16), T18 = v128.xor(U3, U7), T19 = v128.xor(T7, T18), T20 = v128.xor(T1, T19);
  const T21 = v128.xor(U6, U7), T22 = v128.xor(T7, T21), T23 = v128.xor(T2, T22), T24 = v128.xor(T2, T10);
  const T25 = v128.xor(T20, T17), T26 = v128.xor(T3, T16), T27 = v128.xor(T1, T12);

  const M1 = v128.and(T13, T6), M2 = v128.and(T23, T8), M3 = v128.xor(T14, M1), M4 = v128.and(T19, U7);
  const M5 = v128.xor(M4, M1), M6 = v128.and(T3, T16), M7 = v128.and(T22, T9), M8 = v128.xor(T26, M6);
  const M9 = v128.and(T20, T17), M10 = v128.xor(M9, M6), M11 = v128.and(T1, T15), M12 = v128.and(T4, T27);
  const M13 = v128.xor(M12, M11), M14 = v128.and(T2, T10), M15 = v128.xor(M14, M11), M16 = v128.xor(M3, M2);
  const M17 = v128.xor(M5, T24), M18 = v128.xor(M8, M7), M19 = v128.xor(M10, M15), M20 = v128.xor(M16, M13);
  const M21 = v128.xor(M17, M15), M22 = v128.xor(M18, M13), M23 = v128.xor(M19, T25), M24 = v128.xor(M22, M23);
  const M25 = v128.and(M22, M20), M26 = v128.xor(M21, M25), M27 = v128.xor(M20, M21), M28 = v128.xor(M23, M25);
  const M29 = v128.and(M28, M27), M30 = v128.and(M26, M24), M31 = v128.and(M20, M23), M32 = v128.and(M27, M31);
  const M33 = v128.xor(M27, M25), M34 = v128.and(M21, M22), M35 = v128.and(M24, M34), M36 = v128.xor(M24, M25);
  const M37 = v128.xor(M21, M29), M38 = v128.xor(M32, M33), M39 = v128.xor(M23, M30), M40 = v128.xor(M35, M36);
  const M41 = v128.xor(M38, M40), M42 = v128.xor(M37, M39), M43 = v128.xor(M37, M38), M44 = v128.xor(M39, M40);
  const M45 = v128.xor(M42, M41);
  const M46 = v128.and(M44, T6), M47 = v128.and(M40, T8), M48 = v128.and(M39, U7), M49 = v128.and(M43, T16);
  const M50 = v128.and(M38, T9), M51 = v128.and(M37, T17), M52 = v128.and(M42, T15), M53 = v128.and(M45, T27);
  const M54 = v128.and(M41, T10), M55 = v128.and(M44, T13), M56 = v128.and(M40, T23), M57 = v128.and(M39, T19);
  const M58 = v128.and(M43, T3), M59 = v128.and(M38, T22), M60 = v128.and(M37, T20), M61 = v128.and(M42, T1);
  const M62 = v128.and(M45, T4), M63 = v128.and(M41, T2);

  const L0 = v128.xor(M61, M62), L1 = v128.xor(M50, M56), L2 = v128.xor(M46, M48), L3 = v128.xor(M47, M55);
  const L4 = v128.xor(M54, M58), L5 = v128.xor(M49, M61), L6 = v128.xor(M62, L5), L7 = v128.xor(M46, L3);
  const L8 = v128.xor(M51, M59), L9 = v128.xor(M52, M53), L10 = v128.xor(M53, L4), L11 = v128.xor(M60, L2);
  const L12 = v128.xor(M48, M51), L13 = v128.xor(M50, L0), L14 = v128.xor(M52, M61), L15 = v128.xor(M55, L1);
  const L16 = v128.xor(M56, L0), L17 = v128.xor(M57, L1), L18 = v128.xor(M58, L8), L19 = v128.xor(M63, L4);
  const L20 = v128.xor(L0, L1), L21 = v128.xor(L1, L7), L22 = v128.xor(L3, L12), L23 = v128.xor(L18, L2);
  const L24 = v128.xor(L15, L9), L25 = v128.xor(L6, L10), L26 = v128.xor(L7, L9), L27 = v128.xor(L8, L10);
  const L28 = v128.xor(L11, L14), L29 = v128.xor(L11, L17);
  v128.store(p, v128.xor(L6, L24), 112); // S0
  v128.store(p, v128.not(v128.xor(L16, L26)), 96); // S1
  v128.store(p, v128.not(v128.xor(L19, L28)), 80); // S2
  v128.store(p, v128.xor(L6, L21), 64); // S3
  v128.store(p, v128.xor(L20, L22), 48); // S4
  v128.store(p, v128.xor(L25, L29), 32); // S5
  v128.store(p, v128.not(v128.xor(L13, L27)), 16); // S6
  v128.store(p, v128.not(v128.xor(L6, L23))); // S7
}

// ShiftRows (FIPS 197 §5.1.2): byte r + 4c takes byte r + 4((c + r) mod 4).
// @ts-ignore: decorator
@inline function sr(x: v128): v128 {
  return i8x16.shuffle(x, x, 0, 5, 10, 15, 4, 9, 14, 3, 8, 13, 2, 7, 12, 1, 6, 11);
}
// ShiftRows, then each column rotated up by one row (byte r takes byte r + 1 of its column).
// @ts-ignore: decorator
@inline function sr1(x: v128): v128 {
  return i8x16.shuffle(x, x, 5, 10, 15, 0, 9, 14, 3, 4, 13, 2, 7, 8, 1, 6, 11, 12);
}
// Each column rotated by two rows.
// @ts-ignore: decorator
@inline function rot2(x: v128): v128 {
  return i8x16.shuffle(x, x, 2, 3, 0, 1, 6, 7, 4, 5, 10, 11, 8, 9, 14, 15, 12, 13);
}

/**
 * ShiftRows, MixColumns (§5.1.3) and AddRoundKey of the round key planes at `rk`.
 * With a = ShiftRows(state) and a1 = a rotated by one row, t = a ^ a1:
 *   b_r = 2a_r ^ 3a_{r+1} ^ a_{r+2} ^ a_{r+3} = xtime(t)_r ^ a1_r ^ rot2(t)_r.
 */
function shiftMixAdd(p: usize, rk: usize): void {
  const x0 = v128.load(p), x1 = v128.load(p, 16), x2 = v128.load(p, 32), x3 = v128.load(p, 48);
  const x4 = v128.load(p, 64), x5 = v128.load(p, 80), x6 = v128.load(p, 96), x7 = v128.load(p, 112);
  const a0 = sr1(x0), a1 = sr1(x1), a2 = sr1(x2), a3 = sr1(x3), a4 = sr1(x4), a5 = sr1(x5), a6 = sr1(x6), a7 = sr1(x7);
  const t0 = v128.xor(sr(x0), a0), t1 = v128.xor(sr(x1), a1), t2 = v128.xor(sr(x2), a2), t3 = v128.xor(sr(x3), a3);
  const t4 = v128.xor(sr(x4), a4), t5 = v128.xor(sr(x5), a5), t6 = v128.xor(sr(x6), a6), t7 = v128.xor(sr(x7), a7);
  // xtime(t): plane j takes plane j-1; plane 7 folds into planes 0, 1, 3, 4.
  v128.store(p, v128.xor(v128.xor(t7, a0), v128.xor(rot2(t0), v128.load(rk))));
  v128.store(p, v128.xor(v128.xor(v128.xor(t0, t7), a1), v128.xor(rot2(t1), v128.load(rk, 16))), 16);
  v128.store(p, v128.xor(v128.xor(t1, a2), v128.xor(rot2(t2), v128.load(rk, 32))), 32);
  v128.store(p, v128.xor(v128.xor(v128.xor(t2, t7), a3), v128.xor(rot2(t3), v128.load(rk, 48))), 48);
  v128.store(p, v128.xor(v128.xor(v128.xor(t3, t7), a4), v128.xor(rot2(t4), v128.load(rk, 64))), 64);
  v128.store(p, v128.xor(v128.xor(t4, a5), v128.xor(rot2(t5), v128.load(rk, 80))), 80);
  v128.store(p, v128.xor(v128.xor(t5, a6), v128.xor(rot2(t6), v128.load(rk, 96))), 96);
  v128.store(p, v128.xor(v128.xor(t6, a7), v128.xor(rot2(t7), v128.load(rk, 112))), 112);
}

/** The last round's ShiftRows and AddRoundKey (no MixColumns, FIPS 197 §5.1). */
function shiftAdd(p: usize, rk: usize): void {
  for (let j: usize = 0; j < 128; j += 16) v128.store(p + j, v128.xor(sr(v128.load(p + j)), v128.load(rk + j)));
}

function addRoundKey(p: usize, rk: usize): void {
  for (let j: usize = 0; j < 128; j += 16) v128.store(p + j, v128.xor(v128.load(p + j), v128.load(rk + j)));
}

/**
 * Encrypts the eight 16-byte blocks at `p` (128 bytes, 16-aligned is best) in place
 * under the bitsliced schedule `rk` of `nr` rounds (10 or 14).
 */
export function aesEncrypt8(rk: usize, nr: i32, p: usize): void {
  transpose(p);
  addRoundKey(p, rk);
  for (let r = 1; r < nr; r++) {
    subBytes(p);
    shiftMixAdd(p, rk + <usize>(r * AES_RK_STRIDE));
  }
  subBytes(p);
  shiftAdd(p, rk + <usize>(nr * AES_RK_STRIDE));
  transpose(p);
}

/** SubWord (§5.2) through the bitsliced S-box: one word in block 0, the rest zero. */
function subWord(w: u32): u32 {
  memory.fill(sw, 0, 128);
  store<u32>(sw, w);
  transpose(sw);
  subBytes(sw);
  transpose(sw);
  const r = load<u32>(sw);
  memory.fill(sw, 0, 128);
  return r;
}

/**
 * KeyExpansion (FIPS 197 §5.2) of the `keyLen`-byte key (16 or 32) at `key`, written
 * to `w` as the nr + 1 round keys in byte order (16 bytes each; kept at rest: 8x smaller
 * than bitsliced). Returns nr (10 or 14), or 0 for another key length. Words are read
 * little-endian, so byte 0 of a word is its low byte: RotWord is a rotation right by 8
 * and Rcon XORs into the low byte.
 */
export function aesExpandKey(key: usize, keyLen: i32, w: usize): i32 {
  if (keyLen != 16 && keyLen != 32) return 0;
  const nk = keyLen >> 2;
  const nr = nk + 6;
  const total = 4 * (nr + 1);
  memory.copy(w, key, <usize>keyLen);
  let rcon: u32 = 1;
  for (let i = nk; i < total; i++) {
    let t = load<u32>(w + <usize>((i - 1) << 2));
    if (i % nk == 0) {
      t = subWord(rotr<u32>(t, 8)) ^ rcon;
      rcon = (rcon << 1) ^ ((rcon >> 7) * 0x11b); // xtime on the public round counter
    } else if (nk > 6 && i % nk == 4) {
      t = subWord(t);
    }
    store<u32>(w + <usize>(i << 2), load<u32>(w + <usize>((i - nk) << 2)) ^ t);
  }
  return nr;
}

/**
 * Bitslices the nr + 1 round keys at `w` (from aesExpandKey) into `rk` for aesEncrypt8:
 * plane j of a round key is 0xff where bit j of the key byte is set. About 20 vector
 * operations per round key: done once per packet, the planes wiped afterwards.
 */
export function aesBitslice(w: usize, nr: i32, rk: usize): void {
  const zero = i64x2.splat(0);
  for (let r = 0; r <= nr; r++) {
    const k = v128.load(w + <usize>(r << 4));
    const out = rk + <usize>(r * AES_RK_STRIDE);
    v128.store(out, i8x16.ne(v128.and(k, i8x16.splat(1)), zero));
    v128.store(out, i8x16.ne(v128.and(k, i8x16.splat(2)), zero), 16);
    v128.store(out, i8x16.ne(v128.and(k, i8x16.splat(4)), zero), 32);
    v128.store(out, i8x16.ne(v128.and(k, i8x16.splat(8)), zero), 48);
    v128.store(out, i8x16.ne(v128.and(k, i8x16.splat(16)), zero), 64);
    v128.store(out, i8x16.ne(v128.and(k, i8x16.splat(32)), zero), 80);
    v128.store(out, i8x16.ne(v128.and(k, i8x16.splat(64)), zero), 96);
    v128.store(out, i8x16.ne(v128.and(k, i8x16.splat(-128)), zero), 112);
  }
}
