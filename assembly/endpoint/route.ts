// Stateless routing (seed 000's fork/prefork servers, ARCHITECTURE.md §6): given a
// datagram and the length of the connection IDs this endpoint issues, find the
// destination CID, the version, and whether it opens a connection (a long-header
// Initial) — without any connection state. A router calls this per datagram to pick
// the worker or process owning the CID, so it reads only the first bytes and
// allocates nothing.

import { PROTOCOL_VIOLATION } from "../wire/errors";
import { isSupportedVersion, typeFromBits, PacketType } from "../wire/version";

/** Start of the DCID in the datagram of the last routeDatagram. */
export let routeDcid: usize = 0;
/** Version field (0 for short headers and Version Negotiation). */
export let routeVersion: u32 = 0;
/** True when the datagram starts with a long-header Initial of a version we speak. */
export let routeIsInitial: bool = false;
/** True for long headers. */
export let routeIsLong: bool = false;

/**
 * Returns the DCID length (0..255; 0 is a legal zero-length CID), or -PROTOCOL_VIOLATION
 * when the datagram is too short to carry the header it announces.
 */
export function routeDatagram(p: usize, end: usize, localCidLen: i32): i32 {
  routeDcid = 0; routeVersion = 0; routeIsInitial = false; routeIsLong = false;
  if (p >= end) return -PROTOCOL_VIOLATION;
  const first = <u32>load<u8>(p);
  if ((first & 0x80) == 0) {
    if (localCidLen < 0 || end - p < <usize>(1 + localCidLen)) return -PROTOCOL_VIOLATION;
    routeDcid = p + 1;
    return localCidLen;
  }
  routeIsLong = true;
  if (end - p < 6) return -PROTOCOL_VIOLATION;
  const version = bswap<u32>(load<u32>(p + 1));
  const dcidLen = <i32>load<u8>(p + 5);
  if (end - (p + 6) < <usize>dcidLen) return -PROTOCOL_VIOLATION;
  routeVersion = version;
  routeDcid = p + 6;
  routeIsInitial = isSupportedVersion(version) && typeFromBits(version, <i32>((first >> 4) & 3)) == PacketType.INITIAL;
  return dcidLen;
}
