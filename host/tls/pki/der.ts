// A small bounds-checked DER reader and writer (ITU-T X.690), enough for X.509
// certificates and PKCS#8 keys. Malformed input throws DerError; public PKI functions
// catch it and answer with an alert.

export class DerError extends Error {}

/** One TLV: tag byte, the contents, and the whole encoding. */
export interface Tlv {
  tag: number;
  value: Uint8Array;
  /** The full TLV bytes (tag + length + value). */
  raw: Uint8Array;
}

export class DerReader {
  pos = 0;
  constructor(readonly buf: Uint8Array) {}

  get done(): boolean {
    return this.pos >= this.buf.length;
  }

  peekTag(): number {
    if (this.done) throw new DerError('unexpected end of DER');
    return this.buf[this.pos];
  }

  read(expectTag?: number): Tlv {
    const start = this.pos;
    const b = this.buf;
    if (this.pos + 2 > b.length) throw new DerError('truncated DER');
    const tag = b[this.pos++];
    if ((tag & 0x1f) === 0x1f) throw new DerError('multi-byte tags are not supported');
    let len = b[this.pos++];
    if (len & 0x80) {
      const n = len & 0x7f;
      if (n === 0 || n > 4 || this.pos + n > b.length) throw new DerError('bad DER length');
      len = 0;
      for (let i = 0; i < n; i++) len = len * 256 + b[this.pos++];
    }
    if (this.pos + len > b.length) throw new DerError('DER value runs past its container');
    const value = b.subarray(this.pos, this.pos + len);
    this.pos += len;
    if (expectTag !== undefined && tag !== expectTag) throw new DerError(`expected DER tag 0x${expectTag.toString(16)}, got 0x${tag.toString(16)}`);
    return { tag, value, raw: b.subarray(start, this.pos) };
  }

  /** Reads a constructed value and returns a reader over its contents. */
  enter(expectTag: number): DerReader {
    return new DerReader(this.read(expectTag).value);
  }
}

export const TAG = {
  INTEGER: 0x02, BIT_STRING: 0x03, OCTET_STRING: 0x04, NULL: 0x05, OID: 0x06, UTF8: 0x0c,
  PRINTABLE: 0x13, IA5: 0x16, UTC_TIME: 0x17, GENERALIZED_TIME: 0x18, SEQUENCE: 0x30, SET: 0x31, BOOLEAN: 0x01,
} as const;

/** Encodes one TLV. */
export function tlv(tag: number, ...contents: Uint8Array[]): Uint8Array {
  const len = contents.reduce((n, c) => n + c.length, 0);
  const head: number[] = [tag];
  if (len < 0x80) head.push(len);
  else {
    const bytes: number[] = [];
    for (let l = len; l > 0; l = Math.floor(l / 256)) bytes.unshift(l & 0xff);
    head.push(0x80 | bytes.length, ...bytes);
  }
  const out = new Uint8Array(head.length + len);
  out.set(head);
  let o = head.length;
  for (const c of contents) { out.set(c, o); o += c.length; }
  return out;
}

export function oidBytes(oid: string): Uint8Array {
  const parts = oid.split('.').map(Number);
  const out: number[] = [parts[0] * 40 + parts[1]];
  for (const p of parts.slice(2)) {
    const stack: number[] = [p & 0x7f];
    for (let v = Math.floor(p / 128); v > 0; v = Math.floor(v / 128)) stack.unshift((v & 0x7f) | 0x80);
    out.push(...stack);
  }
  return tlv(TAG.OID, Uint8Array.from(out));
}

export function oidToString(value: Uint8Array): string {
  if (value.length === 0) throw new DerError('empty OID');
  const parts = [Math.floor(value[0] / 40), value[0] % 40];
  let v = 0;
  for (let i = 1; i < value.length; i++) {
    v = v * 128 + (value[i] & 0x7f);
    if (!(value[i] & 0x80)) { parts.push(v); v = 0; }
  }
  return parts.join('.');
}

/** A positive INTEGER from big-endian bytes (adds a 0x00 when the top bit is set). */
export function intBytes(be: Uint8Array): Uint8Array {
  let i = 0;
  while (i < be.length - 1 && be[i] === 0) i++;
  const trimmed = be.subarray(i);
  return tlv(TAG.INTEGER, trimmed[0] & 0x80 ? Uint8Array.of(0, ...trimmed) : trimmed);
}

/** DER time: UTCTime before 2050, GeneralizedTime from 2050 (RFC 5280 §4.1.2.5). */
export function timeBytes(d: Date): Uint8Array {
  const p = (n: number, w = 2) => String(n).padStart(w, '0');
  const y = d.getUTCFullYear();
  const body = `${p(d.getUTCMonth() + 1)}${p(d.getUTCDate())}${p(d.getUTCHours())}${p(d.getUTCMinutes())}${p(d.getUTCSeconds())}Z`;
  return y < 2050 ? tlv(TAG.UTC_TIME, new TextEncoder().encode(p(y % 100) + body)) : tlv(TAG.GENERALIZED_TIME, new TextEncoder().encode(p(y, 4) + body));
}

export function parseTime(t: Tlv): Date {
  const s = new TextDecoder().decode(t.value);
  const m = t.tag === TAG.UTC_TIME ? /^(\d\d)(\d\d)(\d\d)(\d\d)(\d\d)(\d\d)Z$/.exec(s) : /^(\d{4})(\d\d)(\d\d)(\d\d)(\d\d)(\d\d)Z$/.exec(s);
  if (!m) throw new DerError(`bad time ${s}`);
  let year = Number(m[1]);
  if (t.tag === TAG.UTC_TIME) year += year < 50 ? 2000 : 1900;
  return new Date(Date.UTC(year, Number(m[2]) - 1, Number(m[3]), Number(m[4]), Number(m[5]), Number(m[6])));
}
