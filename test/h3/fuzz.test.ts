// Hostile input to the HTTP/3 and QPACK parsers: random and mutated bytes end in a
// typed H3Error (or a valid result), never another exception, a hang or unbounded memory.
import fc from 'fast-check';
import { QpackDecoder } from '../../host/h3/qpack/decoder';
import { encodeFieldSection } from '../../host/h3/qpack/encoder';
import { huffmanDecode } from '../../host/h3/qpack/huffman';
import { decodeSettings, decodeGoaway } from '../../host/h3/frames';
import { H3Error } from '../../host/h3/errors';
import { fromHex } from '../helpers/hex';

const typed = async (f: () => unknown) => {
  try { await f(); } catch (e) {
    if (!(e instanceof H3Error)) throw e;
  }
};
const bytes = fc.uint8Array({ maxLength: 300 });
const sample = encodeFieldSection([[':method', 'GET'], [':path', '/index.html'], ['user-agent', 'fuzz'], ['x-a', 'b'.repeat(40)]]);
const mutated = fc.tuple(fc.array(fc.tuple(fc.nat(sample.length - 1), fc.integer({ min: 0, max: 255 })), { maxLength: 4 }), fc.nat(sample.length)).map(([edits, cut]) => {
  const b = sample.slice(0, Math.max(2, cut));
  for (const [i, v] of edits) if (i < b.length) b[i] = v;
  return b;
});

test('field sections: random and mutated input → a result or an H3Error', async () => {
  await fc.assert(fc.asyncProperty(fc.oneof(bytes, mutated), async (b) => {
    const d = new QpackDecoder({ maxTableCapacity: 4096, maxBlockedStreams: 0, maxFieldSectionSize: 4096 });
    await typed(() => d.decode(0, b));
  }), { numRuns: 3000 });
});

test('encoder stream: random input → an H3Error or inserts within the capacity', async () => {
  const prefix = fromHex('3fe11f'); // capacity 4096
  await fc.assert(fc.asyncProperty(bytes, async (b) => {
    const d = new QpackDecoder({ maxTableCapacity: 4096, maxBlockedStreams: 4 });
    await typed(() => { d.encoderStreamData(prefix); d.encoderStreamData(b); });
    expect(d.table.currentSize).toBeLessThanOrEqual(4096);
  }), { numRuns: 3000 });
});

test('Huffman, SETTINGS and GOAWAY payloads: random input → a result or an H3Error', async () => {
  await fc.assert(fc.asyncProperty(bytes, async (b) => {
    await typed(() => huffmanDecode(b, 1000));
    await typed(() => decodeSettings(b));
    await typed(() => decodeGoaway(b));
  }), { numRuns: 3000 });
});

test('a huge declared string length is refused before its bytes arrive', async () => {
  const d = new QpackDecoder({ maxTableCapacity: 4096, maxBlockedStreams: 0 });
  // Insert with literal name whose length claims 2^40 bytes.
  await expect((async () => d.encoderStreamData(fromHex('3fe11f' + '5f' + 'ffffffffff1f')))()).rejects.toMatchObject({ code: 'ERR_QPACK_ENCODER_STREAM_ERROR' });
});
