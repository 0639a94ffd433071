// DPLPMTUD's search state for one path (RFC 8899): the sizes tried, acknowledged and
// refused, black-hole detection. The connection's side (when to probe, what a probe's
// fate means for recovery) is pmtud.ts; this half takes no Connection, so that a Path
// can hold it without an import circle.

import { ConfigKey } from "./config";

/** The size every QUIC path carries (RFC 9000 §14), RFC 8899's BASE_PLPMTU. */
export const BASE_PLPMTU: i32 = 1200;
/** A common real ceiling (1500-byte Ethernet less IPv6 and UDP headers): tried early. */
const ETHERNET_PLPMTU: i32 = 1452;
/** Probes of one size lost before it counts as too large (RFC 8899 §5.1.2 suggests 3). */
const MAX_PROBES: i32 = 2;
/** The search ends when the largest good and the smallest bad size are this close. */
const SEARCH_DONE_WIDTH: i32 = 16;
/** Large packets lost, none acknowledged in between, that make a black hole. */
const BLACK_HOLE_THRESHOLD: i32 = 3;
/** RFC 8899 §5.1.1 PMTU_RAISE_TIMER: search for a larger size again after this (µs). */
const RAISE_INTERVAL: f64 = 600e6;
/** After a black hole, wait this long before probing upward again (µs). */
const BLACK_HOLE_RESEARCH: f64 = 60e6;

export class Pmtud {
  /** Probing is on (ConfigKey.PMTUD). */
  enabled: bool = true;
  /** The largest datagram every packet may use now (the PLPMTU), bytes of UDP payload. */
  size: i32 = BASE_PLPMTU;
  /** Largest size acknowledged on this path since the search began. */
  private good: i32 = BASE_PLPMTU;
  /** Sizes above this are known (or assumed) not to pass; the search stays at or below it. */
  private bad: i32 = 0;
  /** The probe in flight: its packet number in the application space, -1 when none. */
  probePn: i64 = -1;
  /** Its size. */
  probeSize: i32 = 0;
  /** Consecutive lost probes of `probeSize`. */
  private failures: i32 = 0;
  /** Sizes decided so far in this search: 0 tries the ceiling, 1 tries 1452, then binary search. */
  private step: i32 = 0;
  /** When the next search may start (µs); +Infinity while one runs or when disabled. */
  private searchAt: f64 = 0;
  private searching: bool = false;
  /** A size failed in the last search (or a black hole ended it): only the raise timer restarts it. */
  private sawFailure: bool = false;
  /** Large packets declared lost since a large packet was last acknowledged. */
  private largeLost: i32 = 0;

  // Counters (stats).
  probesSent: u32 = 0;
  probesLost: u32 = 0;
  blackHoles: u32 = 0;

  /**
   * A probe of what size should go out now, or 0. `limit` is min(our limit, the peer's
   * max_udp_payload_size); `window` half the congestion window, which a probe may not
   * exceed (a 64 KB probe in a 12 KB initial window would stall everything behind it).
   */
  nextProbe(limit: i32, window: i32, now: f64): i32 {
    if (!this.enabled || this.probePn >= 0) return 0;
    const ceiling = window < limit ? window : limit;
    if (!this.searching) {
      if (ceiling < this.size + SEARCH_DONE_WIDTH) return 0;
      if (now < this.searchAt && this.sawFailure) return 0;
      // A search that ended without a failure stopped at the window: it resumes once the
      // window allows twice the size, or the whole limit.
      if (now < this.searchAt && ceiling < limit && ceiling < 2 * this.size) return 0;
      this.searching = true;
      this.sawFailure = false;
      this.good = this.size;
      this.bad = ceiling;
      this.step = 0;
      this.failures = 0;
    }
    if (this.bad > ceiling) this.bad = ceiling;
    if (this.bad - this.good < SEARCH_DONE_WIDTH) { this.finish(now); return 0; }
    if (this.failures > 0) return this.probeSize; // the same size once more
    if (this.step == 0) return this.bad;
    if (this.step == 1 && this.good < ETHERNET_PLPMTU && ETHERNET_PLPMTU < this.bad) return ETHERNET_PLPMTU;
    return this.good + ((this.bad - this.good + 1) >> 1);
  }

  private finish(now: f64): void {
    this.searching = false;
    this.searchAt = now + RAISE_INTERVAL;
  }

  /** The probe of `size` went out as packet `pn`. */
  onProbeSent(pn: u64, size: i32): void {
    this.probePn = <i64>pn;
    this.probeSize = size;
    this.probesSent++;
  }

  /** True when `pn` (application space) is the PMTU probe in flight. */
  isProbe(pn: u64): bool {
    return this.probePn >= 0 && <u64>this.probePn == pn;
  }

  /** The probe was acknowledged: the path carries its size. Returns the new size (for the congestion controller's units). */
  onProbeAcked(): i32 {
    this.probePn = -1;
    if (!this.searching) return this.size; // a black hole ended the search meanwhile
    this.failures = 0;
    this.step++;
    if (this.probeSize > this.good) this.good = this.probeSize;
    if (this.probeSize > this.size) this.size = this.probeSize;
    this.largeLost = 0;
    return this.size;
  }

  /** The probe was declared lost (no congestion signal). */
  onProbeLost(): void {
    this.probePn = -1;
    this.probesLost++;
    if (!this.searching) return;
    this.failures++;
    if (this.failures >= MAX_PROBES) {
      this.failures = 0;
      this.sawFailure = true;
      this.step++;
      if (this.probeSize - 1 < this.bad) this.bad = this.probeSize - 1;
    }
  }

  /** A packet other than a probe was acknowledged. */
  onAcked(size: i32): void {
    // Written only when it changes: a path still sharing the empty state (path-state.ts
    // NO_PMTUD) gets acknowledgments too, of large packets sent on the path before.
    if (size > BASE_PLPMTU && this.largeLost != 0) this.largeLost = 0;
  }

  /**
   * A packet other than a probe was declared lost. Returns true when this makes a black
   * hole: the size is back at BASE_PLPMTU and the caller resets the controller's units.
   */
  onLost(size: i32, now: f64): bool {
    if (size <= BASE_PLPMTU || this.size <= BASE_PLPMTU) return false;
    if (++this.largeLost < BLACK_HOLE_THRESHOLD) return false;
    this.blackHoles++;
    this.size = BASE_PLPMTU;
    this.good = BASE_PLPMTU;
    this.largeLost = 0;
    this.searching = false;
    this.sawFailure = true;
    this.failures = 0;
    this.searchAt = now + BLACK_HOLE_RESEARCH;
    return true;
  }
}
