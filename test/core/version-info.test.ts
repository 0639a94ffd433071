// The version_information transport parameter (RFC 9368 §3) through the testing build:
// exact bytes, the §4 parsing rules, every truncation, and random input (never a trap).
import { testingCore } from './probe';
import { Prng } from '../../host/net/prng';

const { x, scratch } = testingCore();
const V1 = 0x00000001, V2 = 0x6b3343cf;

function encode(chosen: number, list: number[], cap = 4096): Uint8Array | number {
  const dv = new DataView(scratch().buffer, scratch().byteOffset + 1024, 4 * list.length);
  list.forEach((v, i) => dv.setUint32(4 * i, v, true));
  const n = x.viEncode(chosen, list.length, cap);
  return n < 0 ? n : scratch().slice(0, n);
}

function find(bytes: Uint8Array): { r: number; chosen?: number; list?: number[] } {
  scratch().set(bytes);
  const r = x.viFind(bytes.length);
  if (r !== 1) return { r };
  const list = Array.from({ length: x.viFoundCount() }, (_, i) => x.viFoundAt(i) >>> 0);
  return { r, chosen: x.viFoundChosen() >>> 0, list };
}

test('encodes id 0x11, the length, the Chosen Version and the Available Versions, big-endian', () => {
  expect(Buffer.from(encode(V1, [V1, V2]) as Uint8Array).toString('hex')).toBe('110c' + '00000001' + '00000001' + '6b3343cf');
  expect(encode(V1, [V1, V2], 13)).toBe(-0x10002); // ERR_BUFFER_TOO_SMALL, nothing written past the end
});

test('found among other parameters; absent gives 0', () => {
  const other = Uint8Array.from([0x04, 0x02, 0x40, 0x10, 0x0e, 0x01, 0x04]); // initial_max_data, active_connection_id_limit
  const vi = encode(V2, [V2, V1]) as Uint8Array;
  expect(find(Uint8Array.from([...other, ...vi, ...other.subarray(0, 4)]))).toEqual({ r: 1, chosen: V2, list: [V2, V1] });
  expect(find(other)).toEqual({ r: 0 });
  expect(find(encode(V1, []) as Uint8Array)).toEqual({ r: 1, chosen: V1, list: [] }); // a server MAY list none (§3)
});

test('RFC 9368 §4 parsing failures are TRANSPORT_PARAMETER_ERROR', () => {
  expect(find(Uint8Array.from([0x11, 0x03, 0, 0, 1])).r).toBe(-0x08); // shorter than 4
  expect(find(Uint8Array.from([0x11, 0x06, 0, 0, 0, 1, 0, 0])).r).toBe(-0x08); // not a multiple of 4
  expect(find(encode(0, [V1]) as Uint8Array).r).toBe(-0x08); // Chosen Version 0
  expect(find(encode(V1, [V1, 0]) as Uint8Array).r).toBe(-0x08); // an Available Version 0
  const vi = encode(V1, [V1]) as Uint8Array;
  expect(find(Uint8Array.from([...vi, ...vi])).r).toBe(-0x08); // twice
});

test('every truncation of a parameter list ending in version_information is refused or absent, never misread', () => {
  const vi = encode(V1, [V1, V2, 0x1a2a3a4a]) as Uint8Array;
  const all = Uint8Array.from([0x01, 0x02, 0x67, 0x10, ...vi]);
  for (let n = 0; n < all.length; n++) {
    const r = find(all.subarray(0, n)).r;
    expect([0, -0x08]).toContain(r);
  }
  expect(find(all)).toEqual({ r: 1, chosen: V1, list: [V1, V2, 0x1a2a3a4a] });
});

test('50,000 random and mutated inputs: 1, 0 or -0x08, never a trap', () => {
  const prng = new Prng(9368);
  const base = Uint8Array.from([0x01, 0x02, 0x67, 0x10, ...(encode(V1, [V1, V2]) as Uint8Array)]);
  for (let i = 0; i < 50_000; i++) {
    const input = i % 2 ? prng.fill(new Uint8Array(prng.int(64))) : base.map((b) => (prng.int(8) === 0 ? prng.int(256) : b));
    const r = find(input).r;
    if (r !== 1 && r !== 0 && r !== -0x08) throw new Error(`viFind ${r} for ${Buffer.from(input).toString('hex')}`);
  }
});
