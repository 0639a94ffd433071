// Packet headers, RFC 9000 §17 (and the version-independent invariants of RFC 8999):
// parsing into one set of module globals (no allocation per packet) and building in
// place, ngtcp2-style: write the header with a Length field of fixed size, write the
// payload, then patch Length.
//
// What parsing does NOT do: remove header protection. The packet number and the low
// bits of the first byte are protected (RFC 9001 §5.4); the caller unprotects them
// starting at `hdrPnOffset` and reads the pn length from the unprotected first byte.

import { readVarint, varintValue, writeVarintN } from "./varint";
import { PROTOCOL_VIOLATION, ERR_DROP_PACKET, ERR_BUFFER_TOO_SMALL } from "./errors";
import { PacketType, isSupportedVersion, typeFromBits, bitsFromType, QUIC_V1 } from "./version";
import { writePacketNumber } from "./pn";

/** Longest connection ID of QUIC v1/v2 (§17.2). Version Negotiation may carry up to 255. */
export const MAX_CID_LEN: i32 = 20;
/** Length of the Retry integrity tag (RFC 9001 §5.8). */
export const RETRY_TAG_LEN: i32 = 16;

// ---- the last parsed header (absolute addresses) ------------------------------------
/** First byte as received (its low bits are still protected). */
export let hdrFirstByte: u32 = 0;
/** 1 for a long header, 0 for a short header. */
export let hdrIsLong: bool = false;
/** Packet type in v1 numbering (version.ts PacketType). */
export let hdrType: i32 = 0;
/** Version field (0 for Version Negotiation and for short headers). */
export let hdrVersion: u32 = 0;
export let hdrDcid: usize = 0;
export let hdrDcidLen: i32 = 0;
export let hdrScid: usize = 0;
export let hdrScidLen: i32 = 0;
/** Initial: the token; Retry: the retry token. */
export let hdrToken: usize = 0;
export let hdrTokenLen: i32 = 0;
/** Value of the Length field (Initial, 0-RTT, Handshake): pn + payload bytes. */
export let hdrLength: i32 = 0;
/** Where the (protected) packet number starts. */
export let hdrPnOffset: usize = 0;
/** Bytes of this packet within the datagram (coalesced packets follow it). */
export let hdrPacketLen: i32 = 0;

function resetHeader(): void {
  hdrFirstByte = 0; hdrIsLong = false; hdrType = 0; hdrVersion = 0;
  hdrDcid = 0; hdrDcidLen = 0; hdrScid = 0; hdrScidLen = 0;
  hdrToken = 0; hdrTokenLen = 0; hdrLength = 0; hdrPnOffset = 0; hdrPacketLen = 0;
}

/**
 * Parses the header of the packet at `p` (the datagram ends at `end`). `localCidLen` is
 * the length of the connection IDs this endpoint issues: a short header does not carry
 * its DCID length. Returns the packet's length within the datagram (> 0), or:
 *   -ERR_DROP_PACKET      the fixed bit is 0 (RFC 9000 §17.2/§17.3: discard), unless
 *                         `anyFixedBit` (we advertised grease_quic_bit, RFC 9287 §3)
 *   -PROTOCOL_VIOLATION   truncated or malformed (CID too long, Length past the end, ...)
 */
export function parseHeader(p: usize, end: usize, localCidLen: i32, anyFixedBit: bool = false): i32 {
  resetHeader();
  if (p >= end) return -PROTOCOL_VIOLATION;
  const first = <u32>load<u8>(p);
  hdrFirstByte = first;
  if ((first & 0x80) == 0) return parseShort(p, end, first, localCidLen, anyFixedBit);
  hdrIsLong = true;
  // Invariants: first byte, version (4), DCID length + DCID, SCID length + SCID.
  if (end - p < 7) return -PROTOCOL_VIOLATION;
  const version = bswap<u32>(load<u32>(p + 1));
  hdrVersion = version;
  let q = p + 5;
  const dcidLen = <i32>load<u8>(q); q++;
  if (<usize>dcidLen >= end - q) return -PROTOCOL_VIOLATION;
  hdrDcid = q; hdrDcidLen = dcidLen; q += <usize>dcidLen;
  const scidLen = <i32>load<u8>(q); q++;
  if (<usize>scidLen > end - q) return -PROTOCOL_VIOLATION;
  hdrScid = q; hdrScidLen = scidLen; q += <usize>scidLen;

  if (version == 0) {
    // Version Negotiation (§17.2.1): the rest is a list of 32-bit versions.
    hdrType = PacketType.VERSION_NEGOTIATION;
    hdrPacketLen = <i32>(end - p);
    return hdrPacketLen;
  }
  if (!isSupportedVersion(version)) {
    // Only the invariants are known; the endpoint may answer with Version Negotiation.
    hdrType = PacketType.UNKNOWN_VERSION;
    hdrPacketLen = <i32>(end - p);
    return hdrPacketLen;
  }
  if (dcidLen > MAX_CID_LEN || scidLen > MAX_CID_LEN) return -PROTOCOL_VIOLATION;
  if ((first & 0x40) == 0 && !anyFixedBit) return -ERR_DROP_PACKET;
  const type = typeFromBits(version, <i32>((first >> 4) & 3));
  hdrType = type;

  if (type == PacketType.RETRY) {
    // §17.2.5: token = everything up to the 16-byte integrity tag.
    if (end - q < <usize>RETRY_TAG_LEN) return -PROTOCOL_VIOLATION;
    hdrToken = q;
    hdrTokenLen = <i32>(end - q) - RETRY_TAG_LEN;
    hdrPacketLen = <i32>(end - p);
    return hdrPacketLen;
  }
  if (type == PacketType.INITIAL) {
    const n = readVarint(q, end);
    if (n == 0) return -PROTOCOL_VIOLATION;
    q += <usize>n;
    if (varintValue > <u64>(end - q)) return -PROTOCOL_VIOLATION;
    hdrToken = q;
    hdrTokenLen = <i32>varintValue;
    q += <usize>varintValue;
  }
  const n = readVarint(q, end);
  if (n == 0) return -PROTOCOL_VIOLATION;
  q += <usize>n;
  if (varintValue > <u64>(end - q)) return -PROTOCOL_VIOLATION;
  // A packet needs at least a 1-byte packet number.
  if (varintValue == 0) return -PROTOCOL_VIOLATION;
  hdrLength = <i32>varintValue;
  hdrPnOffset = q;
  hdrPacketLen = <i32>(q - p) + hdrLength;
  return hdrPacketLen;
}

function parseShort(p: usize, end: usize, first: u32, localCidLen: i32, anyFixedBit: bool): i32 {
  hdrType = PacketType.ONE_RTT;
  if (localCidLen < 0 || localCidLen > MAX_CID_LEN) return -PROTOCOL_VIOLATION;
  // First byte + DCID + at least one packet number byte.
  if (end - p < <usize>(2 + localCidLen)) return -PROTOCOL_VIOLATION;
  if ((first & 0x40) == 0 && !anyFixedBit) return -ERR_DROP_PACKET;
  hdrDcid = p + 1;
  hdrDcidLen = localCidLen;
  hdrPnOffset = p + 1 + <usize>localCidLen;
  hdrPacketLen = <i32>(end - p);
  return hdrPacketLen;
}

// ---- building --------------------------------------------------------------------

/** Where the last buildLongHeader put its Length field, and that field's size. */
export let builtLengthOffset: usize = 0;
export let builtLengthSize: i32 = 0;
/** Where the last builder put the packet number. */
export let builtPnOffset: usize = 0;

/**
 * Writes a long header (Initial, 0-RTT or Handshake; v1-numbered `type`) at `p`,
 * including the packet number (`pnLen` bytes of `pn`), with the Length field reserved
 * as a `lengthSize`-byte varint (2 covers any packet up to 16383 bytes) to be patched by
 * patchLength once the payload is written. Returns the header length (through the pn),
 * or a negative code.
 */
export function buildLongHeader(
  p: usize, end: usize, type: i32, version: u32,
  dcid: usize, dcidLen: i32, scid: usize, scidLen: i32,
  token: usize, tokenLen: i32, pn: u64, pnLen: i32, lengthSize: i32,
): i32 {
  if (type < PacketType.INITIAL || type > PacketType.HANDSHAKE) return -PROTOCOL_VIOLATION;
  if (dcidLen < 0 || dcidLen > MAX_CID_LEN || scidLen < 0 || scidLen > MAX_CID_LEN) return -PROTOCOL_VIOLATION;
  if (pnLen < 1 || pnLen > 4 || tokenLen < 0) return -PROTOCOL_VIOLATION;
  if (lengthSize != 1 && lengthSize != 2 && lengthSize != 4) return -PROTOCOL_VIOLATION;
  const tokenFieldLen = type == PacketType.INITIAL ? varintLenI32(tokenLen) + tokenLen : 0;
  const total = 1 + 4 + 1 + dcidLen + 1 + scidLen + tokenFieldLen + lengthSize + pnLen;
  if (p > end || <usize>total > end - p) return -ERR_BUFFER_TOO_SMALL;
  let q = p;
  store<u8>(q, <u8>(0xc0 | (bitsFromType(version, type) << 4) | (pnLen - 1))); q++;
  store<u32>(q, bswap<u32>(version)); q += 4;
  store<u8>(q, <u8>dcidLen); q++;
  memory.copy(q, dcid, <usize>dcidLen); q += <usize>dcidLen;
  store<u8>(q, <u8>scidLen); q++;
  memory.copy(q, scid, <usize>scidLen); q += <usize>scidLen;
  if (type == PacketType.INITIAL) {
    q += <usize>writeVarintN(q, end, <u64>tokenLen, varintLenI32(tokenLen));
    memory.copy(q, token, <usize>tokenLen); q += <usize>tokenLen;
  }
  builtLengthOffset = q;
  builtLengthSize = lengthSize;
  // Placeholder: the smallest value in the reserved size, patched later.
  writeVarintN(q, end, 0, lengthSize); q += <usize>lengthSize;
  builtPnOffset = q;
  writePacketNumber(q, end, pn, pnLen); q += <usize>pnLen;
  return <i32>(q - p);
}

/** Patches the Length field written by buildLongHeader (value = pn + payload + AEAD tag bytes). Returns 0 or a negative code. */
export function patchLength(lengthOffset: usize, lengthSize: i32, value: i32): i32 {
  if (value < 0) return -PROTOCOL_VIOLATION;
  return writeVarintN(lengthOffset, lengthOffset + <usize>lengthSize, <u64>value, lengthSize) == 0 ? -ERR_BUFFER_TOO_SMALL : 0;
}

/**
 * Writes a short (1-RTT) header: first byte with spin and key-phase bits, DCID and the
 * packet number. Returns the header length, or a negative code.
 */
export function buildShortHeader(p: usize, end: usize, dcid: usize, dcidLen: i32, pn: u64, pnLen: i32, keyPhase: i32, spin: i32): i32 {
  if (dcidLen < 0 || dcidLen > MAX_CID_LEN || pnLen < 1 || pnLen > 4) return -PROTOCOL_VIOLATION;
  const total = 1 + dcidLen + pnLen;
  if (p > end || <usize>total > end - p) return -ERR_BUFFER_TOO_SMALL;
  store<u8>(p, <u8>(0x40 | ((spin & 1) << 5) | ((keyPhase & 1) << 2) | (pnLen - 1)));
  memory.copy(p + 1, dcid, <usize>dcidLen);
  builtPnOffset = p + 1 + <usize>dcidLen;
  writePacketNumber(builtPnOffset, end, pn, pnLen);
  return total;
}

/**
 * Writes a Retry packet (§17.2.5) without its integrity tag: the host computes the tag
 * (RFC 9001 §5.8) over the pseudo-packet and appends it. Returns the length written.
 * `unused` fills the 4 low bits of the first byte (random per §17.2.5).
 */
export function buildRetry(p: usize, end: usize, version: u32, dcid: usize, dcidLen: i32, scid: usize, scidLen: i32, token: usize, tokenLen: i32, unused: i32): i32 {
  if (dcidLen < 0 || dcidLen > MAX_CID_LEN || scidLen < 0 || scidLen > MAX_CID_LEN || tokenLen < 0) return -PROTOCOL_VIOLATION;
  const total = 7 + dcidLen + scidLen + tokenLen;
  if (p > end || <usize>total > end - p) return -ERR_BUFFER_TOO_SMALL;
  let q = p;
  store<u8>(q, <u8>(0xc0 | (bitsFromType(version, PacketType.RETRY) << 4) | (unused & 0x0f))); q++;
  store<u32>(q, bswap<u32>(version)); q += 4;
  store<u8>(q, <u8>dcidLen); q++;
  memory.copy(q, dcid, <usize>dcidLen); q += <usize>dcidLen;
  store<u8>(q, <u8>scidLen); q++;
  memory.copy(q, scid, <usize>scidLen); q += <usize>scidLen;
  memory.copy(q, token, <usize>tokenLen); q += <usize>tokenLen;
  return <i32>(q - p);
}

/**
 * Writes a Version Negotiation packet (§17.2.1) answering a packet with `peerDcid` and
 * `peerScid`: our DCID is their SCID and vice versa. `versions` points to `count` u32
 * values (host order). `random` fills the 7 unused bits of the first byte. CIDs up to
 * 255 bytes are echoed as received (RFC 8999 §6).
 */
export function buildVersionNegotiation(p: usize, end: usize, peerDcid: usize, peerDcidLen: i32, peerScid: usize, peerScidLen: i32, versions: usize, count: i32, random: i32): i32 {
  if (peerDcidLen < 0 || peerDcidLen > 255 || peerScidLen < 0 || peerScidLen > 255 || count < 1) return -PROTOCOL_VIOLATION;
  const total = 7 + peerDcidLen + peerScidLen + 4 * count;
  if (p > end || <usize>total > end - p) return -ERR_BUFFER_TOO_SMALL;
  let q = p;
  store<u8>(q, <u8>(0x80 | (random & 0x7f))); q++;
  store<u32>(q, 0); q += 4;
  store<u8>(q, <u8>peerScidLen); q++;
  memory.copy(q, peerScid, <usize>peerScidLen); q += <usize>peerScidLen;
  store<u8>(q, <u8>peerDcidLen); q++;
  memory.copy(q, peerDcid, <usize>peerDcidLen); q += <usize>peerDcidLen;
  for (let i = 0; i < count; i++) {
    store<u32>(q, bswap<u32>(load<u32>(versions + (<usize>i << 2))));
    q += 4;
  }
  return <i32>(q - p);
}

/**
 * After parseHeader returned a Version Negotiation packet: the number of versions it
 * lists (their list starts right after the SCID), or -PROTOCOL_VIOLATION if the list is
 * empty or not a whole number of 32-bit values.
 */
export function vnVersionCount(end: usize): i32 {
  if (hdrType != PacketType.VERSION_NEGOTIATION) return -PROTOCOL_VIOLATION;
  const start = hdrScid + <usize>hdrScidLen;
  const bytes = end - start;
  if (bytes == 0 || (bytes & 3) != 0) return -PROTOCOL_VIOLATION;
  return <i32>(bytes >> 2);
}

function varintLenI32(v: i32): i32 {
  return v < 0x40 ? 1 : v < 0x4000 ? 2 : 4;
}

export { QUIC_V1 };
