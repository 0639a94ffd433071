// Raw HTTP/3 pieces for the transport-level interop tests (ngtcp2.test.ts), which drive
// QUIC streams by hand to observe the transport. The codec is the real one in host/h3
// (frames, QPACK); the full HTTP/3 client and server are tested in test/h3/. This file
// used to carry its own minimal HTTP/3 + QPACK; host/h3 supersedes it.

import { encodeFrame, encodeSettings, FrameType, StreamType } from '../../host/h3/frames';
import { encodeFieldSection } from '../../host/h3/qpack/encoder';
import { STATIC_TABLE } from '../../host/h3/qpack/static-table';
import { H3ErrorCode } from '../../host/h3/errors';
import { readVarint } from '../../host/transport/varint';

export const H3_NO_ERROR = H3ErrorCode.H3_NO_ERROR;

/** The bytes a control stream starts with: its type and an empty SETTINGS frame. */
export function controlStreamPreface(): Uint8Array {
  return Uint8Array.from([StreamType.CONTROL, ...encodeSettings(new Map())]);
}

/** HEADERS frame of a GET request. */
export function getRequest(authority: string, path: string): Uint8Array {
  return encodeFrame(FrameType.HEADERS, encodeFieldSection([[':method', 'GET'], [':scheme', 'https'], [':authority', authority], [':path', path]]));
}

/** HEADERS (:status 200) and one DATA frame carrying `body`. */
export function okResponse(body: Uint8Array): Uint8Array[] {
  return [encodeFrame(FrameType.HEADERS, encodeFieldSection([[':status', '200']])), encodeFrame(FrameType.DATA, body)];
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

export function isHeaders(type: number): boolean { return type === FrameType.HEADERS; }
export function isData(type: number): boolean { return type === FrameType.DATA; }

/** The status code of a response's field section when its first line is an indexed static :status (as nghttp3 sends it). */
export function responseStatus(fieldSection: Uint8Array): number | null {
  // Two one-byte prefix integers (Required Insert Count 0, Delta Base 0), then the first line.
  const b = fieldSection[2];
  if (b === undefined || (b & 0xc0) !== 0xc0) return null;
  const entry = STATIC_TABLE[b & 0x3f];
  return entry && entry[0] === ':status' ? Number(entry[1]) : null;
}
