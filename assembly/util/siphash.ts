// SipHash-2-4 with a 128-bit output (Aumasson and Bernstein, "SipHash: a fast short-input
// PRF", the 128-bit variant of the reference implementation): a keyed pseudorandom
// function over short inputs. The core derives stateless reset tokens with it
// (RFC 9000 §10.3.2: a PRF of a static key and the connection ID, truncated to 16 bytes;
// SipHash's output is exactly 16 bytes). Unlike the CID table's SipHash-1-3 (a hash-flood
// defence), this uses the full 2-4 rounds that the PRF claim rests on.

@inline function rotl(x: u64, b: u64): u64 { return (x << b) | (x >> (64 - b)); }

let v0: u64 = 0, v1: u64 = 0, v2: u64 = 0, v3: u64 = 0;

@inline function round(): void {
  v0 += v1; v1 = rotl(v1, 13); v1 ^= v0; v0 = rotl(v0, 32);
  v2 += v3; v3 = rotl(v3, 16); v3 ^= v2;
  v0 += v3; v3 = rotl(v3, 21); v3 ^= v0;
  v2 += v1; v1 = rotl(v1, 17); v1 ^= v2; v2 = rotl(v2, 32);
}

/** Writes SipHash-2-4-128(key = k0 ‖ k1 little-endian, [p, p+len)) as 16 bytes at `out`. */
export function sipHash128(k0: u64, k1: u64, p: usize, len: i32, out: usize): void {
  v0 = k0 ^ 0x736f6d6570736575;
  v1 = k1 ^ 0x646f72616e646f6d ^ 0xee;
  v2 = k0 ^ 0x6c7967656e657261;
  v3 = k1 ^ 0x7465646279746573;
  let i = 0;
  for (; i + 8 <= len; i += 8) {
    const m = load<u64>(p + <usize>i);
    v3 ^= m; round(); round(); v0 ^= m;
  }
  let last: u64 = <u64>(len & 0xff) << 56;
  for (let j = 0; i < len; i++, j++) last |= <u64>load<u8>(p + <usize>i) << (<u64>j * 8);
  v3 ^= last; round(); round(); v0 ^= last;
  v2 ^= 0xee;
  round(); round(); round(); round();
  store<u64>(out, v0 ^ v1 ^ v2 ^ v3);
  v1 ^= 0xdd;
  round(); round(); round(); round();
  store<u64>(out + 8, v0 ^ v1 ^ v2 ^ v3);
}

/** Compares 16 bytes without an early exit (RFC 9000 §10.3.1: no timing leak of a token). */
export function equal16(a: usize, b: usize): bool {
  const x = (load<u64>(a) ^ load<u64>(b)) | (load<u64>(a, 8) ^ load<u64>(b, 8));
  return x == 0;
}
