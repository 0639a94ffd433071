// Where parked half-open server connections keep their secrets and key handles (issue 17:
// state per half-open connection). A small typed array costs ≈ 0.23 KB of JS heap around
// its 32 or 96 bytes (the view, its ArrayBuffer, the backing store), and a half-open
// connection would hold three (our 1-RTT write secret, what the TLS server precomputed
// for the client's Finished, the key handles): here they are one fixed-size row of one
// slab per endpoint instead. A row is zeroed when its connection leaves the lot, and a
// grown slab is given back once the lot is empty (a flood of spoofed Initials leaves
// nothing behind once they time out).

import type { ParkedBytes } from '../tls/types';

/**
 * Bytes per row, each part with its length byte: the path, versions and suite (16), 3
 * hash-long TLS secrets and our 1-RTT secret (SHA-384: 4 × 48), 4 key-handle triples (48).
 */
export const ROW_BYTES = 264;

const NO_SLAB = new Uint8Array(0);
/** The first slab's rows (4 KiB), kept while the lot is empty: a quiet server parks and resumes one handshake at a time. */
const SMALL_ROWS = 16;
/** Rows added at a time once the slab is this large. */
const GROW_STEP = 1024;

export class ParkingLot {
  private slab = NO_SLAB;
  private readonly free: number[] = [];
  /** Per row, a value kept beside its bytes (the TLS session's parked state: shared objects mostly). */
  private readonly values: unknown[] = [];
  private rows = 0;
  private used = 0;

  /** Rows in use. */
  get size(): number {
    return this.used;
  }

  /** A zeroed row (the slab grows when full). */
  take(): number {
    this.used++;
    const r = this.free.pop();
    if (r !== undefined) return r;
    if ((this.rows + 1) * ROW_BYTES > this.slab.length) {
      // Doubling, then 1,024 rows (264 KiB) at a time: at 10,000 parked connections a
      // doubled slab would hold 16,384 rows (0.4 KB of slack per connection).
      const grown = new Uint8Array((this.rows < GROW_STEP ? Math.max(SMALL_ROWS, 2 * this.rows) : this.rows + GROW_STEP) * ROW_BYTES);
      grown.set(this.slab);
      this.slab.fill(0);
      this.slab = grown;
    }
    return this.rows++;
  }

  /** Zeroes the row and frees it; a slab grown past its first size goes when no row is used. */
  release(row: number): void {
    this.slab.fill(0, row * ROW_BYTES, (row + 1) * ROW_BYTES);
    this.values[row] = undefined;
    this.free.push(row);
    if (--this.used > 0) return;
    this.free.length = 0;
    this.values.length = 0;
    this.rows = 0;
    if (this.slab.length > SMALL_ROWS * ROW_BYTES) this.slab = NO_SLAB;
  }

  /** The slab's size in bytes (tests). */
  get bytes(): number {
    return this.slab.length;
  }

  /** Keeps `value` beside `row` until it is released. */
  attach(row: number, value: unknown): void {
    this.values[row] = value;
  }

  attached(row: number): unknown {
    return this.values[row];
  }

  /** A cursor over `row`: parts are read back in the order they were written. */
  cursor(row: number): RowCursor {
    return new RowCursor(this.slab, row * ROW_BYTES);
  }
}

/** Length-prefixed parts (at most 255 bytes each) within one row; throws a RangeError past its end. */
export class RowCursor implements ParkedBytes {
  private at: number;
  private readonly end: number;

  constructor(private readonly slab: Uint8Array, start: number) {
    this.at = start;
    this.end = start + ROW_BYTES;
  }

  write(b: Uint8Array): void {
    if (b.length > 255 || this.at + 1 + b.length > this.end) throw new RangeError(`a parked row holds at most ${ROW_BYTES} bytes`);
    this.slab[this.at] = b.length;
    this.slab.set(b, this.at + 1);
    this.at += 1 + b.length;
  }

  read(): Uint8Array {
    const n = this.slab[this.at];
    const b = this.slab.slice(this.at + 1, this.at + 1 + n);
    this.at += 1 + n;
    return b;
  }

  writeInts(values: readonly number[]): void {
    const b = new Uint8Array(4 * values.length);
    const v = new DataView(b.buffer);
    values.forEach((x, i) => v.setInt32(4 * i, x, true));
    this.write(b);
  }

  readInts(): number[] {
    const b = this.read();
    const v = new DataView(b.buffer, b.byteOffset, b.length);
    return Array.from({ length: b.length / 4 }, (_, i) => v.getInt32(4 * i, true));
  }
}
