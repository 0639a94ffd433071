// A decoded frame as a record handed to the room that owns it, instead of the decoder's
// module globals read across rooms. receive.ts fills the one record per instance after
// each decodeFrame (wire/frames/decode.ts lists what a, b, c, d mean per type) and passes
// it down; handlers read only their argument. ACK ranges are still walked in place
// through the decoder's iterator (ackIterFirst/ackIterNext), right after decoding.

import { fType, fA, fB, fC, fD, fData, fDataLen, fFlag, fToken } from "../wire/frames/decode";

@unmanaged
export class Frame {
  type: u64;
  a: u64;
  b: u64;
  c: u64;
  d: u64;
  /** Data in the packet (STREAM/CRYPTO data, token, CID, reason phrase): valid while the packet is. */
  data: usize;
  dataLen: i32;
  /** STREAM: FIN. ACK: ECN counts present. */
  flag: bool;
  /** NEW_CONNECTION_ID: reset token; PATH_*: the 8 bytes. */
  token: usize;
}

const record: usize = memory.data(offsetof<Frame>());

/** The frame decodeFrame just decoded, as a record. */
export function takeFrame(): Frame {
  const f = changetype<Frame>(record);
  f.type = fType; f.a = fA; f.b = fB; f.c = fC; f.d = fD;
  f.data = fData; f.dataLen = fDataLen; f.flag = fFlag; f.token = fToken;
  return f;
}
