// Every parser, given every prefix of valid input, returns a defined negative code or a
// length within the prefix — never a trap (STYLE.md point 15).
import { loadCoreNode } from '../../host/core/node-loader';
import { WirePackets, PacketType } from '../../host/core/wire-packets';
import { fromHex } from '../helpers/hex';

const wire = new WirePackets(loadCoreNode('debug'));
const DEFINED = new Set([-0x07, -0x0a, -0x10001]);

function samples(): { name: string; bytes: Uint8Array }[] {
  const dcid = Uint8Array.from([9, 8, 7, 6, 5, 4, 3, 2]);
  const out: { name: string; bytes: Uint8Array }[] = [];
  for (const type of [PacketType.Initial, PacketType.ZeroRtt, PacketType.Handshake]) {
    const b = wire.buildLongHeader({ type, version: 1, dcid, scid: dcid, token: type === 0 ? Uint8Array.of(1, 2, 3) : undefined, pn: 7n, pnLength: 2, payloadLength: 30 });
    if (typeof b === 'number') throw new Error('build');
    const p = new Uint8Array(b.bytes.length + 30);
    p.set(b.bytes);
    out.push({ name: `long type ${type}`, bytes: p });
  }
  out.push({ name: 'retry', bytes: fromHex('ff000000010008f067a5502a4262b5746f6b656e04a265ba2eff4d829058fb3f0f2496ba') });
  out.push({ name: 'version negotiation', bytes: wire.buildVersionNegotiation(dcid, dcid, [1, 2]) as Uint8Array });
  out.push({ name: 'short', bytes: Uint8Array.from([0x41, ...dcid, 1, 2, 3]) });
  return out;
}

describe('truncated input', () => {
  for (const { name, bytes } of samples()) {
    test(`${name}: every prefix gives a defined result`, () => {
      for (let n = 0; n <= bytes.length; n++) {
        const prefix = bytes.slice(0, n);
        const h = wire.parseHeader(prefix, 8);
        if (typeof h === 'number') expect(DEFINED.has(h)).toBe(true);
        else {
          expect(h.packetLength).toBeGreaterThan(0);
          expect(h.packetLength).toBeLessThanOrEqual(n);
        }
        const s = wire.splitDatagram(prefix, 8);
        expect(s.consumed).toBeLessThanOrEqual(n);
        const r = wire.routeDatagram(prefix, 8);
        if (typeof r === 'number') expect(r).toBe(-0x0a);
        const v = wire.parseVersionNegotiation(prefix);
        if (typeof v === 'number') expect(DEFINED.has(v)).toBe(true);
        const t = wire.parseRetry(prefix);
        if (typeof t === 'number') expect(DEFINED.has(t)).toBe(true);
      }
      // The whole packet parses.
      expect(typeof wire.parseHeader(bytes, 8)).toBe('object');
    });
  }

  test('a fixed bit of 0 drops the packet', () => {
    expect(wire.parseHeader(Uint8Array.from([0x01, 1, 2, 3, 4, 5, 6, 7, 8, 9]), 8)).toBe(-0x10001);
  });

  test('an unknown version parses its invariants only (for Version Negotiation)', () => {
    const p = fromHex('c0' + '1a2a3a4a' + '04' + '01020304' + '02' + 'aabb' + 'ffffffffffff');
    expect(wire.parseHeader(p, 8)).toMatchObject({ type: PacketType.UnknownVersion, version: 0x1a2a3a4a, dcid: fromHex('01020304'), scid: fromHex('aabb'), packetLength: p.length });
    expect(wire.routeDatagram(p, 8)).toMatchObject({ isInitial: false, version: 0x1a2a3a4a });
  });

  test('a v1 connection ID longer than 20 bytes is a protocol violation', () => {
    const p = new Uint8Array(60);
    p.set(fromHex('c000000001' + '15'));
    expect(wire.parseHeader(p, 8)).toBe(-0x0a);
  });
});
