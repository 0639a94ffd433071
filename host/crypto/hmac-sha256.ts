// HMAC-SHA-256 (RFC 2104, FIPS 180-4) for the key schedule's short inputs, with no object
// made per call but the result. A TLS 1.3 + QUIC handshake computes ≈ 35 HMACs per side
// (HKDF-Extract and -Expand-Label for every secret, key, iv and hp key, and the Finished
// MACs), each over a few dozen bytes: node:crypto's createHmac costs ≈ 2-5 µs a call
// there, most of it making the Hmac object and its key; @noble/hashes ≈ 6.9 µs. Long
// inputs stay with the platform, which hashes bulk faster than JS. Both hash backends
// (node:crypto's and the portable @noble one) route such HMACs here. The portable
// backend's running transcript hash is the Sha256 class at the end.
//
// A short HMAC is four SHA-256 compressions (≈ 0.3 µs each here): K0 ⊕ ipad, the message,
// K0 ⊕ opad, the inner digest. The first and third depend on the key alone, so a key that
// MACs more than once is made ready once (hmacSha256Key: the two midstates) and each HMAC
// from it is two compressions (hmacSha256With). bench/key-schedule.ts, interleaved with
// the code before this change (median µs on this 2-core shared machine):
//   HMAC, 32-byte key, 55-byte message   2.27 before, 1.69 from the key, 0.97 prepared
//                                        (making a key ready 0.75; createHmac 2.06)
//   QUIC key, iv and hp from a secret    6.95 → 3.84
//   TLS key schedule of one side         24.0 → 18.1 (4 secrets, 2 Finished)
//   every derivation of one side         89.8 → 57.7 (+ Initial, 6 sets of packet keys, ku)
// Besides the midstates, the words go straight into the schedule (the outer block is the
// inner digest's words, no bytes in between), the compression runs four rounds per
// iteration, and the scratch is wiped with loops rather than fill() calls.
// SHA-256 has no secret-dependent branches or table lookups: the code below runs the
// same operations whatever the key and data (constant time, as the issue asks of crypto).

const K = Int32Array.from([
  0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
  0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
  0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
  0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
  0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
  0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
  0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
  0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
]);
const IV = Int32Array.from([0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19]);

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
const W = new Int32Array(64);
const block = new Uint8Array(64);
/** The prepared key of a one-off hmacSha256 call. */
const once = new Int32Array(16);
let filled = 0;
let total = 0;

/**
 * SHA-256's compression of the 16 words W[0, 16) into H (W[16, 64) is the schedule). Four
 * rounds per iteration, the working variables renamed instead of shifted along, and
 * Ch / Maj in their 3- and 4-operation forms: ≈ 10 % faster than one round per iteration.
 */
function compress(): void {
  for (let i = 16; i < 64; i++) {
    const x = W[i - 15], y = W[i - 2];
    W[i] = (W[i - 16] + (((x >>> 7) | (x << 25)) ^ ((x >>> 18) | (x << 14)) ^ (x >>> 3)) + W[i - 7] + (((y >>> 17) | (y << 15)) ^ ((y >>> 19) | (y << 13)) ^ (y >>> 10))) | 0;
  }
  let a = H[0], b = H[1], c = H[2], d = H[3], e = H[4], f = H[5], g = H[6], h = H[7];
  for (let i = 0; i < 64; i += 4) {
    let t = (h + (((e >>> 6) | (e << 26)) ^ ((e >>> 11) | (e << 21)) ^ ((e >>> 25) | (e << 7))) + (g ^ (e & (f ^ g))) + K[i] + W[i]) | 0;
    d = (d + t) | 0;
    h = (t + (((a >>> 2) | (a << 30)) ^ ((a >>> 13) | (a << 19)) ^ ((a >>> 22) | (a << 10))) + ((a & b) | (c & (a | b)))) | 0;
    t = (g + (((d >>> 6) | (d << 26)) ^ ((d >>> 11) | (d << 21)) ^ ((d >>> 25) | (d << 7))) + (f ^ (d & (e ^ f))) + K[i + 1] + W[i + 1]) | 0;
    c = (c + t) | 0;
    g = (t + (((h >>> 2) | (h << 30)) ^ ((h >>> 13) | (h << 19)) ^ ((h >>> 22) | (h << 10))) + ((h & a) | (b & (h | a)))) | 0;
    t = (f + (((c >>> 6) | (c << 26)) ^ ((c >>> 11) | (c << 21)) ^ ((c >>> 25) | (c << 7))) + (e ^ (c & (d ^ e))) + K[i + 2] + W[i + 2]) | 0;
    b = (b + t) | 0;
    f = (t + (((g >>> 2) | (g << 30)) ^ ((g >>> 13) | (g << 19)) ^ ((g >>> 22) | (g << 10))) + ((g & h) | (a & (g | h)))) | 0;
    t = (e + (((b >>> 6) | (b << 26)) ^ ((b >>> 11) | (b << 21)) ^ ((b >>> 25) | (b << 7))) + (d ^ (b & (c ^ d))) + K[i + 3] + W[i + 3]) | 0;
    a = (a + t) | 0;
    e = (t + (((f >>> 2) | (f << 30)) ^ ((f >>> 13) | (f << 19)) ^ ((f >>> 22) | (f << 10))) + ((f & g) | (h & (f | g)))) | 0;
    // Four rounds moved each variable four places: (a..h) is now (e, f, g, h, a, b, c, d).
    const ta = a, tb = b, tc = c, td = d;
    a = e; b = f; c = g; d = h; e = ta; f = tb; g = tc; h = td;
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
  compress(); // compress reads W[0, 16) and leaves it as it was
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
  for (let i = 0; i < 64; i++) W[i] = 0;
  for (let i = 0; i < 64; i++) block[i] = 0;
}

/**
 * A running SHA-256: each byte hashed once, when added, and the digest of everything so
 * far (or of that and some bytes more) at any time without ending it. What a TLS
 * transcript needs (keyschedule.ts Transcript): a handshake asks for its hash five or six
 * times per side as it grows, and hashing all the messages again each time (a
 * node:crypto Hash per digest) cost ≈ 5.7 µs a digest. State: 32 bytes of chaining value
 * and up to 63 bytes not yet compressed, instead of the messages themselves.
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
