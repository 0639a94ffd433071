// The in-core key table: packet protection keys the core uses itself (ChaCha20-Poly1305
// today) live here, in linear memory, instead of in the host's provider objects.
// A handle is KEY_TAG | slot index, so the rest of the core keeps treating handles as
// opaque nonzero i32 values and protect.ts tells the two kinds apart by the tag bit
// (the host's own table hands out small integers from 1).
//
// The table grows by doubling (heap.alloc; the old block is wiped before it is freed)
// up to MAX_SLOTS; beyond that install fails and the host keeps the key in its
// provider instead. A released slot is zeroed at once.
//
//   slot (SLOT_SIZE = 48 bytes: 16-byte aligned, and a half-open server connection holds
//   up to eight keys, so 16 bytes less per slot is 128 bytes less per connection; issue 17)
//   +0   key         32 bytes (AEAD key or header protection key)
//   +0   next free   i32 (free slots only: a free slot holds no key)
//   +32  iv          12 bytes (AEAD only)
//   +44  kind        u16: 0 free, KEY_KIND_AEAD, KEY_KIND_HP
//   +46  suite       u16 (the core's suite numbering: 2 = ChaCha20-Poly1305)

/** Marks a handle as an in-core slot. */
export const KEY_TAG: i32 = 0x40000000;
/** Slot kinds. */
export const KEY_KIND_AEAD: i32 = 1;
export const KEY_KIND_HP: i32 = 2;
/** The only suite the core implements itself. */
export const SUITE_CHACHA20: i32 = 2;
/** Key + iv of an AEAD slot, key of a header protection slot. */
export const AEAD_KEY_MATERIAL: i32 = 44;
export const HP_KEY_MATERIAL: i32 = 32;

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

function grow(): bool {
  const newCap = capacity == 0 ? 16 : capacity << 1;
  if (newCap > MAX_SLOTS) return false;
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
export function keyInstall(kind: i32, suite: i32, src: usize, len: i32): i32 {
  if (suite != SUITE_CHACHA20) return -1;
  if (!((kind == KEY_KIND_AEAD && len == AEAD_KEY_MATERIAL) || (kind == KEY_KIND_HP && len == HP_KEY_MATERIAL))) return -1;
  if (freeHead < 0 && !grow()) return -1;
  const i = freeHead;
  const s = table + <usize>i * SLOT_SIZE;
  freeHead = load<i32>(s + NEXT_AT);
  memory.fill(s, 0, SLOT_SIZE);
  memory.copy(s, src, <usize>len);
  store<u16>(s + KIND_AT, <u16>kind);
  store<u16>(s + SUITE_AT, <u16>suite);
  live++;
  return KEY_TAG | i;
}

/** The slot's address if `handle` is a live in-core key of `kind`, else 0. */
export function keySlot(handle: i32, kind: i32): usize {
  if ((handle & KEY_TAG) == 0) return 0;
  const i = handle & ~KEY_TAG;
  if (i < 0 || i >= capacity) return 0;
  const s = table + <usize>i * SLOT_SIZE;
  return <i32>load<u16>(s + KIND_AT) == kind ? s : 0;
}

/** Zeroes and frees a slot. 0, or -1 when the handle is not a live in-core key. */
export function keyRelease(handle: i32): i32 {
  if ((handle & KEY_TAG) == 0) return -1;
  const i = handle & ~KEY_TAG;
  if (i < 0 || i >= capacity) return -1;
  const s = table + <usize>i * SLOT_SIZE;
  if (load<u16>(s + KIND_AT) == 0) return -1;
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
