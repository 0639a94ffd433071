// The version_information transport parameter (RFC 9368 §3, id 0x11): a Chosen Version
// and a list of Available Versions, 32 bits each. Kept apart from TransportParams
// (wire/tparams.ts) because its value is a list: it is appended to our encoded
// parameters and found by a scan of the peer's, which TransportParams.decode skips as an
// unknown id (RFC 9000 §7.4.2).

import { readVarint, varintValue, writeVarint, varintLen } from "./varint";
import { TRANSPORT_PARAMETER_ERROR, ERR_BUFFER_TOO_SMALL } from "./errors";

/** The transport parameter id of version_information (RFC 9368 §10.1). */
export const TP_VERSION_INFORMATION: u64 = 0x11;

/** After findVersionInfo: the Chosen Version. */
export let viChosen: u32 = 0;
/** After findVersionInfo: where the Available Versions start (big-endian u32s) and how many. */
export let viList: usize = 0;
export let viCount: i32 = 0;

/** The i-th Available Version found by findVersionInfo. */
// @ts-ignore: decorator
@inline export function viAvailable(i: i32): u32 {
  return bswap<u32>(load<u32>(viList + (<usize>i << 2)));
}

/** True when `v` is among the Available Versions found by findVersionInfo. */
export function viOffers(v: u32): bool {
  for (let i = 0; i < viCount; i++) if (viAvailable(i) == v) return true;
  return false;
}

/**
 * Finds version_information in the encoded parameters [p, end). Returns 1 when found
 * (viChosen, viList, viCount set), 0 when absent, or -TRANSPORT_PARAMETER_ERROR when
 * the list is malformed, the parameter repeats, or it fails RFC 9368 §4's parsing rules
 * (shorter than 4 bytes, not a multiple of 4, a zero version).
 */
export function findVersionInfo(p: usize, end: usize): i32 {
  let found = 0;
  let q = p;
  while (q < end) {
    let n = readVarint(q, end);
    if (n == 0) return -TRANSPORT_PARAMETER_ERROR;
    q += <usize>n;
    const id = varintValue;
    n = readVarint(q, end);
    if (n == 0) return -TRANSPORT_PARAMETER_ERROR;
    q += <usize>n;
    const len = varintValue;
    if (len > <u64>(end - q)) return -TRANSPORT_PARAMETER_ERROR;
    const body = q;
    q += <usize>len;
    if (id != TP_VERSION_INFORMATION) continue;
    if (found) return -TRANSPORT_PARAMETER_ERROR; // §18.2 of RFC 9000: no duplicates
    if (len < 4 || (len & 3) != 0) return -TRANSPORT_PARAMETER_ERROR;
    viChosen = bswap<u32>(load<u32>(body));
    viList = body + 4;
    viCount = <i32>((len - 4) >> 2);
    if (viChosen == 0) return -TRANSPORT_PARAMETER_ERROR;
    for (let i = 0; i < viCount; i++) if (viAvailable(i) == 0) return -TRANSPORT_PARAMETER_ERROR;
    found = 1;
  }
  return found;
}

/** Bytes encodeVersionInfo writes for `count` Available Versions. */
export function lenVersionInfo(count: i32): i32 {
  const body = 4 + 4 * count;
  return varintLen(TP_VERSION_INFORMATION) + varintLen(<u64>body) + body;
}

/**
 * Writes version_information at p: `chosen`, then `count` versions from the u32 array at
 * `list`. Returns the length, or -ERR_BUFFER_TOO_SMALL.
 */
export function encodeVersionInfo(p: usize, end: usize, chosen: u32, list: usize, count: i32): i32 {
  const need = lenVersionInfo(count);
  if (p > end || <usize>need > end - p) return -ERR_BUFFER_TOO_SMALL;
  let q = p;
  q += <usize>writeVarint(q, end, TP_VERSION_INFORMATION);
  q += <usize>writeVarint(q, end, <u64>(4 + 4 * count));
  store<u32>(q, bswap<u32>(chosen)); q += 4;
  for (let i = 0; i < count; i++) {
    store<u32>(q, bswap<u32>(load<u32>(list + (<usize>i << 2))));
    q += 4;
  }
  return <i32>(q - p);
}
