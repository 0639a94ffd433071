// ABI door for the packet-level wire format: varints, packet numbers, headers,
// coalesced datagrams, Version Negotiation, Retry, and the connection-less router.
// Pointers are absolute addresses in linear memory (normally inside the rx, tx or
// scratch region); results follow index.ts (i32, negative = -code). Extra outputs go
// to the u64 result slots:
//
//   function              returns                 slots
//   varintDecode          bytes read              0 value
//   varintEncode          bytes written           -
//   pnEncodeLength        1..4                    -
//   pnDecode (i64)        full packet number      -
//   headerParse           packet length           0 type (PacketType, v1 numbering) 1 version 2 dcid off
//                                                 3 dcid len 4 scid off 5 scid len 6 token off 7 token len
//                                                 8 Length field 9 pn offset 10 is long 11 first byte
//                                                 (offsets relative to ptr)
//   headerBuildLong       header length (thru pn) 0 Length field offset 1 pn offset (relative)
//   headerPatchLength     0                       -
//   headerBuildShort      header length           0 pn offset (relative)
//   retryBuild            bytes (tag not incl.)   -
//   retryParse            token length            0 version 1 dcid off 2 dcid len 3 scid off 4 scid len
//                                                 5 token off 6 tag off
//   vnBuild               bytes written           -
//   vnParse               version count           0 dcid off 1 dcid len 2 scid off 3 scid len 4 list off
//   datagramSplit         packet count            0 bytes consumed 1 stop code (positive, 0 = none)
//                                                 2+2i offset of packet i, 3+2i its length
//   datagramRoute         DCID length             0 dcid off 1 version 2 is Initial 3 is long

import { setResult } from "./io";
import { readVarint, varintValue, writeVarint, VARINT_MAX } from "../wire/varint";
import { FRAME_ENCODING_ERROR, PROTOCOL_VIOLATION, ERR_BUFFER_TOO_SMALL } from "../wire/errors";
import { pnEncodeLength as pnLen, decodePacketNumber } from "../wire/pn";
import {
  parseHeader, buildLongHeader, buildShortHeader, patchLength, buildRetry, buildVersionNegotiation, vnVersionCount,
  hdrType, hdrVersion, hdrDcid, hdrDcidLen, hdrScid, hdrScidLen, hdrToken, hdrTokenLen, hdrLength, hdrPnOffset,
  hdrIsLong, hdrFirstByte, builtLengthOffset, builtPnOffset, RETRY_TAG_LEN,
} from "../wire/header";
import { PacketType } from "../wire/version";
import { splitDatagram, splitOffsets, splitLengths, splitConsumed, splitStopCode } from "../wire/coalesce";
import { routeDatagram, routeDcid, routeVersion, routeIsInitial, routeIsLong } from "../endpoint/route";

export function varintDecode(ptr: usize, len: i32): i32 {
  const n = readVarint(ptr, ptr + <usize>len);
  if (n == 0) return -FRAME_ENCODING_ERROR;
  setResult(0, varintValue);
  return n;
}

export function varintEncode(ptr: usize, cap: i32, v: i64): i32 {
  if (v < 0 || <u64>v > VARINT_MAX) return -FRAME_ENCODING_ERROR;
  const n = writeVarint(ptr, ptr + <usize>cap, <u64>v);
  return n == 0 ? -ERR_BUFFER_TOO_SMALL : n;
}

export function pnEncodeLength(fullPn: i64, largestAcked: i64): i32 {
  return pnLen(<u64>fullPn, largestAcked);
}

export function pnDecode(largestPn: i64, truncatedPn: i64, nbits: i32): i64 {
  if (nbits != 8 && nbits != 16 && nbits != 24 && nbits != 32) return -1;
  return <i64>decodePacketNumber(largestPn, <u64>truncatedPn, nbits);
}

export function headerParse(ptr: usize, len: i32, localCidLen: i32): i32 {
  const n = parseHeader(ptr, ptr + <usize>len, localCidLen);
  if (n < 0) return n;
  setResult(0, <u64>hdrType);
  setResult(1, <u64>hdrVersion);
  setResult(2, <u64>(hdrDcid - ptr));
  setResult(3, <u64>hdrDcidLen);
  setResult(4, hdrIsLong ? <u64>(hdrScid - ptr) : 0);
  setResult(5, <u64>hdrScidLen);
  setResult(6, hdrToken ? <u64>(hdrToken - ptr) : 0);
  setResult(7, <u64>hdrTokenLen);
  setResult(8, <u64>hdrLength);
  setResult(9, hdrPnOffset ? <u64>(hdrPnOffset - ptr) : 0);
  setResult(10, hdrIsLong ? 1 : 0);
  setResult(11, <u64>hdrFirstByte);
  return n;
}

export function headerBuildLong(
  ptr: usize, cap: i32, type: i32, version: u32, dcid: usize, dcidLen: i32, scid: usize, scidLen: i32,
  token: usize, tokenLen: i32, pn: i64, pnLength: i32, lengthSize: i32,
): i32 {
  const n = buildLongHeader(ptr, ptr + <usize>cap, type, version, dcid, dcidLen, scid, scidLen, token, tokenLen, <u64>pn, pnLength, lengthSize);
  if (n < 0) return n;
  setResult(0, <u64>(builtLengthOffset - ptr));
  setResult(1, <u64>(builtPnOffset - ptr));
  return n;
}

export function headerPatchLength(lengthPtr: usize, lengthSize: i32, value: i32): i32 {
  return patchLength(lengthPtr, lengthSize, value);
}

export function headerBuildShort(ptr: usize, cap: i32, dcid: usize, dcidLen: i32, pn: i64, pnLength: i32, keyPhase: i32, spin: i32): i32 {
  const n = buildShortHeader(ptr, ptr + <usize>cap, dcid, dcidLen, <u64>pn, pnLength, keyPhase, spin);
  if (n < 0) return n;
  setResult(0, <u64>(builtPnOffset - ptr));
  return n;
}

export function retryBuild(ptr: usize, cap: i32, version: u32, dcid: usize, dcidLen: i32, scid: usize, scidLen: i32, token: usize, tokenLen: i32, unused: i32): i32 {
  return buildRetry(ptr, ptr + <usize>cap, version, dcid, dcidLen, scid, scidLen, token, tokenLen, unused);
}

export function retryParse(ptr: usize, len: i32): i32 {
  const n = parseHeader(ptr, ptr + <usize>len, 0);
  if (n < 0) return n;
  if (hdrType != PacketType.RETRY) return -PROTOCOL_VIOLATION;
  setResult(0, <u64>hdrVersion);
  setResult(1, <u64>(hdrDcid - ptr));
  setResult(2, <u64>hdrDcidLen);
  setResult(3, <u64>(hdrScid - ptr));
  setResult(4, <u64>hdrScidLen);
  setResult(5, <u64>(hdrToken - ptr));
  setResult(6, <u64>(hdrToken - ptr) + <u64>hdrTokenLen);
  return hdrTokenLen;
}

export function vnBuild(ptr: usize, cap: i32, peerDcid: usize, peerDcidLen: i32, peerScid: usize, peerScidLen: i32, versions: usize, count: i32, random: i32): i32 {
  return buildVersionNegotiation(ptr, ptr + <usize>cap, peerDcid, peerDcidLen, peerScid, peerScidLen, versions, count, random);
}

export function vnParse(ptr: usize, len: i32): i32 {
  const end = ptr + <usize>len;
  const n = parseHeader(ptr, end, 0);
  if (n < 0) return n;
  const count = vnVersionCount(end);
  if (count < 0) return count;
  setResult(0, <u64>(hdrDcid - ptr));
  setResult(1, <u64>hdrDcidLen);
  setResult(2, <u64>(hdrScid - ptr));
  setResult(3, <u64>hdrScidLen);
  setResult(4, <u64>(hdrScid + <usize>hdrScidLen - ptr));
  return count;
}

export function datagramSplit(ptr: usize, len: i32, localCidLen: i32): i32 {
  const count = splitDatagram(ptr, ptr + <usize>len, localCidLen);
  setResult(0, <u64>splitConsumed);
  setResult(1, <u64>(-splitStopCode));
  for (let i = 0; i < count; i++) {
    setResult(2 + 2 * i, <u64>unchecked(splitOffsets[i]));
    setResult(3 + 2 * i, <u64>unchecked(splitLengths[i]));
  }
  return count;
}

export function datagramRoute(ptr: usize, len: i32, localCidLen: i32): i32 {
  const n = routeDatagram(ptr, ptr + <usize>len, localCidLen);
  if (n < 0) return n;
  setResult(0, <u64>(routeDcid - ptr));
  setResult(1, <u64>routeVersion);
  setResult(2, routeIsInitial ? 1 : 0);
  setResult(3, routeIsLong ? 1 : 0);
  return n;
}

export const RETRY_INTEGRITY_TAG_LENGTH: i32 = RETRY_TAG_LEN;
