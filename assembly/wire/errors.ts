// Error codes the core returns as negative i32 results (see the contract in index.ts).
// Values up to 0x1ff are QUIC transport error codes (RFC 9000 §20.1; 0x100-0x1ff is
// CRYPTO_ERROR). Values from 0x10000 are the core's own outcomes that never go on the wire.

export const NO_ERROR: i32 = 0x00;
export const INTERNAL_ERROR: i32 = 0x01;
export const CONNECTION_REFUSED: i32 = 0x02;
export const FLOW_CONTROL_ERROR: i32 = 0x03;
export const STREAM_LIMIT_ERROR: i32 = 0x04;
export const STREAM_STATE_ERROR: i32 = 0x05;
export const FINAL_SIZE_ERROR: i32 = 0x06;
export const FRAME_ENCODING_ERROR: i32 = 0x07;
export const TRANSPORT_PARAMETER_ERROR: i32 = 0x08;
export const CONNECTION_ID_LIMIT_ERROR: i32 = 0x09;
export const PROTOCOL_VIOLATION: i32 = 0x0a;
export const INVALID_TOKEN: i32 = 0x0b;
export const APPLICATION_ERROR: i32 = 0x0c;
export const CRYPTO_BUFFER_EXCEEDED: i32 = 0x0d;
export const KEY_UPDATE_ERROR: i32 = 0x0e;
export const AEAD_LIMIT_REACHED: i32 = 0x0f;
export const NO_VIABLE_PATH: i32 = 0x10;
/** RFC 9368 §10.2: version negotiation was tampered with (or the peer got it wrong). */
export const VERSION_NEGOTIATION_ERROR: i32 = 0x11;
export const CRYPTO_ERROR_BASE: i32 = 0x100;

/** The packet cannot be parsed and is dropped without a connection error (RFC 9000 §12.2, §5.2). */
export const ERR_DROP_PACKET: i32 = 0x10001;
/** An output did not fit the space it was given (the caller's buffer is too small). */
export const ERR_BUFFER_TOO_SMALL: i32 = 0x10002;
/** The input is valid but uses something this core does not implement. */
export const ERR_UNSUPPORTED: i32 = 0x10003;
/** No connection has that handle (it was never opened, or its CLOSED event was drained). */
export const ERR_NO_CONNECTION: i32 = 0x10004;
