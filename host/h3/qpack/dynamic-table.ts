// The decoder's copy of the QPACK dynamic table (RFC 9204 §3.2): entries by absolute
// index, FIFO eviction, size = name + value + 32 bytes per entry (§3.2.1). Memory is
// bounded by the capacity we advertised: the encoder may never grow it past that.

import { H3Error } from '../errors';

/** One entry: name and value as bytes (field values need not be UTF-8). */
export interface TableEntry {
  name: Uint8Array;
  value: Uint8Array;
}

/** RFC 9204 §3.2.1: the 32 bytes of per-entry overhead. */
export const ENTRY_OVERHEAD = 32;

export class DynamicTable {
  private entries: TableEntry[] = [];
  /** Absolute index of entries[0]. */
  private dropped = 0;
  private size = 0;
  private capacity = 0;

  constructor(readonly maxCapacity: number) {}

  /** Total inserts so far: the next entry's absolute index. */
  get insertCount(): number { return this.dropped + this.entries.length; }

  get currentCapacity(): number { return this.capacity; }

  get currentSize(): number { return this.size; }

  /** Set Dynamic Table Capacity (§4.3.1): above our maximum is an encoder stream error. */
  setCapacity(cap: number): void {
    if (cap > this.maxCapacity) throw new H3Error('QPACK_ENCODER_STREAM_ERROR', `dynamic table capacity ${cap} exceeds the advertised ${this.maxCapacity}`);
    this.capacity = cap;
    this.evictTo(cap);
  }

  /** Inserts an entry, evicting the oldest ones to make room (§3.2.2). */
  insert(name: Uint8Array, value: Uint8Array): void {
    const size = name.length + value.length + ENTRY_OVERHEAD;
    if (size > this.capacity) throw new H3Error('QPACK_ENCODER_STREAM_ERROR', `entry of ${size} bytes does not fit a table of capacity ${this.capacity}`);
    this.evictTo(this.capacity - size);
    // Copy: the bytes may be views into a stream buffer that gets reused.
    this.entries.push({ name: name.slice(), value: value.slice() });
    this.size += size;
  }

  /** The entry at an absolute index; a missing (evicted or future) one is an error of type `err`. */
  get(absolute: number, err: 'QPACK_DECOMPRESSION_FAILED' | 'QPACK_ENCODER_STREAM_ERROR'): TableEntry {
    const i = absolute - this.dropped;
    if (!Number.isInteger(i) || i < 0 || i >= this.entries.length) throw new H3Error(err, `dynamic table index ${absolute} is not in the table`);
    return this.entries[i];
  }

  private evictTo(limit: number): void {
    while (this.size > limit && this.entries.length) {
      const e = this.entries.shift()!;
      this.size -= e.name.length + e.value.length + ENTRY_OVERHEAD;
      this.dropped++;
    }
  }
}
