// HKDF (RFC 5869) and TLS 1.3's HKDF-Expand-Label (RFC 9846 §7.1), synchronous and
// platform-neutral (@noble/hashes), shared by the TLS key schedule and QUIC's packet
// protection key derivation (RFC 9001 §5.1). None of this runs per packet.
import { extract, expand } from '@noble/hashes/hkdf.js';
import { sha256, sha384 } from '@noble/hashes/sha2.js';

/** The two hashes TLS 1.3's cipher suites use. */
export type HashName = 'sha256' | 'sha384';

const hashes = { sha256, sha384 } as const;

/** HMAC(hash, key, data) from a host-native library, where the runtime has one. */
export type HmacFn = (hash: HashName, key: Uint8Array, data: Uint8Array) => Uint8Array;
let nativeHmac: HmacFn | null = null;

/**
 * Routes HKDF through a native HMAC (the Node entry passes node:crypto's): the same
 * results, about ten times faster than the portable @noble/hashes code. An endpoint
 * derives client Initial keys for every Initial it cannot place (to authenticate it
 * before allocating anything), so under a flood this is on the hot path. null restores
 * the portable code.
 */
export function useNativeHmac(fn: HmacFn | null): void {
  nativeHmac = fn;
}

function nativeExpand(hmac: HmacFn, hash: HashName, prk: Uint8Array, info: Uint8Array, length: number): Uint8Array {
  // RFC 5869 §2.3: T(i) = HMAC(PRK, T(i-1) | info | i).
  const hl = hashLength(hash);
  if (length > 255 * hl) throw new RangeError('HKDF output too long');
  const out = new Uint8Array(length);
  let prev = new Uint8Array(0);
  for (let i = 1, o = 0; o < length; i++) {
    const input = new Uint8Array(prev.length + info.length + 1);
    input.set(prev);
    input.set(info, prev.length);
    input[input.length - 1] = i;
    prev = hmac(hash, prk, input) as Uint8Array<ArrayBuffer>;
    out.set(prev.subarray(0, Math.min(hl, length - o)), o);
    o += hl;
  }
  return out;
}

/** The hash function for `name`. */
export function hashFn(name: HashName) {
  return hashes[name];
}

/** Output length of `name` in bytes. */
export function hashLength(name: HashName): number {
  return name === 'sha256' ? 32 : 48;
}

/** HKDF-Extract(salt, ikm). An empty salt means a string of HashLen zeros (RFC 5869 §2.2). */
export function hkdfExtract(hash: HashName, salt: Uint8Array, ikm: Uint8Array): Uint8Array {
  const key = salt.length ? salt : new Uint8Array(hashLength(hash));
  return nativeHmac ? nativeHmac(hash, key, ikm) : extract(hashes[hash], ikm, key);
}

/** HKDF-Expand(prk, info, length). */
export function hkdfExpand(hash: HashName, prk: Uint8Array, info: Uint8Array, length: number): Uint8Array {
  return nativeHmac ? nativeExpand(nativeHmac, hash, prk, info, length) : expand(hashes[hash], prk, info, length);
}

const encoder = new TextEncoder();

/**
 * HKDF-Expand-Label(Secret, Label, Context, Length) with the "tls13 " prefix:
 *   struct { uint16 length; opaque label<7..255> = "tls13 " + Label; opaque context<0..255>; }
 */
export function hkdfExpandLabel(hash: HashName, secret: Uint8Array, label: string, context: Uint8Array, length: number): Uint8Array {
  const fullLabel = encoder.encode('tls13 ' + label);
  if (fullLabel.length > 255 || context.length > 255) throw new RangeError('HKDF label or context too long');
  const info = new Uint8Array(2 + 1 + fullLabel.length + 1 + context.length);
  info[0] = length >>> 8;
  info[1] = length & 0xff;
  info[2] = fullLabel.length;
  info.set(fullLabel, 3);
  info[3 + fullLabel.length] = context.length;
  info.set(context, 4 + fullLabel.length);
  return hkdfExpand(hash, secret, info, length);
}
