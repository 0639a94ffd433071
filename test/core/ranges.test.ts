// The range set (assembly/util/ranges.ts) against a reference model, with fast-check:
// add/remove/trimBelow/contains in any order, with and without a range limit.
import fc from 'fast-check';
import { testingCore } from './probe';

const { x } = testingCore();
const SPAN = 96;

type Op = { k: 'add' | 'remove'; lo: number; hi: number } | { k: 'trim'; v: number };
const op: fc.Arbitrary<Op> = fc.oneof(
  fc.record({ k: fc.constantFrom('add' as const, 'remove' as const), lo: fc.nat(SPAN), hi: fc.nat(SPAN) }),
  fc.record({ k: fc.constant('trim' as const), v: fc.nat(SPAN) }),
);

/** Reads the set out of the core: its ranges, checked sorted, non-empty and merged. */
function ranges(): [number, number][] {
  const out: [number, number][] = [];
  for (let i = 0; i < x.rsCount(); i++) out.push([x.rsLo(i), x.rsHi(i)]);
  for (let i = 0; i < out.length; i++) {
    expect(out[i][0]).toBeLessThan(out[i][1]);
    if (i > 0) expect(out[i - 1][1]).toBeLessThan(out[i][0]); // disjoint and not touching
  }
  return out;
}

function check(model: Set<number>) {
  const rs = ranges();
  const members = new Set<number>();
  for (const [lo, hi] of rs) for (let v = lo; v < hi; v++) members.add(v);
  expect([...members].sort((a, b) => a - b)).toEqual([...model].sort((a, b) => a - b));
  const got: number[] = [], want: number[] = [];
  for (let v = 0; v <= SPAN; v++) { got.push(x.rsContains(v)); want.push(model.has(v) ? 1 : 0); }
  expect(got).toEqual(want);
}

function run(ops: Op[], maxRanges: number) {
  x.rsReset(maxRanges);
  const model = new Set<number>();
  let floor = 0;
  for (const o of ops) {
    if (o.k === 'add') { x.rsAdd(o.lo, o.hi); for (let v = o.lo; v < o.hi; v++) model.add(v); }
    else if (o.k === 'remove') { x.rsRemove(o.lo, o.hi); for (let v = o.lo; v < o.hi; v++) model.delete(v); }
    else { const t = (o as { v: number }).v; x.rsTrimBelow(t); for (const v of [...model]) if (v < t) model.delete(v); }
    // What the range limit made the set forget is everything below its new floor; the
    // floor never goes down.
    const f = x.rsFloor();
    expect(f).toBeGreaterThanOrEqual(floor);
    if (o.k === 'trim') expect(f).toBeGreaterThanOrEqual((o as { v: number }).v);
    if (f > floor) { for (const v of [...model]) if (v < f) model.delete(v); floor = f; }
    expect(x.rsCount()).toBeLessThanOrEqual(maxRanges);
    check(model);
  }
}

describe('RangeSet', () => {
  test('matches a set of integers under any sequence of add/remove/trimBelow', () => {
    fc.assert(fc.property(fc.array(op, { maxLength: 40 }), (ops) => run(ops, 1 << 20)), { numRuns: 200, seed: 17 });
  });

  test('with a range limit: never more ranges than the limit, the oldest forgotten first, below the floor', () => {
    fc.assert(fc.property(fc.array(op, { maxLength: 40 }), (ops) => run(ops, 3)), { numRuns: 200, seed: 18 });
  });

  test('contiguousEnd: the end of the run that covers a value', () => {
    x.rsReset(1 << 20);
    x.rsAdd(10, 20); x.rsAdd(30, 40);
    expect([x.rsContiguousEnd(10), x.rsContiguousEnd(15), x.rsContiguousEnd(20), x.rsContiguousEnd(5)]).toEqual([20, 20, 20, 5]);
  });

  test('values beyond 2^32 (packet numbers and offsets reach 2^62)', () => {
    x.rsReset(1 << 20);
    const big = 2 ** 40;
    x.rsAdd(big, big + 10);
    x.rsRemove(big + 3, big + 4);
    expect(ranges()).toEqual([[big, big + 3], [big + 4, big + 10]]);
  });
});
