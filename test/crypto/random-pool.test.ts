// The CSPRNG pool (host/crypto/random-pool.ts): every draw is fresh bytes, draws never
// overlap (also across a refill), sizes are exact, and large draws bypass the pool.
import { randomBytes, randomFill } from '../../host/crypto/random-pool';

const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');

describe('random pool', () => {
  test('draws of every size have that size', () => {
    for (const n of [0, 1, 16, 32, 255, 256, 257, 4096, 70_000 - 5_536]) expect(randomBytes(n).length).toBe(n);
  });

  test('20,000 draws of 16 bytes, across several refills, are all distinct', () => {
    // 16 bytes × 20,000 = 78 pool refills: an unadvanced or reused region repeats a draw.
    const seen = new Set<string>();
    for (let i = 0; i < 20_000; i++) seen.add(hex(randomBytes(16)));
    expect(seen.size).toBe(20_000);
  });

  test('draws that straddle the end of the pool do not repeat earlier bytes', () => {
    // Odd sizes walk the fill position over every alignment against the 4 KiB pool, over
    // three refills; 48-bit chunks of the draws collide only if bytes were handed out twice.
    const seen = new Set<string>();
    let chunks = 0;
    for (let i = 0, total = 0; total < 3 * 4096; i++) {
      const b = randomBytes(7 + (i % 61));
      total += b.length;
      for (let k = 0; k + 6 <= b.length; k += 6) { seen.add(hex(b.subarray(k, k + 6))); chunks++; }
    }
    expect(chunks).toBeGreaterThan(1500);
    expect(seen.size).toBe(chunks);
  });

  test('byte values are spread evenly (a zeroed or stuck pool would not be)', () => {
    const counts = new Array(256).fill(0);
    const N = 256 * 400;
    for (let i = 0; i < N / 32; i++) for (const v of randomBytes(32)) counts[v]++;
    // Chi-square with 255 degrees of freedom: ~255 expected; 400 is far beyond p = 1e-6.
    const chi = counts.reduce((s, c) => s + (c - 400) ** 2 / 400, 0);
    expect(chi).toBeLessThan(400);
    expect(Math.min(...counts)).toBeGreaterThan(0);
  });

  test('randomFill fills the array it is given (a view into other memory, as the core uses it)', () => {
    const memory = new Uint8Array(64);
    const view = new Uint8Array(memory.buffer, 16, 20);
    expect(randomFill(view)).toBe(view);
    expect(memory.subarray(0, 16).every((b) => b === 0)).toBe(true);
    expect(memory.subarray(36).every((b) => b === 0)).toBe(true);
    expect(view.some((b) => b !== 0)).toBe(true);
  });
});
