// Where the core goes when an internal invariant breaks (AssemblyScript's `abort`:
// failed assertions, out-of-bounds array access, ...). Bad input from the network
// must never arrive here — every decoder bounds-checks and returns an error code.
// This records where it happened so the host can raise a typed error
// (ERR_QUIC_CORE_ABORT) with a file and line, then traps.
//
// The record lives in a static data segment, not in globals: `abort` can run while
// the module's globals are still being initialised.
//
//   ABORT_INFO + 0   message pointer (AssemblyScript string, UTF-16) or 0
//   ABORT_INFO + 4   file name pointer or 0
//   ABORT_INFO + 8   line
//   ABORT_INFO + 12  column

export const ABORT_INFO: usize = memory.data(16);

export function onAbort(message: string | null, fileName: string | null, line: u32, column: u32): void {
  store<u32>(ABORT_INFO, <u32>changetype<usize>(message));
  store<u32>(ABORT_INFO, <u32>changetype<usize>(fileName), 4);
  store<u32>(ABORT_INFO, line, 8);
  store<u32>(ABORT_INFO, column, 12);
  unreachable();
}
