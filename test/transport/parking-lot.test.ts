// The parking lot (host/transport/parking-lot.ts): rows of one slab for parked half-open
// connections' secrets and key handles — read back in order, zeroed when released, the
// slab grown by doubling and given back once empty, a row that cannot overflow, and the
// lots by row size (a connection takes the smallest row that holds its parts).
import { ParkingLot, ParkingLots, MAX_ROW_BYTES as ROW_BYTES } from '../../host/transport/parking-lot';

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

describe('ParkingLots', () => {
  const draftOf = (lots: ParkingLots) => (lots as unknown as { draftRow: Uint8Array }).draftRow;

  test('each connection takes the smallest row that holds its parts; tickets read back byte-exact', () => {
    const lots = new ParkingLots();
    const sizes = [1, 7, 8, 100, 164, 165, 196, 197, 260, ROW_BYTES - 1];
    // One part (its length byte + n - 1), or two past a part's 255 bytes.
    const parts = (n: number, i: number) => (n <= 256 ? [n - 1] : [199, n - 201]).map((m) => new Uint8Array(m).fill(i + 1));
    const tickets = sizes.map((n, i) => {
      const d = lots.draft();
      for (const p of parts(n, i)) d.write(p);
      expect(d.written).toBe(n);
      return lots.park(d, `value ${i}`);
    });
    expect(new Set(tickets).size).toBe(sizes.length);
    expect(tickets.every((t) => t > 0)).toBe(true);
    expect(lots.size).toBe(sizes.length);
    expect(draftOf(lots).every((x) => x === 0)).toBe(true); // the secrets moved, not copied
    tickets.forEach((t, i) => {
      const c = lots.cursor(t);
      for (const p of parts(sizes[i], i)) expect(c.read()).toEqual(p);
      expect(lots.attached(t)).toBe(`value ${i}`);
    });
    // Rows of 8, 8, 8, 104, 168, 168, 200, 200, 264, 264 bytes: each lot's first slab is 16 rows.
    expect(lots.bytes).toBe(16 * (8 + 104 + 168 + 200 + 264));
    // A row refuses parts past its own size, not the largest row's.
    expect(() => lots.cursor(tickets[5]).copyFrom(new Uint8Array(ROW_BYTES), 169)).toThrow(RangeError);
    for (const t of tickets) lots.release(t);
    expect(lots.size).toBe(0);
    expect(() => lots.cursor(0)).toThrow(RangeError);
  });

  test('a discarded draft is wiped; a released row is zeroed and taken again by the next of its size', () => {
    const lots = new ParkingLots();
    const d = lots.draft();
    d.write(new Uint8Array(40).fill(0xaa));
    lots.discard(d);
    expect(draftOf(lots).every((x) => x === 0)).toBe(true);
    const a = lots.draft();
    a.write(new Uint8Array(150).fill(3));
    const t = lots.park(a, null);
    const slab = (lots as unknown as { lots: ParkingLot[] }).lots[152 / 8];
    lots.release(t);
    expect((slab as unknown as { slab: Uint8Array }).slab.every((x) => x === 0)).toBe(true);
    const b = lots.draft();
    b.write(new Uint8Array(145).fill(4));
    expect(lots.park(b, null)).toBe(t);
  });
});
