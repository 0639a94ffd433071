// ChaCha20 (RFC 8439 §2.3-2.4), in place in linear memory. The bulk path runs four
// blocks at once in v128 lanes ("vertical" layout: vector i holds state word i of
// blocks n..n+3), then transposes each 4x4 group of words back into byte order while
// XORing. A scalar block serves header protection (one block) and short tails.
// Constant time by construction: additions, XORs and rotations only, no
// secret-dependent branch or index.

/** "expand 32-byte k" (RFC 8439 §2.3). */
const C0: u32 = 0x61707865;
const C1: u32 = 0x3320646e;
const C2: u32 = 0x79622d32;
const C3: u32 = 0x6b206574;

// The 16 input vectors of the next 4-block step (word i splatted; lane j of word 12 is counter+j).
const vstate: usize = memory.data(256, 16);
/** 256 bytes of keystream scratch (the AEAD takes its Poly1305 key from block 0). */
export const keystream: usize = memory.data(256, 16);
const zeros: usize = memory.data(256, 16);
// Byte permutations that rotate every u32 lane left by 16 and by 8. They are loaded from
// memory into locals once per call: as inline constants V8 rebuilds them inside the loop.
const ROT16: usize = memory.data<u8>([2, 3, 0, 1, 6, 7, 4, 5, 10, 11, 8, 9, 14, 15, 12, 13], 16);
const ROT8: usize = memory.data<u8>([3, 0, 1, 2, 7, 4, 5, 6, 11, 8, 9, 10, 15, 12, 13, 14], 16);

/** Prepares the 4-block state for `key` (32 bytes), `nonce` (12 bytes) and the first block counter. */
export function chachaSetup(key: usize, nonce: usize, counter: u32): void {
  store<v128>(vstate, i32x4.splat(C0));
  store<v128>(vstate, i32x4.splat(C1), 16);
  store<v128>(vstate, i32x4.splat(C2), 32);
  store<v128>(vstate, i32x4.splat(C3), 48);
  for (let i: usize = 0; i < 8; i++) store<v128>(vstate + 64 + (i << 4), i32x4.splat(load<i32>(key + (i << 2))));
  store<v128>(vstate, i32x4.add(i32x4.splat(counter), i32x4(0, 1, 2, 3)), 192);
  for (let i: usize = 0; i < 3; i++) store<v128>(vstate + 208 + (i << 4), i32x4.splat(load<i32>(nonce + (i << 2))));
}

/**
 * Four blocks from the prepared state XORed with 256 bytes at `src` into `dst` (which
 * may be `src`); advances the state's counter by 4. With src = zeros it writes keystream.
 */
function blocks4(dst: usize, src: usize): void {
  const rot16 = v128.load(ROT16);
  const rot8 = v128.load(ROT8);
  let x0 = v128.load(vstate), x1 = v128.load(vstate, 16), x2 = v128.load(vstate, 32), x3 = v128.load(vstate, 48);
  let x4 = v128.load(vstate, 64), x5 = v128.load(vstate, 80), x6 = v128.load(vstate, 96), x7 = v128.load(vstate, 112);
  let x8 = v128.load(vstate, 128), x9 = v128.load(vstate, 144), x10 = v128.load(vstate, 160), x11 = v128.load(vstate, 176);
  let x12 = v128.load(vstate, 192), x13 = v128.load(vstate, 208), x14 = v128.load(vstate, 224), x15 = v128.load(vstate, 240);
  let t: v128;
  for (let i = 0; i < 10; i++) {
    x0 = i32x4.add(x0, x4); x12 = i8x16.swizzle(v128.xor(x12, x0), rot16);
    x8 = i32x4.add(x8, x12); t = v128.xor(x4, x8); x4 = v128.or(i32x4.shl(t, 12), i32x4.shr_u(t, 20));
    x0 = i32x4.add(x0, x4); x12 = i8x16.swizzle(v128.xor(x12, x0), rot8);
    x8 = i32x4.add(x8, x12); t = v128.xor(x4, x8); x4 = v128.or(i32x4.shl(t, 7), i32x4.shr_u(t, 25));
    x1 = i32x4.add(x1, x5); x13 = i8x16.swizzle(v128.xor(x13, x1), rot16);
    x9 = i32x4.add(x9, x13); t = v128.xor(x5, x9); x5 = v128.or(i32x4.shl(t, 12), i32x4.shr_u(t, 20));
    x1 = i32x4.add(x1, x5); x13 = i8x16.swizzle(v128.xor(x13, x1), rot8);
    x9 = i32x4.add(x9, x13); t = v128.xor(x5, x9); x5 = v128.or(i32x4.shl(t, 7), i32x4.shr_u(t, 25));
    x2 = i32x4.add(x2, x6); x14 = i8x16.swizzle(v128.xor(x14, x2), rot16);
    x10 = i32x4.add(x10, x14); t = v128.xor(x6, x10); x6 = v128.or(i32x4.shl(t, 12), i32x4.shr_u(t, 20));
    x2 = i32x4.add(x2, x6); x14 = i8x16.swizzle(v128.xor(x14, x2), rot8);
    x10 = i32x4.add(x10, x14); t = v128.xor(x6, x10); x6 = v128.or(i32x4.shl(t, 7), i32x4.shr_u(t, 25));
    x3 = i32x4.add(x3, x7); x15 = i8x16.swizzle(v128.xor(x15, x3), rot16);
    x11 = i32x4.add(x11, x15); t = v128.xor(x7, x11); x7 = v128.or(i32x4.shl(t, 12), i32x4.shr_u(t, 20));
    x3 = i32x4.add(x3, x7); x15 = i8x16.swizzle(v128.xor(x15, x3), rot8);
    x11 = i32x4.add(x11, x15); t = v128.xor(x7, x11); x7 = v128.or(i32x4.shl(t, 7), i32x4.shr_u(t, 25));
    x0 = i32x4.add(x0, x5); x15 = i8x16.swizzle(v128.xor(x15, x0), rot16);
    x10 = i32x4.add(x10, x15); t = v128.xor(x5, x10); x5 = v128.or(i32x4.shl(t, 12), i32x4.shr_u(t, 20));
    x0 = i32x4.add(x0, x5); x15 = i8x16.swizzle(v128.xor(x15, x0), rot8);
    x10 = i32x4.add(x10, x15); t = v128.xor(x5, x10); x5 = v128.or(i32x4.shl(t, 7), i32x4.shr_u(t, 25));
    x1 = i32x4.add(x1, x6); x12 = i8x16.swizzle(v128.xor(x12, x1), rot16);
    x11 = i32x4.add(x11, x12); t = v128.xor(x6, x11); x6 = v128.or(i32x4.shl(t, 12), i32x4.shr_u(t, 20));
    x1 = i32x4.add(x1, x6); x12 = i8x16.swizzle(v128.xor(x12, x1), rot8);
    x11 = i32x4.add(x11, x12); t = v128.xor(x6, x11); x6 = v128.or(i32x4.shl(t, 7), i32x4.shr_u(t, 25));
    x2 = i32x4.add(x2, x7); x13 = i8x16.swizzle(v128.xor(x13, x2), rot16);
    x8 = i32x4.add(x8, x13); t = v128.xor(x7, x8); x7 = v128.or(i32x4.shl(t, 12), i32x4.shr_u(t, 20));
    x2 = i32x4.add(x2, x7); x13 = i8x16.swizzle(v128.xor(x13, x2), rot8);
    x8 = i32x4.add(x8, x13); t = v128.xor(x7, x8); x7 = v128.or(i32x4.shl(t, 7), i32x4.shr_u(t, 25));
    x3 = i32x4.add(x3, x4); x14 = i8x16.swizzle(v128.xor(x14, x3), rot16);
    x9 = i32x4.add(x9, x14); t = v128.xor(x4, x9); x4 = v128.or(i32x4.shl(t, 12), i32x4.shr_u(t, 20));
    x3 = i32x4.add(x3, x4); x14 = i8x16.swizzle(v128.xor(x14, x3), rot8);
    x9 = i32x4.add(x9, x14); t = v128.xor(x4, x9); x4 = v128.or(i32x4.shl(t, 7), i32x4.shr_u(t, 25));
  }
  // Add the input words, transpose each group of four words (one vector per block), XOR, store.
  group(dst, src, 0, i32x4.add(x0, v128.load(vstate)), i32x4.add(x1, v128.load(vstate, 16)), i32x4.add(x2, v128.load(vstate, 32)), i32x4.add(x3, v128.load(vstate, 48)));
  group(dst, src, 16, i32x4.add(x4, v128.load(vstate, 64)), i32x4.add(x5, v128.load(vstate, 80)), i32x4.add(x6, v128.load(vstate, 96)), i32x4.add(x7, v128.load(vstate, 112)));
  group(dst, src, 32, i32x4.add(x8, v128.load(vstate, 128)), i32x4.add(x9, v128.load(vstate, 144)), i32x4.add(x10, v128.load(vstate, 160)), i32x4.add(x11, v128.load(vstate, 176)));
  group(dst, src, 48, i32x4.add(x12, v128.load(vstate, 192)), i32x4.add(x13, v128.load(vstate, 208)), i32x4.add(x14, v128.load(vstate, 224)), i32x4.add(x15, v128.load(vstate, 240)));
  store<v128>(vstate, i32x4.add(v128.load(vstate, 192), i32x4.splat(4)), 192);
}

// @ts-ignore: decorator
@inline function group(dst: usize, src: usize, off: usize, a: v128, b: v128, c: v128, d: v128): void {
  const t0 = i32x4.shuffle(a, b, 0, 4, 1, 5); // a0 b0 a1 b1
  const t1 = i32x4.shuffle(a, b, 2, 6, 3, 7); // a2 b2 a3 b3
  const t2 = i32x4.shuffle(c, d, 0, 4, 1, 5);
  const t3 = i32x4.shuffle(c, d, 2, 6, 3, 7);
  const s = src + off, o = dst + off;
  v128.store(o, v128.xor(v128.load(s), v128.shuffle<i64>(t0, t2, 0, 2)));
  v128.store(o, v128.xor(v128.load(s, 64), v128.shuffle<i64>(t0, t2, 1, 3)), 64);
  v128.store(o, v128.xor(v128.load(s, 128), v128.shuffle<i64>(t1, t3, 0, 2)), 128);
  v128.store(o, v128.xor(v128.load(s, 192), v128.shuffle<i64>(t1, t3, 1, 3)), 192);
}

/** One ChaCha20 block (RFC 8439 §2.3) for `key`, `nonce`, `counter`: 64 bytes of keystream at `out`. */
export function chachaBlock(key: usize, nonce: usize, counter: u32, out: usize): void {
  const k0 = load<u32>(key), k1 = load<u32>(key, 4), k2 = load<u32>(key, 8), k3 = load<u32>(key, 12);
  const k4 = load<u32>(key, 16), k5 = load<u32>(key, 20), k6 = load<u32>(key, 24), k7 = load<u32>(key, 28);
  const n0 = load<u32>(nonce), n1 = load<u32>(nonce, 4), n2 = load<u32>(nonce, 8);
  let x0 = C0, x1 = C1, x2 = C2, x3 = C3, x4 = k0, x5 = k1, x6 = k2, x7 = k3;
  let x8 = k4, x9 = k5, x10 = k6, x11 = k7, x12 = counter, x13 = n0, x14 = n1, x15 = n2;
  for (let i = 0; i < 10; i++) {
    x0 += x4; x12 = rotl<u32>(x12 ^ x0, 16);
    x8 += x12; x4 = rotl<u32>(x4 ^ x8, 12);
    x0 += x4; x12 = rotl<u32>(x12 ^ x0, 8);
    x8 += x12; x4 = rotl<u32>(x4 ^ x8, 7);
    x1 += x5; x13 = rotl<u32>(x13 ^ x1, 16);
    x9 += x13; x5 = rotl<u32>(x5 ^ x9, 12);
    x1 += x5; x13 = rotl<u32>(x13 ^ x1, 8);
    x9 += x13; x5 = rotl<u32>(x5 ^ x9, 7);
    x2 += x6; x14 = rotl<u32>(x14 ^ x2, 16);
    x10 += x14; x6 = rotl<u32>(x6 ^ x10, 12);
    x2 += x6; x14 = rotl<u32>(x14 ^ x2, 8);
    x10 += x14; x6 = rotl<u32>(x6 ^ x10, 7);
    x3 += x7; x15 = rotl<u32>(x15 ^ x3, 16);
    x11 += x15; x7 = rotl<u32>(x7 ^ x11, 12);
    x3 += x7; x15 = rotl<u32>(x15 ^ x3, 8);
    x11 += x15; x7 = rotl<u32>(x7 ^ x11, 7);
    x0 += x5; x15 = rotl<u32>(x15 ^ x0, 16);
    x10 += x15; x5 = rotl<u32>(x5 ^ x10, 12);
    x0 += x5; x15 = rotl<u32>(x15 ^ x0, 8);
    x10 += x15; x5 = rotl<u32>(x5 ^ x10, 7);
    x1 += x6; x12 = rotl<u32>(x12 ^ x1, 16);
    x11 += x12; x6 = rotl<u32>(x6 ^ x11, 12);
    x1 += x6; x12 = rotl<u32>(x12 ^ x1, 8);
    x11 += x12; x6 = rotl<u32>(x6 ^ x11, 7);
    x2 += x7; x13 = rotl<u32>(x13 ^ x2, 16);
    x8 += x13; x7 = rotl<u32>(x7 ^ x8, 12);
    x2 += x7; x13 = rotl<u32>(x13 ^ x2, 8);
    x8 += x13; x7 = rotl<u32>(x7 ^ x8, 7);
    x3 += x4; x14 = rotl<u32>(x14 ^ x3, 16);
    x9 += x14; x4 = rotl<u32>(x4 ^ x9, 12);
    x3 += x4; x14 = rotl<u32>(x14 ^ x3, 8);
    x9 += x14; x4 = rotl<u32>(x4 ^ x9, 7);
  }
  store<u32>(out, x0 + C0); store<u32>(out, x1 + C1, 4); store<u32>(out, x2 + C2, 8); store<u32>(out, x3 + C3, 12);
  store<u32>(out, x4 + k0, 16); store<u32>(out, x5 + k1, 20); store<u32>(out, x6 + k2, 24); store<u32>(out, x7 + k3, 28);
  store<u32>(out, x8 + k4, 32); store<u32>(out, x9 + k5, 36); store<u32>(out, x10 + k6, 40); store<u32>(out, x11 + k7, 44);
  store<u32>(out, x12 + counter, 48); store<u32>(out, x13 + n0, 52); store<u32>(out, x14 + n1, 56); store<u32>(out, x15 + n2, 60);
}

/** Writes the next four blocks of the prepared state (256 bytes) to `out`. */
export function chachaKeystream4(out: usize): void {
  blocks4(out, zeros);
}

/**
 * XORs `len` bytes at `p` in place with the keystream of the prepared state, whose next
 * block is `counter` (chachaSetup with the same key and nonce came first; `key` and
 * `nonce` serve the scalar tail).
 */
export function chachaXor(key: usize, nonce: usize, counter: u32, p: usize, len: i32): void {
  while (len >= 256) {
    blocks4(p, p);
    p += 256; len -= 256; counter += 4;
  }
  if (len <= 0) return;
  if (len > 64) blocks4(keystream, zeros);
  else chachaBlock(key, nonce, counter, keystream);
  xorBytes(p, keystream, len);
}

/**
 * Zeroes the 4-block state (it holds the key, splatted) and the keystream scratch (its
 * block 0 is a Poly1305 key), so no key material outlives the packet that used it.
 */
export function chachaWipe(): void {
  const z = i64x2.splat(0);
  for (let i: usize = 0; i < 256; i += 16) {
    v128.store(vstate + i, z);
    v128.store(keystream + i, z);
  }
}

/** dst[i] ^= src[i] for i < len (16 bytes at a time, then bytes). */
export function xorBytes(dst: usize, src: usize, len: i32): void {
  let i = 0;
  for (; i + 16 <= len; i += 16) {
    v128.store(dst + <usize>i, v128.xor(v128.load(dst + <usize>i), v128.load(src + <usize>i)));
  }
  for (; i < len; i++) store<u8>(dst + <usize>i, load<u8>(dst + <usize>i) ^ load<u8>(src + <usize>i));
}
