// The HPACK Huffman code (RFC 7541 Appendix B), which QPACK reuses for string
// literals (RFC 9204 §4.1.2). The code is canonical: codes of one length are
// consecutive and ordered by symbol, and each length continues from the last code of
// the previous length shifted left. So the table below only lists the code length of
// each symbol 0..255 and EOS (256), transcribed from the RFC; the codes are rebuilt
// from the lengths (test/h3/huffman.test.ts checks them against the RFC's hex column
// and the Kraft sum).

import { H3Error } from '../errors';

// Lengths in bits, symbols 0..256, runs written as [length, count].
const RUNS: [number, number][] = [
  [13, 1], [23, 1], [28, 7], [24, 1], [30, 1], [28, 2], [30, 1], [28, 8], [30, 1], [28, 9], // 0..31
  [6, 1], [10, 2], [12, 1], [13, 1], [6, 1], [8, 1], [11, 1], [10, 2], [8, 1], [11, 1], [8, 1], [6, 3], // 32..47
  [5, 3], [6, 7], [7, 1], [8, 1], [15, 1], [6, 1], [12, 1], [10, 1], // 48..63
  [13, 1], [6, 1], [7, 22], [8, 1], [7, 1], [8, 1], [13, 1], [19, 1], [13, 1], [14, 1], [6, 1], // 64..95
  [15, 1], [5, 1], [6, 1], [5, 1], [6, 1], [5, 1], [6, 3], [5, 1], [7, 2], [6, 3], [5, 1], [6, 1], [7, 1], [6, 1], // 96..114
  [5, 2], [6, 1], [7, 5], [15, 1], [11, 1], [14, 1], [13, 1], [28, 1], // 115..127
  [20, 1], [22, 1], [20, 2], [22, 3], [23, 1], [22, 1], [23, 5], [24, 1], [23, 1], [24, 2], [22, 1], [23, 1], [24, 1], // 128..148
  [23, 4], [21, 1], [22, 1], [23, 1], [22, 1], [23, 2], [24, 1], [22, 1], [21, 1], [20, 1], [22, 2], [23, 2], [21, 1], // 149..167
  [23, 1], [22, 2], [24, 1], [21, 1], [22, 1], [23, 2], [21, 2], [22, 1], [21, 1], [23, 1], [22, 1], [23, 2], [20, 1], // 168..184
  [22, 3], [23, 1], [22, 2], [23, 1], [26, 2], [20, 1], [19, 1], [22, 1], [23, 1], [22, 1], [25, 1], [26, 3], [27, 2], // 185..204
  [26, 1], [24, 1], [25, 1], [19, 1], [21, 1], [26, 1], [27, 2], [26, 1], [27, 1], [24, 1], [21, 2], [26, 2], [28, 1], // 205..220
  [27, 3], [20, 1], [24, 1], [20, 1], [21, 1], [22, 1], [21, 2], [23, 1], [22, 2], [25, 2], [24, 2], [26, 1], [23, 1], // 221..239
  [26, 1], [27, 1], [26, 2], [27, 5], [28, 1], [27, 5], [26, 1], // 240..255
  [30, 1], // EOS
];

/** Code length in bits per symbol (0..256). */
export const HUFFMAN_LENGTHS: Uint8Array = (() => {
  const out: number[] = [];
  for (const [len, n] of RUNS) for (let i = 0; i < n; i++) out.push(len);
  if (out.length !== 257) throw new Error(`huffman table has ${out.length} symbols`);
  return Uint8Array.from(out);
})();

/** The code of each symbol, right-aligned (as the RFC's "aligned to LSB" column). */
export const HUFFMAN_CODES: Uint32Array = (() => {
  const codes = new Uint32Array(257);
  const order = Array.from({ length: 257 }, (_, i) => i).sort((a, b) => HUFFMAN_LENGTHS[a] - HUFFMAN_LENGTHS[b] || a - b);
  let code = 0;
  let len = HUFFMAN_LENGTHS[order[0]];
  for (const sym of order) {
    code <<= HUFFMAN_LENGTHS[sym] - len; // lengths up to 30 bits: safe in a 32-bit int
    len = HUFFMAN_LENGTHS[sym];
    codes[sym] = code >>> 0;
    code++;
  }
  return codes;
})();

// Decoding walks a binary tree stored in flat arrays: node i has children
// child[2i] (bit 0) and child[2i+1] (bit 1); a negative entry -(sym+1) is a leaf.
const child = (() => {
  const tree: number[] = [0, 0];
  let nodes = 1;
  for (let sym = 0; sym < 257; sym++) {
    const len = HUFFMAN_LENGTHS[sym], code = HUFFMAN_CODES[sym];
    let node = 0;
    for (let b = len - 1; b >= 0; b--) {
      const bit = (code >>> b) & 1;
      if (b === 0) { tree[2 * node + bit] = -(sym + 1); break; }
      let next = tree[2 * node + bit];
      if (next === 0) { next = nodes++; tree[2 * node + bit] = next; tree.push(0, 0); }
      node = next;
    }
  }
  return Int32Array.from(tree);
})();

/** Bytes that `data` takes once Huffman-coded. */
export function huffmanEncodedLength(data: Uint8Array): number {
  let bits = 0;
  for (let i = 0; i < data.length; i++) bits += HUFFMAN_LENGTHS[data[i]];
  return (bits + 7) >> 3;
}

/** Huffman-codes `data`; the last byte is padded with the most significant bits of EOS (all ones). */
export function huffmanEncode(data: Uint8Array): Uint8Array {
  const out = new Uint8Array(huffmanEncodedLength(data));
  let acc = 0, bits = 0, o = 0;
  for (let i = 0; i < data.length; i++) {
    const len = HUFFMAN_LENGTHS[data[i]];
    const code = HUFFMAN_CODES[data[i]];
    // Feed the code in pieces of at most 16 bits so `acc` never exceeds 31 bits.
    let rem = len;
    while (rem > 0) {
      const take = Math.min(rem, 16);
      rem -= take;
      acc = (acc << take) | ((code >>> rem) & ((1 << take) - 1));
      bits += take;
      while (bits >= 8) { bits -= 8; out[o++] = (acc >>> bits) & 0xff; }
      acc &= (1 << bits) - 1;
    }
  }
  if (bits > 0) out[o++] = ((acc << (8 - bits)) | (0xff >> bits)) & 0xff;
  return out;
}

/**
 * Decodes a Huffman-coded string. Throws QPACK_DECOMPRESSION_FAILED on EOS inside the
 * data, on padding longer than 7 bits or padding that is not a prefix of EOS
 * (RFC 7541 §5.2), and when the output would exceed `maxLength`.
 */
export function huffmanDecode(data: Uint8Array, maxLength = Infinity): Uint8Array {
  // Each symbol is at least 5 bits, so the output is at most 8/5 of the input.
  const out = new Uint8Array(Math.floor((data.length * 8) / 5));
  let o = 0, node = 0, depth = 0, allOnes = true;
  for (let i = 0; i < data.length; i++) {
    const byte = data[i];
    for (let b = 7; b >= 0; b--) {
      const bit = (byte >> b) & 1;
      const next = child[2 * node + bit];
      depth++;
      allOnes = allOnes && bit === 1;
      if (next < 0) {
        const sym = -next - 1;
        if (sym === 256) throw new H3Error('QPACK_DECOMPRESSION_FAILED', 'Huffman string contains EOS');
        if (o >= maxLength) throw new H3Error('QPACK_DECOMPRESSION_FAILED', `Huffman string longer than ${maxLength} bytes`);
        out[o++] = sym;
        node = 0; depth = 0; allOnes = true;
      } else {
        node = next;
      }
    }
  }
  if (depth > 7 || !allOnes) throw new H3Error('QPACK_DECOMPRESSION_FAILED', 'invalid Huffman padding');
  return out.subarray(0, o);
}
