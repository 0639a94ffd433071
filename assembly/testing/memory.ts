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
import { LocalCid, PeerCid } from "../conn/cid";
import { Path } from "../conn/path-state";
import { KeyPhase } from "../conn/keyphase";
import { WireBits } from "../conn/wire-bits";
import { Pending } from "../conn/pending";
import { HyStart } from "../recovery/hystart";
import { Pmtud } from "../conn/pmtud-search";
import { PathCounters } from "../conn/path-counters";
import { CryptoSendBuffer } from "../conn/crypto-send";

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

/** Field bytes of the census classes (offsetof, testClassId's order; 0 for builtins): with the 20-byte
 * header, a block is the next multiple of 16, so a class 1–15 bytes over a step costs 16 more. */
export function testClassPayload(kind: i32): u32 {
  switch (kind) {
    case 0: return <u32>offsetof<Connection>();
    case 1: return <u32>offsetof<PacketSpace>();
    case 2: return <u32>offsetof<Config>();
    case 3: return <u32>offsetof<TransportParams>();
    case 4: return <u32>offsetof<AckTracker>();
    case 6: return <u32>offsetof<RecvBuffer>();
    case 8: return <u32>offsetof<RttEstimator>();
    case 9: return <u32>offsetof<CongestionController>();
    case 10: return <u32>offsetof<Pacer>();
    case 11: return <u32>offsetof<ConnectionIds>();
    case 12: return <u32>offsetof<TimerTable>();
    case 13: return <u32>offsetof<SentQueue>();
    case 21: return <u32>offsetof<LocalCid>();
    case 22: return <u32>offsetof<PeerCid>();
    case 25: return <u32>offsetof<Path>();
    case 27: return <u32>offsetof<WireBits>();
    case 28: return <u32>offsetof<Pending>();
    case 35: return <u32>offsetof<PathCounters>();
    case 36: return <u32>offsetof<CryptoSendBuffer>();
    default: return 0;
  }
}

/** Where the allocator's first block starts (diagnostics: a host-side census of live blocks by class id). */
export function testHeapStart(): usize {
  return changetype<usize>(ROOT) + ROOT_SIZE;
}

/** Class ids of the core's main classes, in testSizeOf's order (diagnostics for the census). */
export function testClassId(kind: i32): u32 {
  switch (kind) {
    case 0: return idof<Connection>();
    case 1: return idof<PacketSpace>();
    case 2: return idof<Config>();
    case 3: return idof<TransportParams>();
    case 4: return idof<AckTracker>();
    case 5: return idof<SendBuffer>();
    case 6: return idof<RecvBuffer>();
    case 7: return idof<RangeSet>();
    case 8: return idof<RttEstimator>();
    case 9: return idof<CongestionController>();
    case 10: return idof<Pacer>();
    case 11: return idof<ConnectionIds>();
    case 12: return idof<TimerTable>();
    case 13: return idof<SentQueue>();
    case 14: return idof<Uint8Array>();
    case 15: return idof<Array<u64>>();
    case 16: return idof<Map<u64, i32>>();
    case 17: return idof<ArrayBuffer>();
    case 18: return idof<StaticArray<u8>>();
    case 19: return idof<StaticArray<u64>>();
    case 20: return idof<StaticArray<i32>>();
    case 21: return idof<LocalCid>();
    case 22: return idof<PeerCid>();
    case 23: return idof<Array<LocalCid>>();
    case 24: return idof<Array<PeerCid>>();
    case 25: return idof<Path>();
    case 26: return idof<KeyPhase>();
    case 27: return idof<WireBits>();
    case 28: return idof<Pending>();
    case 29: return idof<StaticArray<f64>>();
    case 30: return idof<Array<Uint8Array>>();
    case 31: return idof<StaticArray<PacketSpace>>();
    case 32: return idof<Array<i32>>();
    case 33: return idof<HyStart>();
    case 34: return idof<Pmtud>();
    case 35: return idof<PathCounters>();
    case 36: return idof<CryptoSendBuffer>();
    default: return 0;
  }
}
