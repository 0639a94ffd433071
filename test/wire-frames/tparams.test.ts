// Transport parameters (RFC 9000 §18): round trips and every validation rule of §18.2.
import fc from 'fast-check';
import { loadCoreNode } from '../../host/core/node-loader';
import { WireFrames, TransportParameters } from '../../host/core/wire-frames';
import { fromHex } from '../helpers/hex';

const frames = new WireFrames(loadCoreNode('debug'));
const TPE = -0x08;

function param(id: number, body: Uint8Array): Uint8Array {
  const enc = (v: number) => (v < 0x40 ? [v] : [0x40 | (v >> 8), v & 0xff]);
  return Uint8Array.from([...enc(id), ...enc(body.length), ...body]);
}
const cat = (...parts: Uint8Array[]) => Uint8Array.from(parts.flatMap((p) => [...p]));

describe('transport parameters', () => {
  test('round trip of every known parameter with random values', () => {
    const vi = (max: bigint) => fc.bigInt({ min: 0n, max });
    fc.assert(fc.property(
      fc.record({
        maxIdleTimeout: vi((1n << 62n) - 1n), maxUdpPayloadSize: fc.bigInt({ min: 1200n, max: 65527n }),
        initialMaxData: vi((1n << 62n) - 1n), initialMaxStreamDataBidiLocal: vi(1n << 40n), initialMaxStreamDataBidiRemote: vi(1n << 40n),
        initialMaxStreamDataUni: vi(1n << 40n), initialMaxStreamsBidi: vi(1n << 60n), initialMaxStreamsUni: vi(1n << 60n),
        ackDelayExponent: vi(20n), maxAckDelay: vi(16383n), disableActiveMigration: fc.constant(true),
        activeConnectionIdLimit: fc.bigInt({ min: 2n, max: 1000n }), initialSourceConnectionId: fc.uint8Array({ maxLength: 20 }),
        originalDestinationConnectionId: fc.uint8Array({ maxLength: 20 }), retrySourceConnectionId: fc.uint8Array({ maxLength: 20 }),
        statelessResetToken: fc.uint8Array({ minLength: 16, maxLength: 16 }), maxDatagramFrameSize: vi(65535n),
      }, { requiredKeys: [] }),
      (tp: TransportParameters) => {
        const bytes = frames.encodeTransportParameters(tp);
        expect(frames.decodeTransportParameters(bytes, true)).toEqual(tp);
      }), { seed: 99, numRuns: 300 });
  });

  test('unknown parameters are skipped (§7.4.2), including reserved grease ids', () => {
    const bytes = cat(param(0x04, fromHex('4400')), param(31 * 5 + 27, fromHex('0102')), param(0x3fff, new Uint8Array(0)));
    expect(frames.decodeTransportParameters(bytes, false)).toEqual({ initialMaxData: 0x400n });
  });

  const bad: [string, Uint8Array, boolean][] = [
    ['a duplicate parameter', cat(param(0x04, fromHex('01')), param(0x04, fromHex('02'))), false],
    ['max_udp_payload_size below 1200', param(0x03, fromHex('44af')), false],
    ['ack_delay_exponent above 20', param(0x0a, fromHex('15')), false],
    ['max_ack_delay of 2^14', param(0x0b, fromHex('8000' + '4000')), false],
    ['active_connection_id_limit below 2', param(0x0e, fromHex('01')), false],
    ['initial_max_streams_bidi above 2^60', param(0x08, fromHex('d000000000000001')), false],
    ['an integer whose varint does not fill the body', param(0x04, fromHex('0100')), false],
    ['an empty integer body', param(0x04, new Uint8Array(0)), false],
    ['a stateless reset token of 15 bytes', param(0x02, new Uint8Array(15)), true],
    ['a connection ID of 21 bytes', param(0x0f, new Uint8Array(21)), false],
    ['disable_active_migration with a body', param(0x0c, fromHex('01')), false],
    ['a preferred address with a zero-length CID', param(0x0d, new Uint8Array(41)), true],
    ['original_destination_connection_id from a client', param(0x00, new Uint8Array(8)), false],
    ['stateless_reset_token from a client', param(0x02, new Uint8Array(16)), false],
    ['retry_source_connection_id from a client', param(0x10, new Uint8Array(8)), false],
    ['preferred_address from a client', param(0x0d, cat(new Uint8Array(24), Uint8Array.of(4), new Uint8Array(20))), false],
    ['a length past the end', fromHex('0405'), false],
    ['a truncated id', fromHex('40'), false],
  ];
  test.each(bad)('%s is a TRANSPORT_PARAMETER_ERROR', (_name, bytes, fromServer) => {
    expect(frames.decodeTransportParameters(bytes, fromServer)).toBe(TPE);
  });

  test('server-only parameters are accepted from a server', () => {
    const pa = cat(new Uint8Array(24), Uint8Array.of(4), fromHex('01020304'), new Uint8Array(16));
    const tp = frames.decodeTransportParameters(cat(param(0x00, fromHex('0102')), param(0x02, new Uint8Array(16)), param(0x0d, pa), param(0x10, fromHex('03'))), true) as TransportParameters;
    expect(tp.originalDestinationConnectionId).toEqual(fromHex('0102'));
    expect(tp.preferredAddress).toEqual(pa);
    expect(tp.retrySourceConnectionId).toEqual(fromHex('03'));
  });

  test('every prefix of valid parameters gives a defined result', () => {
    const bytes = frames.encodeTransportParameters({ initialMaxData: 1n << 40n, initialSourceConnectionId: new Uint8Array(8), maxIdleTimeout: 30000n });
    for (let n = 0; n <= bytes.length; n++) {
      const r = frames.decodeTransportParameters(bytes.subarray(0, n), false);
      if (typeof r === 'number') expect(r).toBe(TPE);
    }
  });
});
