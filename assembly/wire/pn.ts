// Packet numbers on the wire, RFC 9000 §17.1: a sender writes only the low 1-4 bytes
// of the full number, enough that the receiver can recover it from the largest number
// it has seen (Appendix A.2 for the sender's choice, A.3 for the receiver's decoding).

/** Largest packet number QUIC allows: 2^62 - 1 (§12.3). */
export const PN_MAX: u64 = 0x3fffffffffffffff;

/**
 * Bytes needed to encode `fullPn` when the peer has acknowledged up to `largestAcked`
 * (-1 when nothing was acknowledged yet). RFC 9000 Appendix A.2: the encoding must
 * cover twice the range of unacknowledged numbers, so the smallest `len` with
 * numUnacked < 2^(8*len - 1).
 */
export function pnEncodeLength(fullPn: u64, largestAcked: i64): i32 {
  const numUnacked: u64 = largestAcked < 0 ? fullPn + 1 : fullPn - <u64>largestAcked;
  if (numUnacked < 0x80) return 1;
  if (numUnacked < 0x8000) return 2;
  if (numUnacked < 0x800000) return 3;
  return 4;
}

/** Writes the low `len` bytes of `pn` big-endian at `p` (len 1-4). Returns len, or 0 if it does not fit. */
export function writePacketNumber(p: usize, end: usize, pn: u64, len: i32): i32 {
  if (len < 1 || len > 4 || p > end || <usize>len > end - p) return 0;
  for (let i = len - 1, v = pn; i >= 0; i--, v >>= 8) store<u8>(p + <usize>i, <u8>v);
  return len;
}

/** Reads a `len`-byte (1-4) big-endian truncated packet number at `p` (caller checked bounds). */
export function readTruncatedPacketNumber(p: usize, len: i32): u64 {
  let v: u64 = 0;
  for (let i = 0; i < len; i++) v = (v << 8) | <u64>load<u8>(p + <usize>i);
  return v;
}

/**
 * Recovers a full packet number from its `nbits`-bit truncation, given the largest
 * number received so far in the space (-1 if none). RFC 9000 Appendix A.3.
 */
export function decodePacketNumber(largestPn: i64, truncatedPn: u64, nbits: i32): u64 {
  const expected: i64 = largestPn + 1;
  const win: i64 = <i64>1 << nbits;
  const hwin: i64 = win >> 1;
  const mask: i64 = win - 1;
  const candidate: i64 = (expected & ~mask) | <i64>truncatedPn;
  if (candidate <= expected - hwin && candidate < (<i64>1 << 62) - win) return <u64>(candidate + win);
  if (candidate > expected + hwin && candidate >= win) return <u64>(candidate - win);
  return <u64>candidate;
}
