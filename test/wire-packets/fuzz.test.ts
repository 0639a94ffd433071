// Fuzz: 100,000+ random and mutated inputs per decoder per run, seeded (the seed is
// printed; set QUICWASM_FUZZ_SEED to replay). Asserts: no trap, and every result is
// either a valid length within the input or a defined negative code; split pieces
// never overlap and stay inside the datagram. Calls the raw exports so that a run
// stays fast.
import { loadCoreNode } from '../../host/core/node-loader';
import { WirePackets, PacketType } from '../../host/core/wire-packets';
import { Prng } from '../../host/net/prng';

const SEED = Number(process.env.QUICWASM_FUZZ_SEED ?? 0x5eed2026);
const RUNS = 100_000;
const core = loadCoreNode('release');
const wire = new WirePackets(core);
const x = core.exports as unknown as Record<string, (...a: number[]) => number>;
const DEFINED = new Set([-0x07, -0x0a, -0x10001]);

function corpus(): Uint8Array[] {
  const dcid = Uint8Array.from([1, 2, 3, 4, 5, 6, 7, 8]);
  const out: Uint8Array[] = [];
  for (const type of [PacketType.Initial, PacketType.ZeroRtt, PacketType.Handshake]) {
    for (const version of [1, 0x6b3343cf]) {
      const b = wire.buildLongHeader({ type, version, dcid, scid: dcid, token: type === 0 ? Uint8Array.of(5, 6) : undefined, pn: 3n, pnLength: 2, payloadLength: 40 });
      if (typeof b === 'number') throw new Error('build');
      const p = new Uint8Array(b.bytes.length + 40 + 30);
      p.set(b.bytes);
      p.set(Uint8Array.from([0x41, ...dcid, 9, 9, 9]), b.bytes.length + 40);
      out.push(p);
    }
  }
  out.push(wire.buildVersionNegotiation(dcid, dcid, [1, 0x6b3343cf]) as Uint8Array);
  const r = wire.buildRetry({ version: 1, dcid, scid: dcid, token: Uint8Array.of(1, 2, 3) }) as Uint8Array;
  out.push(Uint8Array.from([...r, ...new Uint8Array(16)]));
  return out;
}

function mutate(prng: Prng, seedInput: Uint8Array): Uint8Array {
  const kind = prng.int(4);
  if (kind === 0) return prng.fill(new Uint8Array(prng.int(80)));
  const b = seedInput.slice(0, kind === 1 ? prng.int(seedInput.length + 1) : seedInput.length);
  const flips = 1 + prng.int(4);
  for (let i = 0; i < flips && b.length; i++) b[prng.int(b.length)] = prng.nextU32() & 0xff;
  return b;
}

describe(`wire fuzz (seed ${SEED.toString(16)}, ${RUNS} inputs per decoder)`, () => {
  const prng = new Prng(SEED);
  const seeds = corpus();
  const inputs = Array.from({ length: RUNS }, () => mutate(prng, seeds[prng.int(seeds.length)]));
  // eslint-disable-next-line no-console
  console.log(`wire fuzz seed 0x${SEED.toString(16)} (QUICWASM_FUZZ_SEED to replay)`);

  const ptr = core.scratchPtr;
  const check = (name: string, fn: (len: number) => number, validMax: (len: number) => number) => {
    test(name, () => {
      for (const input of inputs) {
        core.u8.set(input, ptr);
        const r = fn(input.length);
        if (r < 0) {
          if (!DEFINED.has(r)) throw new Error(`${name}: undefined code ${r} for ${Buffer.from(input).toString('hex')}`);
        } else if (r > validMax(input.length)) {
          throw new Error(`${name}: result ${r} beyond input of ${input.length} for ${Buffer.from(input).toString('hex')}`);
        }
      }
    });
  };

  check('header parse', (len) => x.headerParse(ptr, len, 8), (len) => len);
  check('short-header parse with zero-length CIDs', (len) => x.headerParse(ptr, len, 0), (len) => len);
  check('version negotiation parse', (len) => x.vnParse(ptr, len), (len) => len / 4);
  check('retry parse', (len) => x.retryParse(ptr, len), (len) => len);
  check('route', (len) => x.datagramRoute(ptr, len, 8), (len) => len);
  check('varint decode', (len) => x.varintDecode(ptr, len), (len) => len);

  test('split: pieces inside the datagram, in order, never overlapping', () => {
    for (const input of inputs) {
      core.u8.set(input, ptr);
      const count = x.datagramSplit(ptr, input.length, 8);
      let end = 0;
      for (let i = 0; i < count; i++) {
        const off = core.resultNumber(2 + 2 * i), len = core.resultNumber(3 + 2 * i);
        if (off < end || len <= 0 || off + len > input.length) throw new Error(`bad split of ${Buffer.from(input).toString('hex')}`);
        end = off + len;
      }
      expect(core.resultNumber(0)).toBe(end);
    }
  });
});
