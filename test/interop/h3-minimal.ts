// Just enough HTTP/3 (RFC 9114) and QPACK (RFC 9204, static table only, no dynamic
// table) to exchange one request and response with ngtcp2's h3-only example client and
// server: frames, a control stream with empty SETTINGS, and field sections made of
// static-table references and literals. Test support, not the HTTP/3 layer: superseded
// by host/h3 (test/h3/ngtcp2.test.ts runs the real client and server against ngtcp2);
// kept because the transport-level interop tests drive raw streams with it.

import { varint } from '../support/varint';

export const H3_NO_ERROR = 0x100;
const FRAME_DATA = 0x00, FRAME_HEADERS = 0x01, FRAME_SETTINGS = 0x04;
const STREAM_TYPE_CONTROL = 0x00;

function readVarint(b: Uint8Array, at: number): [number, number] | null {
  if (at >= b.length) return null;
  const len = 1 << (b[at] >> 6);
  if (at + len > b.length) return null;
  let v = b[at] & 0x3f;
  for (let i = 1; i < len; i++) v = v * 256 + b[at + i];
  return [v, at + len];
}

function frame(type: number, payload: Uint8Array): Uint8Array {
  return Uint8Array.from([...varint(type), ...varint(payload.length), ...payload]);
}

/** The bytes a control stream starts with: its type and an empty SETTINGS frame. */
export function controlStreamPreface(): Uint8Array {
  return Uint8Array.from([STREAM_TYPE_CONTROL, ...frame(FRAME_SETTINGS, new Uint8Array(0))]);
}

// QPACK static table indices (RFC 9204 Appendix A).
const STATIC_AUTHORITY = 0, STATIC_PATH = 1, STATIC_METHOD_GET = 17, STATIC_SCHEME_HTTPS = 23, STATIC_STATUS_200 = 25;

function indexed(i: number): number[] {
  return [0xc0 | i]; // indexed field line, static table (T=1), i < 64
}

function literalWithStaticName(nameIndex: number, value: string): number[] {
  const v = new TextEncoder().encode(value);
  if (v.length >= 127) throw new RangeError('value too long for this helper');
  return [0x50 | nameIndex, v.length, ...v]; // literal with name reference, N=0, T=1 static; no Huffman
}

/** HEADERS frame of a GET request. */
export function getRequest(authority: string, path: string): Uint8Array {
  const fields = [0x00, 0x00, ...indexed(STATIC_METHOD_GET), ...indexed(STATIC_SCHEME_HTTPS),
    ...literalWithStaticName(STATIC_AUTHORITY, authority), ...literalWithStaticName(STATIC_PATH, path)];
  return frame(FRAME_HEADERS, Uint8Array.from(fields));
}

/** HEADERS (:status 200) and one DATA frame carrying `body`. */
export function okResponse(body: Uint8Array): Uint8Array[] {
  return [frame(FRAME_HEADERS, Uint8Array.from([0x00, 0x00, ...indexed(STATIC_STATUS_200)])), frame(FRAME_DATA, body)];
}

/** Splits a complete request or response stream into frames. */
export function parseFrames(b: Uint8Array): { type: number; payload: Uint8Array }[] | null {
  const out: { type: number; payload: Uint8Array }[] = [];
  let at = 0;
  while (at < b.length) {
    const t = readVarint(b, at); if (!t) return null;
    const l = readVarint(b, t[1]); if (!l) return null;
    if (l[1] + l[0] > b.length) return null;
    out.push({ type: t[0], payload: b.subarray(l[1], l[1] + l[0]) });
    at = l[1] + l[0];
  }
  return out;
}

export function isHeaders(type: number): boolean { return type === FRAME_HEADERS; }
export function isData(type: number): boolean { return type === FRAME_DATA; }

/** The status code of a response's field section, if it is a static-table :status. */
export function responseStatus(fieldSection: Uint8Array): number | null {
  // Skip the two prefix integers (Required Insert Count, Delta Base), each one byte here.
  for (let i = 2; i < fieldSection.length; i++) {
    const b = fieldSection[i];
    if ((b & 0xc0) === 0xc0) {
      const idx = b & 0x3f;
      const statuses: Record<number, number> = { 24: 103, 25: 200, 26: 304, 27: 404, 28: 503, 63: 100, 52: 204, 53: 206, 54: 302, 55: 400, 56: 403, 57: 421, 58: 425, 59: 500 };
      if (idx in statuses) return statuses[idx];
    }
    break;
  }
  return null;
}
