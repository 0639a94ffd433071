// The in-memory benches' integrity check (bench/upload.ts matchStream): every byte compared
// with the payload, in both read styles; one flipped byte, a missing tail or extra bytes
// make it false.
import { matchStream, type ReadStyle } from '../../bench/upload';
import type { QuicStream } from '../../host/transport/stream';

/** A stream stand-in that delivers `data` in chunks of `size` through read() and readInto(). */
function fakeStream(data: Uint8Array, size: number): QuicStream {
  let at = 0;
  return {
    async read() {
      if (at >= data.length) return null;
      const c = data.slice(at, at + size);
      at += c.length;
      return c;
    },
    async readInto(buf: Uint8Array) {
      if (at >= data.length) return null;
      const n = Math.min(size, buf.length, data.length - at);
      buf.set(data.subarray(at, at + n));
      at += n;
      return n;
    },
  } as unknown as QuicStream;
}

const payload = Uint8Array.from({ length: 300_000 }, (_, i) => (i * 13 + (i >> 9)) & 0xff);

test.each(['into', 'chunks'] as ReadStyle[])('matchStream (%s): exact copy true; a flipped byte, a short or a long stream false', async (reads) => {
  expect(await matchStream(fakeStream(payload, 7_000), payload, reads)).toBe(true);
  const flipped = payload.slice();
  flipped[123_456] ^= 1;
  expect(await matchStream(fakeStream(flipped, 7_000), payload, reads)).toBe(false);
  expect(await matchStream(fakeStream(payload.subarray(0, payload.length - 1), 7_000), payload, reads)).toBe(false);
  const longer = new Uint8Array(payload.length + 10);
  longer.set(payload);
  expect(await matchStream(fakeStream(longer, 7_000), payload, reads)).toBe(false);
});
