// One ChaCha20 block (RFC 8439 §2.3) for ChaCha20 header protection (RFC 9001 §5.4.4):
// the mask is the first 5 bytes of the keystream block at counter = sample[0..4)
// (little-endian) and nonce = sample[4..16). node:crypto cannot re-IV a cipher object,
// so doing this through it costs a createCipheriv per packet (≈ 3 µs on an idle
// machine); one block in JavaScript is a few hundred 32-bit adds, xors and rotates
// (bench/protection.ts measures both). Add-rotate-xor has no secret-dependent branch
// or memory index, so it is constant-time in JavaScript as in C.

/** ChaCha20 header-protection masks under one key; holds its state words, no allocation per call. */
export class ChaChaMasker {
  private readonly k = new Uint32Array(8);

  constructor(key: Uint8Array) {
    if (key.length !== 32) throw new RangeError('ChaCha20 key must be 32 bytes');
    for (let i = 0; i < 8; i++) this.k[i] = le32(key, 4 * i);
  }

  /** Writes the first 5 keystream bytes for the 16-byte sample at `buf[s]` to `out[o..o+5)`. */
  mask(buf: Uint8Array, s: number, out: Uint8Array, o: number): void {
    const k = this.k;
    // "expand 32-byte k" (RFC 8439 §2.3), the key, then counter || nonce = the sample.
    const j0 = 0x61707865, j1 = 0x3320646e, j2 = 0x79622d32, j3 = 0x6b206574;
    const j4 = k[0], j5 = k[1], j6 = k[2], j7 = k[3], j8 = k[4], j9 = k[5], j10 = k[6], j11 = k[7];
    const j12 = le32(buf, s), j13 = le32(buf, s + 4), j14 = le32(buf, s + 8), j15 = le32(buf, s + 12);
    let x0 = j0, x1 = j1, x2 = j2, x3 = j3, x4 = j4, x5 = j5, x6 = j6, x7 = j7;
    let x8 = j8, x9 = j9, x10 = j10, x11 = j11, x12 = j12, x13 = j13, x14 = j14, x15 = j15;
    for (let r = 0; r < 10; r++) {
      // Column rounds.
      x0 = (x0 + x4) | 0; x12 = rotl(x12 ^ x0, 16); x8 = (x8 + x12) | 0; x4 = rotl(x4 ^ x8, 12);
      x0 = (x0 + x4) | 0; x12 = rotl(x12 ^ x0, 8); x8 = (x8 + x12) | 0; x4 = rotl(x4 ^ x8, 7);
      x1 = (x1 + x5) | 0; x13 = rotl(x13 ^ x1, 16); x9 = (x9 + x13) | 0; x5 = rotl(x5 ^ x9, 12);
      x1 = (x1 + x5) | 0; x13 = rotl(x13 ^ x1, 8); x9 = (x9 + x13) | 0; x5 = rotl(x5 ^ x9, 7);
      x2 = (x2 + x6) | 0; x14 = rotl(x14 ^ x2, 16); x10 = (x10 + x14) | 0; x6 = rotl(x6 ^ x10, 12);
      x2 = (x2 + x6) | 0; x14 = rotl(x14 ^ x2, 8); x10 = (x10 + x14) | 0; x6 = rotl(x6 ^ x10, 7);
      x3 = (x3 + x7) | 0; x15 = rotl(x15 ^ x3, 16); x11 = (x11 + x15) | 0; x7 = rotl(x7 ^ x11, 12);
      x3 = (x3 + x7) | 0; x15 = rotl(x15 ^ x3, 8); x11 = (x11 + x15) | 0; x7 = rotl(x7 ^ x11, 7);
      // Diagonal rounds.
      x0 = (x0 + x5) | 0; x15 = rotl(x15 ^ x0, 16); x10 = (x10 + x15) | 0; x5 = rotl(x5 ^ x10, 12);
      x0 = (x0 + x5) | 0; x15 = rotl(x15 ^ x0, 8); x10 = (x10 + x15) | 0; x5 = rotl(x5 ^ x10, 7);
      x1 = (x1 + x6) | 0; x12 = rotl(x12 ^ x1, 16); x11 = (x11 + x12) | 0; x6 = rotl(x6 ^ x11, 12);
      x1 = (x1 + x6) | 0; x12 = rotl(x12 ^ x1, 8); x11 = (x11 + x12) | 0; x6 = rotl(x6 ^ x11, 7);
      x2 = (x2 + x7) | 0; x13 = rotl(x13 ^ x2, 16); x8 = (x8 + x13) | 0; x7 = rotl(x7 ^ x8, 12);
      x2 = (x2 + x7) | 0; x13 = rotl(x13 ^ x2, 8); x8 = (x8 + x13) | 0; x7 = rotl(x7 ^ x8, 7);
      x3 = (x3 + x4) | 0; x14 = rotl(x14 ^ x3, 16); x9 = (x9 + x14) | 0; x4 = rotl(x4 ^ x9, 12);
      x3 = (x3 + x4) | 0; x14 = rotl(x14 ^ x3, 8); x9 = (x9 + x14) | 0; x4 = rotl(x4 ^ x9, 7);
    }
    // Only the first 5 output bytes are needed: word 0 and the low byte of word 1.
    const w0 = (x0 + j0) | 0, w1 = (x1 + j1) | 0;
    out[o] = w0 & 0xff; out[o + 1] = (w0 >>> 8) & 0xff; out[o + 2] = (w0 >>> 16) & 0xff; out[o + 3] = w0 >>> 24;
    out[o + 4] = w1 & 0xff;
  }
}

function le32(b: Uint8Array, i: number): number {
  return (b[i] | (b[i + 1] << 8) | (b[i + 2] << 16) | (b[i + 3] << 24)) >>> 0;
}

function rotl(v: number, n: number): number {
  return (v << n) | (v >>> (32 - n));
}
