// ABI door for frames (RFC 9000 §19, RFC 9221) and transport parameters (§18).
// Pointers are absolute; results follow index.ts. Slot layouts:
//
//   frameDecode        bytes taken       0 type 1 A 2 B 3 C 4 D (see wire/frames/decode.ts for
//                                        what A-D mean per type) 5 data offset (relative to ptr)
//                                        6 data length 7 flag (FIN / ECN present) 8 token offset
//                                        (relative; NEW_CONNECTION_ID reset token, PATH_* data)
//                                        9 ECT0 10 ECT1 11 CE
//   frameAckRanges     range count       writes (lo, hi) u64 pairs, highest first, to out
//   frameEncode        bytes written     - (0 = did not fit, negative = bad arguments)
//   frameEncodeAck     bytes written     0 ranges written
//   frameAllowed       1/0               - (packet type in v1 numbering: 0 Initial, 1 0-RTT,
//                                        2 Handshake, 4 1-RTT)
//   frameIsAckEliciting 1/0              -
//   tpDecode           0                 see abi/tparams.ts
//
// frameEncode flags: bit 0 FIN, bit 1 with Length (STREAM, DATAGRAM), bit 2 application
// close (CONNECTION_CLOSE 0x1d).

import { setResult } from "./io";
import { FRAME_ENCODING_ERROR } from "../wire/errors";
import { FrameType } from "../wire/frames/types";
import { decodeFrame, fType, fA, fB, fC, fD, fData, fDataLen, fFlag, fToken, fEct0, fEct1, fCe } from "../wire/frames/decode";
import { takeFrame } from "../conn/frame";
import {
  encodePadding, encodeEmpty, encodeOne, encodeTwo, encodeResetStream, encodeCrypto, encodeNewToken, encodeStream,
  encodeNewConnectionId, encodePath, encodeConnectionClose, encodeDatagram, encodeAck, ackRangesWritten,
} from "../wire/frames/encode";
import { frameAllowedIn, frameIsAckEliciting as ackEliciting, PKT_I, PKT_H, PKT_0, PKT_1 } from "../wire/frames/table";
import { PacketType } from "../wire/version";

export function frameDecode(ptr: usize, len: i32): i32 {
  const n = decodeFrame(ptr, ptr + <usize>len);
  if (n < 0) return n;
  setResult(0, fType);
  setResult(1, fA);
  setResult(2, fB);
  setResult(3, fC);
  setResult(4, fD);
  setResult(5, fData ? <u64>(fData - ptr) : 0);
  setResult(6, <u64>fDataLen);
  setResult(7, fFlag ? 1 : 0);
  setResult(8, fToken ? <u64>(fToken - ptr) : 0);
  setResult(9, fEct0);
  setResult(10, fEct1);
  setResult(11, fCe);
  return n;
}

/** After frameDecode of an ACK: writes up to `max` ranges as (lo, hi) u64 pairs at `out`; returns the total number of ranges. */
export function frameAckRanges(out: usize, max: i32): i32 {
  if (fType != FrameType.ACK && fType != FrameType.ACK_ECN) return -FRAME_ENCODING_ERROR;
  const f = takeFrame();
  f.firstRange();
  let i = 0;
  do {
    if (i < max) {
      store<u64>(out + (<usize>i << 4), f.lo);
      store<u64>(out + (<usize>i << 4) + 8, f.hi);
    }
    i++;
  } while (f.nextRange());
  return i;
}

export function frameEncode(ptr: usize, cap: i32, type: i64, a: i64, b: i64, c: i64, data: usize, dataLen: i32, flags: i32): i32 {
  const end = ptr + <usize>cap;
  const t = <u64>type;
  if (dataLen < 0) return -FRAME_ENCODING_ERROR;
  if (t >= FrameType.STREAM && t <= FrameType.STREAM_MAX) {
    return encodeStream(ptr, end, <u64>a, <u64>b, data, dataLen, (flags & 1) != 0, (flags & 2) != 0);
  }
  switch (<i32>t) {
    case <i32>FrameType.PADDING: return encodePadding(ptr, end, <i32>a);
    case <i32>FrameType.PING:
    case <i32>FrameType.HANDSHAKE_DONE: return encodeEmpty(ptr, end, t);
    case <i32>FrameType.RESET_STREAM: return encodeResetStream(ptr, end, <u64>a, <u64>b, <u64>c);
    case <i32>FrameType.STOP_SENDING:
    case <i32>FrameType.MAX_STREAM_DATA:
    case <i32>FrameType.STREAM_DATA_BLOCKED: return encodeTwo(ptr, end, t, <u64>a, <u64>b);
    case <i32>FrameType.CRYPTO: return encodeCrypto(ptr, end, <u64>b, data, dataLen);
    case <i32>FrameType.NEW_TOKEN: return encodeNewToken(ptr, end, data, dataLen);
    case <i32>FrameType.MAX_DATA:
    case <i32>FrameType.MAX_STREAMS_BIDI:
    case <i32>FrameType.MAX_STREAMS_UNI:
    case <i32>FrameType.DATA_BLOCKED:
    case <i32>FrameType.STREAMS_BLOCKED_BIDI:
    case <i32>FrameType.STREAMS_BLOCKED_UNI:
    case <i32>FrameType.RETIRE_CONNECTION_ID: return encodeOne(ptr, end, t, <u64>a);
    case <i32>FrameType.NEW_CONNECTION_ID:
      // data = the CID followed by its 16-byte stateless reset token.
      if (dataLen < 17) return -FRAME_ENCODING_ERROR;
      return encodeNewConnectionId(ptr, end, <u64>a, <u64>b, data, dataLen - 16, data + <usize>(dataLen - 16));
    case <i32>FrameType.PATH_CHALLENGE:
    case <i32>FrameType.PATH_RESPONSE: return encodePath(ptr, end, t, data);
    case <i32>FrameType.CONNECTION_CLOSE:
    case <i32>FrameType.CONNECTION_CLOSE_APP: return encodeConnectionClose(ptr, end, t == FrameType.CONNECTION_CLOSE_APP, <u64>a, <u64>b, data, dataLen);
    case <i32>FrameType.DATAGRAM:
    case <i32>FrameType.DATAGRAM_LEN: return encodeDatagram(ptr, end, data, dataLen, t == FrameType.DATAGRAM_LEN);
    default: return -FRAME_ENCODING_ERROR;
  }
}

export function frameEncodeAck(ptr: usize, cap: i32, ranges: usize, count: i32, ackDelay: i64, withEcn: i32, ect0: i64, ect1: i64, ce: i64): i32 {
  const n = encodeAck(ptr, ptr + <usize>cap, ranges, count, <u64>ackDelay, withEcn != 0, <u64>ect0, <u64>ect1, <u64>ce);
  setResult(0, <u64>ackRangesWritten);
  return n;
}

export function frameAllowed(type: i64, packetType: i32): i32 {
  let bit: u8 = 0;
  if (packetType == PacketType.INITIAL) bit = PKT_I;
  else if (packetType == PacketType.HANDSHAKE) bit = PKT_H;
  else if (packetType == PacketType.ZERO_RTT) bit = PKT_0;
  else if (packetType == PacketType.ONE_RTT) bit = PKT_1;
  return frameAllowedIn(<u64>type, bit) ? 1 : 0;
}

export function frameIsAckEliciting(type: i64): i32 {
  return ackEliciting(<u64>type) ? 1 : 0;
}
