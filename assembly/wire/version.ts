// QUIC versions the core speaks, and how each maps its long-header packet types.
// The core reasons in v1's packet type numbers everywhere; only parse and build
// translate (RFC 9369 §3.2 gives v2 its own type bits).

/** QUIC version 1 (RFC 9000). */
export const QUIC_V1: u32 = 0x00000001;
/** QUIC version 2 (RFC 9369). */
export const QUIC_V2: u32 = 0x6b3343cf;

/** Long-header packet types in v1 numbering, plus the forms that have no type bits. */
export namespace PacketType {
  export const INITIAL: i32 = 0;
  export const ZERO_RTT: i32 = 1;
  export const HANDSHAKE: i32 = 2;
  export const RETRY: i32 = 3;
  export const ONE_RTT: i32 = 4;
  export const VERSION_NEGOTIATION: i32 = 5;
  /** A long header of a version we do not speak: only the invariants (RFC 8999) were parsed. */
  export const UNKNOWN_VERSION: i32 = 6;
}

/** True for the versions whose packets this core can parse beyond the invariants. */
// @ts-ignore: decorator
@inline export function isSupportedVersion(v: u32): bool {
  return v == QUIC_V1 || v == QUIC_V2;
}

/** The v1-numbered type of the 2 type bits of a long header of version `v`. */
// @ts-ignore: decorator
@inline export function typeFromBits(v: u32, bits: i32): i32 {
  // v2: Initial 0b01, 0-RTT 0b10, Handshake 0b11, Retry 0b00 — one step up from v1.
  return v == QUIC_V2 ? (bits + 3) & 3 : bits;
}

/** The 2 type bits version `v` uses for the v1-numbered `type`. */
// @ts-ignore: decorator
@inline export function bitsFromType(v: u32, type: i32): i32 {
  return v == QUIC_V2 ? (type + 1) & 3 : type & 3;
}
