// Pull-based reading of HTTP/3 frames from one QUIC stream: frame headers and small
// payloads (HEADERS, SETTINGS) are collected whole, up to a limit; DATA payloads are
// handed on in the pieces they arrived in, so a body of any size streams through
// without being held in memory.

import { H3Error } from './errors';
import { readVarint } from '../transport/varint';

/** What the reader needs from a stream (QuicStream fits). */
export interface ByteSource {
  read(): Promise<Uint8Array | null>;
}

export class StreamReader {
  private buf: Uint8Array = new Uint8Array(0);
  private pos = 0;
  private eof = false;

  constructor(private readonly src: ByteSource) {}

  private get available(): number { return this.buf.length - this.pos; }

  /** Makes at least `n` bytes available; false if the stream ends first. */
  private async fill(n: number): Promise<boolean> {
    while (this.available < n) {
      if (this.eof) return false;
      const chunk = await this.src.read();
      if (!chunk) { this.eof = true; return false; }
      if (this.available === 0) { this.buf = chunk; this.pos = 0; continue; }
      const merged = new Uint8Array(this.available + chunk.length);
      merged.set(this.buf.subarray(this.pos));
      merged.set(chunk, this.available);
      this.buf = merged;
      this.pos = 0;
    }
    return true;
  }

  /** True once every byte was consumed and the stream has ended. */
  async atEnd(): Promise<boolean> {
    return !(await this.fill(1));
  }

  /** A varint, or null at a clean end of stream; a stream ending inside it is `truncated`. */
  async varint(truncated: H3Error): Promise<number | null> {
    if (!(await this.fill(1))) return null;
    const len = 1 << (this.buf[this.pos] >> 6);
    if (!(await this.fill(len))) throw truncated;
    const [v, next] = readVarint(this.buf, this.pos)!;
    this.pos = next;
    return v;
  }

  /** A frame header, or null at a clean end of stream (FIN between frames). */
  async frameHeader(): Promise<{ type: number; length: number } | null> {
    const truncated = new H3Error('H3_FRAME_ERROR', 'stream ended inside a frame header');
    const type = await this.varint(truncated);
    if (type === null) return null;
    const length = await this.varint(truncated);
    if (length === null) throw truncated;
    return { type, length };
  }

  /** Exactly `n` bytes (a whole frame payload); `n` must already be checked against a limit. */
  async exact(n: number): Promise<Uint8Array> {
    if (!(await this.fill(n))) throw new H3Error('H3_FRAME_ERROR', 'stream ended inside a frame');
    const out = this.buf.subarray(this.pos, this.pos + n);
    this.pos += n;
    return out;
  }

  /** Up to `n` bytes, at least one: a piece of a DATA payload. */
  async some(n: number): Promise<Uint8Array> {
    if (!(await this.fill(1))) throw new H3Error('H3_FRAME_ERROR', 'stream ended inside a frame');
    const take = Math.min(n, this.available);
    const out = this.buf.subarray(this.pos, this.pos + take);
    this.pos += take;
    return out;
  }

  /** The next raw chunk (buffered bytes first), or null at the end: for streams that are not framed. */
  async chunk(): Promise<Uint8Array | null> {
    if (this.available > 0) {
      const out = this.buf.subarray(this.pos);
      this.pos = this.buf.length;
      return out;
    }
    if (this.eof) return null;
    const c = await this.src.read();
    if (!c) this.eof = true;
    return c;
  }

  /** Discards `n` bytes (an unknown frame's payload). */
  async skip(n: number): Promise<void> {
    while (n > 0) n -= (await this.some(n)).length;
  }
}
