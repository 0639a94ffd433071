// Stateless reset (RFC 9000 §10.3), the endpoint's half: the token of each CID we issue,
// the reset we send for a short-header datagram whose CID we do not know, and the
// table that recognises a reset sent to us.
//
// Tokens: SipHash-2-4-128(static key, CID) (util/siphash.ts), the §10.3.2 construction
// with a PRF. The 16-byte key comes from the host's CSPRNG, or from the application
// (`statelessResetKey`), so that an endpoint restarted with the same key — having lost
// every connection — can still reset its old connections' peers.
//
// Sending, with the limits of §10.3 and §10.3.3:
//   - never for a datagram of MIN_RESET_SIZE (21) bytes or less: the reset must be
//     smaller than what triggered it (no loops between two endpoints that both lost
//     state), and no valid reset is shorter than 21 bytes;
//   - one byte shorter than the trigger up to 43 bytes, then a random size below it
//     (never three times larger: it is always smaller);
//   - a token bucket (RESET_BURST, refilled at `resetsPerSecond`), so that a flood of
//     junk cannot turn the endpoint into a packet source.
// Receiving: the tokens of the peer CIDs our connections use sit in a keyed table
// (token -> connection); a hit is then compared again in constant time (§10.3.1).

import { CidTable } from "./cid-table";
import { sipHash128, equal16 } from "../util/siphash";
import { hostRandomFill, randomU64 } from "../util/entropy";
import { prngNext } from "../util/prng";

/** No valid stateless reset is shorter (§10.3: 5 unpredictable bytes + 16-byte token). */
export const MIN_RESET_SIZE: i32 = 21;
/** Resets that may go out back to back before the rate applies. */
const RESET_BURST: f64 = 10;

export class StatelessReset {
  k0: u64 = 0;
  k1: u64 = 0;
  /** Tokens of the peer CIDs in use -> connection handle. */
  tokens: CidTable = new CidTable(16);
  /** Refill rate of the bucket (resets per second). */
  resetsPerSecond: f64 = 100;
  private bucket: f64 = RESET_BURST;
  private refilledAt: f64 = 0;
  /** A reset waiting for pollTransmit (one at most: a newer one replaces it). */
  pending: Uint8Array = new Uint8Array(0);
  pendingPath: i32 = 0;
  // Counters (endpointStats).
  sent: f64 = 0;
  rateLimited: f64 = 0;
  tooSmall: f64 = 0;
  received: f64 = 0;

  /** A fresh key from the CSPRNG (the tables' keys too). */
  rekey(): void {
    this.k0 = randomU64();
    this.k1 = randomU64();
    this.tokens.rekey();
  }

  /** The application's key (16 bytes at p). */
  setKey(p: usize): void {
    this.k0 = load<u64>(p);
    this.k1 = load<u64>(p, 8);
  }

  /** The token of our CID [cid, cid+len) -> 16 bytes at `out`. */
  token(cid: usize, len: i32, out: usize): void {
    sipHash128(this.k0, this.k1, cid, len, out);
  }

  /** Token bucket: true when a reset may go out now. */
  private take(now: f64): bool {
    if (now > this.refilledAt) {
      this.bucket += (now - this.refilledAt) * this.resetsPerSecond / 1e6;
      if (this.bucket > RESET_BURST) this.bucket = RESET_BURST;
      this.refilledAt = now;
    }
    if (this.bucket < 1) return false;
    this.bucket -= 1;
    return true;
  }

  /**
   * A short-header datagram of `len` bytes for the CID [cid, cid+cidLen) that no
   * connection owns: queues a reset for `path` when the rules allow one.
   */
  answer(cid: usize, cidLen: i32, len: i32, path: i32, now: f64): void {
    if (len <= MIN_RESET_SIZE) { this.tooSmall++; return; }
    if (!this.take(now)) { this.rateLimited++; return; }
    let size = len - 1;
    // Above 43 bytes any size from 43 up to one below the trigger hides the reset among
    // short packets; drawn at random so that its length says nothing.
    if (size > 43) size = 43 + <i32>(prngNext() % <u32>(size - 42));
    const out = new Uint8Array(size);
    const p = out.dataStart;
    hostRandomFill(p, size - 16);
    store<u8>(p, (load<u8>(p) & 0x3f) | 0x40); // short header form, fixed bit set (§17.3.1)
    this.token(cid, cidLen, p + <usize>(size - 16));
    this.pending = out;
    this.pendingPath = path;
    this.sent++;
  }

  /** The connection whose peer's token ends the datagram [p, p+len), or 0. */
  match(p: usize, len: i32): i32 {
    if (len < MIN_RESET_SIZE) return 0;
    return this.tokens.get(p + <usize>(len - 16), 16);
  }
}

/** Constant-time comparison of the datagram's last 16 bytes with `token`. */
export function endsWithToken(p: usize, len: i32, token: Uint8Array): bool {
  if (len < MIN_RESET_SIZE || token.length != 16) return false;
  return equal16(p + <usize>(len - 16), token.dataStart);
}
