// Fixed I/O regions in linear memory, allocated once when the module starts and
// never freed, so their addresses are stable for the life of the instance.
// The host keeps typed views over them (host/core/core.ts) and rebuilds those
// views when memory grows (growth detaches every view over `memory.buffer`).
//
//   rxBuf      [RX_CAPACITY bytes]   datagrams in: the host copies bytes here, then calls
//   txBuf      [TX_CAPACITY bytes]   datagrams out: the core writes here
//   scratch    [SCRATCH_CAPACITY]    codec inputs/outputs for ABI calls that are not per packet
//   results    [RESULT_SLOTS x u64]  decoded fields handed back to the host (slot i at results + 8*i)

/** Largest UDP payload the core accepts in one call (a jumbo loopback datagram fits). */
export const RX_CAPACITY: i32 = 65536;
/** Room for the datagrams one pollTransmit call may write. */
export const TX_CAPACITY: i32 = 65536;
/** Room for encoding/decoding things like transport parameters or test frames. */
export const SCRATCH_CAPACITY: i32 = 65536;
/** Number of u64 result slots. */
export const RESULT_SLOTS: i32 = 64;

export const rxBuf: usize = heap.alloc(<usize>RX_CAPACITY);
export const txBuf: usize = heap.alloc(<usize>TX_CAPACITY);
export const scratchBuf: usize = heap.alloc(<usize>SCRATCH_CAPACITY);
export const results: usize = heap.alloc(<usize>(RESULT_SLOTS * 8));

/** Writes result slot `i` (a u64) for the host to read. */
// @ts-ignore: decorator
@inline export function setResult(i: i32, v: u64): void {
  store<u64>(results + (<usize>i << 3), v);
}

/** Reads result slot `i`. */
// @ts-ignore: decorator
@inline export function getResult(i: i32): u64 {
  return load<u64>(results + (<usize>i << 3));
}
