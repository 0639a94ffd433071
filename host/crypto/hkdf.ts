// HKDF (RFC 5869) and TLS 1.3's HKDF-Expand-Label (RFC 9846 §7.1), synchronous, shared by
// the TLS key schedule and QUIC's packet protection key derivation (RFC 9001 §5.1). None
// of this runs per packet, but a handshake makes dozens of HMAC and hash calls: the hash
// backend is pluggable. @noble/hashes (pure JS) by default, node:crypto when the Node
// entry installs its handshake crypto (handshake-crypto.ts setHandshakeCrypto).
import { hmac as nobleHmac } from '@noble/hashes/hmac.js';
import { sha256, sha384 } from '@noble/hashes/sha2.js';
import { SHORT_INPUT, Sha256, hmacSha256, hmacSha256Key, hmacSha256With, shortSha256, type HmacSha256Key } from './hmac-sha256';

/** The two hashes TLS 1.3's cipher suites use. */
export type HashName = 'sha256' | 'sha384';

/**
 * Digests and HMACs over a list of parts (no concatenation copies). A PreparedKey's
 * SHA-256 HMACs over short inputs do not come here: they are computed from its midstates
 * by hmac-sha256.ts, where both built-in backends send short SHA-256 HMACs anyway.
 */
export interface HashBackend {
  digest(hash: HashName, parts: readonly Uint8Array[]): Uint8Array;
  hmac(hash: HashName, key: Uint8Array, parts: readonly Uint8Array[]): Uint8Array;
  /**
   * Optional: a hash that takes its input as it comes and gives the digest of what it has
   * so far (and of that plus `extra`) at any time, for a transcript (keyschedule.ts).
   * Without it, a transcript keeps its messages and hashes them all for each digest.
   */
  running?(hash: HashName): RunningHash;
}

/** A hash in progress (HashBackend.running). */
export interface RunningHash {
  update(data: Uint8Array): void;
  /** The digest of everything given to update, followed by `extra` when given (not added). */
  digest(extra?: Uint8Array): Uint8Array;
}

const hashes = { sha256, sha384 } as const;

/** @noble/hashes' SHA-384 as a RunningHash: each digest from a clone. */
class NobleRunning implements RunningHash {
  private readonly h = sha384.create();
  update(data: Uint8Array): void {
    this.h.update(data);
  }
  digest(extra?: Uint8Array): Uint8Array {
    const c = this.h.clone();
    if (extra) c.update(extra);
    return c.digest();
  }
}

/** @noble/hashes: every runtime, synchronous. */
export const nobleHashBackend: HashBackend = {
  digest(hash, parts) {
    const h = hashes[hash].create();
    for (const p of parts) h.update(p);
    return h.digest();
  },
  hmac(hash, key, parts) {
    if (shortSha256(hash, parts)) return hmacSha256(key, parts); // ≈ 2.5× faster than noble's for these
    const h = nobleHmac.create(hashes[hash], key);
    for (const p of parts) h.update(p);
    return h.digest();
  },
  // SHA-256 in hmac-sha256.ts (a server's transcript ≈ 4× faster than noble's digest of
  // every message for each digest, bench/key-schedule.ts), SHA-384 noble's.
  running(hash) {
    return hash === 'sha256' ? new Sha256() : new NobleRunning();
  },
};

let backend: HashBackend = nobleHashBackend;

/** Selects the hash backend (setHandshakeCrypto does it with the handshake crypto). */
export function setHashBackend(b: HashBackend): void {
  backend = b;
}

/** Output length of `name` in bytes. */
export function hashLength(name: HashName): number {
  return name === 'sha256' ? 32 : 48;
}

/** A running hash from the backend, or null when it has none (HashBackend.running). */
export function runningHash(hash: HashName): RunningHash | null {
  return backend.running ? backend.running(hash) : null;
}

/** Hash of the concatenation of `parts`. */
export function digest(hash: HashName, ...parts: Uint8Array[]): Uint8Array {
  return backend.digest(hash, parts);
}

/** HMAC(key, concatenation of `parts`). */
export function hmac(hash: HashName, key: Uint8Array, ...parts: Uint8Array[]): Uint8Array {
  return backend.hmac(hash, key, parts);
}

/** HKDF-Extract(salt, ikm). An empty salt means a string of HashLen zeros (RFC 5869 §2.2). */
export function hkdfExtract(hash: HashName, salt: Uint8Array, ikm: Uint8Array): Uint8Array {
  return backend.hmac(hash, salt.length ? salt : new Uint8Array(hashLength(hash)), [ikm]);
}

/** HKDF-Expand(prk, info, length): T(i) = HMAC(PRK, T(i-1) | info | i), RFC 5869 §2.3. */
export function hkdfExpand(hash: HashName, prk: Uint8Array, info: Uint8Array, length: number): Uint8Array {
  const hl = hashLength(hash);
  const n = Math.ceil(length / hl);
  if (n > 255 || length < 0) throw new RangeError('HKDF-Expand length out of range');
  if (n === 1) return backend.hmac(hash, prk, [info, ONE]).slice(0, length);
  const out = new Uint8Array(n * hl);
  let t: Uint8Array = new Uint8Array(0);
  for (let i = 1; i <= n; i++) {
    t = backend.hmac(hash, prk, [t, info, Uint8Array.of(i)]);
    out.set(t, (i - 1) * hl);
  }
  return out.slice(0, length);
}

const ONE = Uint8Array.of(1);
const encoder = new TextEncoder();

/**
 * "tls13 " + label, UTF-8, per label: a handshake expands ≈ 40 labels per side, all from
 * a dozen constant strings (bench/handshake.ts profile: encoding them each time was a
 * third of the key schedule's JS). Bounded: labels are constants of this code base.
 */
const labelBytes = new Map<string, Uint8Array>();

function fullLabel(label: string): Uint8Array {
  let b = labelBytes.get(label);
  if (!b) {
    b = encoder.encode('tls13 ' + label);
    if (labelBytes.size < 64) labelBytes.set(label, b);
  }
  return b;
}

/**
 * HKDF-Expand-Label(Secret, Label, Context, Length) with the "tls13 " prefix:
 *   struct { uint16 length; opaque label<7..255> = "tls13 " + Label; opaque context<0..255>; }
 * Every TLS 1.3 and QUIC use asks for at most one hash block (keys, ivs, secrets): then
 * HKDF-Expand is one HMAC over info | 0x01, built in one buffer and hashed in one update.
 */
export function hkdfExpandLabel(hash: HashName, secret: Uint8Array, label: string, context: Uint8Array, length: number): Uint8Array {
  const info = expandLabelInfo(hash, label, context, length);
  if (!oneBlock(hash, length)) return hkdfExpand(hash, secret, info, length);
  const t = backend.hmac(hash, secret, [info]);
  return t.length === length ? t : t.slice(0, length);
}

/** Whether HKDF-Expand's output is one HMAC: T(1) alone. */
function oneBlock(hash: HashName, length: number): boolean {
  return length > 0 && length <= hashLength(hash);
}

/** The HkdfLabel, followed by T(1)'s 0x01 when the output is one block (then hashed as is). */
function expandLabelInfo(hash: HashName, label: string, context: Uint8Array, length: number): Uint8Array {
  const lb = fullLabel(label);
  if (lb.length > 255 || context.length > 255) throw new RangeError('HKDF label or context too long');
  const single = oneBlock(hash, length);
  const infoLen = 2 + 1 + lb.length + 1 + context.length;
  const info = new Uint8Array(infoLen + (single ? 1 : 0));
  info[0] = length >>> 8;
  info[1] = length & 0xff;
  info[2] = lb.length;
  info.set(lb, 3);
  info[3 + lb.length] = context.length;
  info.set(context, 4 + lb.length);
  if (single) info[infoLen] = 1; // T(1) = HMAC(PRK, info | 0x01)
  return info;
}

/**
 * A key that MACs more than once, made ready for it: SHA-256's HMAC midstates
 * (hmac-sha256.ts), computed once, save two of the four compressions of each later HMAC.
 * A secret expanded into several others (QUIC's key, iv and hp from one traffic secret;
 * the handshake and master secrets' Derive-Secrets) or a constant salt (QUIC's Initial
 * salt, the key schedule's "derived" salt without a PSK). Under SHA-384 (or another
 * backend's long inputs) the HMACs go through the backend with the raw key, as before.
 * As secret as the key: release() wipes the midstates once the key has no further use.
 */
export class PreparedKey {
  /** The midstates, for SHA-256; null for SHA-384. */
  private mid: HmacSha256Key | null;

  constructor(readonly hash: HashName, readonly key: Uint8Array) {
    this.mid = hash === 'sha256' ? hmacSha256Key(key) : null;
  }

  /** HMAC(key, concatenation of `parts`). */
  hmac(parts: readonly Uint8Array[]): Uint8Array {
    if (this.mid && shortSha256(this.hash, parts)) return hmacSha256With(this.mid, parts);
    return backend.hmac(this.hash, this.key, parts);
  }

  /** HKDF-Extract with this key as the salt. */
  extract(ikm: Uint8Array): Uint8Array {
    return this.hmac([ikm]);
  }

  /** HKDF-Expand-Label with this key as the secret (hkdfExpandLabel below). */
  expandLabel(label: string, context: Uint8Array, length: number): Uint8Array {
    const info = expandLabelInfo(this.hash, label, context, length);
    if (!oneBlock(this.hash, length)) return hkdfExpand(this.hash, this.key, info, length);
    if (this.mid && info.length <= SHORT_INPUT) return hmacSha256With(this.mid, [info], length);
    const t = backend.hmac(this.hash, this.key, [info]);
    return t.length === length ? t : t.slice(0, length);
  }

  /** Zeroes the midstates: later calls fall back to HMACs from the key itself. */
  release(): void {
    this.mid?.fill(0);
    this.mid = null;
  }
}
