// Typed wrappers over the core's packet-level wire ABI (assembly/abi/wire-packets.ts):
// headers, packet numbers, coalescing, Version Negotiation, Retry and routing. For
// tests, tools and routers; the transport's per-packet path stays inside the core.
// Parse functions return a plain object, or the negative error code the core gave.

import type { Core } from './core';
import { PacketType as P } from './abi.generated';

/** Packet types in v1 numbering, by the host's names; the numbers are generated from assembly/wire/version.ts. */
export const PacketType = {
  Initial: P.INITIAL,
  ZeroRtt: P.ZERO_RTT,
  Handshake: P.HANDSHAKE,
  Retry: P.RETRY,
  OneRtt: P.ONE_RTT,
  VersionNegotiation: P.VERSION_NEGOTIATION,
  UnknownVersion: P.UNKNOWN_VERSION,
} as const;

/** A parsed (still header-protected) packet header. Offsets are relative to the packet start. */
export interface ParsedHeader {
  type: number;
  isLong: boolean;
  version: number;
  firstByte: number;
  dcid: Uint8Array;
  scid: Uint8Array;
  token: Uint8Array;
  /** The Length field (pn + payload), long headers with one. */
  length: number;
  pnOffset: number;
  /** Bytes of this packet within the datagram. */
  packetLength: number;
}

interface WireExports {
  varintDecode(ptr: number, len: number): number;
  varintEncode(ptr: number, cap: number, v: bigint): number;
  pnEncodeLength(fullPn: bigint, largestAcked: bigint): number;
  pnDecode(largest: bigint, truncated: bigint, nbits: number): bigint;
  headerParse(ptr: number, len: number, localCidLen: number): number;
  headerBuildLong(ptr: number, cap: number, type: number, version: number, dcid: number, dcidLen: number, scid: number, scidLen: number, token: number, tokenLen: number, pn: bigint, pnLen: number, lengthSize: number): number;
  headerPatchLength(lengthPtr: number, lengthSize: number, value: number): number;
  headerBuildShort(ptr: number, cap: number, dcid: number, dcidLen: number, pn: bigint, pnLen: number, keyPhase: number, spin: number): number;
  retryBuild(ptr: number, cap: number, version: number, dcid: number, dcidLen: number, scid: number, scidLen: number, token: number, tokenLen: number, unused: number): number;
  retryParse(ptr: number, len: number): number;
  vnBuild(ptr: number, cap: number, dcid: number, dcidLen: number, scid: number, scidLen: number, versions: number, count: number, random: number): number;
  vnParse(ptr: number, len: number): number;
  datagramSplit(ptr: number, len: number, localCidLen: number): number;
  datagramRoute(ptr: number, len: number, localCidLen: number): number;
}

/** Half of the scratch region holds inputs placed by these wrappers; outputs go to the first half. */
const INPUT_OFFSET = 32768;

export class WirePackets {
  private readonly x: WireExports;

  constructor(readonly core: Core) {
    this.x = core.exports as unknown as WireExports;
  }

  /** Decodes one varint; returns its value and length, or a negative code. */
  varintDecode(bytes: Uint8Array): { value: bigint; length: number } | number {
    const ptr = this.core.writeScratch(bytes);
    const n = this.x.varintDecode(ptr, bytes.length);
    return n < 0 ? n : { value: this.core.result(0), length: n };
  }

  /** Encodes a varint in its shortest form; a negative code if out of range. */
  varintEncode(v: bigint): Uint8Array | number {
    const n = this.x.varintEncode(this.core.scratchPtr, 8, BigInt.asIntN(64, v));
    return n < 0 ? n : this.core.read(this.core.scratchPtr, n);
  }

  /** Bytes to encode `fullPn` given the largest acknowledged (-1n for none), RFC 9000 A.2. */
  pnEncodeLength(fullPn: bigint, largestAcked: bigint): number {
    return this.x.pnEncodeLength(fullPn, largestAcked);
  }

  /** The full packet number from a truncated one, RFC 9000 A.3. */
  pnDecode(largest: bigint, truncated: bigint, nbits: number): bigint {
    return this.x.pnDecode(largest, truncated, nbits);
  }

  /** Parses the header of the packet at the start of `bytes`. */
  parseHeader(bytes: Uint8Array, localCidLen: number): ParsedHeader | number {
    const ptr = this.core.writeScratch(bytes);
    const n = this.x.headerParse(ptr, bytes.length, localCidLen);
    if (n < 0) return n;
    const r = (i: number) => this.core.resultNumber(i);
    const isLong = r(10) === 1;
    return {
      type: r(0),
      isLong,
      version: r(1),
      firstByte: r(11),
      dcid: bytes.slice(r(2), r(2) + r(3)),
      scid: isLong ? bytes.slice(r(4), r(4) + r(5)) : new Uint8Array(0),
      token: bytes.slice(r(6), r(6) + r(7)),
      length: r(8),
      pnOffset: r(9),
      packetLength: n,
    };
  }

  /**
   * Builds a long header (type Initial/ZeroRtt/Handshake) with the Length field reserved,
   * then patches Length for `payloadLength` more bytes (pn + payload + tag are counted:
   * pass the payload plus AEAD tag bytes). Returns the header bytes.
   */
  buildLongHeader(h: { type: number; version: number; dcid: Uint8Array; scid: Uint8Array; token?: Uint8Array; pn: bigint; pnLength: number; lengthSize?: number; payloadLength: number }): { bytes: Uint8Array; pnOffset: number } | number {
    const token = h.token ?? new Uint8Array(0);
    const dcid = this.input(h.dcid, 0), scid = this.input(h.scid, 256), tok = this.input(token, 512);
    const out = this.core.scratchPtr;
    const n = this.x.headerBuildLong(out, INPUT_OFFSET, h.type, h.version >>> 0, dcid, h.dcid.length, scid, h.scid.length, tok, token.length, h.pn, h.pnLength, h.lengthSize ?? 2);
    if (n < 0) return n;
    const lengthOffset = this.core.resultNumber(0);
    const pnOffset = this.core.resultNumber(1);
    const p = this.x.headerPatchLength(out + lengthOffset, h.lengthSize ?? 2, h.pnLength + h.payloadLength);
    if (p < 0) return p;
    return { bytes: this.core.read(out, n), pnOffset };
  }

  /** Builds a short header. */
  buildShortHeader(h: { dcid: Uint8Array; pn: bigint; pnLength: number; keyPhase?: number; spin?: number }): Uint8Array | number {
    const dcid = this.input(h.dcid, 0);
    const out = this.core.scratchPtr;
    const n = this.x.headerBuildShort(out, INPUT_OFFSET, dcid, h.dcid.length, h.pn, h.pnLength, h.keyPhase ?? 0, h.spin ?? 0);
    return n < 0 ? n : this.core.read(out, n);
  }

  /** Builds a Retry packet without its integrity tag. */
  buildRetry(h: { version: number; dcid: Uint8Array; scid: Uint8Array; token: Uint8Array; unused?: number }): Uint8Array | number {
    const dcid = this.input(h.dcid, 0), scid = this.input(h.scid, 256), tok = this.input(h.token, 512);
    const out = this.core.scratchPtr;
    const n = this.x.retryBuild(out, INPUT_OFFSET, h.version >>> 0, dcid, h.dcid.length, scid, h.scid.length, tok, h.token.length, h.unused ?? 0);
    return n < 0 ? n : this.core.read(out, n);
  }

  /** Parses a Retry packet. */
  parseRetry(bytes: Uint8Array): { version: number; dcid: Uint8Array; scid: Uint8Array; token: Uint8Array; tag: Uint8Array } | number {
    const ptr = this.core.writeScratch(bytes);
    const n = this.x.retryParse(ptr, bytes.length);
    if (n < 0) return n;
    const r = (i: number) => this.core.resultNumber(i);
    return {
      version: r(0),
      dcid: bytes.slice(r(1), r(1) + r(2)),
      scid: bytes.slice(r(3), r(3) + r(4)),
      token: bytes.slice(r(5), r(5) + n),
      tag: bytes.slice(r(6), r(6) + 16),
    };
  }

  /** Builds a Version Negotiation packet answering a packet with `peerDcid`/`peerScid`. */
  buildVersionNegotiation(peerDcid: Uint8Array, peerScid: Uint8Array, versions: number[], random = 0): Uint8Array | number {
    const dcid = this.input(peerDcid, 0), scid = this.input(peerScid, 256);
    const list = new Uint8Array(versions.length * 4);
    const dv = new DataView(list.buffer);
    versions.forEach((v, i) => dv.setUint32(i * 4, v >>> 0, true)); // host (little-endian) order, as the ABI takes them
    const vptr = this.input(list, 512);
    const out = this.core.scratchPtr;
    const n = this.x.vnBuild(out, INPUT_OFFSET, dcid, peerDcid.length, scid, peerScid.length, vptr, versions.length, random);
    return n < 0 ? n : this.core.read(out, n);
  }

  /** Parses a Version Negotiation packet. */
  parseVersionNegotiation(bytes: Uint8Array): { dcid: Uint8Array; scid: Uint8Array; versions: number[] } | number {
    const ptr = this.core.writeScratch(bytes);
    const n = this.x.vnParse(ptr, bytes.length);
    if (n < 0) return n;
    const r = (i: number) => this.core.resultNumber(i);
    const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    const versions: number[] = [];
    for (let i = 0; i < n; i++) versions.push(dv.getUint32(r(4) + 4 * i));
    return { dcid: bytes.slice(r(0), r(0) + r(1)), scid: bytes.slice(r(2), r(2) + r(3)), versions };
  }

  /** Splits a datagram into its coalesced packets. */
  splitDatagram(bytes: Uint8Array, localCidLen: number): { packets: { offset: number; length: number }[]; consumed: number; stopCode: number } {
    const ptr = this.core.writeScratch(bytes);
    const count = this.x.datagramSplit(ptr, bytes.length, localCidLen);
    const packets = [];
    for (let i = 0; i < count; i++) packets.push({ offset: this.core.resultNumber(2 + 2 * i), length: this.core.resultNumber(3 + 2 * i) });
    return { packets, consumed: this.core.resultNumber(0), stopCode: this.core.resultNumber(1) };
  }

  /** Routes a datagram without connection state: its DCID, version and whether it is an Initial. */
  routeDatagram(bytes: Uint8Array, localCidLen: number): { dcid: Uint8Array; version: number; isInitial: boolean; isLong: boolean } | number {
    this.core.writeRx(bytes);
    const ptr = this.core.rxPtr;
    const n = this.x.datagramRoute(ptr, bytes.length, localCidLen);
    if (n < 0) return n;
    const off = this.core.resultNumber(0);
    return { dcid: bytes.slice(off, off + n), version: this.core.resultNumber(1), isInitial: this.core.resultNumber(2) === 1, isLong: this.core.resultNumber(3) === 1 };
  }

  private input(bytes: Uint8Array, slot: number): number {
    return this.core.writeScratch(bytes, INPUT_OFFSET + slot);
  }
}
