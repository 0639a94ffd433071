// The core's side of the crypto seam (ARCHITECTURE.md §4): packet protection runs in
// the host's provider, reached through these imports that work in place on linear
// memory. Handles index the host's key table (host/crypto/key-table.ts); the host side
// is host/crypto/core-imports.ts. pn crosses as f64 (exact below 2^53).

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
