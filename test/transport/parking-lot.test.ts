// The parking lot (host/transport/parking-lot.ts): rows of one slab for parked half-open
// connections' secrets and key handles — read back in order, zeroed when released, the
// slab grown by doubling and given back once empty, and a row that cannot overflow.
import { ParkingLot, ROW_BYTES } from '../../host/transport/parking-lot';

const slabOf = (lot: ParkingLot) => (lot as unknown as { slab: Uint8Array }).slab;

test('parts come back in order, byte-exact, for every row of a grown slab', () => {
  const lot = new ParkingLot();
  const rows = Array.from({ length: 100 }, () => lot.take());
  expect(new Set(rows).size).toBe(100);
  expect(slabOf(lot).length).toBeGreaterThanOrEqual(100 * ROW_BYTES);
  rows.forEach((r, i) => {
    const c = lot.cursor(r);
    c.write(new Uint8Array(96).fill(i));
    c.write(new Uint8Array(32).fill(255 - i));
    c.writeInts([i, -1, 0x40000000 | i, 2 ** 31 - 1]);
  });
  rows.forEach((r, i) => {
    const c = lot.cursor(r);
    expect(c.read()).toEqual(new Uint8Array(96).fill(i));
    expect(c.read()).toEqual(new Uint8Array(32).fill(255 - i));
    expect(c.readInts()).toEqual([i, -1, 0x40000000 | i, 2 ** 31 - 1]);
  });
  expect(lot.size).toBe(100);
});

test('a released row is zeroed and reused; a grown slab is given back when the lot empties, the first kept', () => {
  const lot = new ParkingLot();
  const many = Array.from({ length: 3000 }, () => lot.take());
  expect(lot.bytes).toBe((1024 + 2048) * ROW_BYTES); // doubled to 1,024 rows, then 1,024 at a time
  for (const r of many) lot.release(r);
  expect(lot.bytes).toBe(0);
  const a = lot.take(), b = lot.take();
  lot.cursor(a).write(new Uint8Array(200).fill(7));
  lot.cursor(b).write(new Uint8Array(10).fill(9));
  lot.release(a);
  expect(slabOf(lot).subarray(a * ROW_BYTES, (a + 1) * ROW_BYTES).every((x) => x === 0)).toBe(true);
  expect(lot.take()).toBe(a);
  lot.release(a);
  lot.release(b);
  expect(lot.size).toBe(0);
  expect(slabOf(lot).length).toBe(16 * ROW_BYTES); // the first slab stays
});

test('a row refuses what does not fit (RangeError) rather than write into the next', () => {
  const lot = new ParkingLot();
  const a = lot.take(), b = lot.take();
  lot.cursor(b).write(Uint8Array.of(1, 2, 3));
  const c = lot.cursor(a);
  c.write(new Uint8Array(200));
  expect(() => c.write(new Uint8Array(ROW_BYTES - 201))).toThrow(RangeError);
  expect(() => lot.cursor(a).write(new Uint8Array(256))).toThrow(RangeError);
  expect(lot.cursor(b).read()).toEqual(Uint8Array.of(1, 2, 3));
});
