// QUIC transport parameters, RFC 9000 §18: encoding, decoding and the validation rules
// of §18.2 (duplicates, out-of-range values, parameters only a server may send). The
// TLS engine carries the encoded bytes in the quic_transport_parameters extension
// (RFC 9001 §8.2); the core builds ours and checks the peer's.

import { readVarint, varintValue, writeVarint, varintLen, VARINT_MAX } from "./varint";
import { TRANSPORT_PARAMETER_ERROR, ERR_BUFFER_TOO_SMALL } from "./errors";

export namespace TpId {
  export const ORIGINAL_DESTINATION_CONNECTION_ID: u64 = 0x00;
  export const MAX_IDLE_TIMEOUT: u64 = 0x01;
  export const STATELESS_RESET_TOKEN: u64 = 0x02;
  export const MAX_UDP_PAYLOAD_SIZE: u64 = 0x03;
  export const INITIAL_MAX_DATA: u64 = 0x04;
  export const INITIAL_MAX_STREAM_DATA_BIDI_LOCAL: u64 = 0x05;
  export const INITIAL_MAX_STREAM_DATA_BIDI_REMOTE: u64 = 0x06;
  export const INITIAL_MAX_STREAM_DATA_UNI: u64 = 0x07;
  export const INITIAL_MAX_STREAMS_BIDI: u64 = 0x08;
  export const INITIAL_MAX_STREAMS_UNI: u64 = 0x09;
  export const ACK_DELAY_EXPONENT: u64 = 0x0a;
  export const MAX_ACK_DELAY: u64 = 0x0b;
  export const DISABLE_ACTIVE_MIGRATION: u64 = 0x0c;
  export const PREFERRED_ADDRESS: u64 = 0x0d;
  export const ACTIVE_CONNECTION_ID_LIMIT: u64 = 0x0e;
  export const INITIAL_SOURCE_CONNECTION_ID: u64 = 0x0f;
  export const RETRY_SOURCE_CONNECTION_ID: u64 = 0x10;
  /** RFC 9221 §3. */
  export const MAX_DATAGRAM_FRAME_SIZE: u64 = 0x20;
  /** RFC 9287 (greasing the QUIC bit): recognised, never sent. */
  export const GREASE_QUIC_BIT: u64 = 0x2ab2;
}

/** Number of parameters this core knows (slots 0x00-0x10, then 0x20, then 0x2ab2). */
export const TP_SLOTS: i32 = 19;

/** The slot of a known parameter id, or -1. */
export function tpSlot(id: u64): i32 {
  if (id <= 0x10) return <i32>id;
  if (id == TpId.MAX_DATAGRAM_FRAME_SIZE) return 17;
  if (id == TpId.GREASE_QUIC_BIT) return 18;
  return -1;
}

/** The parameter id of a slot. */
export function tpIdOfSlot(slot: i32): u64 {
  if (slot <= 0x10) return <u64>slot;
  return slot == 17 ? TpId.MAX_DATAGRAM_FRAME_SIZE : TpId.GREASE_QUIC_BIT;
}

const KIND_INT: u8 = 0;
const KIND_BYTES: u8 = 1;
const KIND_FLAG: u8 = 2;

function kindOf(slot: i32): u8 {
  switch (slot) {
    case 0x00: case 0x02: case 0x0d: case 0x0f: case 0x10: return KIND_BYTES;
    case 0x0c: case 18: return KIND_FLAG;
    default: return KIND_INT;
  }
}

/** Largest byte-valued parameter we keep: the preferred address (4+2+16+2+1+20+16). */
export const TP_BYTES_MAX: i32 = 61;
/** Byte-valued parameters (KIND_BYTES): only these have room for bytes (every connection holds two sets). */
const TP_BYTE_SLOTS: i32 = 5;

/** Where the byte-valued parameters' lengths sit in a set's byte room (after the parameters' rooms). */
const LENS_AT: i32 = TP_BYTE_SLOTS * TP_BYTES_MAX;

/** The shared empty byte room of parameter sets that hold no byte-valued parameter (never written). */
const NO_TP_BYTES = new StaticArray<u8>(0);

/** Per slot: its value field (intIndex), 0xff for flags and byte-valued slots. */
const INT_INDEX = memory.data<u8>([0xff, 0, 0xff, 1, 2, 3, 4, 5, 6, 7, 8, 9, 0xff, 0xff, 10, 0xff, 0xff, 11, 0xff]);

/** The value field of slot `s` (0 <= s < TP_SLOTS), or -1 when it has none (flags, bytes). */
// @ts-ignore: decorator
@inline function intIndex(s: i32): i32 {
  return <i32><i8>load<u8>(INT_INDEX + <usize>s);
}

/** Index of a byte-valued slot in the byte storage, or -1. */
function byteIndex(slot: i32): i32 {
  switch (slot) {
    case 0x00: return 0;
    case 0x02: return 1;
    case 0x0d: return 2;
    case 0x0f: return 3;
    case 0x10: return 4;
    default: return -1;
  }
}

/** One side's transport parameters: which are present, their values and their bytes. */
export class TransportParams {
  present: u64 = 0;
  // The value per integer-valued slot: twelve consecutive fields addressed by
  // intIndex (valueAt), not an array of their own (issue 17: 32 bytes less per parameter
  // set; the peer's is kept). Flags and byte-valued parameters have no value field: a
  // flag is its `present` bit, bytes live in `bytes` (48 bytes less per set again).
  private v0: u64 = 0;
  private v1: u64 = 0;
  private v2: u64 = 0;
  private v3: u64 = 0;
  private v4: u64 = 0;
  private v5: u64 = 0;
  private v6: u64 = 0;
  private v7: u64 = 0;
  private v8: u64 = 0;
  private v9: u64 = 0;
  private v10: u64 = 0;
  private v11: u64 = 0;
  /**
   * Room for the byte-valued parameters, then their lengths (one byte each at LENS_AT +
   * byteIndex): made with the first one set (forgetBytes gives it back). The lengths
   * live here rather than in a field of their own: a set of 108 bytes of fields takes a
   * 128-byte heap block, not 144 (issue 17; the peer's set is kept).
   */
  bytes: StaticArray<u8> = NO_TP_BYTES;

  /** The length of byte-valued parameter `b` (byteIndex), 0 when none was set. */
  private byteLen(b: i32): i32 {
    return this.bytes.length == 0 ? 0 : <i32>load<u8>(changetype<usize>(this.bytes) + <usize>(LENS_AT + b));
  }

  /** Address of the value of integer slot `s` (intIndex(s) >= 0). */
  // @ts-ignore: decorator
  @inline private valueAt(s: i32): usize {
    return changetype<usize>(this) + offsetof<TransportParams>("v0") + (<usize>intIndex(s) << 3);
  }

  clear(): void {
    this.present = 0;
  }

  has(id: u64): bool {
    const s = tpSlot(id);
    return s >= 0 && (this.present & (<u64>1 << s)) != 0;
  }

  /** The value, or the §18.2 default when absent. */
  get(id: u64): u64 {
    const s = tpSlot(id);
    if (s < 0) return 0;
    if ((this.present & (<u64>1 << s)) != 0) return intIndex(s) >= 0 ? load<u64>(this.valueAt(s)) : kindOf(s) == KIND_FLAG ? 1 : 0;
    switch (<i32>id) {
      case <i32>TpId.MAX_UDP_PAYLOAD_SIZE: return 65527;
      case <i32>TpId.ACK_DELAY_EXPONENT: return 3;
      case <i32>TpId.MAX_ACK_DELAY: return 25;
      case <i32>TpId.ACTIVE_CONNECTION_ID_LIMIT: return 2;
      default: return 0;
    }
  }

  /** Sets an integer or flag parameter (a flag ignores `value`). */
  set(id: u64, value: u64): void {
    const s = tpSlot(id);
    if (s < 0) return;
    if (intIndex(s) >= 0) store<u64>(this.valueAt(s), value);
    this.present |= <u64>1 << s;
  }

  /** Sets a byte-valued parameter (CIDs, reset token, preferred address). False if too long. */
  setBytes(id: u64, src: usize, len: i32): bool {
    const s = tpSlot(id);
    const b = s < 0 ? -1 : byteIndex(s);
    if (b < 0 || len < 0 || len > TP_BYTES_MAX) return false;
    if (this.bytes.length == 0) this.bytes = new StaticArray<u8>(LENS_AT + TP_BYTE_SLOTS);
    memory.copy(changetype<usize>(this.bytes) + <usize>(b * TP_BYTES_MAX), src, <usize>len);
    store<u8>(changetype<usize>(this.bytes) + <usize>(LENS_AT + b), <u8>len);
    this.present |= <u64>1 << s;
    return true;
  }

  /** Address of a byte-valued parameter's bytes (length from bytesLen). */
  bytesPtr(id: u64): usize {
    const s = tpSlot(id);
    const b = s < 0 ? -1 : byteIndex(s);
    return b < 0 ? 0 : changetype<usize>(this.bytes) + <usize>(b * TP_BYTES_MAX);
  }

  /**
   * Drops the byte-valued parameters (they read as absent from now on) and their room:
   * a server has checked the client's (§7.3) and reads none of them later (issue 17:
   * ~0.3 KB less per connection).
   */
  forgetBytes(): void {
    for (let s = 0; s < TP_SLOTS; s++) if (byteIndex(s) >= 0) this.present &= ~(<u64>1 << s);
    this.bytes = NO_TP_BYTES;
  }

  bytesLen(id: u64): i32 {
    const s = tpSlot(id);
    if (s < 0 || (this.present & (<u64>1 << s)) == 0) return -1;
    const b = byteIndex(s);
    return b < 0 ? 0 : this.byteLen(b);
  }

  /**
   * Encodes the present parameters (in id order) at `p`. Returns the length, or
   * -ERR_BUFFER_TOO_SMALL.
   */
  encode(p: usize, end: usize): i32 {
    let q = p;
    for (let s = 0; s < TP_SLOTS; s++) {
      if ((this.present & (<u64>1 << s)) == 0) continue;
      const id = tpIdOfSlot(s);
      const kind = kindOf(s);
      let bodyLen: i32 = 0;
      if (kind == KIND_INT) bodyLen = varintLen(load<u64>(this.valueAt(s)));
      else if (kind == KIND_BYTES) bodyLen = this.byteLen(byteIndex(s));
      const need = varintLen(id) + varintLen(<u64>bodyLen) + bodyLen;
      if (q > end || <usize>need > end - q) return -ERR_BUFFER_TOO_SMALL;
      q += <usize>writeVarint(q, end, id);
      q += <usize>writeVarint(q, end, <u64>bodyLen);
      if (kind == KIND_INT) q += <usize>writeVarint(q, end, load<u64>(this.valueAt(s)));
      else if (kind == KIND_BYTES) {
        memory.copy(q, this.bytesPtr(id), <usize>bodyLen);
        q += <usize>bodyLen;
      }
    }
    return <i32>(q - p);
  }

  /**
   * Decodes and validates the peer's parameters. `fromServer` says who sent them: a
   * client must not send server-only parameters (§18.2). Returns 0 or
   * -TRANSPORT_PARAMETER_ERROR. Unknown parameters are skipped (§7.4.2).
   */
  decode(p: usize, end: usize, fromServer: bool): i32 {
    this.present = 0;
    let q = p;
    while (q < end) {
      let n = readVarint(q, end);
      if (n == 0) return -TRANSPORT_PARAMETER_ERROR;
      q += <usize>n;
      const id = varintValue;
      n = readVarint(q, end);
      if (n == 0) return -TRANSPORT_PARAMETER_ERROR;
      q += <usize>n;
      const len = varintValue;
      if (len > <u64>(end - q)) return -TRANSPORT_PARAMETER_ERROR;
      const body = q;
      q += <usize>len;
      const s = tpSlot(id);
      if (s < 0) continue;
      if ((this.present & (<u64>1 << s)) != 0) return -TRANSPORT_PARAMETER_ERROR; // duplicate
      const r = this.decodeOne(s, id, body, <i32>len, fromServer);
      if (r < 0) return r;
    }
    return 0;
  }

  private decodeOne(s: i32, id: u64, body: usize, len: i32, fromServer: bool): i32 {
    const kind = kindOf(s);
    if (!fromServer && (id == TpId.ORIGINAL_DESTINATION_CONNECTION_ID || id == TpId.STATELESS_RESET_TOKEN
      || id == TpId.PREFERRED_ADDRESS || id == TpId.RETRY_SOURCE_CONNECTION_ID)) {
      return -TRANSPORT_PARAMETER_ERROR; // §18.2: server-only parameters from a client
    }
    if (kind == KIND_FLAG) {
      if (len != 0) return -TRANSPORT_PARAMETER_ERROR;
      this.set(id, 1);
      return 0;
    }
    if (kind == KIND_BYTES) {
      if (id == TpId.STATELESS_RESET_TOKEN && len != 16) return -TRANSPORT_PARAMETER_ERROR;
      if ((id == TpId.ORIGINAL_DESTINATION_CONNECTION_ID || id == TpId.INITIAL_SOURCE_CONNECTION_ID
        || id == TpId.RETRY_SOURCE_CONNECTION_ID) && len > 20) return -TRANSPORT_PARAMETER_ERROR;
      if (id == TpId.PREFERRED_ADDRESS) {
        // IPv4 (4) + port (2) + IPv6 (16) + port (2) + CID length (1) + CID + reset token (16).
        if (len < 25) return -TRANSPORT_PARAMETER_ERROR;
        const cidLen = <i32>load<u8>(body + 24);
        // §18.2: a zero-length CID with a preferred address is an error.
        if (cidLen < 1 || cidLen > 20 || len != 25 + cidLen + 16) return -TRANSPORT_PARAMETER_ERROR;
      }
      this.setBytes(id, body, len);
      return 0;
    }
    // Integer: exactly one varint fills the body.
    const n = readVarint(body, body + <usize>len);
    if (n == 0 || n != len) return -TRANSPORT_PARAMETER_ERROR;
    const v = varintValue;
    switch (<i32>id) {
      case <i32>TpId.MAX_UDP_PAYLOAD_SIZE: if (v < 1200) return -TRANSPORT_PARAMETER_ERROR; break;
      case <i32>TpId.ACK_DELAY_EXPONENT: if (v > 20) return -TRANSPORT_PARAMETER_ERROR; break;
      case <i32>TpId.MAX_ACK_DELAY: if (v >= 16384) return -TRANSPORT_PARAMETER_ERROR; break;
      case <i32>TpId.ACTIVE_CONNECTION_ID_LIMIT: if (v < 2) return -TRANSPORT_PARAMETER_ERROR; break;
      case <i32>TpId.INITIAL_MAX_STREAMS_BIDI:
      case <i32>TpId.INITIAL_MAX_STREAMS_UNI: if (v > (<u64>1 << 60)) return -TRANSPORT_PARAMETER_ERROR; break;
      default: if (v > VARINT_MAX) return -TRANSPORT_PARAMETER_ERROR;
    }
    this.set(id, v);
    return 0;
  }
}
