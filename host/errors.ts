// One error family for the whole library (ARCHITECTURE.md §8): a stable `code` string
// a program can switch on, the QUIC or TLS error code when there is one, and a message
// a person can act on.

// QUIC transport error codes (RFC 9000 §20.1; CRYPTO_ERROR is 0x100 + TLS alert), generated
// from the core's declarations in assembly/wire/errors.ts.
import { TransportErrorCode } from './core/abi.generated';
import { tlsAlertName } from './api/alert-names';
export { TransportErrorCode };

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

/**
 * connection.migrate() or a move to the server's preferred address was refused or failed
 * (RFC 9000 §9). Codes: `ERR_QUIC_NOT_CONFIRMED` (before the handshake is confirmed, §9),
 * `ERR_QUIC_MIGRATION_DISABLED` (the server sent disable_active_migration),
 * `ERR_QUIC_ZERO_LENGTH_CID` (the server uses zero-length CIDs: nothing to change to, §9.5),
 * `ERR_QUIC_NO_CONNECTION_ID` (every CID the server gave was used; §9.5 forbids reusing
 * one on a new path: try again after it sends NEW_CONNECTION_ID),
 * `ERR_QUIC_MIGRATION_IN_PROGRESS`, `ERR_QUIC_MIGRATION_UNSUPPORTED` (a server connection,
 * or a network that cannot open paths), `ERR_QUIC_PATH_VALIDATION_FAILED` (the new path
 * did not answer PATH_CHALLENGE: the connection went back to the old path, §9.3.2).
 */
export class QuicMigrationError extends QuicError {
  constructor(code: string, message: string, options?: { cause?: unknown }) {
    super(code, message, undefined, options);
    this.name = 'QuicMigrationError';
  }
}

/**
 * The peer answered with a stateless reset (RFC 9000 §10.3): it has no state for the
 * connection (it restarted or forgot it), so the connection is gone. Code
 * `ERR_QUIC_STATELESS_RESET`; the connection's CloseInfo has `statelessReset: true`.
 */
export class QuicStatelessResetError extends QuicError {
  constructor(message: string) {
    super('ERR_QUIC_STATELESS_RESET', message);
    this.name = 'QuicStatelessResetError';
  }
}
