// The frame table against RFC 9000 Table 3 (§12.4), transcribed from the RFC text:
// type, Pkts, and the N/C/P/F columns. RFC 9221 adds DATAGRAM (0x30-0x31) in 0-RTT and 1-RTT.
import { testingCore } from './probe';

const { x } = testingCore();

const TABLE3: [number[], string, string][] = [
  [[0x00], 'IH01', 'NP'],
  [[0x01], 'IH01', ''],
  [[0x02, 0x03], 'IH_1', 'NC'],
  [[0x04], '__01', ''],
  [[0x05], '__01', ''],
  [[0x06], 'IH_1', ''],
  [[0x07], '___1', ''],
  [[0x08, 0x09, 0x0a, 0x0b, 0x0c, 0x0d, 0x0e, 0x0f], '__01', 'F'],
  [[0x10], '__01', ''],
  [[0x11], '__01', ''],
  [[0x12, 0x13], '__01', ''],
  [[0x14], '__01', ''],
  [[0x15], '__01', ''],
  [[0x16, 0x17], '__01', ''],
  [[0x18], '__01', 'P'],
  [[0x19], '__01', ''],
  [[0x1a], '__01', 'P'],
  [[0x1b], '___1', 'P'],
  [[0x1c], 'IH01', 'NC'],
  [[0x1d], '__01', 'NC'],
  [[0x1e], '___1', ''],
  [[0x30, 0x31], '__01', ''],
];

function row(pkts: string, spec: string): number {
  let r = 0;
  if (pkts[0] === 'I') r |= 1;
  if (pkts[1] === 'H') r |= 2;
  if (pkts[2] === '0') r |= 4;
  if (pkts[3] === '1') r |= 8;
  if (spec.includes('N')) r |= 0x10;
  if (spec.includes('C')) r |= 0x20;
  if (spec.includes('P')) r |= 0x40;
  if (spec.includes('F')) r |= 0x80;
  return r;
}

describe('frame table (RFC 9000 Table 3)', () => {
  test.each(TABLE3)('types %j: Pkts %s, columns "%s"', (types, pkts, spec) => {
    for (const t of types) expect(x.probeFrameRow(t)).toBe(row(pkts, spec));
  });

  test('unknown types have an empty row (allowed in no packet)', () => {
    for (const t of [0x1f, 0x20, 0x2f, 0x32, 0x40]) expect(x.probeFrameRow(t)).toBe(0);
  });
});
