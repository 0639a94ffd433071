// Typed wrappers over the core's frame and transport-parameter ABI
// (assembly/abi/wire-frames.ts, assembly/abi/tparams.ts). For tests, tools and the TLS
// glue (transport parameters); the per-packet frame path stays inside the core.

import type { Core } from './core';
import { QuicTransportError, TransportErrorCode } from '../errors';
import { FrameType, TpId } from './abi.generated';

/** A decoded frame in the ABI's generic shape (see assembly/wire/frames/decode.ts for what a-d mean per type). */
export interface DecodedFrame {
  type: number;
  a: bigint;
  b: bigint;
  c: bigint;
  d: bigint;
  data: Uint8Array;
  /** STREAM: FIN. ACK: ECN counts present. */
  flag: boolean;
  /** NEW_CONNECTION_ID: reset token (16 bytes); PATH_CHALLENGE/RESPONSE: data (8 bytes). */
  token: Uint8Array;
  ecn: [bigint, bigint, bigint];
  /** ACK: ranges [lo, hi] inclusive, highest first. */
  ranges?: [bigint, bigint][];
  /** Bytes the frame took. */
  length: number;
}

/** What to encode: the same generic shape (fields a-c as for decoding; CRYPTO's offset is b). */
export interface FrameSpec {
  type: number;
  a?: bigint;
  b?: bigint;
  c?: bigint;
  data?: Uint8Array;
  fin?: boolean;
  withLength?: boolean;
}

/** Transport parameters (RFC 9000 §18.2), by their RFC names in camelCase. */
export interface TransportParameters {
  originalDestinationConnectionId?: Uint8Array;
  maxIdleTimeout?: bigint;
  statelessResetToken?: Uint8Array;
  maxUdpPayloadSize?: bigint;
  initialMaxData?: bigint;
  initialMaxStreamDataBidiLocal?: bigint;
  initialMaxStreamDataBidiRemote?: bigint;
  initialMaxStreamDataUni?: bigint;
  initialMaxStreamsBidi?: bigint;
  initialMaxStreamsUni?: bigint;
  ackDelayExponent?: bigint;
  maxAckDelay?: bigint;
  disableActiveMigration?: boolean;
  preferredAddress?: Uint8Array;
  activeConnectionIdLimit?: bigint;
  initialSourceConnectionId?: Uint8Array;
  retrySourceConnectionId?: Uint8Array;
  maxDatagramFrameSize?: bigint;
  greaseQuicBit?: boolean;
}

const TP_IDS: [keyof TransportParameters, number, 'int' | 'bytes' | 'flag'][] = [
  ['originalDestinationConnectionId', TpId.ORIGINAL_DESTINATION_CONNECTION_ID, 'bytes'],
  ['maxIdleTimeout', TpId.MAX_IDLE_TIMEOUT, 'int'],
  ['statelessResetToken', TpId.STATELESS_RESET_TOKEN, 'bytes'],
  ['maxUdpPayloadSize', TpId.MAX_UDP_PAYLOAD_SIZE, 'int'],
  ['initialMaxData', TpId.INITIAL_MAX_DATA, 'int'],
  ['initialMaxStreamDataBidiLocal', TpId.INITIAL_MAX_STREAM_DATA_BIDI_LOCAL, 'int'],
  ['initialMaxStreamDataBidiRemote', TpId.INITIAL_MAX_STREAM_DATA_BIDI_REMOTE, 'int'],
  ['initialMaxStreamDataUni', TpId.INITIAL_MAX_STREAM_DATA_UNI, 'int'],
  ['initialMaxStreamsBidi', TpId.INITIAL_MAX_STREAMS_BIDI, 'int'],
  ['initialMaxStreamsUni', TpId.INITIAL_MAX_STREAMS_UNI, 'int'],
  ['ackDelayExponent', TpId.ACK_DELAY_EXPONENT, 'int'],
  ['maxAckDelay', TpId.MAX_ACK_DELAY, 'int'],
  ['disableActiveMigration', TpId.DISABLE_ACTIVE_MIGRATION, 'flag'],
  ['preferredAddress', TpId.PREFERRED_ADDRESS, 'bytes'],
  ['activeConnectionIdLimit', TpId.ACTIVE_CONNECTION_ID_LIMIT, 'int'],
  ['initialSourceConnectionId', TpId.INITIAL_SOURCE_CONNECTION_ID, 'bytes'],
  ['retrySourceConnectionId', TpId.RETRY_SOURCE_CONNECTION_ID, 'bytes'],
  ['maxDatagramFrameSize', TpId.MAX_DATAGRAM_FRAME_SIZE, 'int'],
  ['greaseQuicBit', TpId.GREASE_QUIC_BIT, 'flag'],
];

interface FrameExports {
  frameDecode(ptr: number, len: number): number;
  frameAckRanges(out: number, max: number): number;
  frameEncode(ptr: number, cap: number, type: bigint, a: bigint, b: bigint, c: bigint, data: number, dataLen: number, flags: number): number;
  frameEncodeAck(ptr: number, cap: number, ranges: number, count: number, delay: bigint, withEcn: number, ect0: bigint, ect1: bigint, ce: bigint): number;
  frameAllowed(type: bigint, packetType: number): number;
  frameIsAckEliciting(type: bigint): number;
  tpClear(): void;
  tpSet(id: bigint, v: bigint): number;
  tpSetBytes(id: bigint, ptr: number, len: number): number;
  tpEncode(ptr: number, cap: number): number;
  tpDecode(ptr: number, len: number, fromServer: number): number;
  tpHas(id: bigint): number;
  tpGet(id: bigint): bigint;
  tpGetBytes(id: bigint, out: number): number;
}

const INPUT_OFFSET = 32768;
const MAX_RANGES = 256;

export class WireFrames {
  private readonly x: FrameExports;

  constructor(readonly core: Core) {
    this.x = core.exports as unknown as FrameExports;
  }

  /** Decodes the first frame of `bytes`; a negative code on error. */
  decode(bytes: Uint8Array): DecodedFrame | number {
    const ptr = this.core.writeScratch(bytes);
    const n = this.x.frameDecode(ptr, bytes.length);
    if (n < 0) return n;
    const r = (i: number) => this.core.result(i);
    const num = (i: number) => this.core.resultNumber(i);
    const type = num(0);
    const f: DecodedFrame = {
      type, a: r(1), b: r(2), c: r(3), d: r(4),
      data: bytes.slice(num(5), num(5) + num(6)),
      flag: num(7) === 1,
      token: type === FrameType.NEW_CONNECTION_ID ? bytes.slice(num(8), num(8) + 16)
        : type === FrameType.PATH_CHALLENGE || type === FrameType.PATH_RESPONSE ? bytes.slice(num(8), num(8) + 8) : new Uint8Array(0),
      ecn: [r(9), r(10), r(11)],
      length: n,
    };
    if (type === FrameType.ACK || type === FrameType.ACK_ECN) {
      const out = this.core.scratchPtr + INPUT_OFFSET;
      const count = Math.min(this.x.frameAckRanges(out, MAX_RANGES), MAX_RANGES);
      const v = this.core.view;
      f.ranges = [];
      for (let i = 0; i < count; i++) f.ranges.push([v.getBigUint64(out + 16 * i, true), v.getBigUint64(out + 16 * i + 8, true)]);
    }
    return f;
  }

  /** Decodes every frame of a packet payload; stops at the first error (returned as `error`). */
  decodeAll(bytes: Uint8Array): { frames: DecodedFrame[]; error: number } {
    const frames: DecodedFrame[] = [];
    let off = 0;
    while (off < bytes.length) {
      const f = this.decode(bytes.subarray(off));
      if (typeof f === 'number') return { frames, error: f };
      frames.push(f);
      off += f.length;
    }
    return { frames, error: 0 };
  }

  /** Encodes one frame; 0 if it does not fit `cap`, a negative code for bad arguments. */
  encode(f: FrameSpec, cap = 16384): Uint8Array | number {
    const data = f.data ?? new Uint8Array(0);
    const dptr = this.core.writeScratch(data, INPUT_OFFSET);
    const flags = (f.fin ? 1 : 0) | (f.withLength ? 2 : 0);
    const n = this.x.frameEncode(this.core.scratchPtr, Math.min(cap, INPUT_OFFSET), BigInt(f.type), f.a ?? 0n, f.b ?? 0n, f.c ?? 0n, dptr, data.length, flags);
    return n <= 0 ? n : this.core.read(this.core.scratchPtr, n);
  }

  /** Encodes an ACK from ranges [lo, hi], highest first; returns the bytes and how many ranges fit. */
  encodeAck(ranges: [bigint, bigint][], ackDelay: bigint, ecn?: [bigint, bigint, bigint], cap = 16384): { bytes: Uint8Array; rangesWritten: number } | number {
    const buf = new Uint8Array(ranges.length * 16);
    const dv = new DataView(buf.buffer);
    ranges.forEach(([lo, hi], i) => { dv.setBigUint64(16 * i, lo, true); dv.setBigUint64(16 * i + 8, hi, true); });
    const rptr = this.core.writeScratch(buf, INPUT_OFFSET);
    const n = this.x.frameEncodeAck(this.core.scratchPtr, Math.min(cap, INPUT_OFFSET), rptr, ranges.length, ackDelay, ecn ? 1 : 0, ecn?.[0] ?? 0n, ecn?.[1] ?? 0n, ecn?.[2] ?? 0n);
    if (n <= 0) return n;
    return { bytes: this.core.read(this.core.scratchPtr, n), rangesWritten: this.core.resultNumber(0) };
  }

  /** RFC 9000 §12.4 Table 3: may `type` appear in a packet of `packetType` (0 Initial, 1 0-RTT, 2 Handshake, 4 1-RTT)? */
  allowedIn(type: number, packetType: number): boolean {
    return this.x.frameAllowed(BigInt(type), packetType) === 1;
  }

  isAckEliciting(type: number): boolean {
    return this.x.frameIsAckEliciting(BigInt(type)) === 1;
  }

  /** Encodes transport parameters for the quic_transport_parameters extension. */
  encodeTransportParameters(tp: TransportParameters): Uint8Array {
    this.x.tpClear();
    for (const [key, id, kind] of TP_IDS) {
      const v = tp[key];
      if (v === undefined || v === false) continue;
      if (kind === 'bytes') {
        const b = v as Uint8Array;
        const ptr = this.core.writeScratch(b, INPUT_OFFSET);
        if (this.x.tpSetBytes(BigInt(id), ptr, b.length) < 0) throw new QuicTransportError(TransportErrorCode.TRANSPORT_PARAMETER_ERROR, `${key} is too long (${b.length} bytes)`);
      } else {
        this.x.tpSet(BigInt(id), kind === 'flag' ? 1n : (v as bigint));
      }
    }
    const n = this.x.tpEncode(this.core.scratchPtr, INPUT_OFFSET);
    if (n < 0) throw new QuicTransportError(TransportErrorCode.INTERNAL_ERROR, 'transport parameters do not fit');
    return this.core.read(this.core.scratchPtr, n);
  }

  /**
   * Decodes and validates the peer's transport parameters (`fromServer`: who sent them).
   * Returns the parameters present, or a negative code (-TRANSPORT_PARAMETER_ERROR).
   */
  decodeTransportParameters(bytes: Uint8Array, fromServer: boolean): TransportParameters | number {
    const ptr = this.core.writeScratch(bytes);
    const r = this.x.tpDecode(ptr, bytes.length, fromServer ? 1 : 0);
    if (r < 0) return r;
    const out: TransportParameters = {};
    const rec = out as Record<string, unknown>;
    for (const [key, id, kind] of TP_IDS) {
      if (this.x.tpHas(BigInt(id)) !== 1) continue;
      if (kind === 'bytes') {
        const o = this.core.scratchPtr + INPUT_OFFSET;
        const n = this.x.tpGetBytes(BigInt(id), o);
        rec[key] = this.core.read(o, n);
      } else if (kind === 'flag') rec[key] = true;
      else rec[key] = this.x.tpGet(BigInt(id));
    }
    return out;
  }
}
