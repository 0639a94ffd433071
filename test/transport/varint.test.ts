// The host's varint codec (RFC 9000 §16): the four lengths round-trip, and what no varint
// holds is refused rather than written as garbage (-1 had come out as 0xff).
import { readVarint, varint, varintLength } from '../../host/transport/varint';

test('each length round-trips at its bounds', () => {
  for (const v of [0, 63, 64, 16383, 16384, 2 ** 30 - 1, 2 ** 30, 2 ** 53 - 1]) {
    const b = varint(v);
    expect(b.length).toBe(varintLength(v));
    expect(readVarint(b, 0)).toEqual([v, b.length]);
  }
  expect(Buffer.from(varint(2 ** 30)).toString('hex')).toBe('c000000040000000');
});

test('negative, fractional, too large or non-numbers are a RangeError', () => {
  for (const bad of [-1, 1.5, 2 ** 62, NaN, Infinity, '64' as never]) expect(() => varint(bad)).toThrow(RangeError);
});
