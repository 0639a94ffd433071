// HTTP/3 frames and stream types (RFC 9114 §6.2, §7.2) and SETTINGS (§7.2.4).
// Identifiers of extensions we do not implement yet are named here so they are not
// treated as errors: extended CONNECT (RFC 9220), HTTP datagrams (RFC 9297) and
// WebTransport's stream types pass through as "unknown" and are ignored, as §9 asks.

import { H3Error } from './errors';
import { readVarint, varint, varintLength, writeVarint } from '../transport/varint';

/** HTTP/3 frame types (RFC 9114 §7.2). */
export const FrameType = {
  DATA: 0x00,
  HEADERS: 0x01,
  CANCEL_PUSH: 0x03,
  SETTINGS: 0x04,
  PUSH_PROMISE: 0x05,
  GOAWAY: 0x07,
  MAX_PUSH_ID: 0x0d,
} as const;

/** HTTP/2 frame types with no HTTP/3 meaning: receiving one is H3_FRAME_UNEXPECTED (§7.2.8). */
export const RESERVED_H2_FRAME_TYPES = new Set([0x02, 0x06, 0x08, 0x09]);

/** HTTP/3 unidirectional stream types (RFC 9114 §6.2, RFC 9204 §4.2). */
export const StreamType = {
  CONTROL: 0x00,
  PUSH: 0x01,
  QPACK_ENCODER: 0x02,
  QPACK_DECODER: 0x03,
} as const;

/** HTTP/3 and QPACK setting identifiers (RFC 9114 §7.2.4.1, RFC 9204 §5). */
export const SettingId = {
  QPACK_MAX_TABLE_CAPACITY: 0x01,
  MAX_FIELD_SECTION_SIZE: 0x06,
  QPACK_BLOCKED_STREAMS: 0x07,
  /** RFC 9220 extended CONNECT (WebTransport needs it); not offered yet. */
  ENABLE_CONNECT_PROTOCOL: 0x08,
  /** RFC 9297 HTTP datagrams; not offered yet. */
  H3_DATAGRAM: 0x33,
} as const;

/** HTTP/2 settings with no HTTP/3 meaning: receiving one is H3_SETTINGS_ERROR (§7.2.4.1). */
const RESERVED_H2_SETTINGS = new Set([0x00, 0x02, 0x03, 0x04, 0x05]);

/** True for the reserved "grease" values 0x1f * N + 0x21 (§7.2.8, §6.2.3, §7.2.4.1). */
export function isGrease(v: number): boolean {
  return v >= 0x21 && (v - 0x21) % 0x1f === 0;
}

/** A frame: type, then length, then payload. */
export function encodeFrame(type: number, payload: Uint8Array): Uint8Array {
  const out = new Uint8Array(varintLength(type) + varintLength(payload.length) + payload.length);
  let at = writeVarint(out, 0, type);
  at = writeVarint(out, at, payload.length);
  out.set(payload, at);
  return out;
}

/** Only the frame header of a DATA frame (the payload follows as separate writes). */
export function dataFrameHeader(length: number): Uint8Array {
  const out = new Uint8Array(1 + varintLength(length));
  writeVarint(out, 1, length);
  return out;
}

/** Settings as id → value. */
export type Settings = Map<number, number>;

export function encodeSettings(settings: Settings): Uint8Array {
  const parts: Uint8Array[] = [];
  for (const [id, v] of settings) parts.push(varint(id), varint(v));
  return encodeFrame(FrameType.SETTINGS, concat(parts));
}

/** Parses a SETTINGS payload; duplicates and HTTP/2-only ids are H3_SETTINGS_ERROR, unknown ids are kept and ignored by users. */
export function decodeSettings(payload: Uint8Array): Settings {
  const out: Settings = new Map();
  let at = 0;
  while (at < payload.length) {
    const id = readVarint(payload, at);
    const v = id && readVarint(payload, id[1]);
    if (!id || !v) throw new H3Error('H3_FRAME_ERROR', 'truncated SETTINGS frame');
    if (RESERVED_H2_SETTINGS.has(id[0])) throw new H3Error('H3_SETTINGS_ERROR', `HTTP/2 setting 0x${id[0].toString(16)} in SETTINGS`);
    if (out.has(id[0])) throw new H3Error('H3_SETTINGS_ERROR', `setting 0x${id[0].toString(16)} sent twice`);
    out.set(id[0], v[0]);
    at = v[1];
  }
  return out;
}

/** Parses a GOAWAY payload: one varint (a stream id from a server, a push id from a client). */
export function decodeGoaway(payload: Uint8Array): number {
  const v = readVarint(payload, 0);
  if (!v || v[1] !== payload.length) throw new H3Error('H3_FRAME_ERROR', 'malformed GOAWAY frame');
  return v[0];
}

export function concat(parts: Uint8Array[]): Uint8Array {
  let n = 0;
  for (const p of parts) n += p.length;
  const out = new Uint8Array(n);
  let o = 0;
  for (const p of parts) { out.set(p, o); o += p.length; }
  return out;
}
