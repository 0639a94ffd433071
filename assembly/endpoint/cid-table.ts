// Connection IDs → connection handles (RFC 9000 §5.2): an open-addressing hash table
// in linear memory with linear probing and backward-shift deletion, so that a lookup
// per datagram costs O(1) whatever the number of connections, and removing entries
// leaves no tombstones behind. Clients choose the DCIDs of their first Initials, so the
// hash is keyed (SipHash-1-3 with a key from the host's CSPRNG): an attacker cannot
// aim many CIDs at one bucket (hash flooding). The table doubles past a load of 3/4: with
// a uniform hash, linear probing then looks at ≈ 2.5 slots per hit and 8.5 per miss on
// average (Knuth, TAOCP 6.4), and the slots cost half what a load of 1/2 would (each
// half-open connection has two CIDs here: 32-byte slots; issue 17). It halves again below
// a load of 1/8, down to the size it was made with.
//
//   slot (32 bytes):  +0 u32 hash | 1 (0 = empty)   +4 i32 handle   +8 u8 len   +9..+28 cid bytes

import { randomU64 } from "../util/entropy";

const SLOT: usize = 32;
const MAX_CID: i32 = 20;

@inline function rotl(x: u64, b: u64): u64 { return (x << b) | (x >> (64 - b)); }

export class CidTable {
  private slots: usize = 0;
  private mask: u32 = 0;
  /** Live entries. */
  size: i32 = 0;
  private k0: u64 = 0;
  private k1: u64 = 0;

  /** The size it was made with: it never shrinks below. */
  private readonly minCap: u32;

  constructor(capacity: i32 = 64) {
    let cap: u32 = 16;
    while (cap < <u32>capacity) cap <<= 1;
    this.minCap = cap;
    this.alloc(cap);
  }

  /** Draws the hash key. Called once the host's randomness is reachable (after instantiation). */
  rekey(): void {
    if (this.size != 0) return; // entries are placed by the old key
    this.k0 = randomU64();
    this.k1 = randomU64();
  }

  private alloc(cap: u32): void {
    this.slots = heap.alloc(<usize>cap * SLOT);
    memory.fill(this.slots, 0, <usize>cap * SLOT);
    this.mask = cap - 1;
  }

  /** SipHash-1-3 of the CID bytes, folded to 32 bits, never 0 (0 marks an empty slot). */
  private hash(p: usize, len: i32): u32 {
    let v0: u64 = this.k0 ^ 0x736f6d6570736575;
    let v1: u64 = this.k1 ^ 0x646f72616e646f6d;
    let v2: u64 = this.k0 ^ 0x6c7967656e657261;
    let v3: u64 = this.k1 ^ 0x7465646279746573;
    let i = 0;
    for (; i + 8 <= len; i += 8) {
      const m = load<u64>(p + <usize>i);
      v3 ^= m;
      v0 += v1; v1 = rotl(v1, 13); v1 ^= v0; v0 = rotl(v0, 32);
      v2 += v3; v3 = rotl(v3, 16); v3 ^= v2;
      v0 += v3; v3 = rotl(v3, 21); v3 ^= v0;
      v2 += v1; v1 = rotl(v1, 17); v1 ^= v2; v2 = rotl(v2, 32);
      v0 ^= m;
    }
    let last: u64 = <u64>len << 56;
    for (let j = 0; i < len; i++, j++) last |= <u64>load<u8>(p + <usize>i) << (<u64>j * 8);
    v3 ^= last;
    v0 += v1; v1 = rotl(v1, 13); v1 ^= v0; v0 = rotl(v0, 32);
    v2 += v3; v3 = rotl(v3, 16); v3 ^= v2;
    v0 += v3; v3 = rotl(v3, 21); v3 ^= v0;
    v2 += v1; v1 = rotl(v1, 17); v1 ^= v2; v2 = rotl(v2, 32);
    v0 ^= last;
    v2 ^= 0xff;
    for (let r = 0; r < 3; r++) {
      v0 += v1; v1 = rotl(v1, 13); v1 ^= v0; v0 = rotl(v0, 32);
      v2 += v3; v3 = rotl(v3, 16); v3 ^= v2;
      v0 += v3; v3 = rotl(v3, 21); v3 ^= v0;
      v2 += v1; v1 = rotl(v1, 17); v1 ^= v2; v2 = rotl(v2, 32);
    }
    const h = v0 ^ v1 ^ v2 ^ v3;
    return (<u32>h ^ <u32>(h >> 32)) | 1;
  }

  private matches(s: usize, h: u32, p: usize, len: i32): bool {
    if (load<u32>(s) != h || <i32>load<u8>(s, 8) != len) return false;
    return memory.compare(s + 9, p, <usize>len) == 0;
  }

  /** The handle for the CID at [p, p+len), or 0. */
  get(p: usize, len: i32): i32 {
    if (len > MAX_CID) return 0;
    const h = this.hash(p, len);
    let i = h & this.mask;
    for (;;) {
      const s = this.slots + <usize>i * SLOT;
      const sh = load<u32>(s);
      if (sh == 0) return 0;
      if (this.matches(s, h, p, len)) return load<i32>(s, 4);
      i = (i + 1) & this.mask;
    }
    return 0; // unreachable: the table is never full (load factor <= 3/4)
  }

  /** Maps the CID to `handle` (replacing an existing mapping). False if the CID is too long. */
  set(p: usize, len: i32, handle: i32): bool {
    if (len > MAX_CID) return false;
    if (<u32>(this.size + 1) * 4 > (this.mask + 1) * 3) this.grow();
    const h = this.hash(p, len);
    let i = h & this.mask;
    for (;;) {
      const s = this.slots + <usize>i * SLOT;
      const sh = load<u32>(s);
      if (sh == 0) {
        store<u32>(s, h);
        store<i32>(s, handle, 4);
        store<u8>(s, <u8>len, 8);
        memory.copy(s + 9, p, <usize>len);
        this.size++;
        return true;
      }
      if (this.matches(s, h, p, len)) { store<i32>(s, handle, 4); return true; }
      i = (i + 1) & this.mask;
    }
    return false; // unreachable
  }

  /** Removes the CID if it maps to `handle` (or any handle when handle is 0). */
  delete(p: usize, len: i32, handle: i32 = 0): bool {
    if (len > MAX_CID) return false;
    const h = this.hash(p, len);
    let i = h & this.mask;
    for (;;) {
      const s = this.slots + <usize>i * SLOT;
      if (load<u32>(s) == 0) return false;
      if (this.matches(s, h, p, len)) {
        if (handle != 0 && load<i32>(s, 4) != handle) return false;
        this.removeAt(i);
        // Below a load of 1/8, half the size or less (a load of at most 1/4 after, far from
        // the 3/4 that grows it again): a flood's CIDs gone, their slots go back too.
        const cap = this.mask + 1;
        if (cap > this.minCap && <u32>this.size * 8 < cap) {
          let want = cap >> 1;
          while (want > this.minCap && <u32>this.size * 4 <= want >> 1) want >>= 1;
          this.resize(want);
        }
        return true;
      }
      i = (i + 1) & this.mask;
    }
    return false; // unreachable
  }

  /** Backward-shift deletion: later entries of the probe run move up so no hole breaks it. */
  private removeAt(hole: u32): void {
    let i = hole;
    let j = hole;
    for (;;) {
      j = (j + 1) & this.mask;
      const sj = this.slots + <usize>j * SLOT;
      const hj = load<u32>(sj);
      if (hj == 0) break;
      const home = hj & this.mask;
      // Entry j may fill the hole at i unless its home lies cyclically in (i, j].
      const inRange = i <= j ? (home > i && home <= j) : (home > i || home <= j);
      if (inRange) continue;
      memory.copy(this.slots + <usize>i * SLOT, sj, SLOT);
      i = j;
    }
    memory.fill(this.slots + <usize>i * SLOT, 0, SLOT);
    this.size--;
  }

  private grow(): void {
    this.resize((this.mask + 1) << 1);
  }

  /** Rehashes every entry into a table of `cap` slots (a power of two above the entries). */
  private resize(cap: u32): void {
    const old = this.slots;
    const oldCap = this.mask + 1;
    this.alloc(cap);
    this.size = 0;
    for (let i: u32 = 0; i < oldCap; i++) {
      const s = old + <usize>i * SLOT;
      const h = load<u32>(s);
      if (h == 0) continue;
      let k = h & this.mask;
      while (load<u32>(this.slots + <usize>k * SLOT) != 0) k = (k + 1) & this.mask;
      memory.copy(this.slots + <usize>k * SLOT, s, SLOT);
      this.size++;
    }
    memory.fill(old, 0, <usize>oldCap * SLOT); // the reset-token table is one of these
    heap.free(old);
  }

  /** Bytes of linear memory the table holds. */
  get bytes(): i32 { return <i32>((this.mask + 1) * <u32>SLOT); }
}
