// One error family for the whole library (ARCHITECTURE.md §8): a stable `code` string
// a program can switch on, the QUIC or TLS error code when there is one, and a message
// a person can act on.

import { tlsAlertName } from './api/alert-names';

/** QUIC transport error codes, RFC 9000 §20.1. CRYPTO_ERROR is 0x100 + TLS alert. */
export const TransportErrorCode = {
  NO_ERROR: 0x00,
  INTERNAL_ERROR: 0x01,
  CONNECTION_REFUSED: 0x02,
  FLOW_CONTROL_ERROR: 0x03,
  STREAM_LIMIT_ERROR: 0x04,
  STREAM_STATE_ERROR: 0x05,
  FINAL_SIZE_ERROR: 0x06,
  FRAME_ENCODING_ERROR: 0x07,
  TRANSPORT_PARAMETER_ERROR: 0x08,
  CONNECTION_ID_LIMIT_ERROR: 0x09,
  PROTOCOL_VIOLATION: 0x0a,
  INVALID_TOKEN: 0x0b,
  APPLICATION_ERROR: 0x0c,
  CRYPTO_BUFFER_EXCEEDED: 0x0d,
  KEY_UPDATE_ERROR: 0x0e,
  AEAD_LIMIT_REACHED: 0x0f,
  NO_VIABLE_PATH: 0x10,
  CRYPTO_ERROR_BASE: 0x100,
} as const;

const names = new Map<number, string>(Object.entries(TransportErrorCode).map(([k, v]) => [v, k]));

/** A readable name for a QUIC transport error code ("CRYPTO_ERROR(handshake_failure)" style for 0x1xx). */
export function transportErrorName(code: number): string {
  if (code >= 0x100 && code <= 0x1ff) {
    const alert = code - 0x100;
    return `CRYPTO_ERROR(${tlsAlertName(alert) ?? `alert 0x${alert.toString(16)}`})`;
  }
  return names.get(code) ?? `0x${code.toString(16)}`;
}

/** Base class of every error quicwasm throws or reports. */
export class QuicError extends Error {
  /** Stable identifier, e.g. `ERR_QUIC_HANDSHAKE_TIMEOUT`. */
  readonly code: string;
  /** The QUIC transport (or application) error code on the wire, when there is one. */
  readonly quicCode?: number;

  constructor(code: string, message: string, quicCode?: number, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'QuicError';
    this.code = code;
    if (quicCode !== undefined) this.quicCode = quicCode;
  }
}

/** The peer or our own core found a protocol error: carries the transport error code. */
export class QuicTransportError extends QuicError {
  constructor(quicCode: number, message: string, options?: { cause?: unknown }) {
    super('ERR_QUIC_TRANSPORT', `${transportErrorName(quicCode)}: ${message}`, quicCode, options);
    this.name = 'QuicTransportError';
  }
}

/** The WebAssembly core hit an internal invariant (a bug in quicwasm, never bad input). */
export class QuicCoreAbort extends QuicError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('ERR_QUIC_CORE_ABORT', message, undefined, options);
    this.name = 'QuicCoreAbort';
  }
}

/** A caller passed something the API cannot accept. */
export class QuicArgumentError extends QuicError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('ERR_QUIC_INVALID_ARGUMENT', message, undefined, options);
    this.name = 'QuicArgumentError';
  }
}

/** An operation gave up after its `timeoutMs` (connect, accept, read, write, close). */
export class QuicTimeoutError extends QuicError {
  constructor(message: string) {
    super('ERR_QUIC_TIMEOUT', message);
    this.name = 'QuicTimeoutError';
  }
}
