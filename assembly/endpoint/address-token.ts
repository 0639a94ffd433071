// Address validation tokens (RFC 9000 §8.1.2-§8.1.4): what a server puts in a Retry
// packet or a NEW_TOKEN frame and reads back from a client's Initial. Stateless: a token
// carries what the server needs, sealed with ChaCha20-Poly1305 (the in-core AEAD) under
// a key drawn once from the host's CSPRNG, so nobody else can mint or alter one. It is
// bound to the client's address by using the address bytes (from the host: the core
// only knows path handles) as the AEAD's associated data, and it expires.
//
//   token = counter (8, clear: the AEAD nonce) | sealed payload | tag (16)
//   payload = kind (1) | version (4) | issuedAt f64 µs (8) | odcidLen (1) | odcid | rscidLen (1) | rscid
//
// kind tells a Retry token from a NEW_TOKEN one (§8.1.3: the server must tell them
// apart); version is the QUIC version the token belongs to (RFC 9369 §5: a token is
// specific to the version of the connection that issued it — for NEW_TOKEN the
// negotiated one — and a server must not accept it in another); a Retry token carries the client's original DCID and the SCID of our Retry
// (both go back in transport parameters, §7.3). The counter makes every nonce unique
// under one key. The key lives as long as the core instance: a restarted server refuses
// older tokens, which only costs a client one Retry.

import { chachaSeal, chachaOpen, CHACHA_TAG_LEN } from "../crypto/aead-chacha";
import { hostRandomFill } from "../util/entropy";

/** Writes the bytes that identify the client behind `path` (its IP address) at out (cap bytes); returns their length. */
// @ts-ignore: decorator
@external("host", "pathAddress")
declare function hostPathAddress(path: i32, out: usize, cap: i32): i32;

export const TOKEN_RETRY: u8 = 1;
export const TOKEN_NEW: u8 = 2;

const ADDR_MAX: i32 = 64;
const CID_MAX: i32 = 20;
const PAYLOAD_MIN: i32 = 1 + 4 + 8 + 1 + 1;
const PAYLOAD_MAX: i32 = PAYLOAD_MIN + CID_MAX + CID_MAX;
/** Longest token we mint. */
export const TOKEN_MAX: i32 = 8 + PAYLOAD_MAX + CHACHA_TAG_LEN;

// key (32) + iv (12), as chachaSeal wants them.
const key: usize = memory.data(48, 16);
let keyed = false;
let counter: u64 = 0;
// [address (AAD) | payload | tag]: sealed and opened in place.
const work: usize = memory.data(ADDR_MAX + PAYLOAD_MAX + 16, 16);

/** What openToken found in a valid token. */
export let tokKind: u8 = 0;
export let tokVersion: u32 = 0;
export let tokIssuedAt: f64 = 0;
export let tokOdcid: usize = memory.data(CID_MAX);
export let tokOdcidLen: i32 = 0;
export let tokRscid: usize = memory.data(CID_MAX);
export let tokRscidLen: i32 = 0;

function ensureKey(): void {
  if (keyed) return;
  hostRandomFill(key, 44);
  keyed = true;
}

/** Copies the address of `path` into the AAD slot; returns its length. */
function loadAddress(path: i32): i32 {
  const n = hostPathAddress(path, work, ADDR_MAX);
  return n < 0 ? 0 : n > ADDR_MAX ? ADDR_MAX : n;
}

/**
 * Mints a token of `kind` for QUIC `version` for the client on `path` at `out`
 * (TOKEN_MAX bytes of room). Returns its length.
 */
export function mintToken(out: usize, kind: u8, version: u32, path: i32, now: f64, odcid: usize, odcidLen: i32, rscid: usize, rscidLen: i32): i32 {
  ensureKey();
  if (odcidLen > CID_MAX || rscidLen > CID_MAX || odcidLen < 0 || rscidLen < 0) return 0;
  const aadLen = loadAddress(path);
  let q = work + <usize>aadLen;
  const payload = q;
  store<u8>(q, kind); q++;
  store<u32>(q, version); q += 4;
  store<f64>(q, now); q += 8;
  store<u8>(q, <u8>odcidLen); q++;
  memory.copy(q, odcid, <usize>odcidLen); q += <usize>odcidLen;
  store<u8>(q, <u8>rscidLen); q++;
  memory.copy(q, rscid, <usize>rscidLen); q += <usize>rscidLen;
  const n = chachaSeal(key, counter, work, aadLen, <i32>(q - payload));
  store<u64>(out, counter);
  counter++;
  memory.copy(out + 8, payload, <usize>n);
  return 8 + n;
}

/**
 * Opens the token at [p, p+len) received from `path`. True when it was minted by this
 * endpoint for the same address (then tok* hold its contents); expiry and version are the caller's.
 */
export function openToken(p: usize, len: i32, path: i32): bool {
  tokKind = 0;
  if (!keyed || len < 8 + CHACHA_TAG_LEN + PAYLOAD_MIN || len > TOKEN_MAX) return false;
  const aadLen = loadAddress(path);
  const cipherLen = len - 8;
  memory.copy(work + <usize>aadLen, p + 8, <usize>cipherLen);
  const n = chachaOpen(key, load<u64>(p), work, aadLen, cipherLen);
  if (n < PAYLOAD_MIN) return false;
  let q = work + <usize>aadLen;
  const end = q + <usize>n;
  const kind = load<u8>(q); q++;
  const version = load<u32>(q); q += 4;
  const issuedAt = load<f64>(q); q += 8;
  const ol = <i32>load<u8>(q); q++;
  if (ol > CID_MAX || q + <usize>ol + 1 > end) return false;
  memory.copy(tokOdcid, q, <usize>ol); q += <usize>ol;
  const rl = <i32>load<u8>(q); q++;
  if (rl > CID_MAX || q + <usize>rl != end) return false;
  memory.copy(tokRscid, q, <usize>rl);
  tokKind = kind; tokVersion = version; tokIssuedAt = issuedAt; tokOdcidLen = ol; tokRscidLen = rl;
  return true;
}
