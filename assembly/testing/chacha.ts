// Probes for the in-core ChaCha20 and Poly1305 primitives (RFC 8439 §2.4.2, §2.5.2
// vectors and differential tests), on buffers the test placed in linear memory.
import { chachaSetup, chachaXor } from "../crypto/chacha20";
import { poly1305 } from "../crypto/poly1305";

/** XORs `len` bytes at `p` with the ChaCha20 keystream from block `counter`. */
export function probeChaCha20(key: usize, nonce: usize, counter: u32, p: usize, len: i32): void {
  chachaSetup(key, nonce, counter);
  chachaXor(key, nonce, counter, p, len);
}

/** Poly1305 tag of `len` bytes at `m` under the 32-byte key at `key`, written to `out`. */
export function probePoly1305(key: usize, m: usize, len: i32, out: usize): void {
  poly1305(key, m, len, out);
}
