// QUIC variable-length integers (RFC 9000 §16) read and written on the host: HTTP/3 uses
// them for frame and stream types, lengths and settings, the ticket code to read transport
// parameters (transport-params.ts); the core has its own codec. Values above 2^53 do not fit a JS number exactly; they
// only appear as grease/unknown types, which we compare and skip, never compute with.

/** Bytes needed to encode `v`. */
export function varintLength(v: number): number {
  return v < 0x40 ? 1 : v < 0x4000 ? 2 : v < 0x40000000 ? 4 : 8;
}

/**
 * Writes `v` at `out[at]`; returns the position after it. Throws a RangeError for what no
 * varint holds (negative, fractional, 2^62 and above, not a number): written anyway, -1
 * came out as 0xff, an 8-byte prefix with one byte, malformed for the peer.
 */
export function writeVarint(out: Uint8Array, at: number, v: number): number {
  if (!(Number.isInteger(v) && v >= 0 && v < 2 ** 62)) throw new RangeError(`${String(v)} is not a QUIC varint (an integer in 0..2^62 - 1)`);
  const len = varintLength(v);
  if (len === 8) {
    const hi = Math.floor(v / 2 ** 32), lo = v >>> 0;
    out[at] = 0xc0 | (hi >>> 24); out[at + 1] = hi >>> 16; out[at + 2] = hi >>> 8; out[at + 3] = hi;
    out[at + 4] = lo >>> 24; out[at + 5] = lo >>> 16; out[at + 6] = lo >>> 8; out[at + 7] = lo;
    return at + 8;
  }
  for (let i = len - 1; i >= 0; i--) { out[at + i] = v & 0xff; v = Math.floor(v / 256); }
  out[at] |= [0x00, 0x40, 0, 0x80][len - 1] ?? 0;
  return at + len;
}

/** Encodes one varint. */
export function varint(v: number): Uint8Array {
  const out = new Uint8Array(varintLength(v));
  writeVarint(out, 0, v);
  return out;
}

/** Reads a varint at `at`: [value, next position], or null if the buffer ends first. */
export function readVarint(b: Uint8Array, at: number): [number, number] | null {
  if (at >= b.length) return null;
  const len = 1 << (b[at] >> 6);
  if (at + len > b.length) return null;
  let v = b[at] & 0x3f;
  for (let i = 1; i < len; i++) v = v * 256 + b[at + i];
  return [v, at + len];
}
