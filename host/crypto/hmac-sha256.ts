// HMAC-SHA-256 (RFC 2104, FIPS 180-4) for the key schedule's short inputs, with no object
// made per call but the 32-byte result. A TLS 1.3 + QUIC handshake computes ≈ 35 HMACs per
// side (HKDF-Extract and -Expand-Label for every secret, key, iv and hp key, and the
// Finished MACs), each over a few dozen bytes: node:crypto's createHmac costs ≈ 5.4 µs a
// call there (bench/handshake-costs.ts: 15 % of a handshake), most of it making the
// Hmac object and its key; @noble/hashes ≈ 6.9 µs. This costs ≈ 3 µs. Long inputs (a
// transcript) stay with the platform, which hashes bulk faster than JS. Both hash backends
// (node:crypto's and the portable @noble one, ≈ 6.9 µs per HMAC) route such HMACs here.
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
const pad = new Uint8Array(64);
const inner = new Uint8Array(32);
let filled = 0;
let total = 0;

function compress(): void {
  for (let i = 0; i < 16; i++) W[i] = (block[4 * i] << 24) | (block[4 * i + 1] << 16) | (block[4 * i + 2] << 8) | block[4 * i + 3];
  for (let i = 16; i < 64; i++) {
    const a = W[i - 15], b = W[i - 2];
    const s0 = ((a >>> 7) | (a << 25)) ^ ((a >>> 18) | (a << 14)) ^ (a >>> 3);
    const s1 = ((b >>> 17) | (b << 15)) ^ ((b >>> 19) | (b << 13)) ^ (b >>> 10);
    W[i] = (W[i - 16] + s0 + W[i - 7] + s1) | 0;
  }
  let a = H[0], b = H[1], c = H[2], d = H[3], e = H[4], f = H[5], g = H[6], h = H[7];
  for (let i = 0; i < 64; i++) {
    const S1 = ((e >>> 6) | (e << 26)) ^ ((e >>> 11) | (e << 21)) ^ ((e >>> 25) | (e << 7));
    const t1 = (h + S1 + ((e & f) ^ (~e & g)) + K[i] + W[i]) | 0;
    const S0 = ((a >>> 2) | (a << 30)) ^ ((a >>> 13) | (a << 19)) ^ ((a >>> 22) | (a << 10));
    const t2 = (S0 + ((a & b) ^ (a & c) ^ (b & c))) | 0;
    h = g; g = f; f = e; e = (d + t1) | 0;
    d = c; c = b; b = a; a = (t1 + t2) | 0;
  }
  H[0] = (H[0] + a) | 0; H[1] = (H[1] + b) | 0; H[2] = (H[2] + c) | 0; H[3] = (H[3] + d) | 0;
  H[4] = (H[4] + e) | 0; H[5] = (H[5] + f) | 0; H[6] = (H[6] + g) | 0; H[7] = (H[7] + h) | 0;
}

function start(): void {
  H.set(IV);
  filled = 0;
  total = 0;
}

function update(data: Uint8Array): void {
  const n = data.length;
  total += n;
  for (let i = 0; i < n; ) {
    while (filled < 64 && i < n) block[filled++] = data[i++];
    if (filled === 64) {
      compress();
      filled = 0;
    }
  }
}

/** Pads, compresses the last block(s) and writes the digest to out[at, at + 32). */
function finish(out: Uint8Array, at: number): void {
  block[filled++] = 0x80;
  if (filled > 56) {
    block.fill(0, filled);
    compress();
    filled = 0;
  }
  block.fill(0, filled, 56);
  const bits = total * 8;
  const hi = Math.floor(bits / 0x100000000), lo = bits >>> 0;
  block[56] = hi >>> 24; block[57] = hi >>> 16; block[58] = hi >>> 8; block[59] = hi;
  block[60] = lo >>> 24; block[61] = lo >>> 16; block[62] = lo >>> 8; block[63] = lo;
  compress();
  for (let i = 0; i < 8; i++) {
    const v = H[i];
    out[at + 4 * i] = v >>> 24; out[at + 4 * i + 1] = v >>> 16; out[at + 4 * i + 2] = v >>> 8; out[at + 4 * i + 3] = v;
  }
}

/** HMAC-SHA-256(key, concatenated parts). */
export function hmacSha256(key: Uint8Array, parts: readonly Uint8Array[]): Uint8Array {
  // K0: the key, hashed first if longer than a block, zero-padded to 64 bytes (RFC 2104 §2).
  pad.fill(0);
  if (key.length > 64) {
    start();
    update(key);
    finish(pad, 0);
  } else {
    pad.set(key);
  }
  for (let i = 0; i < 64; i++) pad[i] ^= 0x36;
  start();
  update(pad);
  for (const p of parts) update(p);
  finish(inner, 0);
  for (let i = 0; i < 64; i++) pad[i] ^= 0x36 ^ 0x5c;
  start();
  update(pad);
  update(inner);
  const out = new Uint8Array(32);
  finish(out, 0);
  // Nothing derived from the key stays in module memory.
  pad.fill(0);
  inner.fill(0);
  block.fill(0);
  W.fill(0);
  return out;
}
