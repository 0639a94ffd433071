// Where parked half-open server connections keep their secrets and key handles (issue 17:
// state per half-open connection). A small typed array costs ≈ 0.23 KB of JS heap around
// its 32 or 96 bytes (the view, its ArrayBuffer, the backing store), and a half-open
// connection would hold three (our 1-RTT write secret, what the TLS server precomputed
// for the client's Finished, the key handles): here they are one row of one slab per
// row size instead. A connection's parts are written into a draft row first and then
// moved into the smallest row that holds them (ParkingLots): a SHA-256 handshake
// without tickets needs 165 bytes, one with tickets 197, a SHA-384 one 261, and one
// size for all would leave ≈ 0.1 KB idle in the common case. A row is zeroed when its
// connection leaves the lot, and a grown slab is given back once its lot is empty (a
// flood of spoofed Initials leaves nothing behind once they time out).

import type { ParkedBytes } from '../tls/types';

/**
 * The largest row, each part with its length byte: the path, versions and suite (18), 3
 * hash-long TLS secrets and our 1-RTT secret (SHA-384: 4 × 48 + 2), 4 key-handle triples (49).
 */
export const MAX_ROW_BYTES = 264;
/** Row sizes are multiples of this: at most MAX_ROW_BYTES / ROW_STEP lots. */
const ROW_STEP = 8;

const NO_SLAB = new Uint8Array(0);
/** The first slab's rows (4 KiB), kept while the lot is empty: a quiet server parks and resumes one handshake at a time. */
const SMALL_ROWS = 16;
/** Rows added at a time once the slab is this large. */
const GROW_STEP = 1024;

/** Rows of one size. */
export class ParkingLot {
  private slab = NO_SLAB;
  private readonly free: number[] = [];
  /** Per row, a value kept beside its bytes (the TLS session's parked state: shared objects mostly). */
  private readonly values: unknown[] = [];
  private rows = 0;
  private used = 0;

  constructor(readonly rowBytes: number = MAX_ROW_BYTES) {}

  /** Rows in use. */
  get size(): number {
    return this.used;
  }

  /** A zeroed row (the slab grows when full). */
  take(): number {
    this.used++;
    const r = this.free.pop();
    if (r !== undefined) return r;
    if ((this.rows + 1) * this.rowBytes > this.slab.length) {
      // Doubling, then 1,024 rows at a time: at 10,000 parked connections a doubled slab
      // would hold 16,384 rows (0.1–0.3 KB of slack per connection).
      const grown = new Uint8Array((this.rows < GROW_STEP ? Math.max(SMALL_ROWS, 2 * this.rows) : this.rows + GROW_STEP) * this.rowBytes);
      grown.set(this.slab);
      this.slab.fill(0);
      this.slab = grown;
    }
    return this.rows++;
  }

  /** Zeroes the row and frees it; a slab grown past its first size goes when no row is used. */
  release(row: number): void {
    this.slab.fill(0, row * this.rowBytes, (row + 1) * this.rowBytes);
    this.values[row] = undefined;
    this.free.push(row);
    if (--this.used > 0) return;
    this.free.length = 0;
    this.values.length = 0;
    this.rows = 0;
    if (this.slab.length > SMALL_ROWS * this.rowBytes) this.slab = NO_SLAB;
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
    return new RowCursor(this.slab, row * this.rowBytes, this.rowBytes);
  }
}

/**
 * Parked rows by size: parts are written into a draft (MAX_ROW_BYTES), then park() moves
 * them into a row of the smallest lot that holds them. A ticket names the lot (high 8
 * bits) and the row + 1 (low 24: maxConnections is at most 2^20); it is never 0.
 */
export class ParkingLots {
  private readonly draftRow = new Uint8Array(MAX_ROW_BYTES);
  /** By row size / ROW_STEP, made when first needed. */
  private readonly lots: (ParkingLot | undefined)[] = [];

  /** Rows in use, over every lot. */
  get size(): number {
    return this.lots.reduce((sum, lot) => sum + (lot?.size ?? 0), 0);
  }

  /** A cursor over the (zeroed) draft row: write the parts, then park() or discard() it. */
  draft(): RowCursor {
    return new RowCursor(this.draftRow, 0, MAX_ROW_BYTES);
  }

  /** Wipes the draft (nothing was parked). */
  discard(draft: RowCursor): void {
    this.draftRow.fill(0, 0, draft.written);
  }

  /** Moves the draft's parts into a row (the draft is wiped), `value` kept beside it; the ticket. */
  park(draft: RowCursor, value: unknown): number {
    const n = draft.written;
    const size = Math.max(ROW_STEP, Math.ceil(n / ROW_STEP) * ROW_STEP);
    const k = size / ROW_STEP;
    const lot = (this.lots[k] ??= new ParkingLot(size));
    const row = lot.take();
    lot.cursor(row).copyFrom(this.draftRow, n);
    this.draftRow.fill(0, 0, n);
    lot.attach(row, value);
    return (k << 24) | (row + 1);
  }

  /** A cursor over a parked row: parts come back in the order they were written. */
  cursor(ticket: number): RowCursor {
    return this.lotOf(ticket).cursor(rowOf(ticket));
  }

  attached(ticket: number): unknown {
    return this.lotOf(ticket).attached(rowOf(ticket));
  }

  /** Zeroes the row and frees it. */
  release(ticket: number): void {
    this.lotOf(ticket).release(rowOf(ticket));
  }

  /** Slab bytes over every lot (tests). */
  get bytes(): number {
    return this.lots.reduce((sum, lot) => sum + (lot?.bytes ?? 0), 0);
  }

  private lotOf(ticket: number): ParkingLot {
    const lot = this.lots[ticket >>> 24];
    if (!lot || rowOf(ticket) < 0) throw new RangeError(`no parked row for ticket ${ticket}`);
    return lot;
  }
}

function rowOf(ticket: number): number {
  return (ticket & 0xffffff) - 1;
}

/** Length-prefixed parts (at most 255 bytes each) within one row; throws a RangeError past its end. */
export class RowCursor implements ParkedBytes {
  private at: number;
  private readonly end: number;

  constructor(private readonly slab: Uint8Array, private readonly start: number, rowBytes: number) {
    this.at = start;
    this.end = start + rowBytes;
  }

  /** Bytes written (or read) so far. */
  get written(): number {
    return this.at - this.start;
  }

  /** The first `n` bytes of `from` as this row's parts (ParkingLots.park). */
  copyFrom(from: Uint8Array, n: number): void {
    if (this.start + n > this.end) throw new RangeError(`a row of ${this.end - this.start} bytes cannot hold ${n}`);
    this.slab.set(from.subarray(0, n), this.start);
  }

  write(b: Uint8Array): void {
    if (b.length > 255 || this.at + 1 + b.length > this.end) throw new RangeError(`a parked row holds at most ${this.end - this.start} bytes`);
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
