// HMAC-SHA-256 (RFC 2104, FIPS 180-4) for the key schedule's short inputs, with no object
// made per call but the result. A TLS 1.3 + QUIC handshake computes ≈ 35 HMACs per side
// (HKDF-Extract and -Expand-Label for every secret, key, iv and hp key, and the Finished
// MACs), each over a few dozen bytes: node:crypto's createHmac costs ≈ 2-5 µs a call
// there, most of it making the Hmac object and its key; @noble/hashes ≈ 6.9 µs. Long
// inputs stay with the platform, which hashes bulk faster than JS. Both hash backends
// (node:crypto's and the portable @noble one) route such HMACs here. The portable
// backend's running transcript hash is the Sha256 class at the end.
//
// A short HMAC is four SHA-256 compressions: K0 ⊕ ipad, the message, K0 ⊕ opad, the
// inner digest. The first and third depend on the key alone, so a key that MACs more than
// once is made ready once (hmacSha256Key: the two midstates) and each HMAC from it is two
// compressions (hmacSha256With). bench/key-schedule.ts, interleaved with the code before
// this change in one run (median µs, and the ratio; this 2-core machine was shared and
// loaded, so read the ratios):
//   HMAC, 32-byte key, 55-byte message   3.50 before; 2.32 from the key (0.66×), 1.18 from
//                                        a prepared key (0.34×); making a key ready 1.04;
//                                        node:crypto's createHmac 3.51
//   QUIC key, iv and hp from a secret    11.3 → 5.78 (0.51×)
//   TLS key schedule of one side         39.8 → 26.0 (0.65×; 4 secrets, 2 Finished)
//   every derivation of one side         152 → 81.7 (0.54×; + Initial, 6 sets of packet
//                                        keys, 2 key updates)
// Besides the midstates: the compression runs sixteen rounds per iteration on locals
// (≈ 320 ns a block against ≈ 440), the words go straight into it (the outer block is the
// inner digest's words, no bytes in between), outputs are cut to length as they are
// written, and the scratch is wiped with loops rather than fill() calls.
// SHA-256 has no secret-dependent branches or table lookups: the code below runs the
// same operations whatever the key and data (constant time, as the issue asks of crypto).

/** SHA-256's round constants and initial hash value (FIPS 180-4 §4.2.2, §5.3.3); bench/key-schedule.ts's frozen copy of the older code reads them too. */
export const K = Int32Array.from([
  0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
  0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
  0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
  0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
  0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
  0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
  0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
  0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
]);
export const IV = Int32Array.from([0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19]);

/** Inputs (key excepted) above this many bytes go to the platform's HMAC. */
export const SHORT_INPUT = 512;

/** Whether an HMAC is one this file should compute: SHA-256 over a short input. */
export function shortSha256(hash: string, parts: readonly Uint8Array[]): boolean {
  if (hash !== 'sha256') return false;
  let n = 0;
  for (const p of parts) n += p.length;
  return n <= SHORT_INPUT;
}

// One computation at a time (JavaScript is single-threaded and nothing here yields).
const H = new Int32Array(8);
const W = new Int32Array(16);
const block = new Uint8Array(64);
/** The prepared key of a one-off hmacSha256 call. */
const once = new Int32Array(16);
let filled = 0;
let total = 0;

/**
 * SHA-256's compression of the 16 words W[0, 16) into H (W is left as it was). Sixteen
 * rounds written out per iteration, the message schedule as sixteen locals updated in
 * place for the next sixteen rounds, and the working variables renamed from round to
 * round (round i's a..h are the variables i places along: no shifting), with Ch and Maj
 * in their 3- and 4-operation forms. ≈ 320 ns a block here, against ≈ 440 ns for one
 * round per iteration over a 64-word schedule array (the code before).
 */
function compress(): void {
  let w0 = W[0], w1 = W[1], w2 = W[2], w3 = W[3], w4 = W[4], w5 = W[5], w6 = W[6], w7 = W[7], w8 = W[8], w9 = W[9], w10 = W[10], w11 = W[11], w12 = W[12], w13 = W[13], w14 = W[14], w15 = W[15];
  let a = H[0], b = H[1], c = H[2], d = H[3], e = H[4], f = H[5], g = H[6], h = H[7], t = 0, x = 0, y = 0;
  for (let i = 0; i < 64; i += 16) {
    if (i > 0) {
      // The next sixteen schedule words, W[j] = σ1(W[j-2]) + W[j-7] + σ0(W[j-15]) + W[j-16],
      // each in the place of the W[j-16] it replaces (x is W[j-15], y is W[j-2]).
      x = w1; y = w14; w0 = (w0 + (((x >>> 7) | (x << 25)) ^ ((x >>> 18) | (x << 14)) ^ (x >>> 3)) + w9 + (((y >>> 17) | (y << 15)) ^ ((y >>> 19) | (y << 13)) ^ (y >>> 10))) | 0;
      x = w2; y = w15; w1 = (w1 + (((x >>> 7) | (x << 25)) ^ ((x >>> 18) | (x << 14)) ^ (x >>> 3)) + w10 + (((y >>> 17) | (y << 15)) ^ ((y >>> 19) | (y << 13)) ^ (y >>> 10))) | 0;
      x = w3; y = w0; w2 = (w2 + (((x >>> 7) | (x << 25)) ^ ((x >>> 18) | (x << 14)) ^ (x >>> 3)) + w11 + (((y >>> 17) | (y << 15)) ^ ((y >>> 19) | (y << 13)) ^ (y >>> 10))) | 0;
      x = w4; y = w1; w3 = (w3 + (((x >>> 7) | (x << 25)) ^ ((x >>> 18) | (x << 14)) ^ (x >>> 3)) + w12 + (((y >>> 17) | (y << 15)) ^ ((y >>> 19) | (y << 13)) ^ (y >>> 10))) | 0;
      x = w5; y = w2; w4 = (w4 + (((x >>> 7) | (x << 25)) ^ ((x >>> 18) | (x << 14)) ^ (x >>> 3)) + w13 + (((y >>> 17) | (y << 15)) ^ ((y >>> 19) | (y << 13)) ^ (y >>> 10))) | 0;
      x = w6; y = w3; w5 = (w5 + (((x >>> 7) | (x << 25)) ^ ((x >>> 18) | (x << 14)) ^ (x >>> 3)) + w14 + (((y >>> 17) | (y << 15)) ^ ((y >>> 19) | (y << 13)) ^ (y >>> 10))) | 0;
      x = w7; y = w4; w6 = (w6 + (((x >>> 7) | (x << 25)) ^ ((x >>> 18) | (x << 14)) ^ (x >>> 3)) + w15 + (((y >>> 17) | (y << 15)) ^ ((y >>> 19) | (y << 13)) ^ (y >>> 10))) | 0;
      x = w8; y = w5; w7 = (w7 + (((x >>> 7) | (x << 25)) ^ ((x >>> 18) | (x << 14)) ^ (x >>> 3)) + w0 + (((y >>> 17) | (y << 15)) ^ ((y >>> 19) | (y << 13)) ^ (y >>> 10))) | 0;
      x = w9; y = w6; w8 = (w8 + (((x >>> 7) | (x << 25)) ^ ((x >>> 18) | (x << 14)) ^ (x >>> 3)) + w1 + (((y >>> 17) | (y << 15)) ^ ((y >>> 19) | (y << 13)) ^ (y >>> 10))) | 0;
      x = w10; y = w7; w9 = (w9 + (((x >>> 7) | (x << 25)) ^ ((x >>> 18) | (x << 14)) ^ (x >>> 3)) + w2 + (((y >>> 17) | (y << 15)) ^ ((y >>> 19) | (y << 13)) ^ (y >>> 10))) | 0;
      x = w11; y = w8; w10 = (w10 + (((x >>> 7) | (x << 25)) ^ ((x >>> 18) | (x << 14)) ^ (x >>> 3)) + w3 + (((y >>> 17) | (y << 15)) ^ ((y >>> 19) | (y << 13)) ^ (y >>> 10))) | 0;
      x = w12; y = w9; w11 = (w11 + (((x >>> 7) | (x << 25)) ^ ((x >>> 18) | (x << 14)) ^ (x >>> 3)) + w4 + (((y >>> 17) | (y << 15)) ^ ((y >>> 19) | (y << 13)) ^ (y >>> 10))) | 0;
      x = w13; y = w10; w12 = (w12 + (((x >>> 7) | (x << 25)) ^ ((x >>> 18) | (x << 14)) ^ (x >>> 3)) + w5 + (((y >>> 17) | (y << 15)) ^ ((y >>> 19) | (y << 13)) ^ (y >>> 10))) | 0;
      x = w14; y = w11; w13 = (w13 + (((x >>> 7) | (x << 25)) ^ ((x >>> 18) | (x << 14)) ^ (x >>> 3)) + w6 + (((y >>> 17) | (y << 15)) ^ ((y >>> 19) | (y << 13)) ^ (y >>> 10))) | 0;
      x = w15; y = w12; w14 = (w14 + (((x >>> 7) | (x << 25)) ^ ((x >>> 18) | (x << 14)) ^ (x >>> 3)) + w7 + (((y >>> 17) | (y << 15)) ^ ((y >>> 19) | (y << 13)) ^ (y >>> 10))) | 0;
      x = w0; y = w13; w15 = (w15 + (((x >>> 7) | (x << 25)) ^ ((x >>> 18) | (x << 14)) ^ (x >>> 3)) + w8 + (((y >>> 17) | (y << 15)) ^ ((y >>> 19) | (y << 13)) ^ (y >>> 10))) | 0;
    }
    // T1 = h + Σ1(e) + Ch(e, f, g) + K[i] + W[i]; d += T1; h = T1 + Σ0(a) + Maj(a, b, c): then the
    // next round reads h as its a and d as its e.
    t = (h + (((e >>> 6) | (e << 26)) ^ ((e >>> 11) | (e << 21)) ^ ((e >>> 25) | (e << 7))) + (g ^ (e & (f ^ g))) + K[i + 0] + w0) | 0; d = (d + t) | 0; h = (t + (((a >>> 2) | (a << 30)) ^ ((a >>> 13) | (a << 19)) ^ ((a >>> 22) | (a << 10))) + ((a & b) | (c & (a | b)))) | 0;
    t = (g + (((d >>> 6) | (d << 26)) ^ ((d >>> 11) | (d << 21)) ^ ((d >>> 25) | (d << 7))) + (f ^ (d & (e ^ f))) + K[i + 1] + w1) | 0; c = (c + t) | 0; g = (t + (((h >>> 2) | (h << 30)) ^ ((h >>> 13) | (h << 19)) ^ ((h >>> 22) | (h << 10))) + ((h & a) | (b & (h | a)))) | 0;
    t = (f + (((c >>> 6) | (c << 26)) ^ ((c >>> 11) | (c << 21)) ^ ((c >>> 25) | (c << 7))) + (e ^ (c & (d ^ e))) + K[i + 2] + w2) | 0; b = (b + t) | 0; f = (t + (((g >>> 2) | (g << 30)) ^ ((g >>> 13) | (g << 19)) ^ ((g >>> 22) | (g << 10))) + ((g & h) | (a & (g | h)))) | 0;
    t = (e + (((b >>> 6) | (b << 26)) ^ ((b >>> 11) | (b << 21)) ^ ((b >>> 25) | (b << 7))) + (d ^ (b & (c ^ d))) + K[i + 3] + w3) | 0; a = (a + t) | 0; e = (t + (((f >>> 2) | (f << 30)) ^ ((f >>> 13) | (f << 19)) ^ ((f >>> 22) | (f << 10))) + ((f & g) | (h & (f | g)))) | 0;
    t = (d + (((a >>> 6) | (a << 26)) ^ ((a >>> 11) | (a << 21)) ^ ((a >>> 25) | (a << 7))) + (c ^ (a & (b ^ c))) + K[i + 4] + w4) | 0; h = (h + t) | 0; d = (t + (((e >>> 2) | (e << 30)) ^ ((e >>> 13) | (e << 19)) ^ ((e >>> 22) | (e << 10))) + ((e & f) | (g & (e | f)))) | 0;
    t = (c + (((h >>> 6) | (h << 26)) ^ ((h >>> 11) | (h << 21)) ^ ((h >>> 25) | (h << 7))) + (b ^ (h & (a ^ b))) + K[i + 5] + w5) | 0; g = (g + t) | 0; c = (t + (((d >>> 2) | (d << 30)) ^ ((d >>> 13) | (d << 19)) ^ ((d >>> 22) | (d << 10))) + ((d & e) | (f & (d | e)))) | 0;
    t = (b + (((g >>> 6) | (g << 26)) ^ ((g >>> 11) | (g << 21)) ^ ((g >>> 25) | (g << 7))) + (a ^ (g & (h ^ a))) + K[i + 6] + w6) | 0; f = (f + t) | 0; b = (t + (((c >>> 2) | (c << 30)) ^ ((c >>> 13) | (c << 19)) ^ ((c >>> 22) | (c << 10))) + ((c & d) | (e & (c | d)))) | 0;
    t = (a + (((f >>> 6) | (f << 26)) ^ ((f >>> 11) | (f << 21)) ^ ((f >>> 25) | (f << 7))) + (h ^ (f & (g ^ h))) + K[i + 7] + w7) | 0; e = (e + t) | 0; a = (t + (((b >>> 2) | (b << 30)) ^ ((b >>> 13) | (b << 19)) ^ ((b >>> 22) | (b << 10))) + ((b & c) | (d & (b | c)))) | 0;
    t = (h + (((e >>> 6) | (e << 26)) ^ ((e >>> 11) | (e << 21)) ^ ((e >>> 25) | (e << 7))) + (g ^ (e & (f ^ g))) + K[i + 8] + w8) | 0; d = (d + t) | 0; h = (t + (((a >>> 2) | (a << 30)) ^ ((a >>> 13) | (a << 19)) ^ ((a >>> 22) | (a << 10))) + ((a & b) | (c & (a | b)))) | 0;
    t = (g + (((d >>> 6) | (d << 26)) ^ ((d >>> 11) | (d << 21)) ^ ((d >>> 25) | (d << 7))) + (f ^ (d & (e ^ f))) + K[i + 9] + w9) | 0; c = (c + t) | 0; g = (t + (((h >>> 2) | (h << 30)) ^ ((h >>> 13) | (h << 19)) ^ ((h >>> 22) | (h << 10))) + ((h & a) | (b & (h | a)))) | 0;
    t = (f + (((c >>> 6) | (c << 26)) ^ ((c >>> 11) | (c << 21)) ^ ((c >>> 25) | (c << 7))) + (e ^ (c & (d ^ e))) + K[i + 10] + w10) | 0; b = (b + t) | 0; f = (t + (((g >>> 2) | (g << 30)) ^ ((g >>> 13) | (g << 19)) ^ ((g >>> 22) | (g << 10))) + ((g & h) | (a & (g | h)))) | 0;
    t = (e + (((b >>> 6) | (b << 26)) ^ ((b >>> 11) | (b << 21)) ^ ((b >>> 25) | (b << 7))) + (d ^ (b & (c ^ d))) + K[i + 11] + w11) | 0; a = (a + t) | 0; e = (t + (((f >>> 2) | (f << 30)) ^ ((f >>> 13) | (f << 19)) ^ ((f >>> 22) | (f << 10))) + ((f & g) | (h & (f | g)))) | 0;
    t = (d + (((a >>> 6) | (a << 26)) ^ ((a >>> 11) | (a << 21)) ^ ((a >>> 25) | (a << 7))) + (c ^ (a & (b ^ c))) + K[i + 12] + w12) | 0; h = (h + t) | 0; d = (t + (((e >>> 2) | (e << 30)) ^ ((e >>> 13) | (e << 19)) ^ ((e >>> 22) | (e << 10))) + ((e & f) | (g & (e | f)))) | 0;
    t = (c + (((h >>> 6) | (h << 26)) ^ ((h >>> 11) | (h << 21)) ^ ((h >>> 25) | (h << 7))) + (b ^ (h & (a ^ b))) + K[i + 13] + w13) | 0; g = (g + t) | 0; c = (t + (((d >>> 2) | (d << 30)) ^ ((d >>> 13) | (d << 19)) ^ ((d >>> 22) | (d << 10))) + ((d & e) | (f & (d | e)))) | 0;
    t = (b + (((g >>> 6) | (g << 26)) ^ ((g >>> 11) | (g << 21)) ^ ((g >>> 25) | (g << 7))) + (a ^ (g & (h ^ a))) + K[i + 14] + w14) | 0; f = (f + t) | 0; b = (t + (((c >>> 2) | (c << 30)) ^ ((c >>> 13) | (c << 19)) ^ ((c >>> 22) | (c << 10))) + ((c & d) | (e & (c | d)))) | 0;
    t = (a + (((f >>> 6) | (f << 26)) ^ ((f >>> 11) | (f << 21)) ^ ((f >>> 25) | (f << 7))) + (h ^ (f & (g ^ h))) + K[i + 15] + w15) | 0; e = (e + t) | 0; a = (t + (((b >>> 2) | (b << 30)) ^ ((b >>> 13) | (b << 19)) ^ ((b >>> 22) | (b << 10))) + ((b & c) | (d & (b | c)))) | 0;
  }
  H[0] = (H[0] + a) | 0; H[1] = (H[1] + b) | 0; H[2] = (H[2] + c) | 0; H[3] = (H[3] + d) | 0;
  H[4] = (H[4] + e) | 0; H[5] = (H[5] + f) | 0; H[6] = (H[6] + g) | 0; H[7] = (H[7] + h) | 0;
}

/** The 64 bytes of `block` as big-endian words into W[0, 16). */
function loadBlock(): void {
  loadWords(block, 0);
}

/** src[at, at + 64) as big-endian words into W[0, 16). */
function loadWords(src: Uint8Array, at: number): void {
  for (let i = 0; i < 16; i++) W[i] = (src[at + 4 * i] << 24) | (src[at + 4 * i + 1] << 16) | (src[at + 4 * i + 2] << 8) | src[at + 4 * i + 3];
}

function update(data: Uint8Array): void {
  const n = data.length;
  total += n;
  for (let i = 0; i < n; i++) {
    block[filled++] = data[i];
    if (filled === 64) {
      loadBlock();
      compress();
      filled = 0;
    }
  }
}

/** Pads and compresses the last block(s): H is then the digest of the `total` bytes. */
function finish(): void {
  block[filled++] = 0x80;
  if (filled > 56) {
    while (filled < 64) block[filled++] = 0;
    loadBlock();
    compress();
    filled = 0;
  }
  while (filled < 56) block[filled++] = 0;
  loadBlock();
  const bits = total * 8;
  W[14] = Math.floor(bits / 0x100000000);
  W[15] = bits >>> 0;
  compress();
}

/**
 * A key made ready for HMAC-SHA-256: the SHA-256 states after the one block of K0 ⊕ ipad
 * (words 0..7) and of K0 ⊕ opad (words 8..15), RFC 2104 §2. They depend on the key alone,
 * so an HMAC from them is two compressions fewer (of four for a short message): worth it
 * whenever a key MACs more than once (HKDF-Expand-Label of key, iv and hp from one
 * secret). As secret as the key: whoever holds one can compute every HMAC of the key.
 */
export type HmacSha256Key = Int32Array;

/** The midstates of `key` (hashed first when longer than a block), written to `out`. */
export function hmacSha256Key(key: Uint8Array, out: HmacSha256Key = new Int32Array(16)): HmacSha256Key {
  // K0: the key, hashed first if longer than a block, zero-padded to 64 bytes (RFC 2104 §2), in W[0, 16).
  if (key.length > 64) {
    H.set(IV);
    filled = 0;
    total = 0;
    update(key);
    finish();
    for (let i = 0; i < 8; i++) W[i] = H[i];
    W.fill(0, 8, 16);
  } else {
    block.fill(0);
    block.set(key);
    loadBlock();
  }
  for (let i = 0; i < 16; i++) W[i] ^= 0x36363636;
  H.set(IV);
  compress(); // compress reads W and leaves it as it was
  out.set(H, 0);
  for (let i = 0; i < 16; i++) W[i] ^= 0x36363636 ^ 0x5c5c5c5c;
  H.set(IV);
  compress();
  out.set(H, 8);
  wipe();
  return out;
}

/**
 * HMAC-SHA-256 of the concatenated parts under a prepared key, its first `length` bytes
 * (HKDF-Expand's T(1) cut to a 16-byte key or 12-byte iv without a second array).
 */
export function hmacSha256With(key: HmacSha256Key, parts: readonly Uint8Array[], length = 32): Uint8Array {
  // Inner hash: from the ipad state, over the message; 64 bytes already hashed.
  for (let i = 0; i < 8; i++) H[i] = key[i];
  filled = 0;
  total = 64;
  for (const p of parts) update(p);
  finish();
  // Outer hash: from the opad state, over the inner digest, padded to one block
  // (0x80, zeros, and the length of the 96 bytes hashed from the outer start, in bits).
  for (let i = 0; i < 8; i++) W[i] = H[i];
  W[8] = 0x80000000 | 0;
  for (let i = 9; i < 15; i++) W[i] = 0;
  W[15] = (64 + 32) * 8;
  for (let i = 0; i < 8; i++) H[i] = key[8 + i];
  compress();
  const out = new Uint8Array(length);
  for (let i = 0; i < length; i++) out[i] = H[i >> 2] >>> (24 - 8 * (i & 3));
  wipe();
  return out;
}

/** HMAC-SHA-256(key, concatenated parts). */
export function hmacSha256(key: Uint8Array, parts: readonly Uint8Array[]): Uint8Array {
  const out = hmacSha256With(hmacSha256Key(key, once), parts);
  once.fill(0);
  return out;
}

/** Nothing derived from a key or message stays in module memory. */
function wipe(): void {
  for (let i = 0; i < 8; i++) H[i] = 0;
  for (let i = 0; i < 16; i++) W[i] = 0;
  for (let i = 0; i < 64; i++) block[i] = 0;
}

/**
 * A running SHA-256: each byte hashed once, when added, and the digest of everything so
 * far (or of that and some bytes more) at any time without ending it. What a TLS
 * transcript needs (keyschedule.ts Transcript, through the portable backend's running()):
 * a handshake asks for its hash four to six times per side as it grows, and @noble's
 * digest of all the messages again each time cost ≈ 13 µs a digest (bench/key-schedule.ts:
 * a server's transcript 51 → 13 µs). State: 32 bytes of chaining value and up to 63
 * bytes not yet compressed, instead of the messages themselves.
 */
export class Sha256 {
  private readonly state = Int32Array.from(IV);
  private readonly buf = new Uint8Array(64);
  private filled = 0;
  private total = 0;

  update(data: Uint8Array): void {
    const n = data.length;
    let i = 0;
    this.total += n;
    if (this.filled > 0) {
      while (this.filled < 64 && i < n) this.buf[this.filled++] = data[i++];
      if (this.filled < 64) return;
      this.compressFrom(this.buf, 0);
      this.filled = 0;
    }
    if (i + 64 <= n) {
      H.set(this.state);
      for (; i + 64 <= n; i += 64) {
        loadWords(data, i); // whole blocks straight from the message
        compress();
      }
      this.state.set(H);
      wipe();
    }
    while (i < n) this.buf[this.filled++] = data[i++];
  }

  /** SHA-256 of everything added, followed by `extra` when given (not added). */
  digest(extra?: Uint8Array): Uint8Array {
    H.set(this.state);
    block.set(this.buf);
    filled = this.filled;
    total = this.total;
    if (extra) update(extra);
    finish();
    const out = new Uint8Array(32);
    for (let i = 0; i < 32; i++) out[i] = H[i >> 2] >>> (24 - 8 * (i & 3));
    wipe();
    return out;
  }

  private compressFrom(src: Uint8Array, at: number): void {
    H.set(this.state);
    loadWords(src, at);
    compress();
    this.state.set(H);
    wipe();
  }
}
