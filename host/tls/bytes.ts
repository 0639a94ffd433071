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
  vec8(b: Uint8Array): this { return this.u8(b.length).bytes(b); }
  vec16(b: Uint8Array): this { return this.u16(b.length).bytes(b); }
  vec24(b: Uint8Array): this { return this.u24(b.length).bytes(b); }
  /** Writes a u16 length then whatever `fill` writes. */
  with16(fill: (w: Writer) => void): this { const w = new Writer(); fill(w); return this.vec16(w.finish()); }
  with8(fill: (w: Writer) => void): this { const w = new Writer(); fill(w); return this.vec8(w.finish()); }
  with24(fill: (w: Writer) => void): this { const w = new Writer(); fill(w); return this.vec24(w.finish()); }
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
