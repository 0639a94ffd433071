// ABI door for transport parameters (for tests and tools; the connection keeps its own
// TransportParams). One scratch set is encoded/decoded through these calls:
//   tpClear()                                 empty the set
//   tpSet(id, value)                          integer or flag parameter; 0 or -TRANSPORT_PARAMETER_ERROR (unknown id)
//   tpSetBytes(id, ptr, len)                  CIDs, reset token, preferred address
//   tpEncode(ptr, cap)                        bytes written or -ERR_BUFFER_TOO_SMALL
//   tpDecode(ptr, len, fromServer)            0 or -TRANSPORT_PARAMETER_ERROR
//   tpHas(id) / tpGet(id) (i64, §18.2 default when absent) / tpGetBytes(id, out) (length or -1)

import { TransportParams, tpSlot } from "../wire/tparams";
import { TRANSPORT_PARAMETER_ERROR } from "../wire/errors";

const scratchParams = new TransportParams();

export function tpClear(): void {
  scratchParams.clear();
}

export function tpSet(id: i64, value: i64): i32 {
  if (tpSlot(<u64>id) < 0) return -TRANSPORT_PARAMETER_ERROR;
  scratchParams.set(<u64>id, <u64>value);
  return 0;
}

export function tpSetBytes(id: i64, ptr: usize, len: i32): i32 {
  return scratchParams.setBytes(<u64>id, ptr, len) ? 0 : -TRANSPORT_PARAMETER_ERROR;
}

export function tpEncode(ptr: usize, cap: i32): i32 {
  return scratchParams.encode(ptr, ptr + <usize>cap);
}

export function tpDecode(ptr: usize, len: i32, fromServer: i32): i32 {
  return scratchParams.decode(ptr, ptr + <usize>len, fromServer != 0);
}

export function tpHas(id: i64): i32 {
  return scratchParams.has(<u64>id) ? 1 : 0;
}

export function tpGet(id: i64): i64 {
  return <i64>scratchParams.get(<u64>id);
}

export function tpGetBytes(id: i64, out: usize): i32 {
  const len = scratchParams.bytesLen(<u64>id);
  if (len < 0) return -1;
  memory.copy(out, scratchParams.bytesPtr(<u64>id), <usize>len);
  return len;
}
