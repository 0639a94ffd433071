// Protecting and unprotecting a packet in place (RFC 9001 §5.3-5.4): the packet builder
// calls protectPacket after writing header and payload; the receive path calls
// unprotectPacket before reading frames. AEAD and header-protection masks come from the
// host (crypto/host.ts) or, for handles of the in-core key table (crypto/keys.ts: the
// KEY_TAG bit), from the core's own ChaCha20-Poly1305 or AES-GCM (crypto/core-aead.ts);
// the bit twiddling and packet number recovery happen here.

import { hostAeadSeal, hostAeadOpen, hostHpMask } from "./host";
import { isCoreKey, keySlot, KEY_KIND_AEAD, KEY_KIND_HP } from "./keys";
import { coreSeal, coreOpen, coreHpMask } from "./core-aead";
import { decodePacketNumber } from "../wire/pn";
import { ERR_DROP_PACKET, INTERNAL_ERROR } from "../wire/errors";

/** AEAD tag length of every QUIC suite. */
export const TAG_LEN: i32 = 16;
const SAMPLE_LEN: i32 = 16;

// Five mask bytes, allocated once.
const mask: usize = memory.data(8);

/** AEAD seal by handle: in-core slot or host import. payloadLen + 16, or -1. */
export function aeadSeal(handle: i32, pn: u64, ptr: usize, headerLen: i32, payloadLen: i32): i32 {
  if (!isCoreKey(handle)) return hostAeadSeal(handle, <f64>pn, ptr, headerLen, payloadLen);
  const k = keySlot(handle, KEY_KIND_AEAD);
  return k == 0 ? -1 : coreSeal(k, pn, ptr, headerLen, payloadLen);
}

/** AEAD open by handle. Plaintext length, or -1. */
export function aeadOpen(handle: i32, pn: u64, ptr: usize, headerLen: i32, cipherLen: i32): i32 {
  if (!isCoreKey(handle)) return hostAeadOpen(handle, <f64>pn, ptr, headerLen, cipherLen);
  const k = keySlot(handle, KEY_KIND_AEAD);
  return k == 0 ? -1 : coreOpen(k, pn, ptr, headerLen, cipherLen);
}

/** Header protection mask by handle: 5 bytes at `out`. 0 or -1. */
export function hpMask(handle: i32, sample: usize, out: usize): i32 {
  if (!isCoreKey(handle)) return hostHpMask(handle, sample, out);
  const k = keySlot(handle, KEY_KIND_HP);
  if (k == 0) return -1;
  coreHpMask(k, sample, out);
  return 0;
}

/** Full packet number recovered by the last unprotectPacket. */
export let unprotectedPn: u64 = 0;
/** First byte after header protection was removed (reserved bits, key phase, pn length). */
export let unprotectedFirstByte: u32 = 0;
/** Header length (through the packet number) of the last unprotected packet: the payload starts there. */
export let unprotectedHeaderLen: i32 = 0;

/**
 * Seals the payload and applies header protection. The packet starts at `pkt`; its
 * header (through the `pnLen`-byte packet number at `pnOffset`) is `headerLen` bytes,
 * followed by `payloadLen` bytes of plaintext, with 16 bytes of room after them for the
 * tag. The payload must be long enough for the header protection sample:
 * pnLen + payloadLen >= 4 (RFC 9001 §5.4.2; builders pad with PADDING). Returns the
 * packet's total length, or a negative code.
 */
export function protectPacket(pkt: usize, headerLen: i32, pnOffset: i32, pnLen: i32, pn: u64, payloadLen: i32, aead: i32, hp: i32): i32 {
  if (pnLen + payloadLen < 4) return -INTERNAL_ERROR;
  const sealed = aeadSeal(aead, pn, pkt, headerLen, payloadLen);
  if (sealed != payloadLen + TAG_LEN) return -INTERNAL_ERROR;
  const total = headerLen + sealed;
  const sample = pkt + <usize>(pnOffset + 4);
  if (hpMask(hp, sample, mask) != 0) return -INTERNAL_ERROR;
  applyMask(pkt, pnOffset, pnLen);
  return total;
}

function applyMask(pkt: usize, pnOffset: i32, pnLen: i32): void {
  const first = <u32>load<u8>(pkt);
  // Long headers protect 4 bits, short headers 5 (RFC 9001 §5.4.1).
  const bits: u32 = (first & 0x80) != 0 ? 0x0f : 0x1f;
  store<u8>(pkt, <u8>(first ^ (<u32>load<u8>(mask) & bits)));
  for (let i = 0; i < pnLen; i++) {
    const p = pkt + <usize>(pnOffset + i);
    store<u8>(p, load<u8>(p) ^ load<u8>(mask + 1 + <usize>i));
  }
}

/**
 * Removes header protection and opens the payload of the packet at `pkt` (`packetLen`
 * bytes, the packet number field at `pnOffset`), recovering the full packet number
 * from `largestPn` (-1 if none received yet in this space). Returns the plaintext
 * payload length (payload at pkt + unprotectedHeaderLen), or -ERR_DROP_PACKET when the
 * packet is too short or fails authentication (never a connection error, §12.2 /
 * RFC 9001 §5.5: the packet is simply dropped).
 */
export function unprotectPacket(pkt: usize, packetLen: i32, pnOffset: i32, largestPn: i64, aead: i32, hp: i32): i32 {
  const r = removeHeaderProtection(pkt, packetLen, pnOffset, largestPn, hp);
  if (r < 0) return r;
  return openPayload(pkt, packetLen, aead);
}

/**
 * First half of unprotectPacket: removes header protection in place and sets
 * unprotectedPn / unprotectedFirstByte / unprotectedHeaderLen. Short-header packets
 * stop here to pick their AEAD key by the key phase bit (RFC 9001 §6). 0 or -ERR_DROP_PACKET.
 */
export function removeHeaderProtection(pkt: usize, packetLen: i32, pnOffset: i32, largestPn: i64, hp: i32): i32 {
  // The sample starts 4 bytes after the pn field's start and needs 16 bytes.
  if (pnOffset + 4 + SAMPLE_LEN > packetLen) return -ERR_DROP_PACKET;
  if (hpMask(hp, pkt + <usize>(pnOffset + 4), mask) != 0) return -ERR_DROP_PACKET;
  const first = <u32>load<u8>(pkt);
  const bits: u32 = (first & 0x80) != 0 ? 0x0f : 0x1f;
  const unmasked = first ^ (<u32>load<u8>(mask) & bits);
  const pnLen = <i32>(unmasked & 3) + 1;
  let truncated: u64 = 0;
  for (let i = 0; i < pnLen; i++) {
    const b = <u64>(load<u8>(pkt + <usize>(pnOffset + i)) ^ load<u8>(mask + 1 + <usize>i));
    truncated = (truncated << 8) | b;
  }
  const headerLen = pnOffset + pnLen;
  if (packetLen - headerLen < TAG_LEN) return -ERR_DROP_PACKET;
  // Write the unprotected header back: it is the AEAD's associated data.
  store<u8>(pkt, <u8>unmasked);
  for (let i = 0; i < pnLen; i++) {
    const p = pkt + <usize>(pnOffset + i);
    store<u8>(p, load<u8>(p) ^ load<u8>(mask + 1 + <usize>i));
  }
  unprotectedPn = decodePacketNumber(largestPn, truncated, pnLen * 8);
  unprotectedFirstByte = unmasked;
  unprotectedHeaderLen = headerLen;
  return 0;
}

/** Second half: opens the payload after removeHeaderProtection. Plaintext length or -ERR_DROP_PACKET. */
export function openPayload(pkt: usize, packetLen: i32, aead: i32): i32 {
  const headerLen = unprotectedHeaderLen;
  const n = aeadOpen(aead, unprotectedPn, pkt, headerLen, packetLen - headerLen);
  return n < 0 ? -ERR_DROP_PACKET : n;
}
