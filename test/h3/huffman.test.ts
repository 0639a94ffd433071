import { HUFFMAN_CODES, HUFFMAN_LENGTHS, huffmanDecode, huffmanEncode } from '../../host/h3/qpack/huffman';
import { H3Error } from '../../host/h3/errors';
import { fromHex, toHex } from '../helpers/hex';

const enc = (s: string) => new TextEncoder().encode(s);

describe('HPACK Huffman code (RFC 7541 Appendix B)', () => {
  test('the lengths form a complete prefix code (Kraft sum exactly 1)', () => {
    let sum = 0;
    for (const l of HUFFMAN_LENGTHS) sum += 2 ** -l;
    expect(sum).toBe(1);
  });

  test('codes rebuilt from the lengths match the RFC hex column', () => {
    const rfc: [number, number, number][] = [
      [0, 0x1ff8, 13], [1, 0x7fffd8, 23], [9, 0xffffea, 24], [10, 0x3ffffffc, 30], [22, 0x3ffffffe, 30],
      [32, 0x14, 6], [48, 0x0, 5], [58, 0x5c, 7], [60, 0x7ffc, 15], [92, 0x7fff0, 19], [97, 0x3, 5],
      [126, 0x1ffd, 13], [127, 0xffffffc, 28], [128, 0xfffe6, 20], [153, 0x1fffdc, 21], [192, 0x3ffffe0, 26],
      [199, 0x1ffffec, 25], [203, 0x7ffffde, 27], [220, 0xffffffd, 28], [249, 0xffffffe, 28],
      [254, 0x7fffff0, 27], [255, 0x3ffffee, 26], [256, 0x3fffffff, 30],
    ];
    for (const [sym, code, len] of rfc) expect([sym, HUFFMAN_CODES[sym], HUFFMAN_LENGTHS[sym]]).toEqual([sym, code, len]);
  });

  test.each([
    ['www.example.com', 'f1e3c2e5f23a6ba0ab90f4ff'], // C.4.1
    ['no-cache', 'a8eb10649cbf'], // C.4.2
    ['custom-key', '25a849e95ba97d7f'], // C.4.3
    ['custom-value', '25a849e95bb8e8b4bf'], // C.4.3
    ['302', '6402'], // C.6.1
    ['private', 'aec3771a4b'],
    ['Mon, 21 Oct 2013 20:13:21 GMT', 'd07abe941054d444a8200595040b8166e082a62d1bff'],
    ['https://www.example.com', '9d29ad171863c78f0b97c8e9ae82ae43d3'],
  ])('RFC 7541 Appendix C example %s', (text, hex) => {
    expect(toHex(huffmanEncode(enc(text)))).toBe(hex);
    expect(new TextDecoder().decode(huffmanDecode(fromHex(hex)))).toBe(text);
  });

  test('every byte value round-trips', () => {
    const all = Uint8Array.from({ length: 512 }, (_, i) => (i * 7) & 0xff);
    expect(huffmanDecode(huffmanEncode(all))).toEqual(all);
  });

  test('bad padding, EOS in the data and oversize output are typed errors', () => {
    const err = (f: () => unknown) => { try { f(); } catch (e) { return e; } return null; };
    // 'a' (00011) padded with zeros instead of ones.
    expect(err(() => huffmanDecode(Uint8Array.of(0x18)))).toMatchObject({ code: 'ERR_QPACK_DECOMPRESSION_FAILED', quicCode: 0x200 });
    // A whole byte of padding (more than 7 bits).
    expect(err(() => huffmanDecode(Uint8Array.of(0x1f, 0xff)))).toBeInstanceOf(H3Error);
    // EOS (30 ones) inside the string.
    expect(err(() => huffmanDecode(Uint8Array.of(0xff, 0xff, 0xff, 0xff)))).toBeInstanceOf(H3Error);
    expect(err(() => huffmanDecode(huffmanEncode(enc('0123456789')), 5))).toBeInstanceOf(H3Error);
  });
});
