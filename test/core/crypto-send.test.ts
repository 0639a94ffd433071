// The CRYPTO send buffer (assembly/conn/crypto-send.ts) through the testing build: a
// run of its bytes referenced from a shared block (a server's Certificate message,
// conn/shared-flight.ts) while the rest sits in its ring. Whatever is sent, lost, sent
// again and acknowledged, every chunk carries the stream's bytes at its offset, chunks
// span the segment's edges as one flat buffer's would, and the ring holds only the
// bytes that are not the segment's.
import { testingCore } from './probe';

const { x, scratch } = testingCore();
const BASE = 0, END = 1, BUFFERED = 3, PENDING = 4, STORAGE = 5;
/** The stream's byte at offset o (so that a chunk's offset can be checked from its bytes). */
const bytes = (n: number, from: number) => Uint8Array.from({ length: n }, (_, i) => ((from + i) * 7 + 3) % 251);

function write(n: number, from: number): number { scratch().set(bytes(n, from)); return x.csWrite(n); }
function writeShared(n: number, from: number): number { scratch().set(bytes(n, from)); return x.csWriteShared(n); }
function next(max: number): [number, Uint8Array] { const n = x.csNext(max); return [x.csChunkOffset(), scratch().slice(0, n)]; }

/** A small deterministic PRNG (xorshift32). */
function rng(seed: number) { let s = seed >>> 0 || 1; return () => { s ^= s << 13; s >>>= 0; s ^= s >>> 17; s ^= s << 5; s >>>= 0; return s / 2 ** 32; }; }

/** Sends everything until all is acknowledged, losing and reordering acknowledgments at random; checks every chunk's bytes. */
function drain(rand: () => number, maxChunk: number): number {
  let chunks = 0;
  const inFlight: [number, number][] = [];
  for (let guard = 0; guard < 100_000; guard++) {
    if (x.csGet(PENDING)) {
      const [off, c] = next(1 + Math.floor(rand() * maxChunk));
      if (c.length > 0) { expect(c).toEqual(bytes(c.length, off)); inFlight.push([off, c.length]); chunks++; }
    }
    if (inFlight.length && (rand() < 0.5 || !x.csGet(PENDING))) {
      const [off, len] = inFlight.splice(Math.floor(rand() * inFlight.length), 1)[0];
      if (rand() < 0.25) x.csLost(off, len); else x.csAcked(off, len);
    }
    if (!inFlight.length && !x.csGet(PENDING)) break;
  }
  expect(x.csGet(BUFFERED)).toBe(0);
  return chunks;
}

describe('CRYPTO send buffer with a shared segment', () => {
  test('a first flight (EncryptedExtensions, Certificate shared, CertificateVerify, Finished): one chunk spans the segment; the ring holds the rest only', () => {
    x.csReset(1 << 20);
    expect(write(129, 0)).toBe(129);
    expect(writeShared(395, 129)).toBe(1);
    expect(write(79, 524)).toBe(79);
    expect(write(36, 603)).toBe(36);
    expect(x.csGet(END)).toBe(639);
    expect(x.csGet(STORAGE)).toBeLessThan(639 - 395 + 16); // the ring fits EE + CV + Finished, not the certificate
    // One packet's worth takes the whole flight in one chunk, as from a flat buffer.
    const [off, c] = next(1200);
    expect(off).toBe(0);
    expect(c).toEqual(bytes(639, 0));
    // Lost: sent again in pieces that start inside the segment and end past it.
    x.csLost(0, 639);
    const [o1, c1] = next(300);
    const [o2, c2] = next(300);
    const [o3, c3] = next(300);
    expect([o1, o2, o3]).toEqual([0, 300, 600]);
    expect(c1).toEqual(bytes(300, 0));
    expect(c2).toEqual(bytes(300, 300));
    expect(c3).toEqual(bytes(39, 600));
    // Acknowledged out of order, the middle (inside the segment) first.
    x.csAcked(300, 300);
    expect(x.csGet(BASE)).toBe(0);
    x.csAcked(0, 300);
    expect(x.csGet(BASE)).toBe(600);
    x.csAcked(600, 39);
    expect(x.csGet(BASE)).toBe(639);
    expect(x.csGet(PENDING)).toBe(0);
  });

  test('only one segment per buffer; no room, no segment; a buffer of capacity 0 (the shared empty one) takes nothing', () => {
    x.csReset(1 << 20);
    expect(writeShared(200, 0)).toBe(1);
    expect(writeShared(200, 200)).toBe(0); // the caller copies these instead
    expect(write(200, 200)).toBe(200);
    expect(x.csGet(END)).toBe(400);
    x.csReset(300);
    expect(write(200, 0)).toBe(200);
    expect(writeShared(200, 200)).toBe(0);
    x.csReset(0);
    expect(write(10, 0)).toBe(0);
    expect(writeShared(200, 0)).toBe(0);
    expect(x.csGet(END)).toBe(0);
  });

  test('random sends, losses and acknowledgments, the ring wrapping after the segment: every chunk carries its bytes', () => {
    for (let seed = 1; seed <= 20; seed++) {
      const rand = rng(seed);
      x.csReset(1 << 20);
      let end = 0;
      const before = 1 + Math.floor(rand() * 300);
      end += write(before, end);
      const seg = 128 + Math.floor(rand() * 2000);
      expect(writeShared(seg, end)).toBe(1);
      end += seg;
      end += write(1 + Math.floor(rand() * 300), end);
      drain(rand, 400);
      // Later writes (a server's NewSessionTickets, say) reuse the ring, wrapping around it.
      for (let round = 0; round < 6; round++) {
        end += write(1 + Math.floor(rand() * 500), end);
        if (rand() < 0.5) end += write(1 + Math.floor(rand() * 200), end);
        expect(x.csGet(END)).toBe(end);
        drain(rand, 300);
      }
      expect(x.csGet(STORAGE)).toBeLessThan(2048); // never the segment's bytes
    }
  });
});
