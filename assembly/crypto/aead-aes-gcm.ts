// AEAD_AES_128_GCM and AEAD_AES_256_GCM (NIST SP 800-38D §7) as QUIC uses them
// (RFC 9001 §5.3: 12-byte nonce = iv XOR the left-padded packet number, 16-byte tag),
// in place in linear memory, and AES header protection (RFC 9001 §5.4.3).
//
// A key slot (crypto/keys.ts) of an AES suite points at an extension block allocated at
// install: the GHASH multiplier (ghash.ts) then the round keys (aes.ts): 288 bytes at
// most. Each call bitslices the round keys into scratch and wipes them at the end. A
// compact slot (Initial keys: used for a few packets, held by every half-open
// connection) keeps only the key bytes and expands them into a scratch block per call
// (a few µs), wiped afterwards.
// AES runs eight blocks per call, so the first call of a packet encrypts J0 (the tag
// mask, §7.1 step 7) together with counters 2..8: the first 112 payload bytes.

import { aesEncrypt8, aesExpandKey, aesBitslice, AES_RK_MAX, AES_RK_STRIDE, AES_SCHEDULE_MAX } from "./aes";
import { ghashKey, ghashStart, ghashPadded, ghashFinish, GHASH_KEY_LEN } from "./ghash";

/** Where an AES slot keeps its extension pointer, round count and iv. */
export const AES_EXT_AT: usize = 0;
export const AES_NR_AT: usize = 4;
export const AES_IV_AT: usize = 32;
/** A compact slot's key length (its key bytes at +0); 0 in an expanded slot. */
export const AES_COMPACT_AT: usize = 47; // a u8 (keys.ts: the slot's last byte)
/** A compact slot holding both keys (keys.ts KEY_KIND_BOTH, at its KIND_AT): the header protection key is here. */
export const AES_COMPACT_HP_AT: usize = 16;
const KIND_AT: usize = 44;
const KIND_BOTH: u16 = 3;
/** Bytes of the extension block: GHASH multiplier, then up to 15 round keys. */
export const AES_EXT_LEN: i32 = GHASH_KEY_LEN + AES_SCHEDULE_MAX;
const RK_AT: usize = <usize>GHASH_KEY_LEN;

export const GCM_TAG_LEN: i32 = 16;

// This call's bitsliced round keys.
const planes: usize = memory.data(AES_RK_MAX, 16);
// Eight counter blocks in, eight keystream blocks out; the tag in the making.
const blocks: usize = memory.data(128, 16);
const nonce: usize = memory.data(16, 16);
const tag: usize = memory.data(16, 16);
// E(K, J0), the tag mask.
const ej0: usize = memory.data(16, 16);

// The extension block of compact keys, expanded per call.
const scratchExt: usize = memory.data(AES_EXT_LEN, 16);
let nrNow: i32 = 0;

/**
 * Readies `slot`'s key for this call: its round keys bitsliced into `planes` (a compact
 * key expanded into scratch first). Returns the extension block (GHASH multiplier at +0)
 * and sets nrNow.
 */
function keyOf(slot: usize, aead: bool): usize {
  const keyLen = <i32>load<u8>(slot + AES_COMPACT_AT);
  let ext: usize;
  if (keyLen == 0) {
    ext = load<usize>(slot + AES_EXT_AT);
    nrNow = load<i32>(slot + AES_NR_AT);
  } else {
    ext = scratchExt;
    const key = !aead && load<u16>(slot + KIND_AT) == KIND_BOTH ? slot + AES_COMPACT_HP_AT : slot;
    nrNow = aesKeyInit(scratchExt, key, keyLen, aead);
  }
  aesBitslice(ext + RK_AT, nrNow, planes);
  return ext;
}

/**
 * Expands the `keyLen`-byte key at `key` into the extension block `ext`; for an AEAD
 * key also computes the hash key H = E(K, 0^128) (§6.4). Returns nr, or 0 for a bad length.
 */
export function aesKeyInit(ext: usize, key: usize, keyLen: i32, aead: bool): i32 {
  const nr = aesExpandKey(key, keyLen, ext + RK_AT);
  if (nr == 0 || !aead) return nr;
  aesBitslice(ext + RK_AT, nr, planes);
  memory.fill(blocks, 0, 128);
  aesEncrypt8(planes, nr, blocks);
  ghashKey(blocks, ext);
  memory.fill(blocks, 0, 128);
  memory.fill(planes, 0, <usize>((nr + 1) * AES_RK_STRIDE));
  return nr;
}

/** nonce = iv XOR the packet number, left-padded to 12 bytes and big-endian (RFC 9001 §5.3). */
function makeNonce(iv: usize, pn: u64): void {
  store<u32>(nonce, load<u32>(iv));
  store<u64>(nonce, load<u64>(iv, 4) ^ bswap<u64>(pn), 4);
}

/** Keystream of the counter blocks nonce || [first + b]32, b = 0..7 (§6.2 inc32 over a 96-bit IV: no carry into the IV for QUIC lengths). */
function keystream8(ext: usize, nr: i32, first: u32): void {
  const n0 = load<u64>(nonce), n1 = load<u32>(nonce, 8);
  for (let b: u32 = 0; b < 8; b++) {
    const q = blocks + <usize>(b << 4);
    store<u64>(q, n0);
    store<u32>(q, n1, 8);
    store<u32>(q, bswap<u32>(first + b), 12);
  }
  aesEncrypt8(planes, nr, blocks);
}

function xorBlocks(p: usize, ks: usize, len: i32): void {
  let i = 0;
  for (; i + 16 <= len; i += 16) v128.store(p + <usize>i, v128.xor(v128.load(p + <usize>i), v128.load(ks + <usize>i)));
  for (; i < len; i++) store<u8>(p + <usize>i, load<u8>(p + <usize>i) ^ load<u8>(ks + <usize>i));
}

/** GCTR (§6.5) from counter 9 over bytes [112, len) of the payload at `p`. */
function ctrRest(ext: usize, nr: i32, p: usize, len: i32): void {
  let ctr: u32 = 9;
  for (let i = 112; i < len; i += 128) {
    keystream8(ext, nr, ctr);
    ctr += 8;
    const n = len - i;
    xorBlocks(p + <usize>i, blocks, n < 128 ? n : 128);
  }
}

// S over A and C (§7.1 steps 5-6), tag = S ^ E(K, J0) (step 7).
function makeTag(ext: usize, aad: usize, aadLen: i32, ct: usize, ctLen: i32): void {
  ghashStart();
  ghashPadded(ext, aad, aadLen);
  ghashPadded(ext, ct, ctLen);
  ghashFinish(ext, aadLen, ctLen, tag);
  v128.store(tag, v128.xor(v128.load(tag), v128.load(ej0)));
}

function wipe(slot: usize, nr: i32): void {
  if (load<u8>(slot + AES_COMPACT_AT) != 0) memory.fill(scratchExt, 0, <usize>AES_EXT_LEN);
  memory.fill(planes, 0, <usize>((nr + 1) * AES_RK_STRIDE));
  memory.fill(blocks, 0, 128);
  v128.store(tag, i64x2.splat(0));
  v128.store(nonce, i64x2.splat(0));
  v128.store(ej0, i64x2.splat(0));
}

/**
 * What sealing and opening a packet start with: the key ready (nrNow set), the nonce for
 * packet number `pn` (RFC 9001 §5.3), and the first eight counter blocks' keystream, whose
 * first block E(K, J0) masks the tag (SP 800-38D §7.1) and is kept in ej0. Returns the
 * key's extension block.
 */
function startPacket(slot: usize, pn: u64): usize {
  const ext = keyOf(slot, true);
  makeNonce(slot + AES_IV_AT, pn);
  keystream8(ext, nrNow, 1);
  v128.store(ej0, v128.load(blocks));
  return ext;
}

/**
 * Seals in place: `slot` is an AES AEAD key slot; the packet at `ptr` has `headerLen`
 * bytes of AAD, then `payloadLen` bytes of plaintext and 16 bytes of room for the tag.
 * Returns payloadLen + 16.
 */
export function gcmSeal(slot: usize, pn: u64, ptr: usize, headerLen: i32, payloadLen: i32): i32 {
  const ext = startPacket(slot, pn);
  const nr = nrNow;
  const p = ptr + <usize>headerLen;
  xorBlocks(p, blocks + 16, payloadLen < 112 ? payloadLen : 112);
  ctrRest(ext, nr, p, payloadLen);
  makeTag(ext, ptr, headerLen, p, payloadLen);
  v128.store(p + <usize>payloadLen, v128.load(tag));
  wipe(slot, nr);
  return payloadLen + GCM_TAG_LEN;
}

/**
 * Opens in place: the tag over AAD and ciphertext is checked first, without stopping at
 * the first differing byte, and the payload is decrypted only when it matches. Returns
 * the plaintext length, or -1 (the buffer is then unchanged).
 */
export function gcmOpen(slot: usize, pn: u64, ptr: usize, headerLen: i32, cipherLen: i32): i32 {
  if (cipherLen < GCM_TAG_LEN) return -1;
  const len = cipherLen - GCM_TAG_LEN;
  const ext = startPacket(slot, pn);
  const nr = nrNow;
  const p = ptr + <usize>headerLen;
  makeTag(ext, ptr, headerLen, p, len);
  const diff = v128.xor(v128.load(p + <usize>len), v128.load(tag));
  if (v128.any_true(diff)) {
    wipe(slot, nr);
    return -1;
  }
  xorBlocks(p, blocks + 16, len < 112 ? len : 112);
  ctrRest(ext, nr, p, len);
  wipe(slot, nr);
  return len;
}

/**
 * AES header protection (RFC 9001 §5.4.3): mask = AES-ECB(hp_key, sample), first 5
 * bytes. The other seven blocks of the call are zero and their output is wiped.
 */
export function gcmHpMask(slot: usize, sample: usize, out: usize): void {
  keyOf(slot, false);
  const nr = nrNow;
  memory.fill(blocks, 0, 128);
  v128.store(blocks, v128.load(sample));
  aesEncrypt8(planes, nr, blocks);
  store<u32>(out, load<u32>(blocks));
  store<u8>(out, load<u8>(blocks, 4), 4);
  wipe(slot, nr);
}
