// Every frame type: encode with random field values, decode, compare. Plus the frame
// table of RFC 9000 §12.4 and ACK range truncation.
import fc from 'fast-check';
import { loadCoreNode } from '../../host/core/node-loader';
import { WireFrames, DecodedFrame } from '../../host/core/wire-frames';

const frames = new WireFrames(loadCoreNode('debug'));
const MAX62 = (1n << 62n) - 1n;
const vi = fc.bigInt({ min: 0n, max: MAX62 });
const small = fc.bigInt({ min: 0n, max: 1n << 40n });
const bytes = fc.uint8Array({ maxLength: 300 });
const params = { seed: 424242, numRuns: 300 };

function roundTrip(spec: Parameters<WireFrames['encode']>[0]): DecodedFrame {
  const enc = frames.encode(spec);
  if (typeof enc === 'number') throw new Error(`encode ${spec.type} failed: ${enc}`);
  const dec = frames.decode(enc);
  if (typeof dec === 'number') throw new Error(`decode ${spec.type} failed: ${dec}`);
  expect(dec.length).toBe(enc.length);
  expect(dec.type).toBe(spec.type < 0x08 || spec.type > 0x0f ? spec.type : dec.type);
  return dec;
}

describe('frame round trips', () => {
  test('PING, HANDSHAKE_DONE', () => {
    expect(roundTrip({ type: 0x01 }).type).toBe(0x01);
    expect(roundTrip({ type: 0x1e }).type).toBe(0x1e);
  });

  test('PADDING runs', () => {
    fc.assert(fc.property(fc.integer({ min: 1, max: 1500 }), (n) => {
      expect(roundTrip({ type: 0x00, a: BigInt(n) }).a).toBe(BigInt(n));
    }), params);
  });

  test('one-field frames: MAX_DATA, MAX_STREAMS, DATA_BLOCKED, STREAMS_BLOCKED, RETIRE_CONNECTION_ID', () => {
    fc.assert(fc.property(fc.constantFrom(0x10, 0x14, 0x19), vi, (type, a) => {
      expect(roundTrip({ type, a }).a).toBe(a);
    }), params);
    fc.assert(fc.property(fc.constantFrom(0x12, 0x13, 0x16, 0x17), fc.bigInt({ min: 0n, max: 1n << 60n }), (type, a) => {
      expect(roundTrip({ type, a }).a).toBe(a);
    }), params);
  });

  test('two-field frames: STOP_SENDING, MAX_STREAM_DATA, STREAM_DATA_BLOCKED', () => {
    fc.assert(fc.property(fc.constantFrom(0x05, 0x11, 0x15), vi, vi, (type, a, b) => {
      const d = roundTrip({ type, a, b });
      expect([d.a, d.b]).toEqual([a, b]);
    }), params);
  });

  test('RESET_STREAM', () => {
    fc.assert(fc.property(vi, vi, vi, (a, b, c) => {
      const d = roundTrip({ type: 0x04, a, b, c });
      expect([d.a, d.b, d.c]).toEqual([a, b, c]);
    }), params);
  });

  test('CRYPTO and NEW_TOKEN', () => {
    fc.assert(fc.property(small, bytes, (off, data) => {
      const d = roundTrip({ type: 0x06, b: off, data });
      expect(d.b).toBe(off);
      expect(d.data).toEqual(data);
    }), params);
    fc.assert(fc.property(fc.uint8Array({ minLength: 1, maxLength: 200 }), (data) => {
      expect(roundTrip({ type: 0x07, data }).data).toEqual(data);
    }), params);
  });

  test('STREAM with every flag combination', () => {
    fc.assert(fc.property(vi, small, bytes, fc.boolean(), fc.boolean(), (id, off, data, fin, withLength) => {
      const enc = frames.encode({ type: 0x08, a: id, b: off, data, fin, withLength }) as Uint8Array;
      const d = frames.decode(enc) as DecodedFrame;
      expect(d.type).toBe(0x08 | (off > 0n ? 4 : 0) | (withLength ? 2 : 0) | (fin ? 1 : 0));
      expect([d.a, d.b, d.flag]).toEqual([id, off, fin]);
      expect(d.data).toEqual(data);
      expect(d.length).toBe(enc.length);
    }), params);
  });

  test('NEW_CONNECTION_ID', () => {
    fc.assert(fc.property(vi, fc.uint8Array({ minLength: 1, maxLength: 20 }), fc.uint8Array({ minLength: 16, maxLength: 16 }), (seq, cid, token) => {
      const retire = seq / 2n;
      const d = roundTrip({ type: 0x18, a: seq, b: retire, data: Uint8Array.from([...cid, ...token]) });
      // Encoding takes the CID followed by the token in `data`; decoding splits them.
      expect([d.a, d.b]).toEqual([seq, retire]);
      expect(d.data).toEqual(cid);
      expect(d.token).toEqual(token);
    }), params);
  });

  test('PATH_CHALLENGE, PATH_RESPONSE', () => {
    fc.assert(fc.property(fc.constantFrom(0x1a, 0x1b), fc.uint8Array({ minLength: 8, maxLength: 8 }), (type, data) => {
      expect(roundTrip({ type, data }).token).toEqual(data);
    }), params);
  });

  test('CONNECTION_CLOSE, transport and application', () => {
    fc.assert(fc.property(vi, fc.bigInt({ min: 0n, max: 0x3fn }), bytes, (code, frameType, reason) => {
      const t = roundTrip({ type: 0x1c, a: code, b: frameType, data: reason });
      expect([t.a, t.b]).toEqual([code, frameType]);
      expect(t.data).toEqual(reason);
      const a = roundTrip({ type: 0x1d, a: code, data: reason });
      expect(a.a).toBe(code);
      expect(a.data).toEqual(reason);
    }), params);
  });

  test('DATAGRAM with and without Length', () => {
    fc.assert(fc.property(bytes, (data) => {
      expect(roundTrip({ type: 0x30, data }).data).toEqual(data);
      expect(roundTrip({ type: 0x31, data }).data).toEqual(data);
    }), params);
  });

  test('ACK and ACK_ECN with random ranges', () => {
    const rangesArb = fc.array(fc.tuple(fc.bigInt({ min: 0n, max: 1000n }), fc.bigInt({ min: 0n, max: 1000n })), { minLength: 1, maxLength: 40 });
    fc.assert(fc.property(fc.bigInt({ min: 0n, max: 1n << 40n }), rangesArb, fc.bigInt({ min: 0n, max: 1n << 20n }), fc.boolean(), (start, gapsLens, delay, ecn) => {
      // Build ranges upward from `start`: each [lo, hi] then a gap of at least 1 missing packet.
      const up: [bigint, bigint][] = [];
      let lo = start;
      for (const [gap, len] of gapsLens) {
        const hi = lo + len;
        up.push([lo, hi]);
        lo = hi + 2n + gap;
      }
      const ranges = up.reverse();
      const counts: [bigint, bigint, bigint] = [5n, 6n, 7n];
      const enc = frames.encodeAck(ranges, delay, ecn ? counts : undefined);
      if (typeof enc === 'number') throw new Error(`ack encode ${enc}`);
      expect(enc.rangesWritten).toBe(ranges.length);
      const d = frames.decode(enc.bytes) as DecodedFrame;
      expect(d.type).toBe(ecn ? 0x03 : 0x02);
      expect(d.a).toBe(ranges[0][1]);
      expect(d.b).toBe(delay);
      expect(d.ranges).toEqual(ranges);
      if (ecn) expect(d.ecn).toEqual(counts);
    }), params);
  });

  test('an ACK that does not fit keeps its highest ranges and stays valid', () => {
    const ranges: [bigint, bigint][] = [];
    for (let i = 200; i > 0; i--) ranges.push([BigInt(i * 10), BigInt(i * 10 + 3)]);
    const enc = frames.encodeAck(ranges, 0n, [1n, 2n, 3n], 60);
    if (typeof enc === 'number') throw new Error('ack');
    expect(enc.bytes.length).toBeLessThanOrEqual(60);
    expect(enc.rangesWritten).toBeGreaterThan(1);
    expect(enc.rangesWritten).toBeLessThan(200);
    const d = frames.decode(enc.bytes) as DecodedFrame;
    expect(d.ranges).toEqual(ranges.slice(0, enc.rangesWritten));
    expect(d.ecn).toEqual([1n, 2n, 3n]);
  });
});

describe('frame table (RFC 9000 §12.4, Table 3)', () => {
  // Pkts column: I = Initial (0), H = Handshake (2), 0 = 0-RTT (1), 1 = 1-RTT (4).
  const table: [number, string][] = [
    [0x00, 'IH01'], [0x01, 'IH01'], [0x02, 'IH_1'], [0x03, 'IH_1'], [0x04, '__01'], [0x05, '__01'], [0x06, 'IH_1'],
    [0x07, '___1'], [0x08, '__01'], [0x0f, '__01'], [0x10, '__01'], [0x11, '__01'], [0x12, '__01'], [0x13, '__01'],
    [0x14, '__01'], [0x15, '__01'], [0x16, '__01'], [0x17, '__01'], [0x18, '__01'], [0x19, '__01'], [0x1a, '__01'],
    [0x1b, '___1'], [0x1c, 'IH01'], [0x1d, '__01'], [0x1e, '___1'], [0x30, '__01'], [0x31, '__01'],
  ];
  test.each(table)('frame 0x%s allowed in %s', (type, pkts) => {
    expect(frames.allowedIn(type, 0)).toBe(pkts[0] === 'I');
    expect(frames.allowedIn(type, 2)).toBe(pkts[1] === 'H');
    expect(frames.allowedIn(type, 1)).toBe(pkts[2] === '0');
    expect(frames.allowedIn(type, 4)).toBe(pkts[3] === '1');
  });

  test('ack-eliciting frames', () => {
    for (const t of [0x00, 0x02, 0x03, 0x1c, 0x1d]) expect(frames.isAckEliciting(t)).toBe(false);
    for (const t of [0x01, 0x04, 0x06, 0x08, 0x10, 0x18, 0x1e, 0x30]) expect(frames.isAckEliciting(t)).toBe(true);
  });
});
