// Probes of the connection-ID rooms (util/siphash.ts, endpoint/cid-gen.ts) for unit tests.
import { sipHash128 } from "../util/siphash";
import { scratchBuf } from "../abi/io";

/** SipHash-2-4-128 with the key at scratch[0, 16) over scratch[16, 16 + len) -> scratch[64, 80). */
export function probeSipHash128(len: i32): void {
  sipHash128(load<u64>(scratchBuf), load<u64>(scratchBuf, 8), scratchBuf + 16, len, scratchBuf + 64);
}
