// What the two send rings (sendbuf.ts: a stream's bytes; crypto-send.ts: a CRYPTO level's)
// do alike when they grow and when a packet carrying their bytes is acknowledged or lost: the acknowledged
// prefix moves the ring's base (copying nothing), acknowledgments out of order wait in a
// range set, lost ranges are queued to send again minus what was acknowledged meanwhile.
// Generic over the ring (compiled once per ring class, calls resolved statically): the
// ring keeps its own layout, and these read its `base`, `acked`, `lost`, `head`, `end`,
// `data` and `index()`.

import { RangeSet } from "../util/ranges";

/** The shared empty range set of rings that have lost (or acknowledged out of order) nothing yet: never written. */
export const NO_RANGES = new RangeSet();

/** The shared empty storage of buffers that hold nothing (never written). */
export const NO_STORAGE = new StaticArray<u8>(0);

/** Storage up to this size stays when everything is acknowledged (a small buffer is cheaper kept than made again). */
export const KEEP_IDLE_STORAGE: i32 = 4096;

/** Bytes [offset, offset + len) of `ring` were acknowledged. */
export function ackRange<T>(ring: T, offset: u64, len: i32): void {
  if (len == 0) return;
  const end = offset + <u64>len;
  if (end <= ring.base) return;
  // In order (the usual case): the base moves, no set needed.
  if (offset <= ring.base && ring.acked.isEmpty()) {
    releaseBelow<T>(ring, end);
    return;
  }
  if (ring.acked == NO_RANGES) ring.acked = new RangeSet();
  ring.acked.add(offset, end);
  // Release the acknowledged prefix.
  const newBase = ring.acked.contiguousEnd(ring.base);
  if (newBase > ring.base) {
    releaseBelow<T>(ring, newBase);
    ring.acked.trimBelow(newBase);
  }
}

/**
 * Everything below `newBase` is acknowledged: the ring's start moves there. When nothing
 * is left and the storage is large, it is given back (issue 17: buffers taken when data
 * flows, returned when it stops); the next write allocates what it needs.
 */
function releaseBelow<T>(ring: T, newBase: u64): void {
  ring.head = ring.index(newBase);
  ring.base = newBase;
  if (ring.lost != NO_RANGES) ring.lost.trimBelow(newBase);
  if (newBase == ring.end && ring.data.length > KEEP_IDLE_STORAGE) {
    ring.data = NO_STORAGE;
    ring.head = 0;
  }
}

/** Copies `n` bytes from `src` into the ring `data` at index `at`, in up to two parts around its end. */
export function copyIntoRing(data: StaticArray<u8>, at: i32, src: usize, n: i32): void {
  const first = data.length - at < n ? data.length - at : n;
  memory.copy(changetype<usize>(data) + <usize>at, src, <usize>first);
  if (first < n) memory.copy(changetype<usize>(data), src + <usize>first, <usize>(n - first));
}

/** New storage of `size` bytes holding the `used` bytes of the ring `data` from index `head` on, laid out flat from index 0. */
export function relaidFlat(data: StaticArray<u8>, head: i32, used: i32, size: i32): StaticArray<u8> {
  const d = new StaticArray<u8>(size);
  if (used > 0) {
    const first = data.length - head < used ? data.length - head : used;
    memory.copy(changetype<usize>(d), changetype<usize>(data) + <usize>head, <usize>first);
    if (first < used) memory.copy(changetype<usize>(d) + <usize>first, changetype<usize>(data), <usize>(used - first));
  }
  return d;
}

/** Bytes [offset, offset + len) of `ring` were lost: queued to send again, but for what is acknowledged already. */
export function loseRange<T>(ring: T, offset: u64, len: i32): void {
  if (len == 0) return;
  let lo = offset, hi = offset + <u64>len;
  if (hi <= ring.base) return;
  if (lo < ring.base) lo = ring.base;
  if (ring.lost == NO_RANGES) ring.lost = new RangeSet();
  ring.lost.add(lo, hi);
  // Do not resend what was acknowledged meanwhile.
  for (let i = 0; i < ring.acked.count; i++) ring.lost.remove(ring.acked.lo(i), ring.acked.hi(i));
}
