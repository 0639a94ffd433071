// One path's state (RFC 9000 §8, §9): its host handle, bytes each way and the §8.1
// anti-amplification budget, our validation of it (§8.2) and the response owed on it,
// its datagram size search (pmtud-search.ts). The rules that move a connection between
// paths are path.ts; this half takes no Connection, so the connection can hold paths
// without an import circle.

import { Pmtud } from "./pmtud-search";

/** Paths besides the one in use (fallback + probing/validating ones). */
export const MAX_OTHER_PATHS: i32 = 2;

/**
 * The shared empty `c.others` (util/empty.ts: most connections never see a second path).
 * Writers check `== NO_PATHS` and allocate their own list before adding to it.
 */
export const NO_PATHS = new Array<Path>();

/**
 * The search state of a path that has not searched yet (never written): every path
 * carries BASE_PLPMTU until the handshake is confirmed (issue 17: a half-open connection
 * holds no search state). ownPmtud() gives a path its own.
 */
const NO_PMTUD = new Pmtud();

// Wide fields first, flags last: no padding holes (issue 17: 96 bytes a path, not 128).
export class Path {
  /** Bytes received on this path (every datagram routed to the connection counts, §8.1). */
  bytesReceived: f64 = 0;
  /** Bytes sent on this path. */
  bytesSent: f64 = 0;

  // Our validation of this path (§8.2.1, §8.2.4): one challenge outstanding at a time.
  /** The data of the outstanding PATH_CHALLENGE (valid while `validating`). */
  challenge: u64 = 0;
  /** When to send a fresh challenge if no response came (PTO with backoff). */
  retryAt: f64 = Infinity;
  /** When validation is abandoned (§8.2.4: 3 × max(PTO, the new path's initial PTO)). */
  abandonAt: f64 = Infinity;
  /** The data of the PATH_RESPONSE owed (valid while `responseDue`). */
  response: u64 = 0;

  /**
   * The sequence number of the peer's CID we send to on this path (§9.5: one CID per path),
   * -1 until we sent on it. A path we come back to gets its own CID again (path.ts moveTo).
   */
  cidSeq: i64 = -1;
  /** The path's datagram size and its discovery (RFC 8899, conn/pmtud.ts); NO_PMTUD until it probes. */
  pmtud: Pmtud = NO_PMTUD;
  /** This path's own search state, for a writer. */
  ownPmtud(): Pmtud {
    if (this.pmtud == NO_PMTUD) this.pmtud = new Pmtud();
    return this.pmtud;
  }
  retries: i32 = 0;

  /** The peer's address is validated (handshake §8.1, or PATH_RESPONSE §8.2.3). */
  validated: bool = false;
  validating: bool = false;
  /** A PATH_CHALLENGE (new data) is owed on this path. */
  challengeDue: bool = false;
  /** One PATH_RESPONSE owed on this path (§8.2.2: sent on the path the challenge came on). */
  responseDue: bool = false;
  /** The peer's IP address differs from the path it migrated from (§9.4: reset CC/RTT once validated). */
  addressChanged: bool = false;
  /** Client: we moved here ourselves (migrate() or the server's preferred address, path-migrate.ts). */
  ownMove: bool = false;
  /** Client: this path goes to the server's preferred address (§9.6). */
  preferred: bool = false;

  constructor(public handle: i32) {}

  /** What we may still send before validation: 3 × received − sent (§8.1). */
  amplificationCredit(): f64 {
    return 3 * this.bytesReceived - this.bytesSent;
  }

  /** The largest datagram allowed now: `maxSize`, or less while the address is unvalidated. */
  sendLimit(maxSize: i32, enforce: bool): i32 {
    if (!enforce || this.validated) return maxSize;
    const credit = this.amplificationCredit();
    return credit < <f64>maxSize ? (credit > 0 ? <i32>credit : 0) : maxSize;
  }

  /** The earliest of this path's validation deadlines. */
  deadline(): f64 {
    if (!this.validating) return Infinity;
    return this.retryAt < this.abandonAt ? this.retryAt : this.abandonAt;
  }
}
