// Probe of the frame table (assembly/wire/frames/table.ts) for unit tests.
import { frameRow } from "../wire/frames/table";

/** The table's row for `type`: packet-type bits | N 0x10 | C 0x20 | P 0x40 | F 0x80. */
export function probeFrameRow(type: i32): i32 { return <i32>frameRow(<u64>type); }
