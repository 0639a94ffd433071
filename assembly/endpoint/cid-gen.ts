// Where the endpoint's connection IDs come from (RFC 9000 §5.1, §5.2): a pluggable
// generator. Three kinds:
//   random   CSPRNG bytes (the default: nothing an observer can link, §5.1, §9.5);
//   QUIC-LB  the plaintext CID format of draft-ietf-quic-load-balancers ("First CID octet",
//            "CID format"), so that a
//            load balancer holding the same configuration routes every datagram to the
//            server that owns the CID:
//
//              +--------------+----------------------+------------------------+
//              | first octet  | server ID (sidLen)   | nonce (nonceLen >= 4)   |
//              | cr(3) rnd(5) |                      | CSPRNG bytes            |
//              +--------------+----------------------+------------------------+
//
//            cr = config rotation codepoint (0..6; 0b111 is the draft's "unroutable"),
//            the 5 low bits random ("Length Self-Description": no relation between a
//            connection's CIDs), the nonce random ("Connection ID Entropy" forbids
//            linkable plaintext nonces);
//   host     the host's `cidGenerate` import fills the bytes (a user function).
// Whatever the kind, the endpoint checks that a new CID is not already routed elsewhere.

import { hostRandomFill } from "../util/entropy";

export const CID_GEN_RANDOM: i32 = 0;
export const CID_GEN_QUIC_LB: i32 = 1;
export const CID_GEN_HOST: i32 = 2;

/** Fills [ptr, ptr+len) with a connection ID from the host's generator; returns 1 when it did, 0 to fall back to random. */
// @ts-ignore: decorator
@external("host", "cidGenerate")
declare function hostCidGenerate(ptr: usize, len: i32): i32;

export class CidGenerator {
  kind: i32 = CID_GEN_RANDOM;
  /** QUIC-LB: config rotation codepoint (0..6). */
  configId: i32 = 0;
  /** QUIC-LB: the server ID bytes this server writes into every CID. */
  serverId: Uint8Array = new Uint8Array(0);
  /** QUIC-LB: nonce length (>= 4). */
  nonceLen: i32 = 0;

  /** QUIC-LB plaintext mode. False when the lengths break the draft's rules ("Configuration Agent Actions": sid >= 1, nonce >= 4, total <= 20). */
  setQuicLb(configId: i32, serverId: usize, sidLen: i32, nonceLen: i32): bool {
    if (configId < 0 || configId > 6 || sidLen < 1 || nonceLen < 4 || 1 + sidLen + nonceLen > 20) return false;
    const sid = new Uint8Array(sidLen);
    memory.copy(sid.dataStart, serverId, <usize>sidLen);
    this.kind = CID_GEN_QUIC_LB;
    this.configId = configId;
    this.serverId = sid;
    this.nonceLen = nonceLen;
    return true;
  }

  /** The CID length this generator produces (QUIC-LB fixes it), or -1 when any length goes. */
  fixedLength(): i32 {
    return this.kind == CID_GEN_QUIC_LB ? 1 + this.serverId.length + this.nonceLen : -1;
  }

  /** Writes a new connection ID of `len` bytes at `out`. */
  generate(out: usize, len: i32): void {
    if (len <= 0) return;
    if (this.kind == CID_GEN_HOST && hostCidGenerate(out, len) == 1) return;
    hostRandomFill(out, len);
    if (this.kind != CID_GEN_QUIC_LB || len != this.fixedLength()) return;
    // First octet: config rotation in the top 3 bits, the 5 random bits kept.
    store<u8>(out, <u8>((this.configId << 5) | (load<u8>(out) & 0x1f)));
    memory.copy(out + 1, this.serverId.dataStart, <usize>this.serverId.length);
    // The nonce stays as drawn from the CSPRNG.
  }
}
