// Frame encoding (RFC 9000 §19, RFC 9221 §4), in place. Every encoder writes at `p`
// without passing `end` and returns the bytes written, or 0 when the frame does not fit
// (the packet builder then tries a smaller frame or the next packet). Lengths can be
// asked first with the *Len functions so a builder can plan a packet.

import { writeVarint, varintLen, VARINT_MAX } from "../varint";
import { FrameType, STREAM_OFF, STREAM_LEN, STREAM_FIN } from "./types";

// A cursor: writes advance `at`; a write that does not fit sets `full`.
let at: usize = 0;
let lim: usize = 0;
let full: bool = false;

// @ts-ignore: decorator
@inline function begin(p: usize, end: usize): void {
  at = p; lim = end; full = p > end;
}

// @ts-ignore: decorator
@inline function v(x: u64): void {
  if (full) return;
  const n = writeVarint(at, lim, x);
  if (n == 0) { full = true; return; }
  at += <usize>n;
}

// @ts-ignore: decorator
@inline function raw(src: usize, len: i32): void {
  if (full || <usize>len > lim - at) { full = true; return; }
  memory.copy(at, src, <usize>len);
  at += <usize>len;
}

// @ts-ignore: decorator
@inline function done(p: usize): i32 {
  return full ? 0 : <i32>(at - p);
}

/** `count` PADDING bytes. */
export function encodePadding(p: usize, end: usize, count: i32): i32 {
  if (count < 0 || p > end || <usize>count > end - p) return 0;
  memory.fill(p, 0, <usize>count);
  return count;
}

/** A frame with no fields: PING or HANDSHAKE_DONE. */
export function encodeEmpty(p: usize, end: usize, type: u64): i32 {
  begin(p, end); v(type); return done(p);
}

/** A frame with one integer field: MAX_DATA, MAX_STREAMS_*, DATA_BLOCKED, STREAMS_BLOCKED_*, RETIRE_CONNECTION_ID. */
export function encodeOne(p: usize, end: usize, type: u64, a: u64): i32 {
  begin(p, end); v(type); v(a); return done(p);
}

/** A frame with two integer fields: STOP_SENDING, MAX_STREAM_DATA, STREAM_DATA_BLOCKED. */
export function encodeTwo(p: usize, end: usize, type: u64, a: u64, b: u64): i32 {
  begin(p, end); v(type); v(a); v(b); return done(p);
}

/** RESET_STREAM. */
export function encodeResetStream(p: usize, end: usize, streamId: u64, errorCode: u64, finalSize: u64): i32 {
  begin(p, end); v(FrameType.RESET_STREAM); v(streamId); v(errorCode); v(finalSize); return done(p);
}

/** Bytes of a CRYPTO frame header (type, offset, length) for `len` data bytes. */
export function cryptoHeaderLen(offset: u64, len: i32): i32 {
  return 1 + varintLen(offset) + varintLen(<u64>len);
}

/** CRYPTO with its data. */
export function encodeCrypto(p: usize, end: usize, offset: u64, data: usize, len: i32): i32 {
  if (offset + <u64>len > VARINT_MAX) return 0;
  begin(p, end); v(FrameType.CRYPTO); v(offset); v(<u64>len); raw(data, len); return done(p);
}

/**
 * A CRYPTO frame's header for `len` data bytes, with room checked for the data, which the
 * caller copies in after it (its bytes may lie in pieces: conn/crypto-send.ts copyTo).
 * Returns the header's length, or 0 when the frame does not fit.
 */
export function encodeCryptoHeader(p: usize, end: usize, offset: u64, len: i32): i32 {
  if (offset + <u64>len > VARINT_MAX) return 0;
  begin(p, end); v(FrameType.CRYPTO); v(offset); v(<u64>len);
  if (full || <usize>len > lim - at) return 0;
  return <i32>(at - p);
}

/** NEW_TOKEN. */
export function encodeNewToken(p: usize, end: usize, token: usize, len: i32): i32 {
  begin(p, end); v(FrameType.NEW_TOKEN); v(<u64>len); raw(token, len); return done(p);
}

/**
 * Bytes of a STREAM frame header. With `withLength` false the frame runs to the end of
 * the packet (the last frame of a packet saves its Length field).
 */
export function streamHeaderLen(streamId: u64, offset: u64, len: i32, withLength: bool): i32 {
  return 1 + varintLen(streamId) + (offset > 0 ? varintLen(offset) : 0) + (withLength ? varintLen(<u64>len) : 0);
}

/** STREAM with its data; the OFF bit is set only for a non-zero offset. */
export function encodeStream(p: usize, end: usize, streamId: u64, offset: u64, data: usize, len: i32, fin: bool, withLength: bool): i32 {
  if (offset + <u64>len > VARINT_MAX) return 0;
  let type = FrameType.STREAM;
  if (offset > 0) type |= STREAM_OFF;
  if (withLength) type |= STREAM_LEN;
  if (fin) type |= STREAM_FIN;
  begin(p, end);
  v(type); v(streamId);
  if (offset > 0) v(offset);
  if (withLength) v(<u64>len);
  raw(data, len);
  return done(p);
}

/** NEW_CONNECTION_ID (cid 1..20 bytes, 16-byte reset token). */
export function encodeNewConnectionId(p: usize, end: usize, seq: u64, retirePriorTo: u64, cid: usize, cidLen: i32, resetToken: usize): i32 {
  if (cidLen < 1 || cidLen > 20 || retirePriorTo > seq) return 0;
  begin(p, end);
  v(FrameType.NEW_CONNECTION_ID); v(seq); v(retirePriorTo);
  if (!full && at < lim) { store<u8>(at, <u8>cidLen); at++; } else full = true;
  raw(cid, cidLen); raw(resetToken, 16);
  return done(p);
}

/** PATH_CHALLENGE or PATH_RESPONSE with 8 bytes of data. */
export function encodePath(p: usize, end: usize, type: u64, data8: usize): i32 {
  begin(p, end); v(type); raw(data8, 8); return done(p);
}

/** CONNECTION_CLOSE: transport (0x1c, with the frame type) or application (0x1d). */
export function encodeConnectionClose(p: usize, end: usize, isApplication: bool, errorCode: u64, frameType: u64, reason: usize, reasonLen: i32): i32 {
  begin(p, end);
  v(isApplication ? FrameType.CONNECTION_CLOSE_APP : FrameType.CONNECTION_CLOSE);
  v(errorCode);
  if (!isApplication) v(frameType);
  v(<u64>reasonLen);
  raw(reason, reasonLen);
  return done(p);
}

/** DATAGRAM, with or without a Length field. */
export function encodeDatagram(p: usize, end: usize, data: usize, len: i32, withLength: bool): i32 {
  begin(p, end);
  v(withLength ? FrameType.DATAGRAM_LEN : FrameType.DATAGRAM);
  if (withLength) v(<u64>len);
  raw(data, len);
  return done(p);
}

/** Ranges written by the last encodeAck (ACKs are truncated to the space available, lowest ranges dropped). */
export let ackRangesWritten: i32 = 0;

/**
 * ACK or ACK_ECN from `count` ranges at `ranges`: pairs of u64 (lo, hi), inclusive,
 * highest first, non-overlapping and not adjacent. `ackDelay` is already scaled by the
 * ack_delay_exponent. Writes as many ranges as fit (at least the first); returns 0 if
 * not even the first range fits.
 */
export function encodeAck(p: usize, end: usize, ranges: usize, count: i32, ackDelay: u64, withEcn: bool, ect0: u64, ect1: u64, ce: u64): i32 {
  ackRangesWritten = 0;
  if (count < 1) return 0;
  const lo0 = load<u64>(ranges);
  const hi0 = load<u64>(ranges + 8);
  // Reserve the ECN counts' room first so that truncating ranges keeps the frame valid.
  const ecnLen = withEcn ? varintLen(ect0) + varintLen(ect1) + varintLen(ce) : 0;
  if (p > end || <usize>ecnLen > end - p) return 0;
  const rangeEnd = end - <usize>ecnLen;
  // The count field comes before the ranges: write ranges first into place after a
  // count field sized for `count`, then fix the count if fewer fit.
  begin(p, rangeEnd);
  v(withEcn ? FrameType.ACK_ECN : FrameType.ACK);
  v(hi0);
  v(ackDelay);
  if (full) return 0;
  const countAt = at;
  const countLen = varintLen(<u64>(count - 1));
  if (<usize>countLen > lim - at) return 0;
  at += <usize>countLen;
  v(hi0 - lo0);
  if (full) return 0;
  let written = 0;
  let prevLo = lo0;
  for (let i = 1; i < count; i++) {
    const lo = load<u64>(ranges + (<usize>i << 4));
    const hi = load<u64>(ranges + (<usize>i << 4) + 8);
    const gap = prevLo - hi - 2;
    const len = hi - lo;
    const need = varintLen(gap) + varintLen(len);
    if (<usize>need > lim - at) break;
    v(gap); v(len);
    prevLo = lo;
    written++;
  }
  // Patch the count in the field size reserved (a smaller count always fits it).
  store<u8>(countAt, 0);
  writeVarintFixed(countAt, <u64>written, countLen);
  ackRangesWritten = written + 1;
  lim = end;
  if (withEcn) { v(ect0); v(ect1); v(ce); }
  return done(p);
}

function writeVarintFixed(p: usize, x: u64, n: i32): void {
  switch (n) {
    case 1: store<u8>(p, <u8>x); break;
    case 2: store<u16>(p, bswap<u16>(<u16>x | 0x4000)); break;
    case 4: store<u32>(p, bswap<u32>(<u32>x | 0x80000000)); break;
    default: store<u64>(p, bswap<u64>(x | 0xc000000000000000));
  }
}
