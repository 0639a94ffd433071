// Variable-length integers, RFC 9000 §16: the two high bits of the first byte give the
// length (1, 2, 4 or 8 bytes); values reach 2^62 - 1.
//
// Decoding reports two things without allocating: the value goes to `varintValue`
// and the function returns the number of bytes read, or 0 when the input ends
// before the integer does (callers turn 0 into their own error code).

/** Largest value a varint can carry: 2^62 - 1. */
export const VARINT_MAX: u64 = 0x3fffffffffffffff;

/** The value decoded by the last successful readVarint. */
export let varintValue: u64 = 0;

/** Decodes one varint at `p` (not past `end`). Returns its length, or 0 if truncated. */
export function readVarint(p: usize, end: usize): i32 {
  if (p >= end) return 0;
  const first = <u32>load<u8>(p);
  const len = <i32>(1 << (first >> 6));
  if (<usize>len > end - p) return 0;
  switch (len) {
    case 1: varintValue = <u64>first; break;
    case 2: varintValue = <u64>(bswap<u16>(load<u16>(p)) & 0x3fff); break;
    case 4: varintValue = <u64>(bswap<u32>(load<u32>(p)) & 0x3fffffff); break;
    default: varintValue = bswap<u64>(load<u64>(p)) & VARINT_MAX;
  }
  return len;
}

/** The number of bytes the shortest encoding of `v` takes (v must be <= VARINT_MAX). */
export function varintLen(v: u64): i32 {
  if (v < 0x40) return 1;
  if (v < 0x4000) return 2;
  if (v < 0x40000000) return 4;
  return 8;
}

/**
 * Writes `v` at `p` in its shortest form (not past `end`). Returns the bytes written,
 * or 0 if it does not fit or v > VARINT_MAX.
 */
export function writeVarint(p: usize, end: usize, v: u64): i32 {
  if (v > VARINT_MAX) return 0;
  return writeVarintN(p, end, v, varintLen(v));
}

/**
 * Writes `v` at `p` in exactly `n` bytes (1, 2, 4 or 8), as length fields patched
 * after the fact need. Returns n, or 0 if it does not fit or v needs more than n bytes.
 */
export function writeVarintN(p: usize, end: usize, v: u64, n: i32): i32 {
  if (<usize>n > end - p || p > end || varintLen(v) > n) return 0;
  switch (n) {
    case 1: store<u8>(p, <u8>v); break;
    case 2: store<u16>(p, bswap<u16>(<u16>v | 0x4000)); break;
    case 4: store<u32>(p, bswap<u32>(<u32>v | 0x80000000)); break;
    case 8: store<u64>(p, bswap<u64>(v | 0xc000000000000000)); break;
    default: return 0;
  }
  return n;
}
