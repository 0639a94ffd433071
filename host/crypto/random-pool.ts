// Random bytes for handshakes and connection IDs, drawn from a pool that the platform's
// CSPRNG (crypto.getRandomValues: node:crypto, Web Crypto in Deno, Bun and browsers)
// refills 4 KiB at a time. Each call into the platform costs a fixed ≈ 5 µs on the
// 2-core bench machine, for 32 bytes as for 4 KiB (Node 20); a server handshake draws
// randomness four or five times (server random, key share, CIDs, reset token), so one
// refill serves ~30 handshakes. The bytes are the CSPRNG's own, each handed out once and
// wiped from the pool as it goes, so nothing drawn lingers in it for a later reader.

const POOL_SIZE = 4096;
/** Draws larger than this go straight to the platform (they would empty the pool for nothing). */
const DIRECT_ABOVE = 256;

const pool = new Uint8Array(POOL_SIZE);
let used = POOL_SIZE; // empty: the first draw fills it

/** Fills `out` with cryptographically secure random bytes. */
export function randomFill(out: Uint8Array): Uint8Array {
  const n = out.length;
  if (n > DIRECT_ABOVE) return globalThis.crypto.getRandomValues(out);
  if (used + n > POOL_SIZE) {
    globalThis.crypto.getRandomValues(pool);
    used = 0;
  }
  for (let i = 0; i < n; i++, used++) {
    out[i] = pool[used];
    pool[used] = 0;
  }
  return out;
}

/** `n` cryptographically secure random bytes. */
export function randomBytes(n: number): Uint8Array {
  return randomFill(new Uint8Array(n));
}
