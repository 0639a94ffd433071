// Coalesced packets, RFC 9000 §12.2: one UDP datagram may carry several QUIC packets.
// A long-header packet ends where its Length field says; a short-header packet runs
// to the end of the datagram. A malformed packet ends the walk: the packets before it
// stay usable, the bytes from it on are dropped (§12.2: "... MUST NOT use ... the
// remaining data").

import { parseHeader, hdrIsLong, hdrPacketLen } from "./header";

/** Start and length of each packet found by the last splitDatagram. */
export const MAX_COALESCED: i32 = 16;
export const splitOffsets = new StaticArray<u32>(MAX_COALESCED);
export const splitLengths = new StaticArray<u32>(MAX_COALESCED);
/** Bytes the last splitDatagram accounted for (the rest was malformed and dropped). */
export let splitConsumed: i32 = 0;
/** The negative code that stopped the last split, or 0 if the datagram was used to its end. */
export let splitStopCode: i32 = 0;

/**
 * Splits the datagram [p, end) into packets (at most MAX_COALESCED; a datagram holding
 * more is malformed for our purposes and the rest is dropped). Returns the number of
 * packets found (0 if even the first was malformed). Offsets are relative to p.
 */
export function splitDatagram(p: usize, end: usize, localCidLen: i32): i32 {
  let q = p;
  let count = 0;
  splitConsumed = 0;
  splitStopCode = 0;
  while (q < end && count < MAX_COALESCED) {
    const n = parseHeader(q, end, localCidLen);
    if (n <= 0) { splitStopCode = n; break; }
    unchecked(splitOffsets[count] = <u32>(q - p));
    unchecked(splitLengths[count] = <u32>n);
    count++;
    q += <usize>n;
    if (!hdrIsLong) break; // a short header takes the rest of the datagram
  }
  splitConsumed = <i32>(q - p);
  return count;
}

export { hdrPacketLen };
