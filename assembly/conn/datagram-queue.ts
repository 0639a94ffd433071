// A bounded FIFO of datagrams in linear memory (conn/datagrams.ts keeps one per
// direction). Entries are stored back to back in one block:
//
//   entry: +0 u32 length   +4 u32 id (the host's, 0 = none)   +8 payload
//
// The byte cap counts headers and payloads. When a new entry would pass it, the owner
// drops the oldest entries first (isFullFor, then pop): RFC 9221 §5 leaves the policy to
// us, and for what datagrams carry (media, game state, measurements) the newest is worth
// the most.
// The block is allocated at the first push, twice the cap, so that moving the live
// entries back to its start happens at most once per cap bytes pushed (amortised O(1)
// per byte, nothing allocated per datagram); it is a GC object and goes with the
// connection.

/** Bytes of the header before each payload. */
export const ENTRY_HEADER: i32 = 8;

/** A bounded FIFO of datagrams with a byte cap (see the file comment for the layout and the drop policy). */
export class DatagramQueue {
  private block: StaticArray<u8> | null = null;
  /** Offset of the oldest entry, and the end of the newest. */
  private head: i32 = 0;
  private tail: i32 = 0;
  /** Entries queued. */
  count: i32 = 0;

  constructor(public cap: i32) {}

  /** Bytes held (headers included): never above `cap`. */
  get bytes(): i32 { return this.tail - this.head; }

  /** Bytes the block takes (0 until the first push). */
  get footprint(): i32 { return this.block ? this.block!.length : 0; }

  /** True when an entry of `len` payload bytes can ever be queued. */
  fits(len: i32): bool { return len >= 0 && len <= this.cap - ENTRY_HEADER; }

  /** True while queueing `len` more payload bytes would pass the cap: the caller drops the oldest first. */
  isFullFor(len: i32): bool { return this.count > 0 && this.bytes + ENTRY_HEADER + len > this.cap; }

  /**
   * Queues `len` bytes at `src` with `id`, after the caller made room (isFullFor).
   * False when the entry alone exceeds the cap or room was not made (nothing changes).
   */
  push(src: usize, len: i32, id: u32): bool {
    if (!this.fits(len) || this.isFullFor(len)) return false;
    const need = ENTRY_HEADER + len;
    if (this.block == null) this.block = new StaticArray<u8>(this.cap << 1);
    const base = changetype<usize>(this.block);
    if (this.tail + need > this.block!.length) {
      // Move the live entries to the start: they take at most cap bytes, so at least cap
      // bytes of pushes happened since the last move.
      memory.copy(base, base + <usize>this.head, <usize>this.bytes);
      this.tail -= this.head;
      this.head = 0;
    }
    const at = base + <usize>this.tail;
    store<u32>(at, <u32>len);
    store<u32>(at, id, 4);
    memory.copy(at + <usize>ENTRY_HEADER, src, <usize>len);
    this.tail += need;
    this.count++;
    return true;
  }

  /** Length of the oldest entry's payload (the queue must not be empty). */
  peekLen(): i32 { return <i32>load<u32>(this.entry()); }
  /** Id of the oldest entry. */
  peekId(): u32 { return load<u32>(this.entry(), 4); }
  /** Address of the oldest entry's payload (valid until the next push or pop). */
  peekData(): usize { return this.entry() + <usize>ENTRY_HEADER; }

  /** Removes the oldest entry. */
  pop(): void {
    if (this.count == 0) return;
    this.head += ENTRY_HEADER + this.peekLen();
    this.count--;
    if (this.count == 0) { this.head = 0; this.tail = 0; }
  }

  private entry(): usize { return changetype<usize>(this.block) + <usize>this.head; }
}

/**
 * One connection's datagram state, both queues and the counters (created at first use: an
 * idle connection without datagrams keeps nothing). Here, beside the queue, so that the
 * connection can hold it without importing the room that takes a Connection (datagrams.ts).
 */
export class Datagrams {
  send: DatagramQueue;
  recv: DatagramQueue;
  /** Frames written, received; tracked outcomes and drops. */
  sent: u64 = 0;
  received: u64 = 0;
  acked: u64 = 0;
  lost: u64 = 0;
  sendDropped: u64 = 0;
  recvDropped: u64 = 0;

  constructor(sendCap: i32, recvCap: i32) {
    this.send = new DatagramQueue(sendCap);
    this.recv = new DatagramQueue(recvCap);
  }
}
