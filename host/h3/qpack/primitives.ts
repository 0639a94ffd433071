// QPACK's primitives (RFC 9204 §4.1): prefixed integers (RFC 7541 §5.1) and string
// literals with an optional Huffman flag, read from and written to byte buffers.
// Reading is bounds-checked: a truncated buffer raises Incomplete (the caller decides
// whether that is "wait for more bytes" on a stream or an error in a field section),
// and an integer past 2^53 or a string longer than the caller's limit is a typed error.

import { H3Error, type H3ErrorName } from '../errors';
import { huffmanDecode, huffmanEncode, huffmanEncodedLength } from './huffman';

/** Thrown when the buffer ends inside an integer or string. */
export class Incomplete extends Error {
  constructor() { super('incomplete QPACK input'); this.name = 'Incomplete'; }
}

const INCOMPLETE = new Incomplete();

/** A cursor over a byte buffer. `errorName` is the H3 error used for malformed input. */
export class QpackReader {
  constructor(
    readonly buf: Uint8Array,
    public pos = 0,
    readonly errorName: H3ErrorName = 'QPACK_DECOMPRESSION_FAILED',
    /** The error for a string over its length limit (a field section: H3_EXCESSIVE_LOAD). */
    readonly limitError: H3ErrorName = errorName,
  ) {}

  get remaining(): number { return this.buf.length - this.pos; }

  /** The current byte without consuming it. */
  peek(): number {
    if (this.pos >= this.buf.length) throw INCOMPLETE;
    return this.buf[this.pos];
  }

  /** A prefixed integer whose prefix is the low `prefixBits` bits of the current byte. */
  int(prefixBits: number): number {
    if (this.pos >= this.buf.length) throw INCOMPLETE;
    const max = (1 << prefixBits) - 1;
    let v = this.buf[this.pos++] & max;
    if (v < max) return v;
    let mult = 1;
    for (;;) {
      if (this.pos >= this.buf.length) throw INCOMPLETE;
      const b = this.buf[this.pos++];
      v += (b & 0x7f) * mult;
      if (v > Number.MAX_SAFE_INTEGER) throw new H3Error(this.errorName, 'integer overflow in a prefixed integer');
      if ((b & 0x80) === 0) return v;
      mult *= 128;
      // RFC 7541 §5.1: an encoder can pad with 0x80 bytes; bound that too.
      if (mult > 2 ** 56) throw new H3Error(this.errorName, 'integer overflow in a prefixed integer');
    }
  }

  /**
   * A string literal: the H bit is bit `prefixBits` of the current byte, the length a
   * `prefixBits`-bit prefixed integer. Strings longer than `maxLength` are an error.
   */
  string(prefixBits: number, maxLength: number): Uint8Array {
    if (this.pos >= this.buf.length) throw INCOMPLETE;
    const huffman = (this.buf[this.pos] & (1 << prefixBits)) !== 0;
    const len = this.int(prefixBits);
    if (len > this.remaining) {
      // A length beyond our limit is an error even before its bytes arrive.
      if (len > maxLength) throw new H3Error(this.limitError, `string literal of ${len} bytes exceeds the limit of ${maxLength}`);
      throw INCOMPLETE;
    }
    const raw = this.buf.subarray(this.pos, this.pos + len);
    this.pos += len;
    if (!huffman) {
      if (len > maxLength) throw new H3Error(this.limitError, `string literal of ${len} bytes exceeds the limit of ${maxLength}`);
      return raw;
    }
    try {
      return huffmanDecode(raw, maxLength);
    } catch (err) {
      if (err instanceof H3Error && /longer than/.test(err.message)) throw new H3Error(this.limitError, err.message);
      if (err instanceof H3Error && this.errorName !== err.h3Name) throw new H3Error(this.errorName, err.message);
      throw err;
    }
  }
}

/** Appends QPACK output bytes. */
export class QpackWriter {
  private bytes: number[] = [];

  /** A prefixed integer; `flags` are the bits above the prefix in the first byte. */
  int(value: number, prefixBits: number, flags = 0): this {
    const max = (1 << prefixBits) - 1;
    if (value < max) { this.bytes.push(flags | value); return this; }
    this.bytes.push(flags | max);
    let v = value - max;
    while (v >= 128) { this.bytes.push((v % 128) | 0x80); v = Math.floor(v / 128); }
    this.bytes.push(v);
    return this;
  }

  /** A string literal, Huffman-coded when that is shorter; H is bit `prefixBits` of the first byte. */
  string(value: Uint8Array, prefixBits: number, flags = 0): this {
    const hlen = huffmanEncodedLength(value);
    if (hlen < value.length) {
      this.int(hlen, prefixBits, flags | (1 << prefixBits));
      for (const b of huffmanEncode(value)) this.bytes.push(b);
    } else {
      this.int(value.length, prefixBits, flags);
      for (const b of value) this.bytes.push(b);
    }
    return this;
  }

  raw(b: Uint8Array): this {
    for (const x of b) this.bytes.push(x);
    return this;
  }

  get length(): number { return this.bytes.length; }

  finish(): Uint8Array { return Uint8Array.from(this.bytes); }
}
