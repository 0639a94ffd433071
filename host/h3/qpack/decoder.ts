// The QPACK decoder (RFC 9204 §2.2, §4.3–4.5): reads the peer's encoder stream into
// the dynamic table, decodes field sections (blocking those whose Required Insert
// Count is not yet reached, up to the number of blocked streams we advertised), and
// produces the decoder-stream instructions the peer's encoder waits for: Section
// Acknowledgment, Stream Cancellation and Insert Count Increment.
//
// Every limit is enforced with a typed H3Error: the table capacity we advertised,
// the blocked-stream count, the field section size, string lengths and integer range.

import { H3Error } from '../errors';
import { DynamicTable, ENTRY_OVERHEAD } from './dynamic-table';
import { Incomplete, QpackReader, QpackWriter } from './primitives';
import { STATIC_TABLE } from './static-table';

/** A decoded field line: name and value as byte strings (one char per byte). */
export type FieldLine = [name: string, value: string];

export interface DecoderOptions {
  /** SETTINGS_QPACK_MAX_TABLE_CAPACITY we advertise (0 = no dynamic table). */
  maxTableCapacity: number;
  /** SETTINGS_QPACK_BLOCKED_STREAMS we advertise. */
  maxBlockedStreams: number;
  /** Largest field section (sum of name + value + 32 per line, RFC 9114 §4.2.2) we accept. */
  maxFieldSectionSize?: number;
}

interface Blocked {
  streamId: number;
  requiredInsertCount: number;
  resume: () => void;
  fail: (e: Error) => void;
}

const latin1 = (b: Uint8Array): string => {
  let s = '';
  for (let i = 0; i < b.length; i += 4096) s += String.fromCharCode(...b.subarray(i, i + 4096));
  return s;
};

/** A byte string (one char per byte) as bytes. */
export function latin1Bytes(s: string): Uint8Array {
  const b = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) b[i] = s.charCodeAt(i);
  return b;
}

export class QpackDecoder {
  readonly table: DynamicTable;
  private readonly maxBlocked: number;
  private readonly maxSectionSize: number;
  /** Unparsed tail of the encoder stream. */
  private pending: Uint8Array = new Uint8Array(0);
  private blocked: Blocked[] = [];
  /** Insert count the peer's encoder knows we have (RFC 9204 §2.1.4). */
  private knownReceivedCount = 0;
  private out = new QpackWriter();

  constructor(opts: DecoderOptions) {
    this.table = new DynamicTable(opts.maxTableCapacity);
    this.maxBlocked = opts.maxBlockedStreams;
    this.maxSectionSize = opts.maxFieldSectionSize ?? 64 * 1024;
  }

  /** Streams currently waiting for encoder-stream inserts. */
  get blockedStreams(): number { return this.blocked.length; }

  /** Feeds bytes from the peer's encoder stream. Throws QPACK_ENCODER_STREAM_ERROR. */
  encoderStreamData(chunk: Uint8Array): void {
    let buf = chunk;
    if (this.pending.length) {
      buf = new Uint8Array(this.pending.length + chunk.length);
      buf.set(this.pending);
      buf.set(chunk, this.pending.length);
    }
    const r = new QpackReader(buf, 0, 'QPACK_ENCODER_STREAM_ERROR');
    // A string can be at most the table capacity: longer cannot be inserted anyway.
    const maxStr = Math.max(this.table.maxCapacity, 1);
    for (;;) {
      const start = r.pos;
      if (r.remaining === 0) break;
      try {
        this.instruction(r, maxStr);
      } catch (e) {
        if (e instanceof Incomplete) { r.pos = start; break; }
        throw e;
      }
    }
    if (buf.length - r.pos > this.table.maxCapacity + 64) {
      throw new H3Error('QPACK_ENCODER_STREAM_ERROR', 'an encoder instruction larger than the table capacity');
    }
    this.pending = buf.slice(r.pos);
    this.unblock();
  }

  private instruction(r: QpackReader, maxStr: number): void {
    const b = r.peek();
    if (b & 0x80) { // Insert with Name Reference: 1 T index(6) value
      const isStatic = (b & 0x40) !== 0;
      const idx = r.int(6);
      const name = isStatic ? latin1Bytes(this.staticEntry(idx, 'QPACK_ENCODER_STREAM_ERROR')[0]) : this.table.get(this.table.insertCount - 1 - idx, 'QPACK_ENCODER_STREAM_ERROR').name;
      const value = r.string(7, maxStr);
      this.table.insert(name, value);
    } else if (b & 0x40) { // Insert with Literal Name: 01 H len(5) name, value
      const name = r.string(5, maxStr);
      const value = r.string(7, maxStr);
      this.table.insert(name, value);
    } else if (b & 0x20) { // Set Dynamic Table Capacity: 001 cap(5)
      this.table.setCapacity(r.int(5));
    } else { // Duplicate: 000 index(5)
      const e = this.table.get(this.table.insertCount - 1 - r.int(5), 'QPACK_ENCODER_STREAM_ERROR');
      this.table.insert(e.name, e.value);
    }
  }

  /**
   * Decodes one field section (the payload of a HEADERS frame). Resolves once the
   * dynamic table holds every entry the section needs; rejects with
   * QPACK_DECOMPRESSION_FAILED on bad input or when too many streams are blocked.
   */
  async decode(streamId: number, section: Uint8Array): Promise<FieldLine[]> {
    const r = new QpackReader(section, 0, 'QPACK_DECOMPRESSION_FAILED', 'H3_EXCESSIVE_LOAD');
    let ric: number, base: number;
    try {
      ric = this.requiredInsertCount(r.int(8));
      const sign = (r.peek() & 0x80) !== 0;
      const delta = r.int(7);
      base = sign ? ric - delta - 1 : ric + delta;
    } catch (e) {
      throw e instanceof Incomplete ? new H3Error('QPACK_DECOMPRESSION_FAILED', 'truncated field section prefix') : e;
    }
    if (base < 0) throw new H3Error('QPACK_DECOMPRESSION_FAILED', 'negative Base');
    if (ric > this.table.insertCount) {
      if (this.blocked.length >= this.maxBlocked) {
        throw new H3Error('QPACK_DECOMPRESSION_FAILED', `more than ${this.maxBlocked} blocked streams`);
      }
      await new Promise<void>((resume, fail) => this.blocked.push({ streamId, requiredInsertCount: ric, resume, fail }));
    }
    const lines = this.fieldLines(r, ric, base);
    if (ric > 0) {
      this.out.int(streamId, 7, 0x80); // Section Acknowledgment
      this.knownReceivedCount = Math.max(this.knownReceivedCount, ric);
    }
    return lines;
  }

  /** A request stream was reset or abandoned before its field section was decoded (§4.4.2). */
  cancelStream(streamId: number): void {
    const i = this.blocked.findIndex((b) => b.streamId === streamId);
    if (i >= 0) {
      const [b] = this.blocked.splice(i, 1);
      b.fail(new H3Error('H3_REQUEST_CANCELLED', `stream ${streamId} cancelled while blocked`));
    }
    if (this.table.maxCapacity > 0) this.out.int(streamId, 6, 0x40);
  }

  /** Fails every blocked decode (the connection is closing). */
  close(err: Error): void {
    for (const b of this.blocked.splice(0)) b.fail(err);
  }

  /**
   * Bytes to send on our decoder stream now: the acknowledgments and cancellations
   * queued so far plus an Insert Count Increment for inserts not yet acknowledged.
   */
  takeDecoderStreamBytes(): Uint8Array {
    const inc = this.table.insertCount - this.knownReceivedCount;
    if (inc > 0) {
      this.out.int(inc, 6, 0x00);
      this.knownReceivedCount = this.table.insertCount;
    }
    const bytes = this.out.finish();
    this.out = new QpackWriter();
    return bytes;
  }

  /** RFC 9204 §4.5.1.1: the Required Insert Count from its encoded form. */
  private requiredInsertCount(encoded: number): number {
    if (encoded === 0) return 0;
    const maxEntries = Math.floor(this.table.maxCapacity / 32);
    const fullRange = 2 * maxEntries;
    if (encoded > fullRange) throw new H3Error('QPACK_DECOMPRESSION_FAILED', 'Required Insert Count out of range');
    const maxValue = this.table.insertCount + maxEntries;
    const maxWrapped = Math.floor(maxValue / fullRange) * fullRange;
    let ric = maxWrapped + encoded - 1;
    if (ric > maxValue) {
      if (ric <= fullRange) throw new H3Error('QPACK_DECOMPRESSION_FAILED', 'Required Insert Count out of range');
      ric -= fullRange;
    }
    if (ric === 0) throw new H3Error('QPACK_DECOMPRESSION_FAILED', 'Required Insert Count encoded as 0 after wrapping');
    return ric;
  }

  private fieldLines(r: QpackReader, ric: number, base: number): FieldLine[] {
    const lines: FieldLine[] = [];
    let size = 0;
    const maxStr = this.maxSectionSize;
    const dyn = (abs: number) => {
      // §4.5: a reference at or past the Required Insert Count is an error.
      if (abs < 0 || abs >= ric) throw new H3Error('QPACK_DECOMPRESSION_FAILED', `reference to dynamic entry ${abs} beyond Required Insert Count ${ric}`);
      return this.table.get(abs, 'QPACK_DECOMPRESSION_FAILED');
    };
    try {
      while (r.remaining > 0) {
        const b = r.peek();
        let name: Uint8Array | string, value: Uint8Array | string;
        if (b & 0x80) { // Indexed: 1 T index(6)
          const idx = r.int(6);
          if (b & 0x40) [name, value] = this.staticEntry(idx, 'QPACK_DECOMPRESSION_FAILED');
          else ({ name, value } = dyn(base - 1 - idx));
        } else if (b & 0x40) { // Literal with name reference: 01 N T index(4)
          const idx = r.int(4);
          name = (b & 0x10) ? this.staticEntry(idx, 'QPACK_DECOMPRESSION_FAILED')[0] : dyn(base - 1 - idx).name;
          value = r.string(7, maxStr);
        } else if (b & 0x20) { // Literal with literal name: 001 N H len(3)
          name = r.string(3, maxStr);
          value = r.string(7, maxStr);
        } else if (b & 0x10) { // Indexed post-base: 0001 index(4)
          ({ name, value } = dyn(base + r.int(4)));
        } else { // Literal with post-base name reference: 0000 N index(3)
          name = dyn(base + r.int(3)).name;
          value = r.string(7, maxStr);
        }
        const n = typeof name === 'string' ? name : latin1(name);
        const v = typeof value === 'string' ? value : latin1(value);
        size += n.length + v.length + ENTRY_OVERHEAD;
        if (size > this.maxSectionSize) throw new H3Error('H3_EXCESSIVE_LOAD', `field section larger than ${this.maxSectionSize} bytes`);
        lines.push([n, v]);
      }
    } catch (e) {
      throw e instanceof Incomplete ? new H3Error('QPACK_DECOMPRESSION_FAILED', 'truncated field line') : e;
    }
    return lines;
  }

  private staticEntry(idx: number, err: 'QPACK_DECOMPRESSION_FAILED' | 'QPACK_ENCODER_STREAM_ERROR'): readonly [string, string] {
    const e = STATIC_TABLE[idx];
    if (!e) throw new H3Error(err, `static table index ${idx} does not exist`);
    return e;
  }

  private unblock(): void {
    const ready = this.blocked.filter((b) => b.requiredInsertCount <= this.table.insertCount);
    if (!ready.length) return;
    this.blocked = this.blocked.filter((b) => b.requiredInsertCount > this.table.insertCount);
    for (const b of ready) b.resume();
  }
}
