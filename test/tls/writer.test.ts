// The TLS message Writer (host/tls/bytes.ts): length-prefixed vectors written in place
// (with8/16/24 backpatch their length), nested to any depth, and a vector too long for
// its length field refused, never truncated.
import { Writer } from '../../host/tls/bytes';

const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');

describe('Writer', () => {
  test('nested length-prefixed vectors: the bytes RFC 9846 §3.4 prescribes', () => {
    const w = new Writer().u16(0x0303).with16((a) => a.u8(1).with8((b) => b.u16(0xabcd)).with24((c) => c.vec16(Uint8Array.of(9, 8, 7))));
    // 0303 | len16=000c (1 + 3 + 3 + 5) | 01 | len8=02 abcd | len24=000005 | 0003 090807
    expect(hex(w.finish())).toBe('0303' + '000c' + '01' + '02abcd' + '000005' + '0003090807');
  });

  test('contents longer than the first buffer (256 bytes) grow it without losing the length slot', () => {
    const big = new Uint8Array(1000).map((_, i) => i & 0xff);
    const out = new Writer().u8(0xee).with16((a) => a.bytes(big).with8((b) => b.u8(1))).finish();
    expect(out.length).toBe(1 + 2 + 1000 + 2);
    expect(out[0]).toBe(0xee);
    expect((out[1] << 8) | out[2]).toBe(1002);
    expect(hex(out.subarray(3, 1003))).toBe(hex(big));
    expect(hex(out.subarray(1003))).toBe('0101');
  });

  test('an empty vector has a zero length', () => {
    expect(hex(new Writer().with8(() => undefined).with16(() => undefined).with24(() => undefined).finish())).toBe('00' + '0000' + '000000');
  });

  test('a vector longer than its length field is a RangeError, not a truncated length', () => {
    expect(() => new Writer().vec8(new Uint8Array(256))).toThrow(RangeError);
    expect(() => new Writer().with8((w) => w.bytes(new Uint8Array(256)))).toThrow(RangeError);
    expect(() => new Writer().vec16(new Uint8Array(65_536))).toThrow(RangeError);
    expect(hex(new Writer().vec8(new Uint8Array(255)).finish().subarray(0, 1))).toBe('ff');
  });
});
