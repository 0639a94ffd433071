// ABI: the in-core key table and packet protection doors (crypto/keys.ts,
// crypto/core-aead.ts: ChaCha20-Poly1305, AES-128-GCM, AES-256-GCM). The host installs a key by writing its bytes at the start of
// the scratch region and calling cryptoKeyInstall; the door copies them into a slot and
// wipes them from scratch. The handle it returns goes to connInstallKeys like any host
// handle; protect.ts recognises it by its tag bit. The seal/open/mask doors run the same
// code the core runs per packet, for the host's in-core provider, tests and benchmarks.
//
//   cryptoKeyInstall(kind, suite, len)   kind 1 AEAD (key + iv: len 28 for AES-128, 44 for AES-256
//                                        and ChaCha20), 2 header protection (key: len 16 or 32);
//                                        kind | 0x100: an AES key kept compact (expanded per packet: Initial keys);
//                                        3 | 0x100: AES-128 AEAD key, iv and header protection key in one
//                                        compact slot (len 44; one handle serves as both)
//                                        -> handle, -ERR_UNSUPPORTED (kind/suite/len), -ERR_BUFFER_TOO_SMALL (table full)
//   cryptoKeyRelease(handle)             -> 0, or -INTERNAL_ERROR (not a live in-core key); zeroes the slot
//   cryptoKeyCount()                     -> live in-core keys
//   cryptoSeal(handle, pn, ptr, headerLen, payloadLen)  -> payloadLen + 16
//   cryptoOpen(handle, pn, ptr, headerLen, cipherLen)   -> plaintext length, -ERR_DROP_PACKET (authentication failed)
//   cryptoHpMask(handle, samplePtr, outPtr)             -> 0 (5 mask bytes at outPtr)
// The three work on any range inside linear memory and return -ERR_BUFFER_TOO_SMALL
// for a range outside it and -INTERNAL_ERROR for a handle that is not a live key of the kind.
import { scratchBuf } from "./io";
import { keyInstall, keyRelease, keyCount, keySlot, keyMaterialLen, KEY_KIND_AEAD, KEY_KIND_HP, KEY_KIND_BOTH, KEY_FLAG_COMPACT } from "../crypto/keys";
import { coreSeal, coreOpen, coreHpMask } from "../crypto/core-aead";
import { CHACHA_TAG_LEN } from "../crypto/aead-chacha";
import { ERR_UNSUPPORTED, ERR_BUFFER_TOO_SMALL, ERR_DROP_PACKET, INTERNAL_ERROR } from "../wire/errors";

/** Installs key material from the scratch region (then wiped); returns an in-core handle. */
export function cryptoKeyInstall(kind: i32, suite: i32, len: i32): i32 {
  if ((kind & ~(KEY_FLAG_COMPACT | 0xff)) != 0 || len <= 0 || len != keyMaterialLen(kind & 0xff, suite)) return -ERR_UNSUPPORTED;
  if ((kind & 0xff) == KEY_KIND_BOTH && (kind & KEY_FLAG_COMPACT) == 0) return -ERR_UNSUPPORTED; // only ever compact
  const h = keyInstall(kind, suite, scratchBuf, len);
  memory.fill(scratchBuf, 0, <usize>len);
  return h < 0 ? -ERR_BUFFER_TOO_SMALL : h;
}

/** Zeroes and frees an in-core key. */
export function cryptoKeyRelease(handle: i32): i32 {
  return keyRelease(handle) < 0 ? -INTERNAL_ERROR : 0;
}

/** Live in-core keys. */
export function cryptoKeyCount(): i32 {
  return keyCount();
}

function inMemory(ptr: usize, len: i64): bool {
  return len >= 0 && <u64>ptr + <u64>len <= (<u64>memory.size() << 16);
}

/** Seals in place with an in-core AEAD key (pn as f64, exact below 2^53). */
export function cryptoSeal(handle: i32, pn: f64, ptr: usize, headerLen: i32, payloadLen: i32): i32 {
  if (headerLen < 0 || payloadLen < 0 || !inMemory(ptr, <i64>headerLen + <i64>payloadLen + CHACHA_TAG_LEN)) return -ERR_BUFFER_TOO_SMALL;
  const k = keySlot(handle, KEY_KIND_AEAD);
  if (k == 0) return -INTERNAL_ERROR;
  return coreSeal(k, <u64>pn, ptr, headerLen, payloadLen);
}

/** Opens in place with an in-core AEAD key. */
export function cryptoOpen(handle: i32, pn: f64, ptr: usize, headerLen: i32, cipherLen: i32): i32 {
  if (headerLen < 0 || cipherLen < 0 || !inMemory(ptr, <i64>headerLen + <i64>cipherLen)) return -ERR_BUFFER_TOO_SMALL;
  const k = keySlot(handle, KEY_KIND_AEAD);
  if (k == 0) return -INTERNAL_ERROR;
  const n = coreOpen(k, <u64>pn, ptr, headerLen, cipherLen);
  return n < 0 ? -ERR_DROP_PACKET : n;
}

/** Writes the 5-byte header protection mask for the 16-byte sample at `sample` to `out`. */
export function cryptoHpMask(handle: i32, sample: usize, out: usize): i32 {
  if (!inMemory(sample, 16) || !inMemory(out, 5)) return -ERR_BUFFER_TOO_SMALL;
  const k = keySlot(handle, KEY_KIND_HP);
  if (k == 0) return -INTERNAL_ERROR;
  coreHpMask(k, sample, out);
  return 0;
}
