// The path a connection uses (RFC 9000 §8, §9): the host's handle for the peer's
// address, and the anti-amplification budget until the peer's address is validated
// (§8.1: at most three times the bytes received). One path per connection today;
// PATH_CHALLENGE / PATH_RESPONSE, migration and several paths (issue 18) grow here.

import { Frame } from "./frame";
import { Pmtud } from "./pmtud";

export class Path {
  /** Bytes received on this path (every datagram routed to the connection counts, §8.1). */
  bytesReceived: f64 = 0;
  /** Bytes sent on this path. */
  bytesSent: f64 = 0;
  /** The peer's address is validated (a server: a Handshake packet arrived, §8.1). */
  validated: bool = false;
  /** The path's datagram size and its discovery (RFC 8899, conn/pmtud.ts). */
  pmtud: Pmtud = new Pmtud();

  constructor(public handle: i32) {}

  /** What we may still send before validation: 3 × received − sent (§8.1). */
  amplificationCredit(): f64 {
    return 3 * this.bytesReceived - this.bytesSent;
  }

  /** The largest datagram allowed now: `maxSize`, or less while the address is unvalidated. */
  sendLimit(maxSize: i32, enforce: bool): i32 {
    if (!enforce || this.validated) return maxSize;
    const credit = this.amplificationCredit();
    return credit < <f64>maxSize ? <i32>credit : maxSize;
  }
}

/** PATH_CHALLENGE / PATH_RESPONSE (§19.17-18): path validation comes with migration (issue 18). */
export function onPathFrame(path: Path, f: Frame): i32 {
  return 0;
}
