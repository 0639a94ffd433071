// Authenticate before allocating (issue 17, ARCHITECTURE.md §3): a client Initial for
// an unknown DCID gets a connection only after it decrypts. Initial keys are a function
// of the DCID (RFC 9001 §5.2), so the check needs no state of ours: the host derives
// the client's Initial keys for that DCID into one reusable pair of key-table slots,
// and the core opens a copy of the packet with them. Random bytes shaped like an
// Initial fail here and cost no memory; only a packet someone built with the real
// keys goes on to take a (half-open) connection.

import { unprotectPacket } from "../crypto/protect";

/**
 * Derives the client Initial keys of `version` for the DCID at [dcid, dcid+dcidLen)
 * into the host's probe slots and writes their handles at out (i32 AEAD) and out+4
 * (i32 header protection). 0, or -1 when unavailable.
 */
// @ts-ignore: decorator
@external("host", "initialProbeKeys")
declare function hostInitialProbeKeys(version: u32, dcid: usize, dcidLen: i32, out: usize): i32;

const MAX_PACKET: i32 = 65536;
const copyBuf: usize = heap.alloc(<usize>MAX_PACKET);
const handles: usize = memory.data(8);

/**
 * True when the Initial packet at [p, p+len) (header parsed: DCID at dcid, packet
 * number field at pnOffset from p) opens with the client Initial keys of its DCID.
 * The datagram itself is left untouched: the connection that is then created receives
 * it through the ordinary path once the host has installed its keys.
 */
export function initialAuthenticates(version: u32, dcid: usize, dcidLen: i32, p: usize, len: i32, pnOffset: i32): bool {
  if (len > MAX_PACKET || len <= 0) return false;
  if (hostInitialProbeKeys(version, dcid, dcidLen, handles) != 0) return false;
  memory.copy(copyBuf, p, <usize>len);
  return unprotectPacket(copyBuf, len, pnOffset, -1, load<i32>(handles), load<i32>(handles, 4)) >= 0;
}
