// QUIC variable-length integers (RFC 9000 §16) for test code that forges packets and
// frames by hand; the library's own codec lives in the core.
export function varint(v: number): number[] {
  if (v < 0x40) return [v];
  if (v < 0x4000) return [0x40 | (v >> 8), v & 0xff];
  if (v < 0x40000000) return [0x80 | (v >>> 24), (v >>> 16) & 0xff, (v >>> 8) & 0xff, v & 0xff];
  const hi = Math.floor(v / 2 ** 32), lo = v >>> 0;
  return [0xc0 | (hi >>> 24), (hi >>> 16) & 0xff, (hi >>> 8) & 0xff, hi & 0xff, lo >>> 24, (lo >>> 16) & 0xff, (lo >>> 8) & 0xff, lo & 0xff];
}

/** Reads a varint at `at` (RFC 9000 §16): [value, its length in bytes], or null if `d` ends first. */
export function readVarint(d: Uint8Array, at: number): [number, number] | null {
  if (at >= d.length) return null;
  const len = 1 << (d[at] >> 6);
  if (at + len > d.length) return null;
  let v = d[at] & 0x3f;
  for (let i = 1; i < len; i++) v = v * 256 + d[at + i];
  return [v, len];
}
