// Probe for memory measurements (tests and benches through the testing build): the bytes
// the core's heap holds in live blocks, after a full collection. Linear memory only
// grows, and the runtime doubles it when it runs out, so memory.size() says little
// about one connection; this walks the allocator's (TLSF) free lists instead and
// counts what is not free. Depends on AssemblyScript's rt/tlsf.ts layout (0.28).

import { ROOT } from "rt/tlsf";

// rt/tlsf.ts constants (32-bit): SL_BITS 4, AL_BITS 4, FL_BITS = 31 - (SL_BITS + AL_BITS).
const SL_SIZE: usize = 16;
const FL_BITS: usize = 23;
const HL_START: usize = (4 + (FL_BITS << 2) + 15) & ~15;
const ROOT_SIZE: usize = HL_START + FL_BITS * SL_SIZE * 4 + 4;
const BLOCK_OVERHEAD: usize = 4;
const TAGS_MASK: u32 = 3;

/** Bytes in live (allocated) blocks of the core's heap, headers included, after a full GC. */
export function testHeapUsed(): f64 {
  __collect();
  const root = changetype<usize>(ROOT);
  let free: usize = 0;
  for (let fl: usize = 0; fl < FL_BITS; fl++) {
    for (let sl: usize = 0; sl < SL_SIZE; sl++) {
      let b = load<usize>(root + HL_START + (((fl << 4) + sl) << 2));
      while (b != 0) {
        free += <usize>(load<u32>(b) & ~TAGS_MASK) + BLOCK_OVERHEAD;
        b = load<usize>(b + 8); // Block.next
      }
    }
  }
  const end = <usize>memory.size() << 16;
  return <f64>(end - root - ROOT_SIZE - free);
}

import { Connection } from "../conn/connection";
import { PacketSpace } from "../conn/space";
import { Config } from "../conn/config";
import { TransportParams } from "../wire/tparams";
import { AckTracker } from "../recovery/acktracker";
import { SendBuffer } from "../conn/sendbuf";
import { RecvBuffer } from "../conn/recvbuf";
import { RangeSet } from "../util/ranges";
import { RttEstimator } from "../recovery/rtt";
import { CongestionController } from "../recovery/cc";
import { Pacer } from "../recovery/pacer";
import { ConnectionIds } from "../conn/cid";
import { TimerTable } from "../conn/timer-table";
import { SentQueue } from "../recovery/sent-queue";

let keep: Object | null = null;

/** Heap bytes one new object of `kind` takes with everything it allocates (diagnostics for the half-open budget). */
export function testSizeOf(kind: i32): f64 {
  keep = null;
  const before = testHeapUsed();
  switch (kind) {
    case 0: keep = new Connection(1, true, 1, 1, new Config()); break;
    case 1: keep = new PacketSpace(0); break;
    case 2: keep = new Config(); break;
    case 3: keep = new TransportParams(); break;
    case 4: keep = new AckTracker(); break;
    case 5: keep = new SendBuffer(1 << 20); break;
    case 6: keep = new RecvBuffer(65536); break;
    case 7: keep = new RangeSet(); break;
    case 8: keep = new RttEstimator(); break;
    case 9: keep = new CongestionController(0, 1200); break;
    case 10: keep = new Pacer(1200); break;
    case 11: keep = new ConnectionIds(); break;
    case 12: keep = new TimerTable(1); break;
    case 13: keep = new SentQueue(); break;
    case 14: keep = new Uint8Array(0); break;
    case 15: keep = new Array<u64>(); break;
    case 16: keep = new Map<u64, i32>(); break;
    default: return -1;
  }
  const after = testHeapUsed();
  keep = null;
  return after - before;
}
