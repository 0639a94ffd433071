// QuicStream.readInto() and the BYOB reader of `readable`: bytes go from the core's
// receive buffer into the caller's buffer, byte-exact, with backpressure kept (held data
// stays in the core, so the peer is credited only as the application reads), data that
// arrived before the first readInto() first, and nothing lost when the connection ends
// while bytes are still held in the core.
import { createHash } from 'node:crypto';
import { pairOf, runUntil, watch } from '../transport/sim';
import { QuicArgumentError } from '../../host/errors';
import type { QuicStream } from '../../host/transport/stream';

const pattern = (n: number, seed = 1) => Uint8Array.from({ length: n }, (_, k) => (seed * 131 + k * 7 + (k >> 8)) & 0xff);
const hex = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

/** Reads `s` to its end with readInto() into one reused buffer of `size` bytes. */
async function drainInto(s: QuicStream, size: number, out: { parts: Uint8Array[]; reads: number; over: number; done: boolean }) {
  const buf = new Uint8Array(size);
  for (let n = await s.readInto(buf); n !== null; n = await s.readInto(buf)) {
    out.reads++;
    if (n <= 0 || n > size) out.over++;
    out.parts.push(buf.slice(0, n));
  }
  out.done = true;
}

const concat = (parts: Uint8Array[]) => {
  const all = new Uint8Array(parts.reduce((a, p) => a + p.length, 0));
  let o = 0;
  for (const p of parts) { all.set(p, o); o += p.length; }
  return all;
};

async function acceptOne(t: Awaited<ReturnType<typeof pairOf>>): Promise<QuicStream> {
  let s: QuicStream | null = null;
  void t.server.acceptStream().then((r) => { s = r; });
  expect(await runUntil(t.clock, () => s !== null)).toBe(true);
  return s!;
}

describe('QuicStream.readInto', () => {
  test('2 MB into a reused 10,000-byte buffer: byte-exact, never more than the buffer, null at the end', async () => {
    const t = await pairOf();
    const data = pattern(2_000_000);
    const c = t.client.openStream();
    void c.end(data);
    const s = await acceptOne(t);
    const out = { parts: [] as Uint8Array[], reads: 0, over: 0, done: false };
    void drainInto(s, 10_000, out);
    expect(await runUntil(t.clock, () => out.done)).toBe(true);
    expect(out.over).toBe(0);
    expect(out.reads).toBeGreaterThanOrEqual(200);
    expect(hex(concat(out.parts))).toBe(hex(data));
    expect(s.bytesRead).toBe(data.length);
  });

  test('a reader that stops holds the data in the core: the sender stalls at the windows, then all of it arrives', async () => {
    const window = 128 * 1024;
    const t = await pairOf({
      transport: { initialMaxData: 2 * window, initialMaxStreamDataBidiLocal: window, initialMaxStreamDataBidiRemote: window, maxReceiveWindow: 2 * window, streamSendBuffer: window },
      server: { streamHighWaterMark: 64 * 1024 },
    });
    const data = pattern(4_000_000, 3);
    const c = t.client.openStream();
    const sent = watch(c.end(data));
    const s = await acceptOne(t);
    const buf = new Uint8Array(1000);
    expect(await s.readInto(buf)).toBeGreaterThan(0); // from now on the stream holds its data in the core
    const first = buf.slice();
    expect(await runUntil(t.clock, () => sent.done, 20_000_000)).toBe(false);
    // Nothing is buffered in JS beyond the core's window: the sender got only the
    // windows' worth (plus its own send buffer) out of its application.
    expect(c.bytesWritten).toBeLessThanOrEqual(window /* send buffer */ + 2 * window /* receive window */ + 16_000);
    expect(t.server.stats().streamBytesReceived).toBeLessThanOrEqual(2 * window + 16_000);
    const out = { parts: [first.subarray(0, 1000)] as Uint8Array[], reads: 0, over: 0, done: false };
    void drainInto(s, 64 * 1024, out);
    expect(await runUntil(t.clock, () => out.done && sent.done)).toBe(true);
    expect(hex(concat(out.parts))).toBe(hex(data));
  });

  test('chunks read from the core before the first readInto() come first, split across a small buffer; read() mixes in', async () => {
    const t = await pairOf();
    const c = t.client.openStream();
    const data = pattern(50_000, 5);
    await c.write(data.subarray(0, 30_000));
    const s = await acceptOne(t);
    expect(await runUntil(t.clock, () => s.bytesRead === 0 && (s as any).buffered === 30_000)).toBe(true);
    const parts: Uint8Array[] = [];
    const small = new Uint8Array(7_000);
    for (let got = 0; got < 30_000;) {
      const n = (await s.readInto(small))!;
      expect(n).toBeGreaterThan(0);
      parts.push(small.slice(0, n));
      got += n;
    }
    void c.end(data.subarray(30_000));
    // read() on a stream that holds its data in the core still gets it (it asks the core).
    const rest = watch(s.read());
    expect(await runUntil(t.clock, () => rest.done)).toBe(true);
    parts.push(rest.value!);
    const tail = { parts: [] as Uint8Array[], reads: 0, over: 0, done: false };
    void drainInto(s, 4096, tail);
    expect(await runUntil(t.clock, () => tail.done)).toBe(true);
    expect(hex(concat([...parts, ...tail.parts]))).toBe(hex(data));
  });

  test('the connection ends while data is held in the core: everything up to the FIN stays readable', async () => {
    const t = await pairOf();
    const c = t.client.openStream();
    const data = pattern(100_000, 7); // within the stream window: all of it reaches the core unread
    void c.end(data);
    const s = await acceptOne(t);
    const buf = new Uint8Array(100);
    expect(await s.readInto(buf)).toBe(100);
    const finished = watch(c.finished);
    expect(await runUntil(t.clock, () => finished.done)).toBe(true); // all of it is in the server's core
    const serverClosed = watch(t.server.closed);
    void t.client.close();
    expect(await runUntil(t.clock, () => serverClosed.done)).toBe(true); // past draining: the core forgot the connection
    const out = { parts: [buf.slice()] as Uint8Array[], reads: 0, over: 0, done: false };
    await drainInto(s, 65_536, out);
    expect(hex(concat(out.parts))).toBe(hex(data));
  });

  test('bad buffers are refused with a typed error; a wait given up leaves the buffer untouched and loses nothing', async () => {
    const t = await pairOf();
    const c = t.client.openStream();
    await c.write('hello');
    const s = await acceptOne(t);
    await expect(s.readInto(new Uint8Array(0))).rejects.toBeInstanceOf(QuicArgumentError);
    await expect(s.readInto('abc' as any)).rejects.toMatchObject({ code: 'ERR_QUIC_INVALID_ARGUMENT' });
    const five = new Uint8Array(5);
    expect(await s.readInto(five)).toBe(5);
    const buf = new Uint8Array(8).fill(0xee);
    const gaveUp = watch(s.readInto(buf, { timeoutMs: 50 }));
    expect(await runUntil(t.clock, () => gaveUp.done)).toBe(true);
    expect(gaveUp.error).toMatchObject({ code: 'ERR_QUIC_TIMEOUT' });
    expect([...buf]).toEqual(new Array(8).fill(0xee));
    void c.end('world');
    const again = watch(s.readInto(buf));
    expect(await runUntil(t.clock, () => again.done)).toBe(true);
    expect(new TextDecoder().decode(buf.subarray(0, again.value!))).toBe('world');
    expect(await s.readInto(buf)).toBeNull();
  });
});

describe('readable with a BYOB reader', () => {
  test('fills the reader\'s buffer from the core (no read() chunks), byte-exact to the end', async () => {
    const t = await pairOf();
    const data = pattern(1_000_000, 9);
    const c = t.client.openStream();
    void c.end(data);
    const s = await acceptOne(t);
    const chunkReads = jest.spyOn(s, 'read');
    const parts: Uint8Array[] = [];
    let done = false;
    void (async () => {
      const reader = s.readable.getReader({ mode: 'byob' });
      let buf = new Uint8Array(16_384);
      for (;;) {
        const r = await reader.read(buf);
        if (r.done) break;
        parts.push(r.value.slice());
        buf = new Uint8Array(r.value.buffer); // the stream hands the buffer back
      }
      done = true;
    })();
    expect(await runUntil(t.clock, () => done)).toBe(true);
    expect(chunkReads).not.toHaveBeenCalled();
    expect(hex(concat(parts))).toBe(hex(data));
  });
});
