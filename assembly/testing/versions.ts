// Probes of the version_information codec (wire/version-info.ts): bytes in and out
// through the scratch region.
import { scratchBuf, SCRATCH_CAPACITY } from "../abi/io";
import { findVersionInfo, encodeVersionInfo, viChosen, viCount, viAvailable } from "../wire/version-info";

/** Scans [scratch, scratch+len) for version_information: 1, 0 absent, or -TRANSPORT_PARAMETER_ERROR. */
export function viFind(len: i32): i32 {
  return findVersionInfo(scratchBuf, scratchBuf + <usize>len);
}

/** After viFind: the Chosen Version. */
export function viFoundChosen(): u32 { return viChosen; }
/** After viFind: how many Available Versions. */
export function viFoundCount(): i32 { return viCount; }
/** After viFind: the i-th Available Version. */
export function viFoundAt(i: i32): u32 { return viAvailable(i); }

/** Encodes `chosen` and `count` little-endian u32s found at scratch+1024 into scratch; the length or a negative code. */
export function viEncode(chosen: u32, count: i32, cap: i32): i32 {
  return encodeVersionInfo(scratchBuf, scratchBuf + <usize>(cap < SCRATCH_CAPACITY ? cap : SCRATCH_CAPACITY), chosen, scratchBuf + 1024, count);
}
