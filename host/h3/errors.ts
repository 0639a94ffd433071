// HTTP/3 and QPACK errors: the application error codes of RFC 9114 §8.1 and
// RFC 9204 §6, and one typed error (part of the QuicError family) that carries them.
// A connection error closes the QUIC connection with the code; a stream error
// resets or stops one stream with it.

import { QuicError } from '../errors';

/** HTTP/3 (RFC 9114 §8.1) and QPACK (RFC 9204 §6) error codes. */
export const H3ErrorCode = {
  H3_NO_ERROR: 0x100,
  H3_GENERAL_PROTOCOL_ERROR: 0x101,
  H3_INTERNAL_ERROR: 0x102,
  H3_STREAM_CREATION_ERROR: 0x103,
  H3_CLOSED_CRITICAL_STREAM: 0x104,
  H3_FRAME_UNEXPECTED: 0x105,
  H3_FRAME_ERROR: 0x106,
  H3_EXCESSIVE_LOAD: 0x107,
  H3_ID_ERROR: 0x108,
  H3_SETTINGS_ERROR: 0x109,
  H3_MISSING_SETTINGS: 0x10a,
  H3_REQUEST_REJECTED: 0x10b,
  H3_REQUEST_CANCELLED: 0x10c,
  H3_REQUEST_INCOMPLETE: 0x10d,
  H3_MESSAGE_ERROR: 0x10e,
  H3_CONNECT_ERROR: 0x10f,
  H3_VERSION_FALLBACK: 0x110,
  QPACK_DECOMPRESSION_FAILED: 0x200,
  QPACK_ENCODER_STREAM_ERROR: 0x201,
  QPACK_DECODER_STREAM_ERROR: 0x202,
} as const;

export type H3ErrorName = keyof typeof H3ErrorCode;

const names = new Map<number, string>(Object.entries(H3ErrorCode).map(([k, v]) => [v, k]));

/** A readable name for an HTTP/3 error code (hex for unknown or grease codes). */
export function h3ErrorName(code: number): string {
  return names.get(code) ?? `0x${code.toString(16)}`;
}

/**
 * An HTTP/3 or QPACK protocol error. `code` is `ERR_` + the RFC name
 * (e.g. `ERR_QPACK_DECOMPRESSION_FAILED`); `quicCode` is the wire code.
 */
export class H3Error extends QuicError {
  /** The RFC name of the error code. */
  readonly h3Name: H3ErrorName;

  constructor(name: H3ErrorName, message: string, options?: { cause?: unknown }) {
    super(`ERR_${name}`, `${name}: ${message}`, H3ErrorCode[name], options);
    this.name = 'H3Error';
    this.h3Name = name;
  }
}
