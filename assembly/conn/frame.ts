// A decoded frame as a record handed to the room that owns it, instead of the decoder's
// module globals read across rooms. receive.ts fills the one record per instance after
// each decodeFrame (wire/frames/decode.ts lists what a, b, c, d mean per type) and passes
// it down; handlers read only their argument. An ACK's ranges stay in the packet: the
// record holds where they start and walks them in place (firstRange/nextRange), nothing
// copied or allocated (STYLE.md point 9, as quinn iterates them).

import { fType, fA, fB, fC, fD, fData, fDataLen, fFlag, fToken, fRanges } from "../wire/frames/decode";
import { readVarint, varintValue } from "../wire/varint";

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
  /** ACK: the first Gap after the First ACK Range, in the packet (c pairs follow, validated by the decoder). */
  ranges: usize;
  /** ACK: the range the walk is on, [lo, hi] inclusive (firstRange, then nextRange). */
  lo: u64;
  hi: u64;
  /** ACK walk position and pairs left. */
  rangeAt: usize;
  rangesLeft: u64;

  /** ACK: moves to the first (highest) range, [a - d, a]. */
  firstRange(): void {
    this.hi = this.a;
    this.lo = this.a - this.d;
    this.rangeAt = this.ranges;
    this.rangesLeft = this.c;
  }

  /** ACK: moves to the next (lower) range; false when there is none (§19.3.1). */
  nextRange(): bool {
    if (this.rangesLeft == 0) return false;
    this.rangesLeft--;
    let p = this.rangeAt;
    p += <usize>readVarint(p, p + 8);
    const gap = varintValue;
    p += <usize>readVarint(p, p + 8);
    const len = varintValue;
    this.rangeAt = p;
    this.hi = this.lo - gap - 2;
    this.lo = this.hi - len;
    return true;
  }
}

const record: usize = memory.data(offsetof<Frame>());

/** The frame decodeFrame just decoded, as a record. */
export function takeFrame(): Frame {
  const f = changetype<Frame>(record);
  f.type = fType; f.a = fA; f.b = fB; f.c = fC; f.d = fD;
  f.data = fData; f.dataLen = fDataLen; f.flag = fFlag; f.token = fToken;
  f.ranges = fRanges;
  return f;
}
