// The RFC vectors (test/vectors/*.json) through the compiled core, release and debug.
import { loadCoreNode } from '../../host/core/node-loader';
import { WirePackets, ParsedHeader } from '../../host/core/wire-packets';
import { fromHex, toHex } from '../helpers/hex';
import varints from '../vectors/rfc9000-varints.json';
import pns from '../vectors/rfc9000-packet-numbers.json';
import v1 from '../vectors/rfc9001-headers.json';
import v2 from '../vectors/rfc9369-headers.json';

for (const build of ['release', 'debug'] as const) {
  describe(`wire vectors (${build})`, () => {
    const wire = new WirePackets(loadCoreNode(build));

    test.each(varints.vectors)('varint $hex = $value (RFC 9000 A.1)', ({ hex, value }) => {
      const r = wire.varintDecode(fromHex(hex));
      expect(r).toEqual({ value: BigInt(value), length: hex.length / 2 });
    });

    test('varints encode in their shortest form', () => {
      for (const { hex, value } of varints.vectors.filter((v) => !v.note)) {
        expect(toHex(wire.varintEncode(BigInt(value)) as Uint8Array)).toBe(hex);
      }
      expect(wire.varintEncode(1n << 62n)).toBe(-0x07);
    });

    test.each(pns.encode)('packet number $fullPn with largest acked $largestAcked takes $bytes bytes (A.2)', ({ fullPn, largestAcked, bytes }) => {
      expect(wire.pnEncodeLength(BigInt(fullPn), BigInt(largestAcked))).toBe(bytes);
    });

    test.each(pns.decode)('truncated $truncated after $largestPn decodes to $expected (A.3)', ({ largestPn, truncated, nbits, expected }) => {
      expect(wire.pnDecode(BigInt(largestPn), BigInt(truncated), nbits)).toBe(BigInt(expected));
    });

    for (const set of [v1, v2]) {
      test.each(set.headers)('$name parses to its fields', (v) => {
        // The vectors give headers only: add the payload the Length field announces.
        const header = fromHex(v.hex);
        const bytes = new Uint8Array(header.length + Math.max(0, v.length - v.pnLength));
        bytes.set(header);
        const h = wire.parseHeader(bytes, v.localCidLen) as ParsedHeader;
        expect(typeof h).toBe('object');
        expect(h.type).toBe(v.type);
        expect(h.version).toBe(v.version);
        expect(toHex(h.dcid)).toBe(v.dcid);
        expect(toHex(h.scid)).toBe(v.scid);
        expect(toHex(h.token)).toBe(v.token);
        expect(h.length).toBe(v.length);
        expect(h.pnOffset).toBe(v.pnOffset);
        expect(h.packetLength).toBe(bytes.length);
        // The unprotected first byte carries the pn length; the pn follows at pnOffset.
        const pnLength = (h.firstByte & 3) + 1;
        expect(pnLength).toBe(v.pnLength);
        let truncated = 0n;
        for (let i = 0; i < pnLength; i++) truncated = (truncated << 8n) | BigInt(bytes[h.pnOffset + i]);
        const largest = 'largestPn' in v ? BigInt((v as { largestPn: number }).largestPn) : -1n;
        expect(wire.pnDecode(largest, truncated, pnLength * 8)).toBe(BigInt(v.pn));
      });

      test.each(set.headers.filter((h) => h.type === 0))('$name is rebuilt byte for byte', (v) => {
        const built = wire.buildLongHeader({
          type: v.type, version: v.version, dcid: fromHex(v.dcid), scid: fromHex(v.scid), token: fromHex(v.token),
          pn: BigInt(v.pn), pnLength: v.pnLength, payloadLength: v.length - v.pnLength,
        });
        expect(typeof built).toBe('object');
        expect(toHex((built as { bytes: Uint8Array }).bytes)).toBe(v.hex);
      });

      test.each(set.retry)('$name parses, and rebuilds without its tag', (v) => {
        const r = wire.parseRetry(fromHex(v.hex));
        expect(r).toEqual({ version: v.version, dcid: fromHex(v.dcid), scid: fromHex(v.scid), token: fromHex(v.token), tag: fromHex(v.tag) });
        const bytes = fromHex(v.hex);
        const rebuilt = wire.buildRetry({ version: v.version, dcid: fromHex(v.dcid), scid: fromHex(v.scid), token: fromHex(v.token), unused: bytes[0] & 0x0f });
        expect(toHex(rebuilt as Uint8Array)).toBe(v.hex.slice(0, v.hex.length - 32));
      });
    }

    test('the RFC 9001 A.5 short header builds byte for byte', () => {
      expect(toHex(wire.buildShortHeader({ dcid: new Uint8Array(0), pn: 654360564n, pnLength: 3, keyPhase: 0 }) as Uint8Array)).toBe('4200bff4');
    });

    test('routing the client Initials gives their DCID, version and Initial flag', () => {
      for (const v of [v1.headers[0], v2.headers[0]]) {
        // The router reads only the invariant fields: the header alone is enough.
        expect(wire.routeDatagram(fromHex(v.hex), 8)).toEqual({ dcid: fromHex(v.dcid), version: v.version, isInitial: true, isLong: true });
      }
      expect(wire.routeDatagram(fromHex(v1.retry[0].hex), 8)).toMatchObject({ isInitial: false, isLong: true });
      expect(wire.routeDatagram(fromHex('41' + '0102030405060708' + '00'), 8)).toEqual({ dcid: fromHex('0102030405060708'), version: 0, isInitial: false, isLong: false });
    });
  });
}
