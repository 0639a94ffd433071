// The slots of the block endpointStats fills (abi/endpoint.ts): names for the host, not
// wasm exports (index.ts does not re-export this file); scripts/gen-abi.mjs copies them
// into host/core/abi.generated.ts.

/** Slots of the block endpointStats returns (f64 each, slot i at pointer + 8 i). */
export namespace EndpointStats {
  /** Live connections, and those still in their handshake (endpoint/half-open.ts). */
  export const CONNECTIONS: i32 = 0;
  export const HALF_OPEN: i32 = 1;
  export const DATAGRAMS_DROPPED: i32 = 2;
  /** Initial-shaped datagrams for unknown CIDs that did not decrypt: dropped, no state taken. */
  export const INITIALS_UNAUTHENTICATED: i32 = 3;
  export const HALF_OPEN_EVICTED: i32 = 4;
  export const REFUSED_PER_PATH: i32 = 5;
  export const REFUSED_FULL: i32 = 6;
  export const HANDSHAKE_TIMEOUTS: i32 = 7;
  export const CID_TABLE_BYTES: i32 = 8;
  export const EVENT_CAPACITY: i32 = 9;
  /** The core's linear memory in bytes. */
  export const MEMORY_BYTES: i32 = 10;
  /** Stateless resets (RFC 9000 §10.3): sent, not sent (rate limit; too small to answer), received. */
  export const RESETS_SENT: i32 = 11;
  export const RESETS_RATE_LIMITED: i32 = 12;
  export const RESETS_TOO_SMALL: i32 = 13;
  export const RESETS_RECEIVED: i32 = 14;
  /** Address validation (§8.1): Retry packets sent, tokens accepted and refused, NEW_TOKENs sent. */
  export const RETRIES_SENT: i32 = 15;
  export const TOKENS_ACCEPTED: i32 = 16;
  export const TOKENS_REFUSED: i32 = 17;
  export const NEW_TOKENS_SENT: i32 = 18;
  export const COUNT: i32 = 19;
}
