// RFC 9001 Appendix A payloads and the transport parameters inside A.2's ClientHello,
// decoded through the compiled core (release and debug).
import { loadCoreNode } from '../../host/core/node-loader';
import { WireFrames, DecodedFrame, TransportParameters } from '../../host/core/wire-frames';
import { fromHex, toHex } from '../helpers/hex';
import v from '../vectors/rfc9001-frames.json';

for (const build of ['release', 'debug'] as const) {
  describe(`frame vectors (${build})`, () => {
    const frames = new WireFrames(loadCoreNode(build));

    test('A.2 client Initial payload: one CRYPTO frame of 241 bytes, then PADDING to 1162', () => {
      const payload = new Uint8Array(v.clientInitialPayloadLength);
      payload.set(fromHex(v.clientInitialPayload));
      const { frames: fs, error } = frames.decodeAll(payload);
      expect(error).toBe(0);
      expect(fs.map((f) => f.type)).toEqual([0x06, 0x00]);
      expect(fs[0].b).toBe(0n);
      expect(fs[0].data.length).toBe(241);
      expect(fs[0].data[0]).toBe(0x01); // ClientHello
      expect(fs[1].a).toBe(BigInt(1162 - 245)); // one run of PADDING bytes
    });

    test('A.3 server Initial payload: ACK of packet 0, CRYPTO of 90 bytes', () => {
      const { frames: fs, error } = frames.decodeAll(fromHex(v.serverInitialPayload));
      expect(error).toBe(0);
      expect(fs.map((f) => f.type)).toEqual([0x02, 0x06]);
      const ack = fs[0] as DecodedFrame;
      expect([ack.a, ack.b, ack.c, ack.d]).toEqual([0n, 0n, 0n, 0n]);
      expect(ack.ranges).toEqual([[0n, 0n]]);
      expect(fs[1].data.length).toBe(90);
      expect(fs[1].data[0]).toBe(0x02); // ServerHello
    });

    test('the client transport parameters of A.2 decode to their values', () => {
      const tp = frames.decodeTransportParameters(fromHex(v.clientTransportParameters.hex), false) as TransportParameters;
      const want = v.clientTransportParameters;
      expect(tp.initialMaxData).toBe(BigInt(want.initialMaxData));
      expect(tp.initialMaxStreamDataBidiLocal).toBe(BigInt(want.initialMaxStreamDataBidiLocal));
      expect(tp.initialMaxStreamDataBidiRemote).toBe(BigInt(want.initialMaxStreamDataBidiRemote));
      expect(tp.initialMaxStreamDataUni).toBe(BigInt(want.initialMaxStreamDataUni));
      expect(tp.initialMaxStreamsBidi).toBe(BigInt(want.initialMaxStreamsBidi));
      expect(tp.initialMaxStreamsUni).toBe(BigInt(want.initialMaxStreamsUni));
      expect(tp.maxIdleTimeout).toBe(BigInt(want.maxIdleTimeout));
      expect(toHex(tp.initialSourceConnectionId!)).toBe(want.initialSourceConnectionId);
      // Re-encoding gives the same parameters back (order may differ from the RFC's).
      const again = frames.decodeTransportParameters(frames.encodeTransportParameters(tp), false);
      expect(again).toEqual(tp);
    });
  });
}
