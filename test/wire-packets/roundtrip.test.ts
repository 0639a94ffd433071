// Property tests: build then parse gives the fields back, for every header form and
// random field values; packet numbers survive encode/decode across the whole window.
import fc from 'fast-check';
import { loadCoreNode } from '../../host/core/node-loader';
import { WirePackets, ParsedHeader, PacketType } from '../../host/core/wire-packets';

const wire = new WirePackets(loadCoreNode('debug'));
const V1 = 1, V2 = 0x6b3343cf;
const cid = fc.uint8Array({ minLength: 0, maxLength: 20 });
const params = { seed: 20261125, numRuns: 400 };

describe('header round trips', () => {
  test('long headers (Initial, 0-RTT, Handshake) in v1 and v2', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(PacketType.Initial, PacketType.ZeroRtt, PacketType.Handshake),
        fc.constantFrom(V1, V2), cid, cid, fc.uint8Array({ maxLength: 300 }),
        fc.bigInt({ min: 0n, max: (1n << 32n) - 1n }), fc.integer({ min: 1, max: 4 }), fc.integer({ min: 0, max: 2000 }),
        (type, version, dcid, scid, token, pn, pnLength, payload) => {
          const tok = type === PacketType.Initial ? token : new Uint8Array(0);
          const b = wire.buildLongHeader({ type, version, dcid, scid, token: tok, pn, pnLength, payloadLength: payload });
          if (typeof b === 'number') throw new Error(`build failed ${b}`);
          const packet = new Uint8Array(b.bytes.length + payload);
          packet.set(b.bytes);
          const h = wire.parseHeader(packet, 8) as ParsedHeader;
          expect(h.type).toBe(type);
          expect(h.version).toBe(version);
          expect(h.dcid).toEqual(dcid);
          expect(h.scid).toEqual(scid);
          expect(h.token).toEqual(tok);
          expect(h.length).toBe(pnLength + payload);
          expect(h.pnOffset).toBe(b.pnOffset);
          expect(h.packetLength).toBe(packet.length);
          expect((h.firstByte & 3) + 1).toBe(pnLength);
          let truncated = 0n;
          for (let i = 0; i < pnLength; i++) truncated = (truncated << 8n) | BigInt(packet[h.pnOffset + i]);
          expect(truncated).toBe(pn & ((1n << BigInt(8 * pnLength)) - 1n));
        },
      ),
      params,
    );
  });

  test('short headers with spin and key phase bits', () => {
    fc.assert(
      fc.property(cid, fc.bigInt({ min: 0n, max: (1n << 32n) - 1n }), fc.integer({ min: 1, max: 4 }), fc.integer({ min: 0, max: 1 }), fc.integer({ min: 0, max: 1 }),
        (dcid, pn, pnLength, keyPhase, spin) => {
          const b = wire.buildShortHeader({ dcid, pn, pnLength, keyPhase, spin }) as Uint8Array;
          const packet = new Uint8Array(b.length + 20);
          packet.set(b);
          const h = wire.parseHeader(packet, dcid.length) as ParsedHeader;
          expect(h.type).toBe(PacketType.OneRtt);
          expect(h.dcid).toEqual(dcid);
          expect(h.pnOffset).toBe(1 + dcid.length);
          expect((h.firstByte >> 2) & 1).toBe(keyPhase);
          expect((h.firstByte >> 5) & 1).toBe(spin);
          expect(h.packetLength).toBe(packet.length);
        }),
      params,
    );
  });

  test('Retry', () => {
    fc.assert(
      fc.property(fc.constantFrom(V1, V2), cid, cid, fc.uint8Array({ minLength: 1, maxLength: 200 }), fc.uint8Array({ minLength: 16, maxLength: 16 }),
        (version, dcid, scid, token, tag) => {
          const b = wire.buildRetry({ version, dcid, scid, token }) as Uint8Array;
          const packet = new Uint8Array(b.length + 16);
          packet.set(b);
          packet.set(tag, b.length);
          expect(wire.parseRetry(packet)).toEqual({ version, dcid, scid, token, tag });
        }),
      params,
    );
  });

  test('Version Negotiation, with connection IDs up to 255 bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 255 }), fc.uint8Array({ maxLength: 255 }), fc.array(fc.integer({ min: 1, max: 0xffffffff }), { minLength: 1, maxLength: 10 }),
        (dcid, scid, versions) => {
          const b = wire.buildVersionNegotiation(dcid, scid, versions, 0x55) as Uint8Array;
          const r = wire.parseVersionNegotiation(b);
          // The answer swaps the connection IDs (RFC 9000 §17.2.1).
          expect(r).toEqual({ dcid: scid, scid: dcid, versions });
          expect(wire.parseHeader(b, 8)).toMatchObject({ type: PacketType.VersionNegotiation, version: 0 });
        }),
      params,
    );
  });
});

describe('varint and packet number round trips', () => {
  test('varints', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: 0n, max: (1n << 62n) - 1n }), (v) => {
        const enc = wire.varintEncode(v) as Uint8Array;
        expect(wire.varintDecode(enc)).toEqual({ value: v, length: enc.length });
      }),
      { seed: 7, numRuns: 2000 },
    );
  });

  test('pn encode then decode gives the original for every largest acked in the window', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: 0n, max: (1n << 40n) }), fc.bigInt({ min: 0n, max: (1n << 30n) }), fc.bigInt({ min: 0n, max: 1n << 20n }),
        (largestAcked, ahead, received) => {
          const full = largestAcked + 1n + ahead;
          const len = wire.pnEncodeLength(full, largestAcked);
          const truncated = full & ((1n << BigInt(8 * len)) - 1n);
          // The receiver has seen anything between largestAcked and full - 1.
          const largestReceived = largestAcked + (received % (full - largestAcked));
          expect(wire.pnDecode(largestReceived, truncated, 8 * len)).toBe(full);
        }),
      { seed: 11, numRuns: 3000 },
    );
  });

  test('nothing acknowledged yet', () => {
    expect(wire.pnEncodeLength(0n, -1n)).toBe(1);
    expect(wire.pnEncodeLength(200n, -1n)).toBe(2);
    expect(wire.pnDecode(-1n, 0n, 8)).toBe(0n);
  });
});

describe('coalesced datagrams', () => {
  test('Initial + Handshake + 1-RTT split at the right places', () => {
    const dcid = Uint8Array.from([1, 2, 3, 4, 5, 6, 7, 8]);
    const parts: Uint8Array[] = [];
    for (const [type, payload] of [[PacketType.Initial, 50], [PacketType.Handshake, 70]] as const) {
      const b = wire.buildLongHeader({ type, version: V1, dcid, scid: dcid, pn: 1n, pnLength: 2, payloadLength: payload });
      if (typeof b === 'number') throw new Error('build');
      const p = new Uint8Array(b.bytes.length + payload);
      p.set(b.bytes);
      parts.push(p);
    }
    const short = wire.buildShortHeader({ dcid, pn: 5n, pnLength: 1 }) as Uint8Array;
    const tail = new Uint8Array(short.length + 40);
    tail.set(short);
    parts.push(tail);
    const dgram = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
    let o = 0;
    const expected = parts.map((p) => { const r = { offset: o, length: p.length }; dgram.set(p, o); o += p.length; return r; });
    expect(wire.splitDatagram(dgram, 8)).toEqual({ packets: expected, consumed: dgram.length, stopCode: 0 });

    // Corrupt the second packet's Length so it runs past the end: the first packet stays usable.
    const bad = dgram.slice();
    const lenOff = expected[1].offset + 1 + 4 + 1 + 8 + 1 + 8;
    bad[lenOff] = 0x7f; bad[lenOff + 1] = 0xff;
    const r = wire.splitDatagram(bad, 8);
    expect(r.packets).toEqual([expected[0]]);
    expect(r.consumed).toBe(expected[0].length);
    expect(r.stopCode).toBe(0x0a);
  });
});
