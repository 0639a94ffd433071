// ABI: where the fixed I/O regions are, and the last abort's location.
import { rxBuf, txBuf, scratchBuf, results, RX_CAPACITY, TX_CAPACITY, SCRATCH_CAPACITY, RESULT_SLOTS } from "./io";
import { ABORT_INFO } from "./abort";

/** Address of the receive region (RX_CAPACITY bytes). */
export function ioRxPtr(): usize { return rxBuf; }
/** Address of the transmit region (TX_CAPACITY bytes). */
export function ioTxPtr(): usize { return txBuf; }
/** Address of the scratch region (SCRATCH_CAPACITY bytes). */
export function ioScratchPtr(): usize { return scratchBuf; }
/** Address of the result slots (RESULT_SLOTS u64 values). */
export function ioResultsPtr(): usize { return results; }
export function ioRxCapacity(): i32 { return RX_CAPACITY; }
export function ioTxCapacity(): i32 { return TX_CAPACITY; }
export function ioScratchCapacity(): i32 { return SCRATCH_CAPACITY; }
export function ioResultSlots(): i32 { return RESULT_SLOTS; }

/** Address of the last abort's record (message ptr, file ptr, line, column; u32 each). */
export function ioAbortInfoPtr(): usize { return ABORT_INFO; }
