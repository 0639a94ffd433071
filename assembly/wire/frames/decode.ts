// Frame decoding (RFC 9000 §19, RFC 9221 §4) into module globals: no allocation per
// frame. decodeFrame returns the bytes the frame takes, or a negative code:
//   -FRAME_ENCODING_ERROR  truncated, unknown type, or a field out of its range
//   -PROTOCOL_VIOLATION    a frame type not in its shortest encoding (§12.4)
// Data-carrying frames (STREAM, CRYPTO, NEW_TOKEN, DATAGRAM, CONNECTION_CLOSE reason)
// point into the packet: fData/fDataLen are valid while the packet buffer is.
// ACK ranges are validated here and left in place: fRanges is where they start, and the
// frame record (conn/frame.ts Frame.firstRange/nextRange) walks them without copying.

import { readVarint, varintValue, VARINT_MAX } from "../varint";
import { FRAME_ENCODING_ERROR, PROTOCOL_VIOLATION } from "../errors";
import { FrameType, STREAM_OFF, STREAM_LEN, STREAM_FIN, MAX_STREAM_COUNT } from "./types";

/** Type of the last decoded frame. */
export let fType: u64 = 0;
/** Generic fields of the last decoded frame; what each holds is listed per type below. */
export let fA: u64 = 0;
export let fB: u64 = 0;
export let fC: u64 = 0;
export let fD: u64 = 0;
/** Data in the packet (STREAM/CRYPTO data, token, CID, reason phrase, datagram). */
export let fData: usize = 0;
export let fDataLen: i32 = 0;
/** STREAM: FIN bit. ACK: ECN counts present. */
export let fFlag: bool = false;
/** NEW_CONNECTION_ID: the 16-byte stateless reset token. PATH_*: the 8-byte data. */
export let fToken: usize = 0;
/** ACK_ECN counts. */
export let fEct0: u64 = 0;
export let fEct1: u64 = 0;
export let fCe: u64 = 0;

// Field meaning per frame type:
//   PADDING            A = number of PADDING bytes in this run (consecutive 0x00 are one "frame")
//   ACK / ACK_ECN      A = largest acknowledged, B = ACK Delay (unscaled), C = ACK Range Count,
//                      D = First ACK Range, fFlag = ECN present (fEct0/fEct1/fCe)
//   RESET_STREAM       A = stream id, B = application error code, C = final size
//   STOP_SENDING       A = stream id, B = application error code
//   CRYPTO             B = offset, data
//   NEW_TOKEN          data = token
//   STREAM             A = stream id, B = offset, data, fFlag = FIN
//   MAX_DATA           A = maximum data
//   MAX_STREAM_DATA    A = stream id, B = maximum stream data
//   MAX_STREAMS_*      A = maximum streams
//   DATA_BLOCKED       A = limit
//   STREAM_DATA_BLOCKED A = stream id, B = limit
//   STREAMS_BLOCKED_*  A = limit
//   NEW_CONNECTION_ID  A = sequence number, B = retire prior to, data = CID, fToken = reset token
//   RETIRE_CONNECTION_ID A = sequence number
//   PATH_CHALLENGE/RESPONSE fToken = 8 bytes of data
//   CONNECTION_CLOSE   A = error code, B = frame type (0x1c only), data = reason phrase
//   DATAGRAM           data

/** ACK / ACK_ECN: where the Gap / ACK Range Length pairs after the First ACK Range start (fC pairs, validated). */
export let fRanges: usize = 0;

function clearFields(): void {
  fA = 0; fB = 0; fC = 0; fD = 0; fData = 0; fDataLen = 0; fFlag = false; fToken = 0; fRanges = 0;
  fEct0 = 0; fEct1 = 0; fCe = 0;
}

// A cursor over the frame: reads advance `cur`; a failed read leaves `bad` set.
let cur: usize = 0;
let lim: usize = 0;
let bad: bool = false;

// @ts-ignore: decorator
@inline function v(): u64 {
  const n = readVarint(cur, lim);
  if (n == 0) { bad = true; return 0; }
  cur += <usize>n;
  return varintValue;
}

// @ts-ignore: decorator
@inline function bytes(len: u64): usize {
  if (bad || len > <u64>(lim - cur)) { bad = true; return 0; }
  const p = cur;
  cur += <usize>len;
  return p;
}

/** Decodes the frame at `p` (the packet payload ends at `end`). */
export function decodeFrame(p: usize, end: usize): i32 {
  clearFields();
  cur = p; lim = end; bad = false;
  if (p >= end) return -FRAME_ENCODING_ERROR;
  const typeLen = readVarint(p, end);
  if (typeLen == 0) return -FRAME_ENCODING_ERROR;
  const type = varintValue;
  fType = type;
  cur += <usize>typeLen;
  // §12.4: frame types use the shortest encoding; anything else may be PROTOCOL_VIOLATION.
  if ((typeLen > 1 && type < 0x40) || (typeLen > 2 && type < 0x4000)) return -PROTOCOL_VIOLATION;

  if (type == FrameType.PADDING) {
    while (cur < lim && load<u8>(cur) == 0) cur++;
    fA = <u64>(cur - p);
    return <i32>(cur - p);
  }
  if (type >= FrameType.STREAM && type <= FrameType.STREAM_MAX) return decodeStream(p, type);
  switch (<i32>type) {
    case <i32>FrameType.PING:
    case <i32>FrameType.HANDSHAKE_DONE:
      break;
    case <i32>FrameType.ACK:
    case <i32>FrameType.ACK_ECN:
      return decodeAck(p, type == FrameType.ACK_ECN);
    case <i32>FrameType.RESET_STREAM:
      fA = v(); fB = v(); fC = v();
      break;
    case <i32>FrameType.STOP_SENDING:
    case <i32>FrameType.MAX_STREAM_DATA:
    case <i32>FrameType.STREAM_DATA_BLOCKED:
      fA = v(); fB = v();
      break;
    case <i32>FrameType.CRYPTO: {
      fB = v();
      const len = v();
      fData = bytes(len); fDataLen = <i32>len;
      // §19.6: offset + length beyond 2^62 - 1 is a FRAME_ENCODING_ERROR (or CRYPTO_BUFFER_EXCEEDED).
      if (!bad && fB + len > VARINT_MAX) return -FRAME_ENCODING_ERROR;
      break;
    }
    case <i32>FrameType.NEW_TOKEN: {
      const len = v();
      if (!bad && len == 0) return -FRAME_ENCODING_ERROR; // §19.7: an empty token is an error
      fData = bytes(len); fDataLen = <i32>len;
      break;
    }
    case <i32>FrameType.MAX_DATA:
    case <i32>FrameType.DATA_BLOCKED:
    case <i32>FrameType.RETIRE_CONNECTION_ID:
      fA = v();
      break;
    case <i32>FrameType.MAX_STREAMS_BIDI:
    case <i32>FrameType.MAX_STREAMS_UNI:
    case <i32>FrameType.STREAMS_BLOCKED_BIDI:
    case <i32>FrameType.STREAMS_BLOCKED_UNI:
      fA = v();
      // §19.11, §19.14: a count above 2^60 is a FRAME_ENCODING_ERROR.
      if (!bad && fA > MAX_STREAM_COUNT) return -FRAME_ENCODING_ERROR;
      break;
    case <i32>FrameType.NEW_CONNECTION_ID: {
      fA = v(); fB = v();
      if (bad || cur >= lim) return -FRAME_ENCODING_ERROR;
      const len = <u64>load<u8>(cur); cur++;
      // §19.15: length 1..20, and Retire Prior To not above the Sequence Number.
      if (len < 1 || len > 20 || fB > fA) return -FRAME_ENCODING_ERROR;
      fData = bytes(len); fDataLen = <i32>len;
      fToken = bytes(16);
      break;
    }
    case <i32>FrameType.PATH_CHALLENGE:
    case <i32>FrameType.PATH_RESPONSE:
      fToken = bytes(8);
      break;
    case <i32>FrameType.CONNECTION_CLOSE:
    case <i32>FrameType.CONNECTION_CLOSE_APP: {
      fA = v();
      if (type == FrameType.CONNECTION_CLOSE) fB = v();
      const len = v();
      fData = bytes(len); fDataLen = <i32>len;
      break;
    }
    case <i32>FrameType.DATAGRAM:
      fData = cur; fDataLen = <i32>(lim - cur); cur = lim;
      break;
    case <i32>FrameType.DATAGRAM_LEN: {
      const len = v();
      fData = bytes(len); fDataLen = <i32>len;
      break;
    }
    default:
      return -FRAME_ENCODING_ERROR; // §12.4: unknown frame types are FRAME_ENCODING_ERROR
  }
  if (bad) return -FRAME_ENCODING_ERROR;
  return <i32>(cur - p);
}

function decodeStream(p: usize, type: u64): i32 {
  fA = v();
  if ((type & STREAM_OFF) != 0) fB = v();
  let len: u64;
  if ((type & STREAM_LEN) != 0) len = v();
  else len = bad ? 0 : <u64>(lim - cur); // no Length: the data runs to the end of the packet
  fData = bytes(len); fDataLen = <i32>len;
  fFlag = (type & STREAM_FIN) != 0;
  if (bad) return -FRAME_ENCODING_ERROR;
  // §19.8: the largest offset must stay within 2^62 - 1.
  if (fB + len > VARINT_MAX) return -FRAME_ENCODING_ERROR;
  return <i32>(cur - p);
}

function decodeAck(p: usize, ecn: bool): i32 {
  const largest = v();
  fA = largest;
  fB = v();
  const count = v();
  fC = count;
  const first = v();
  fD = first;
  if (bad) return -FRAME_ENCODING_ERROR;
  // §19.3.1: the smallest acknowledged in a range must not go below 0.
  if (first > largest) return -FRAME_ENCODING_ERROR;
  fRanges = cur;
  let lo = largest - first;
  // Each range takes at least 2 bytes: a count beyond what the packet can hold is bogus
  // (and must not make us loop 2^62 times).
  if (count > <u64>(lim - cur) / 2) return -FRAME_ENCODING_ERROR;
  for (let i: u64 = 0; i < count; i++) {
    const gap = v();
    const len = v();
    if (bad) return -FRAME_ENCODING_ERROR;
    if (lo < gap + 2) return -FRAME_ENCODING_ERROR;
    const hi = lo - gap - 2;
    if (hi < len) return -FRAME_ENCODING_ERROR;
    lo = hi - len;
  }
  if (ecn) {
    fFlag = true;
    fEct0 = v(); fEct1 = v(); fCe = v();
    if (bad) return -FRAME_ENCODING_ERROR;
  }
  return <i32>(cur - p);
}
