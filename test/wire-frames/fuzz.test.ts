// Fuzz: 100,000+ random and mutated inputs for the frame decoder and the transport
// parameter decoder, seeded (QUICWASM_FUZZ_SEED replays). No trap; every result is a
// length within the input or a defined negative code. Raw exports keep it fast.
import { loadCoreNode } from '../../host/core/node-loader';
import { WireFrames } from '../../host/core/wire-frames';
import { Prng } from '../../host/net/prng';

const SEED = Number(process.env.QUICWASM_FUZZ_SEED ?? 0xf4a3e5);
const RUNS = 120_000;
const core = loadCoreNode('release');
const frames = new WireFrames(core);
const x = core.exports as unknown as Record<string, (...a: number[]) => number>;

function corpus(): Uint8Array[] {
  const specs = [
    { type: 0x01 }, { type: 0x04, a: 4n, b: 7n, c: 1000n }, { type: 0x05, a: 8n, b: 1n }, { type: 0x06, b: 100n, data: new Uint8Array(40) },
    { type: 0x07, data: new Uint8Array(20) }, { type: 0x08, a: 4n, b: 300n, data: new Uint8Array(30), fin: true, withLength: true },
    { type: 0x08, a: 0n, data: new Uint8Array(10) }, { type: 0x10, a: 1n << 30n }, { type: 0x11, a: 4n, b: 9999n }, { type: 0x12, a: 100n },
    { type: 0x18, a: 5n, b: 2n, data: new Uint8Array(24) }, { type: 0x19, a: 3n }, { type: 0x1a, data: new Uint8Array(8) },
    { type: 0x1c, a: 10n, b: 6n, data: new Uint8Array(12) }, { type: 0x1d, a: 1n, data: new Uint8Array(5) }, { type: 0x1e },
    { type: 0x31, data: new Uint8Array(33) },
  ];
  const out = specs.map((s) => frames.encode(s) as Uint8Array);
  out.push((frames.encodeAck([[50n, 60n], [30n, 40n], [1n, 20n]], 30n, [1n, 2n, 3n]) as { bytes: Uint8Array }).bytes);
  return out;
}

describe(`frame fuzz (seed ${SEED.toString(16)}, ${RUNS} inputs per decoder)`, () => {
  const prng = new Prng(SEED);
  const seeds = corpus();
  const tpSeed = frames.encodeTransportParameters({ initialMaxData: 1n << 20n, maxIdleTimeout: 30000n, initialSourceConnectionId: new Uint8Array(8), activeConnectionIdLimit: 4n, maxUdpPayloadSize: 1500n });
  const mutate = (src: Uint8Array): Uint8Array => {
    const kind = prng.int(4);
    if (kind === 0) return prng.fill(new Uint8Array(prng.int(64)));
    const b = src.slice(0, kind === 1 ? prng.int(src.length + 1) : src.length);
    for (let i = 0, n = 1 + prng.int(4); i < n && b.length; i++) b[prng.int(b.length)] = prng.nextU32() & 0xff;
    return b;
  };
  // eslint-disable-next-line no-console
  console.log(`frame fuzz seed 0x${SEED.toString(16)} (QUICWASM_FUZZ_SEED to replay)`);
  const ptr = core.scratchPtr;
  const defined = new Set([-0x07, -0x0a]);

  test('frame decoder', () => {
    const out = core.scratchPtr + 40000;
    for (let i = 0; i < RUNS; i++) {
      const input = mutate(seeds[prng.int(seeds.length)]);
      core.u8.set(input, ptr);
      const r = x.frameDecode(ptr, input.length);
      if (r < 0 ? !defined.has(r) : r === 0 || r > input.length) throw new Error(`frameDecode ${r} for ${Buffer.from(input).toString('hex')}`);
      const t = core.resultNumber(0);
      if (r > 0 && (t === 2 || t === 3)) {
        const n = x.frameAckRanges(out, 64);
        if (n < 1) throw new Error(`ack ranges ${n}`);
      }
    }
  });

  test('transport parameter decoder', () => {
    for (let i = 0; i < RUNS; i++) {
      const input = mutate(tpSeed);
      core.u8.set(input, ptr);
      const r = x.tpDecode(ptr, input.length, prng.int(2));
      if (r !== 0 && r !== -0x08) throw new Error(`tpDecode ${r} for ${Buffer.from(input).toString('hex')}`);
    }
  });

  test('every frame truncated at every length gives a defined result', () => {
    for (const frame of seeds) {
      for (let n = 0; n < frame.length; n++) {
        core.u8.set(frame.subarray(0, n), ptr);
        const r = x.frameDecode(ptr, n);
        // A prefix is either an error or a shorter valid frame (a DATAGRAM/STREAM without
        // Length, or a PADDING run, legitimately ends wherever the packet ends).
        if (r < 0) expect(defined.has(r)).toBe(true);
        else expect(r).toBeLessThanOrEqual(n);
      }
    }
  });

  test('hostile ACKs: huge range counts and underflowing ranges are refused quickly', () => {
    const cases = ['02' + '0a' + '00' + 'bfffffffffffffff' + '00', '02' + '05' + '00' + '01' + '05' + '0000', '02' + '05' + '00' + '00' + '06'];
    for (const hex of cases) {
      const b = Buffer.from(hex, 'hex');
      core.u8.set(b, ptr);
      expect(x.frameDecode(ptr, b.length)).toBe(-0x07);
    }
  });
});
