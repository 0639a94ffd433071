import { QpackDecoder } from '../../host/h3/qpack/decoder';
import { encodeFieldSection } from '../../host/h3/qpack/encoder';
import { QpackReader, QpackWriter } from '../../host/h3/qpack/primitives';
import { STATIC_TABLE } from '../../host/h3/qpack/static-table';
import { fromHex, toHex } from '../helpers/hex';

const code = async (p: Promise<unknown> | (() => unknown)) => {
  try { await (typeof p === 'function' ? p() : p); } catch (e) { return (e as { code?: string }).code; }
  return 'no error';
};

describe('QPACK primitives', () => {
  test('prefixed integers (RFC 7541 C.1)', () => {
    expect(toHex(new QpackWriter().int(10, 5).finish())).toBe('0a');
    expect(toHex(new QpackWriter().int(1337, 5).finish())).toBe('1f9a0a');
    expect(new QpackReader(fromHex('1f9a0a')).int(5)).toBe(1337);
    expect(new QpackReader(fromHex('ff808001')).int(8)).toBe(255 + 128 * 128);
  });
  test('integer overflow is QPACK_DECOMPRESSION_FAILED', async () => {
    expect(await code(() => new QpackReader(fromHex('ffffffffffffffffffff7f')).int(8))).toBe('ERR_QPACK_DECOMPRESSION_FAILED');
  });
  test('static table has the 99 entries of Appendix A', () => {
    expect(STATIC_TABLE).toHaveLength(99);
    expect(STATIC_TABLE[0]).toEqual([':authority', '']);
    expect(STATIC_TABLE[25]).toEqual([':status', '200']);
    expect(STATIC_TABLE[98]).toEqual(['x-frame-options', 'sameorigin']);
  });
});

describe('QPACK decoder: RFC 9204 Appendix B, in order', () => {
  test('B.1 to B.5', async () => {
    const d = new QpackDecoder({ maxTableCapacity: 220, maxBlockedStreams: 4 });
    // B.1: literal with static name reference.
    expect(await d.decode(0, fromHex('0000510b2f696e6465782e68746d6c'))).toEqual([[':path', '/index.html']]);
    expect(toHex(d.takeDecoderStreamBytes())).toBe('');
    // B.2: dynamic table.
    d.encoderStreamData(fromHex('3fbd01c00f7777772e6578616d706c652e636f6dc10c2f73616d706c652f70617468'));
    expect(d.table.currentSize).toBe(106);
    expect(await d.decode(4, fromHex('03811011'))).toEqual([[':authority', 'www.example.com'], [':path', '/sample/path']]);
    expect(toHex(d.takeDecoderStreamBytes())).toBe('84');
    // B.3: speculative insert, acknowledged by an Insert Count Increment.
    d.encoderStreamData(fromHex('4a637573746f6d2d6b65790c637573746f6d2d76616c7565'));
    expect(toHex(d.takeDecoderStreamBytes())).toBe('01');
    // B.4: the field section arrives before the Duplicate: it blocks; then cancelled.
    const blocked = d.decode(8, fromHex('050080c181'));
    await Promise.resolve();
    expect(d.blockedStreams).toBe(1);
    d.cancelStream(8);
    expect(await code(blocked)).toBe('ERR_H3_REQUEST_CANCELLED');
    expect(toHex(d.takeDecoderStreamBytes())).toBe('48');
    // The Duplicate arrives later; then the same section decodes (had it not been cancelled).
    d.encoderStreamData(fromHex('02'));
    expect(d.table.currentSize).toBe(217);
    expect(await d.decode(8, fromHex('050080c181'))).toEqual([[':authority', 'www.example.com'], [':path', '/'], ['custom-key', 'custom-value']]);
    expect(toHex(d.takeDecoderStreamBytes())).toBe('88');
    // B.5: insert with dynamic name reference evicts entry 0.
    d.encoderStreamData(fromHex('810d637573746f6d2d76616c756532'));
    expect(d.table.currentSize).toBe(215);
    expect(await code(() => d.table.get(0, 'QPACK_DECOMPRESSION_FAILED'))).toBe('ERR_QPACK_DECOMPRESSION_FAILED');
    expect(d.table.get(4, 'QPACK_DECOMPRESSION_FAILED')).toBeDefined();
  });

  test('a blocked section resumes when the inserts arrive, in split chunks', async () => {
    const d = new QpackDecoder({ maxTableCapacity: 220, maxBlockedStreams: 1 });
    const p = d.decode(4, fromHex('03811011'));
    const enc = fromHex('3fbd01c00f7777772e6578616d706c652e636f6dc10c2f73616d706c652f70617468');
    for (let i = 0; i < enc.length; i += 5) d.encoderStreamData(enc.subarray(i, i + 5));
    expect(await p).toEqual([[':authority', 'www.example.com'], [':path', '/sample/path']]);
  });

  test('limits: blocked streams, capacity, references, sizes', async () => {
    const d = new QpackDecoder({ maxTableCapacity: 220, maxBlockedStreams: 1, maxFieldSectionSize: 100 });
    void d.decode(4, fromHex('03811011')).catch(() => undefined);
    expect(await code(d.decode(8, fromHex('03811011')))).toBe('ERR_QPACK_DECOMPRESSION_FAILED');
    expect(await code(() => d.encoderStreamData(fromHex('3fbe01')))).toBe('ERR_QPACK_ENCODER_STREAM_ERROR'); // capacity 221 > 220
    const e = new QpackDecoder({ maxTableCapacity: 0, maxBlockedStreams: 0, maxFieldSectionSize: 100 });
    expect(await code(e.decode(0, fromHex('0381')))).toBe('ERR_QPACK_DECOMPRESSION_FAILED'); // RIC with no table
    expect(await code(e.decode(0, fromHex('0000ff7f')))).toBe('ERR_QPACK_DECOMPRESSION_FAILED'); // static index 190
    expect(await code(e.decode(0, fromHex('000080')))).toBe('ERR_QPACK_DECOMPRESSION_FAILED'); // dynamic ref, RIC 0
    expect(await code(e.decode(0, fromHex('00')))).toBe('ERR_QPACK_DECOMPRESSION_FAILED'); // truncated prefix
    expect(await code(e.decode(0, fromHex('0000517f')))).toBe('ERR_QPACK_DECOMPRESSION_FAILED'); // truncated string
    const big = encodeFieldSection([['x-big', 'a'.repeat(200)]]);
    expect(await code(e.decode(0, big))).toBe('ERR_H3_EXCESSIVE_LOAD');
    expect(await code(() => e.encoderStreamData(fromHex('20')))).toBe('no error'); // capacity 0 is allowed
    expect(await code(() => e.encoderStreamData(fromHex('41610161')))).toBe('ERR_QPACK_ENCODER_STREAM_ERROR');
  });
});

describe('QPACK encoder (static table + literals)', () => {
  test('round-trips through the decoder and uses the static table', async () => {
    const lines: [string, string][] = [[':method', 'GET'], [':scheme', 'https'], [':authority', 'example.org'], [':path', '/x?y=1'], ['user-agent', 'quicwasm'], ['x-custom', 'Ünïcode bytes \u00ff'], ['empty', '']];
    const section = encodeFieldSection(lines);
    expect(toHex(section.subarray(0, 4))).toBe('0000d1d7'); // RIC 0, base 0, :method GET (17), :scheme https (23)
    const d = new QpackDecoder({ maxTableCapacity: 0, maxBlockedStreams: 0 });
    expect(await d.decode(0, section)).toEqual(lines);
  });
});
