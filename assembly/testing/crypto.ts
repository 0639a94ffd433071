// Probes for packet protection in the testing build: protect/unprotect a packet placed
// in the scratch region with keys the test installed in the host's key table.
import { protectPacket, unprotectPacket, unprotectedPn, unprotectedFirstByte, unprotectedHeaderLen } from "../crypto/protect";
import { setResult } from "../abi/io";
import { keyTableSlots } from "../crypto/keys";

export function probeProtect(pkt: usize, headerLen: i32, pnOffset: i32, pnLen: i32, pn: i64, payloadLen: i32, aead: i32, hp: i32): i32 {
  return protectPacket(pkt, headerLen, pnOffset, pnLen, <u64>pn, payloadLen, aead, hp);
}

/** Result slots: 0 full pn, 1 unprotected first byte, 2 header length. */
export function probeUnprotect(pkt: usize, packetLen: i32, pnOffset: i32, largestPn: i64, aead: i32, hp: i32): i32 {
  const n = unprotectPacket(pkt, packetLen, pnOffset, largestPn, aead, hp);
  if (n >= 0) {
    setResult(0, unprotectedPn);
    setResult(1, <u64>unprotectedFirstByte);
    setResult(2, <u64>unprotectedHeaderLen);
  }
  return n;
}

/** Slots of the in-core key table now (it grows, and shrinks once its upper three quarters are free). */
export function testKeyTableSlots(): i32 {
  return keyTableSlots();
}
