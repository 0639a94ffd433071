// Bytes every connection of the endpoint sends alike, kept once (issue 17): a server's
// Certificate message (RFC 8446 §4.4.2) depends on its certificate chain only — an empty
// certificate_request_context and no per-connection extensions — so every half-open
// connection would otherwise hold its own copy for retransmission (~0.4 KB with a small
// self-signed certificate, several KB with a real chain). The CRYPTO send buffer
// references the endpoint's copy instead (crypto-send.ts writeShared).
//
// Nothing here depends on what the bytes mean: a write whose bytes equal a kept copy
// references it, any other is copied as usual, so the stream carries exactly what TLS
// wrote. A copy is never written once made. A few are kept (a server may choose its
// certificate by SNI): a new one takes the place of the oldest, which lives on while
// connections reference it.

/** The shared empty copy (never written). */
const NONE = new StaticArray<u8>(0);

/** Copies kept, the most recent at `last`. */
const KEPT = 4;
const kept = new StaticArray<StaticArray<u8>>(KEPT);
for (let i = 0; i < KEPT; i++) unchecked(kept[i] = NONE);
let last = 0;

/** TLS HandshakeType certificate (RFC 8446 §4). */
const TLS_CERTIFICATE: u8 = 11;
/** Shorter writes are copied: sharing them saves less than it costs to compare. */
const SHARE_MIN: i32 = 128;

/** Whether a server's Handshake-level write of [src, src+len) is worth sharing: a Certificate message. */
export function shareable(src: usize, len: i32): bool {
  return len >= SHARE_MIN && load<u8>(src) == TLS_CERTIFICATE;
}

/** The endpoint's copy of [src, src+len): a kept one when the bytes are equal, else a new one, kept from now on. */
export function sharedCopy(src: usize, len: i32): StaticArray<u8> {
  for (let k = 0; k < KEPT; k++) {
    const c = unchecked(kept[(last + KEPT - k) % KEPT]);
    if (c.length == len && memory.compare(changetype<usize>(c), src, <usize>len) == 0) return c;
  }
  const b = new StaticArray<u8>(len);
  memory.copy(changetype<usize>(b), src, <usize>len);
  last = (last + 1) % KEPT;
  unchecked(kept[last] = b);
  return b;
}
