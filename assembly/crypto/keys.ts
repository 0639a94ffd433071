// The in-core key table: packet protection keys the core uses itself (ChaCha20-Poly1305,
// AES-128-GCM, AES-256-GCM) live here, in linear memory, instead of in the host's provider objects.
// A handle is KEY_TAG | slot index, so the rest of the core keeps treating handles as
// opaque nonzero i32 values and protect.ts tells the two kinds apart by the tag bit
// (the host's own table hands out small integers from 1).
//
// The table grows by doubling, then GROW_STEP slots at a time (heap.alloc; the old block
// is wiped before it is freed) up to MAX_SLOTS; beyond that install fails and the host keeps the key in its
// provider instead. A released slot is zeroed at once. Installs take the lowest free slot
// (a bitmap of free slots), so that keys gather at the bottom and the table shrinks again
// once its upper three quarters are empty (after a flood of half-open connections timed
// out, say): a handle is its slot's index, and the slots kept keep theirs.
//
//   slot (SLOT_SIZE = 48 bytes: 16-byte aligned, and a half-open server connection holds
//   six (one compact Initial slot per direction, Handshake AEAD and header protection
//   keys both ways), so 16 bytes less per slot is 96 bytes less per connection; issue 17)
//   +0   key         32 bytes (ChaCha20: AEAD key or header protection key)
//        AES: +0 the extension block's address, +4 nr (aead-aes-gcm.ts);
//        compact AES: the key (16 or 32 bytes)
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
/** 131072 slots = 6 MiB: several keys per connection for tens of thousands of connections. */
const MAX_SLOTS: i32 = 1 << 17;

let table: usize = 0;
let capacity: i32 = 0;
/** One bit per slot, set while the slot is free: installs take the lowest free slot. */
let freeBits: usize = 0;
/** No free slot lies in a bitmap word below this one. */
let freeHint: i32 = 0;
/** One past the highest slot in use (0 when none is). */
let top: i32 = 0;
let live: i32 = 0;

/** Slots added at a time once the table has this many (384 KiB): doubling beyond would leave up to half the table idle. */
const GROW_STEP: i32 = 8192;
/** The table's first size, kept however empty it gets. */
const MIN_SLOTS: i32 = 16;

/** The size after `cap` in the growth sequence (doubling, then GROW_STEP at a time). */
function nextSize(cap: i32): i32 {
  return cap == 0 ? MIN_SLOTS : cap < GROW_STEP ? cap << 1 : cap + GROW_STEP;
}

// @ts-ignore: decorator
@inline function bitmapWords(cap: i32): i32 {
  return (cap + 31) >> 5;
}

/**
 * Moves the table to `newCap` slots (more, or fewer when every slot at `newCap` and above
 * is free): the slots below both sizes keep their index, so handles stay valid. The old
 * block is wiped before it is freed.
 */
function resize(newCap: i32): void {
  const bytes = <usize>newCap * SLOT_SIZE;
  const t = heap.alloc(bytes);
  memory.fill(t, 0, bytes);
  const words = bitmapWords(newCap);
  const bits = heap.alloc(<usize>words << 2);
  memory.fill(bits, 0, <usize>words << 2);
  const kept = capacity < newCap ? capacity : newCap;
  if (table != 0) {
    memory.copy(t, table, <usize>kept * SLOT_SIZE);
    memory.fill(table, 0, <usize>capacity * SLOT_SIZE);
    heap.free(table);
    memory.copy(bits, freeBits, <usize>bitmapWords(kept) << 2);
    heap.free(freeBits);
    // Shrunk to a size that ends inside a word: the old map's free bits past it go.
    if ((kept & 31) != 0) {
      const last = bits + (<usize>(kept >> 5) << 2);
      store<u32>(last, load<u32>(last) & ((<u32>1 << <u32>(kept & 31)) - 1));
    }
  }
  // Slots past the old size are free; bits past the new size stay clear (never handed out).
  for (let i = kept; i < newCap; i++) {
    const at = bits + (<usize>(i >> 5) << 2);
    store<u32>(at, load<u32>(at) | (<u32>1 << <u32>(i & 31)));
  }
  table = t;
  freeBits = bits;
  capacity = newCap;
  if (freeHint >= words) freeHint = 0;
}

/** The lowest free slot (taken), or -1 when the table is full and cannot grow. */
function takeSlot(): i32 {
  for (;;) {
    const words = bitmapWords(capacity);
    for (let w = freeHint; w < words; w++) {
      const at = freeBits + (<usize>w << 2);
      const word = load<u32>(at);
      if (word == 0) continue;
      freeHint = w;
      const bit = <i32>ctz(word);
      store<u32>(at, word & ~(<u32>1 << <u32>bit));
      const i = (w << 5) + bit;
      if (i + 1 > top) top = i + 1;
      return i;
    }
    freeHint = words;
    if (capacity >= MAX_SLOTS) return -1;
    resize(nextSize(capacity));
  }
  return -1; // unreachable: the loop returns
}

/**
 * After a release: `top` moves down past free slots, and the table shrinks while its
 * upper three quarters hold nothing (a flood of half-open connections that timed out
 * gives its slots back to the allocator; issue 17).
 */
function afterRelease(i: i32): void {
  if (i + 1 == top) {
    while (top > 0 && load<u16>(table + <usize>(top - 1) * SLOT_SIZE + KIND_AT) == 0) top--;
  }
  const cap = capacity;
  // The smallest size of the growth sequence that leaves the slots in use twice their room.
  if (cap <= MIN_SLOTS || top * 4 > cap) return;
  let want = MIN_SLOTS;
  while (want < top * 2) want = nextSize(want);
  if (want < cap) resize(want);
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
  const i = takeSlot();
  if (i < 0) return -1;
  const s = table + <usize>i * SLOT_SIZE; // zeroed while free
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
  const at = freeBits + (<usize>(i >> 5) << 2);
  store<u32>(at, load<u32>(at) | (<u32>1 << <u32>(i & 31)));
  if ((i >> 5) < freeHint) freeHint = i >> 5;
  live--;
  afterRelease(i);
  return 0;
}

/** Slots the table has now (tests: it grows and shrinks). */
export function keyTableSlots(): i32 {
  return capacity;
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
