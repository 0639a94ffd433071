// CRYPTO frames (RFC 9000 §19.6) in both directions: the TLS bytes of one packet number
// space, received into its reassembly buffer (§7.5 bounds it), written from its send
// buffer, and acknowledged or lost like stream data. (Packet protection is
// assembly/crypto/; this is only the handshake byte stream.)

import { PacketSpace } from "./space";
import { Connection } from "./connection";
import { Frame } from "./frame";
import { pkt } from "./packet";
import { encodeCryptoHeader, cryptoHeaderLen } from "../wire/frames/encode";
import { SF_CRYPTO, SentFrame } from "../recovery/sent";
import { CRYPTO_BUFFER_EXCEEDED } from "../wire/errors";

/** CRYPTO received (b = offset, data). Returns 0, 2 when bytes became readable, or -CRYPTO_BUFFER_EXCEEDED. */
export function onCryptoFrame(c: Connection, sp: PacketSpace, f: Frame, now: f64): i32 {
  if (sp.ownCryptoRecv().insert(f.b, f.data, f.dataLen) < 0) return -CRYPTO_BUFFER_EXCEEDED;
  return sp.cryptoRecv.readable() > 0 ? 2 : 0;
}

/** Our CRYPTO frame was acknowledged: release the bytes. */
export function onCryptoAcked(sp: PacketSpace, f: SentFrame): void {
  sp.cryptoSend.onAcked(f.offset, f.len);
}

/** Our CRYPTO frame was lost (or is probed again): send its bytes again. */
export function onCryptoLost(sp: PacketSpace, f: SentFrame): void {
  sp.cryptoSend.onLost(f.offset, f.len);
}

/** Writes pending CRYPTO bytes of the space into the packet being built; returns the new write position. */
export function writeCrypto(sp: PacketSpace, q: usize, end: usize): usize {
  const b = sp.cryptoSend;
  while (b.hasPending()) {
    const room = <i32>(end - q) - cryptoHeaderLen(b.nextSend, <i32>(end - q)) - 1;
    if (room < 16) break;
    const n = b.next(room);
    if (n <= 0) break;
    const off = b.chunkOffset;
    const h = encodeCryptoHeader(q, end, off, n);
    if (h <= 0) { b.onLost(off, n); break; }
    b.copyTo(q + <usize>h, off, n); // one frame even where the bytes lie in pieces (the ring's end, a shared segment)
    q += <usize>(h + n);
    pkt.wrote(SF_CRYPTO, 0, off, n, false);
  }
  return q;
}

