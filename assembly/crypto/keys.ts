// The in-core key table: packet protection keys the core uses itself (ChaCha20-Poly1305,
// AES-128-GCM, AES-256-GCM) live here, in linear memory, instead of in the host's provider objects.
// A handle is KEY_TAG | slot index, so the rest of the core keeps treating handles as
// opaque nonzero i32 values and protect.ts tells the two kinds apart by the tag bit
// (the host's own table hands out small integers from 1).
//
// The table grows by doubling, then GROW_STEP slots at a time (heap.alloc; the old block
// is wiped before it is freed) up to MAX_SLOTS; beyond that install fails and the host keeps the key in its
// provider instead. A released slot is zeroed at once.
//
//   slot (SLOT_SIZE = 48 bytes: 16-byte aligned, and a half-open server connection holds
//   six (one compact Initial slot per direction, Handshake AEAD and header protection
//   keys both ways), so 16 bytes less per slot is 96 bytes less per connection; issue 17)
//   +0   key         32 bytes (ChaCha20: AEAD key or header protection key)
//        AES: +0 the extension block's address, +4 nr (aead-aes-gcm.ts);
//        compact AES: the key (16 or 32 bytes)
//   +0   next free   i32 (free slots only: a free slot holds no key)
//   +32  iv          12 bytes (AEAD only)
//   +44  kind        u16: 0 free, KEY_KIND_AEAD, KEY_KIND_HP, or KEY_KIND_BOTH: a compact
//                    AES-128 slot with the AEAD key at +0, its iv at +32 and the header
//                    protection key at +16 (Initial keys: one slot per direction, not two)
//   +46  suite       u8 (the core's suite numbering, crypto/host.ts Suite)
//   +47  compact AES: the key length in bytes (0 otherwise)
//
// An AES key needs its round keys (176 or 240 bytes) and GHASH multiplier (48): they
// live in an extension block (288 bytes) allocated at install (never per packet), zeroed
// and freed with the slot. The raw AES key itself is not kept. Installed with KEY_FLAG_COMPACT
// (Initial keys), an AES key stays as bytes in its slot, expanded per packet instead.

import { aesKeyInit, AES_EXT_AT, AES_NR_AT, AES_IV_AT, AES_EXT_LEN, AES_COMPACT_AT, AES_COMPACT_HP_AT } from "./aead-aes-gcm";

/** Marks a handle as an in-core slot. */
export const KEY_TAG: i32 = 0x40000000;
/** Slot kinds. */
export const KEY_KIND_AEAD: i32 = 1;
export const KEY_KIND_HP: i32 = 2;
/** AEAD and header protection in one compact AES-128 slot (one handle for both). */
export const KEY_KIND_BOTH: i32 = 3;
/** OR'ed into the kind: keep an AES key compact (crypto/aead-aes-gcm.ts). */
export const KEY_FLAG_COMPACT: i32 = 0x100;
/** The suites the core implements itself (crypto/host.ts Suite numbering). */
export const SUITE_AES128: i32 = 0;
export const SUITE_AES256: i32 = 1;
export const SUITE_CHACHA20: i32 = 2;
/** Key + iv of a ChaCha20 AEAD slot, key of a ChaCha20 header protection slot. */
export const AEAD_KEY_MATERIAL: i32 = 44;
export const HP_KEY_MATERIAL: i32 = 32;
const IV_LEN: i32 = 12;

/** Bytes of key material cryptoKeyInstall takes for `kind` and `suite` (key, then iv for AEAD), or -1. */
export function keyMaterialLen(kind: i32, suite: i32): i32 {
  if (suite < SUITE_AES128 || suite > SUITE_CHACHA20) return -1;
  const keyLen = suite == SUITE_AES128 ? 16 : 32;
  if (kind == KEY_KIND_AEAD) return keyLen + IV_LEN;
  if (kind == KEY_KIND_BOTH) return suite == SUITE_AES128 ? 2 * keyLen + IV_LEN : -1;
  return kind == KEY_KIND_HP ? keyLen : -1;
}

const SLOT_SIZE: usize = 48;
const KIND_AT: usize = 44;
const SUITE_AT: usize = 46;
const NEXT_AT: usize = 0;
/** 131072 slots = 6 MiB: several keys per connection for tens of thousands of connections. */
const MAX_SLOTS: i32 = 1 << 17;

let table: usize = 0;
let capacity: i32 = 0;
let freeHead: i32 = -1;
let live: i32 = 0;

/** Slots added at a time once the table has this many (384 KiB): doubling beyond would leave up to half the table idle. */
const GROW_STEP: i32 = 8192;

function grow(): bool {
  if (capacity >= MAX_SLOTS) return false;
  const newCap = capacity == 0 ? 16 : capacity < GROW_STEP ? capacity << 1 : capacity + GROW_STEP;
  const bytes = <usize>newCap * SLOT_SIZE;
  const t = heap.alloc(bytes);
  memory.fill(t, 0, bytes);
  if (table != 0) {
    const old = <usize>capacity * SLOT_SIZE;
    memory.copy(t, table, old);
    memory.fill(table, 0, old);
    heap.free(table);
  }
  table = t;
  // New slots onto the free list, lowest index first.
  for (let i = newCap - 1; i >= capacity; i--) {
    store<i32>(t + <usize>i * SLOT_SIZE + NEXT_AT, freeHead);
    freeHead = i;
  }
  capacity = newCap;
  return true;
}

/**
 * Copies `len` bytes of key material from `src` into a new slot of `kind` for `suite`.
 * Returns the handle, or -1 when the kind, suite or length is wrong or the table is full.
 */
export function keyInstall(kindAndFlags: i32, suite: i32, src: usize, len: i32): i32 {
  if ((kindAndFlags & ~(KEY_FLAG_COMPACT | 0xff)) != 0) return -1;
  const kind = kindAndFlags & 0xff;
  if (len != keyMaterialLen(kind, suite)) return -1;
  if (kind == KEY_KIND_BOTH && (kindAndFlags & KEY_FLAG_COMPACT) == 0) return -1;
  if (freeHead < 0 && !grow()) return -1;
  const i = freeHead;
  const s = table + <usize>i * SLOT_SIZE;
  freeHead = load<i32>(s + NEXT_AT);
  memory.fill(s, 0, SLOT_SIZE);
  const keyLen = kind == KEY_KIND_AEAD ? len - IV_LEN : kind == KEY_KIND_BOTH ? 16 : len;
  if (kind == KEY_KIND_BOTH) {
    // Material: AEAD key, iv, header protection key (the order of installAead + installHp).
    memory.copy(s, src, 16);
    memory.copy(s + AES_COMPACT_HP_AT, src + 28, 16);
    store<u8>(s + AES_COMPACT_AT, 16);
  } else if (suite == SUITE_CHACHA20) {
    memory.copy(s, src, <usize>len);
  } else if ((kindAndFlags & KEY_FLAG_COMPACT) != 0) {
    memory.copy(s, src, <usize>keyLen);
    store<u8>(s + AES_COMPACT_AT, <u8>keyLen);
  } else {
    const ext = heap.alloc(<usize>AES_EXT_LEN);
    memory.fill(ext, 0, <usize>AES_EXT_LEN);
    store<usize>(s + AES_EXT_AT, ext);
    store<i32>(s + AES_NR_AT, aesKeyInit(ext, src, keyLen, kind == KEY_KIND_AEAD));
  }
  if (suite != SUITE_CHACHA20 && kind != KEY_KIND_HP) memory.copy(s + AES_IV_AT, src + <usize>keyLen, <usize>IV_LEN);
  store<u16>(s + KIND_AT, <u16>kind);
  store<u8>(s + SUITE_AT, <u8>suite);
  live++;
  return KEY_TAG | i;
}

/** The slot's address if `handle` is a live in-core key of `kind` (a BOTH slot is either), else 0. */
export function keySlot(handle: i32, kind: i32): usize {
  if ((handle & KEY_TAG) == 0) return 0;
  const i = handle & ~KEY_TAG;
  if (i < 0 || i >= capacity) return 0;
  const s = table + <usize>i * SLOT_SIZE;
  const k = <i32>load<u16>(s + KIND_AT);
  return k == kind || k == KEY_KIND_BOTH ? s : 0;
}

/** The suite of a live slot (from keySlot). */
// @ts-ignore: decorator
@inline export function slotSuite(slot: usize): i32 {
  return <i32>load<u8>(slot + SUITE_AT);
}

/** Zeroes and frees a slot. 0, or -1 when the handle is not a live in-core key. */
export function keyRelease(handle: i32): i32 {
  if ((handle & KEY_TAG) == 0) return -1;
  const i = handle & ~KEY_TAG;
  if (i < 0 || i >= capacity) return -1;
  const s = table + <usize>i * SLOT_SIZE;
  if (load<u16>(s + KIND_AT) == 0) return -1;
  if (<i32>load<u8>(s + SUITE_AT) != SUITE_CHACHA20 && load<u8>(s + AES_COMPACT_AT) == 0) {
    const ext = load<usize>(s + AES_EXT_AT);
    memory.fill(ext, 0, <usize>AES_EXT_LEN);
    heap.free(ext);
  }
  memory.fill(s, 0, SLOT_SIZE);
  store<i32>(s + NEXT_AT, freeHead);
  freeHead = i;
  live--;
  return 0;
}

/** Live in-core keys (leak tests). */
export function keyCount(): i32 {
  return live;
}

/** True when `handle` names an in-core key (whatever its state). */
// @ts-ignore: decorator
@inline export function isCoreKey(handle: i32): bool {
  return (handle & KEY_TAG) != 0;
}
