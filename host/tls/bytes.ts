// Byte readers and writers for TLS's length-prefixed vectors (RFC 9846 §3). The reader
// throws TlsAlertError(decode_error) on truncation; the engine turns every throw into
// an alert, so malformed input never escapes as a plain exception.

import { Alert, TlsAlertError } from './alerts';

export class Reader {
  pos = 0;
  constructor(readonly buf: Uint8Array, private readonly end = buf.length) {}

  get left(): number {
    return this.end - this.pos;
  }

  private need(n: number): void {
    if (n > this.end - this.pos) throw new TlsAlertError(Alert.decode_error, 'message truncated');
  }

  u8(): number { this.need(1); return this.buf[this.pos++]; }
  u16(): number { this.need(2); const v = (this.buf[this.pos] << 8) | this.buf[this.pos + 1]; this.pos += 2; return v; }
  u24(): number { this.need(3); const v = (this.buf[this.pos] << 16) | (this.buf[this.pos + 1] << 8) | this.buf[this.pos + 2]; this.pos += 3; return v; }
  u32(): number { this.need(4); const v = ((this.buf[this.pos] << 24) >>> 0) + ((this.buf[this.pos + 1] << 16) | (this.buf[this.pos + 2] << 8) | this.buf[this.pos + 3]); this.pos += 4; return v; }
  bytes(n: number): Uint8Array { this.need(n); const v = this.buf.subarray(this.pos, this.pos + n); this.pos += n; return v; }
  vec8(): Uint8Array { return this.bytes(this.u8()); }
  vec16(): Uint8Array { return this.bytes(this.u16()); }
  vec24(): Uint8Array { return this.bytes(this.u24()); }
  /** A reader over a u16-length-prefixed sub-vector. */
  sub16(): Reader { const b = this.vec16(); return new Reader(b); }
  sub8(): Reader { const b = this.vec8(); return new Reader(b); }
  sub24(): Reader { const b = this.vec24(); return new Reader(b); }
  /** Every byte must have been consumed. */
  done(what: string): void {
    if (this.pos !== this.end) throw new TlsAlertError(Alert.decode_error, `trailing bytes in ${what}`);
  }
}

/** `n`, checked to fit a length field of `bytes` bytes (a longer vector is a bug, never truncated). */
function fits(n: number, bytes: number): number {
  if (n >= 2 ** (8 * bytes)) throw new RangeError(`a ${n}-byte vector does not fit a ${bytes}-byte length`);
  return n;
}

export class Writer {
  private buf = new Uint8Array(256);
  len = 0;

  private grow(n: number): void {
    if (this.len + n <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < this.len + n) size *= 2;
    const b = new Uint8Array(size);
    b.set(this.buf.subarray(0, this.len));
    this.buf = b;
  }

  u8(v: number): this { this.grow(1); this.buf[this.len++] = v & 0xff; return this; }
  u16(v: number): this { this.grow(2); this.buf[this.len++] = (v >>> 8) & 0xff; this.buf[this.len++] = v & 0xff; return this; }
  u24(v: number): this { this.grow(3); this.buf[this.len++] = (v >>> 16) & 0xff; this.buf[this.len++] = (v >>> 8) & 0xff; this.buf[this.len++] = v & 0xff; return this; }
  u32(v: number): this { this.u16(Math.floor(v / 65536)); return this.u16(v & 0xffff); }
  bytes(b: Uint8Array): this { this.grow(b.length); this.buf.set(b, this.len); this.len += b.length; return this; }
  vec8(b: Uint8Array): this { return this.u8(fits(b.length, 1)).bytes(b); }
  vec16(b: Uint8Array): this { return this.u16(fits(b.length, 2)).bytes(b); }
  vec24(b: Uint8Array): this { return this.u24(fits(b.length, 3)).bytes(b); }
  /**
   * Writes a u16 length then whatever `fill` writes, in place: the length is written
   * after the contents (no nested writer, no copy; a handshake builds dozens of these).
   */
  with16(fill: (w: Writer) => void): this { return this.within(2, fill); }
  with8(fill: (w: Writer) => void): this { return this.within(1, fill); }
  with24(fill: (w: Writer) => void): this { return this.within(3, fill); }
  private within(lengthBytes: number, fill: (w: Writer) => void): this {
    this.grow(lengthBytes);
    const at = this.len;
    this.len += lengthBytes;
    fill(this);
    const n = fits(this.len - at - lengthBytes, lengthBytes);
    for (let i = lengthBytes - 1, v = n; i >= 0; i--, v >>>= 8) this.buf[at + i] = v & 0xff;
    return this;
  }
  finish(): Uint8Array { return this.buf.slice(0, this.len); }
}

export function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) { out.set(p, o); o += p.length; }
  return out;
}

/** Constant-time equality for secrets and MACs. */
export function constantTimeEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  let d = 0;
  for (let i = 0; i < a.length; i++) d |= a[i] ^ b[i];
  return d === 0;
}

export function toHex(b: Uint8Array): string {
  return Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');
}
