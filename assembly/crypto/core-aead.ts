// The in-core AEAD and header protection by slot: one switch on the slot's suite, shared
// by the per-packet path (protect.ts) and the ABI doors (abi/crypto.ts).

import { slotSuite, SUITE_CHACHA20 } from "./keys";
import { chachaSeal, chachaOpen, chachaHpMask } from "./aead-chacha";
import { gcmSeal, gcmOpen, gcmHpMask } from "./aead-aes-gcm";

/** Seals in place with the AEAD key of `slot` (keys.ts keySlot). payloadLen + 16. */
export function coreSeal(slot: usize, pn: u64, ptr: usize, headerLen: i32, payloadLen: i32): i32 {
  return slotSuite(slot) == SUITE_CHACHA20 ? chachaSeal(slot, pn, ptr, headerLen, payloadLen) : gcmSeal(slot, pn, ptr, headerLen, payloadLen);
}

/** Opens in place, tag first. Plaintext length, or -1 (buffer unchanged). */
export function coreOpen(slot: usize, pn: u64, ptr: usize, headerLen: i32, cipherLen: i32): i32 {
  return slotSuite(slot) == SUITE_CHACHA20 ? chachaOpen(slot, pn, ptr, headerLen, cipherLen) : gcmOpen(slot, pn, ptr, headerLen, cipherLen);
}

/** The 5-byte header protection mask of the 16-byte sample, with the key of `slot`. */
export function coreHpMask(slot: usize, sample: usize, out: usize): void {
  if (slotSuite(slot) == SUITE_CHACHA20) chachaHpMask(slot, sample, out);
  else gcmHpMask(slot, sample, out);
}
