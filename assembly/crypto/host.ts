// The core's side of the crypto seam (ARCHITECTURE.md §4): packet protection runs in
// the host's provider, reached through these imports that work in place on linear
// memory. Handles index the host's key table (host/crypto/key-table.ts); the host side
// is host/crypto/core-imports.ts. pn crosses as f64 (exact below 2^53).

/**
 * Cipher suites as the core and host number them (the in-core key table's cryptoKeyInstall, the host's providers; RFC 9001 §5.3). The
 * host's provider implements them behind the key handles; the core needs no suite logic
 * (every QUIC suite has a 16-byte tag and a 16-byte header protection sample).
 */
export namespace Suite {
  /** TLS_AES_128_GCM_SHA256 (0x1301). */
  export const AES_128_GCM: i32 = 0;
  /** TLS_AES_256_GCM_SHA384 (0x1302). */
  export const AES_256_GCM: i32 = 1;
  /** TLS_CHACHA20_POLY1305_SHA256 (0x1303). */
  export const CHACHA20_POLY1305: i32 = 2;
}

/** Encrypts [ptr+headerLen, +payloadLen) in place with the header as AAD, appends the tag. Returns payloadLen+16 or -1. */
// @ts-ignore: decorator
@external("host", "aeadSeal")
export declare function hostAeadSeal(handle: i32, pn: f64, ptr: usize, headerLen: i32, payloadLen: i32): i32;

/** Decrypts in place; returns the plaintext length, or -1 if authentication failed. */
// @ts-ignore: decorator
@external("host", "aeadOpen")
export declare function hostAeadOpen(handle: i32, pn: f64, ptr: usize, headerLen: i32, cipherLen: i32): i32;

/** Writes the 5-byte header protection mask for the 16-byte sample at `sample` to `out`. 0 or -1. */
// @ts-ignore: decorator
@external("host", "hpMask")
export declare function hostHpMask(handle: i32, sample: usize, out: usize): i32;
