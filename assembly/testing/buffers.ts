// Probes of the range set, the send buffers (streams, CRYPTO) and receive buffers and the sent-packet rings
// for unit tests (test/core/). Values cross as f64 (exact below 2^53); bytes move
// through the scratch region.

import { RangeSet } from "../util/ranges";
import { SendBuffer } from "../conn/sendbuf";
import { CryptoSendBuffer } from "../conn/crypto-send";
import { RecvBuffer } from "../conn/recvbuf";
import { SentQueue, sentRingBytes } from "../recovery/sent-queue";
import { SF_STREAM } from "../recovery/sent";
import { scratchBuf } from "../abi/io";

// ---- RangeSet ----
let rs = new RangeSet();

export function rsReset(maxRanges: i32): void { rs = new RangeSet(maxRanges); }
export function rsAdd(lo: f64, hi: f64): void { rs.add(<u64>lo, <u64>hi); }
export function rsRemove(lo: f64, hi: f64): void { rs.remove(<u64>lo, <u64>hi); }
export function rsTrimBelow(v: f64): void { rs.trimBelow(<u64>v); }
export function rsContains(v: f64): i32 { return rs.contains(<u64>v) ? 1 : 0; }
export function rsContiguousEnd(from: f64): f64 { return <f64>rs.contiguousEnd(<u64>from); }
export function rsCount(): i32 { return rs.count; }
export function rsLo(i: i32): f64 { return <f64>rs.lo(i); }
export function rsHi(i: i32): f64 { return <f64>rs.hi(i); }
export function rsFloor(): f64 { return <f64>rs.floor; }

// ---- SendBuffer ----
let sb = new SendBuffer(1 << 20);

export function sbReset(capacity: i32): void { sb = new SendBuffer(capacity); }
/** Appends `len` bytes from scratch; returns how many were taken. */
export function sbWrite(len: i32): i32 { return sb.write(scratchBuf, len); }
export function sbFinish(): void { sb.fin = true; }
/** Next chunk (at most max bytes, new data below limit): copies it to scratch, returns its length; sbChunkOffset() says where. */
export function sbNext(max: i32, limit: f64): i32 {
  const n = sb.next(max, <u64>limit);
  if (n > 0) memory.copy(scratchBuf, sb.ptr(sb.chunkOffset), <usize>n);
  return n;
}
export function sbChunkOffset(): f64 { return <f64>sb.chunkOffset; }
export function sbFinWith(end: f64): i32 { return sb.finWith(<u64>end) ? 1 : 0; }
export function sbAcked(offset: f64, len: i32, fin: i32): void { sb.onAcked(<u64>offset, len, fin != 0); }
export function sbLost(offset: f64, len: i32, fin: i32): void { sb.onLost(<u64>offset, len, fin != 0); }
/** 0 base, 1 end, 2 nextSend, 3 room, 4 buffered, 5 hasPending, 6 allAcked, 7 storage size. */
export function sbGet(field: i32): f64 {
  switch (field) {
    case 0: return <f64>sb.base;
    case 1: return <f64>sb.end;
    case 2: return <f64>sb.nextSend;
    case 3: return <f64>sb.room;
    case 4: return <f64>sb.buffered;
    case 5: return sb.hasPending() ? 1 : 0;
    case 6: return sb.allAcked() ? 1 : 0;
    default: return <f64>sb.data.length;
  }
}

// ---- CryptoSendBuffer ----
let cs = new CryptoSendBuffer(1 << 20);

export function csReset(capacity: i32): void { cs = new CryptoSendBuffer(capacity); }
/** Appends `len` bytes from scratch (copied); returns how many were taken. */
export function csWrite(len: i32): i32 { return cs.write(scratchBuf, len); }
/** Appends `len` bytes from scratch by reference to a block of their own (as shared-flight.ts keeps one); 1 if taken. */
export function csWriteShared(len: i32): i32 {
  const seg = new StaticArray<u8>(len);
  memory.copy(changetype<usize>(seg), scratchBuf, <usize>len);
  return cs.writeShared(seg) ? 1 : 0;
}
/** Next chunk (at most max bytes): copied to scratch, its length returned; csChunkOffset() says where. */
export function csNext(max: i32): i32 {
  const n = cs.next(max);
  if (n > 0) cs.copyTo(scratchBuf, cs.chunkOffset, n);
  return n;
}
export function csChunkOffset(): f64 { return <f64>cs.chunkOffset; }
export function csAcked(offset: f64, len: i32): void { cs.onAcked(<u64>offset, len); }
export function csLost(offset: f64, len: i32): void { cs.onLost(<u64>offset, len); }
/** 0 base, 1 end, 2 nextSend, 3 buffered, 4 hasPending, 5 ring storage size. */
export function csGet(field: i32): f64 {
  switch (field) {
    case 0: return <f64>cs.base;
    case 1: return <f64>cs.end;
    case 2: return <f64>cs.nextSend;
    case 3: return <f64>cs.buffered;
    case 4: return cs.hasPending() ? 1 : 0;
    default: return <f64>cs.data.length;
  }
}

// ---- RecvBuffer ----
let rb = new RecvBuffer(1 << 20);

export function rbReset(window: i32): void { rb = new RecvBuffer(window); }
/** Stores `len` bytes from scratch at `offset`; 0 or -1 (beyond the window). */
export function rbInsert(offset: f64, len: i32): i32 { return rb.insert(<u64>offset, scratchBuf, len); }
/** Reads up to `cap` ready bytes into scratch. */
export function rbRead(cap: i32): i32 { return rb.read(scratchBuf, cap); }
/** 0 read offset, 1 readable, 2 highest, 3 storage size. */
export function rbGet(field: i32): f64 {
  switch (field) {
    case 0: return <f64>rb.readOffset;
    case 1: return <f64>rb.readable();
    case 2: return <f64>rb.highest;
    default: return <f64>rb.data.length;
  }
}

// ---- Sent-packet rings ----
let sq = new SentQueue();

export function sqReset(): void { sq.clear(); sq = new SentQueue(); }
/** Records packet `pn` with `frames` STREAM frames (offsets pn*1000 + k). Returns 0, or -1 past the ceiling. */
export function sqSend(pn: f64, frames: i32): i32 {
  if (!sq.canRecord()) return -1;
  sq.begin();
  for (let k = 0; k < frames; k++) sq.addFrame(SF_STREAM, 4, <u64>pn * 1000 + <u64>k, 100, false);
  sq.commit(<u64>pn, pn, 1200, true, true, -1);
  return 0;
}
/** Retires packet `pn` if recorded and live; returns 1 if it was. */
export function sqRetire(pn: f64): i32 {
  const i = sq.lowerBound(<u64>pn);
  if (i >= sq.end || sq.at(i).pn != <u64>pn || sq.at(i).retired) return 0;
  sq.retire(i);
  return 1;
}
export function sqTrim(): void { sq.trim(); }
/** 1 when a packet that is not ack-eliciting may still be recorded. */
export function sqCanRecordAckOnly(): i32 { return sq.canRecordAckOnly() ? 1 : 0; }
/** Checks every live packet's frames: returns the number of live packets, or -1 if a frame does not match its packet. */
export function sqCheck(): i32 {
  let n = 0;
  for (let i = sq.start; i < sq.end; i++) {
    const p = sq.at(i);
    if (p.retired) continue;
    n++;
    for (let k = 0; k < p.frameCount; k++) {
      const f = sq.frame(p.firstFrame + <i64>k);
      if (f.kind != SF_STREAM || f.offset != p.pn * 1000 + <u64>k || f.len != 100) return -1;
    }
  }
  return n == sq.live ? n : -1;
}
/** Ring bytes held by every sent queue of this instance. */
export function sqRingBytes(): f64 { return <f64>sentRingBytes; }
