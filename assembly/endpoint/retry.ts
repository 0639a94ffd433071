// The server's side of address validation (RFC 9000 §8.1): reading the token of a
// client Initial, deciding whether to answer with Retry (§8.1.2, §17.2.5), and the
// Retry packets themselves — stateless: a Retry creates no connection and no TLS state,
// everything the server needs later travels in the token (address-token.ts).
//
// Policy: RETRY_NEVER, RETRY_ALWAYS, or RETRY_UNDER_LOAD (the default): an Initial
// without a valid token gets a Retry when the half-open table is at least half full or
// its source already has its share of half-open connections (endpoint/half-open.ts) —
// exactly what a spoofed flood fills, so that under a flood the server allocates
// nothing for a source until it proves it can receive.
//
// A token that does not open, came from another address, has expired, or (Retry token)
// does not match the DCID the client uses, is treated as no token at all (§8.1.3:
// "proceed as if the client did not have a validated address, including potentially
// sending a Retry"). We do not close with INVALID_TOKEN (§8.1.2's option): that would
// need an Initial packet built without a connection.
//
// Amplification: a Retry answers one Initial of at least 1200 bytes and is far smaller
// (under 120 bytes), so Retry never amplifies; the answers are counted all the same.

import { buildRetry, hdrDcid, hdrDcidLen, hdrScid, hdrScidLen, hdrToken, hdrTokenLen, hdrVersion, RETRY_TAG_LEN } from "../wire/header";
import { hostRandomFill } from "../util/entropy";
import { hostRetryTag } from "../crypto/retry-tag";
import { prngNext } from "../util/prng";
import { mintToken, openToken, TOKEN_MAX, TOKEN_NEW, TOKEN_RETRY, tokKind, tokVersion, tokIssuedAt, tokOdcid, tokOdcidLen, tokRscid, tokRscidLen } from "./address-token";

export const RETRY_NEVER: i32 = 0;
export const RETRY_ALWAYS: i32 = 1;
export const RETRY_UNDER_LOAD: i32 = 2;

/** The endpoint's address validation settings and counters (abi endpointSetRetry, endpointStats). */
export class RetryState {
  mode: i32 = RETRY_UNDER_LOAD;
  /** How long a Retry token is accepted, µs (a client answers a Retry within one round trip). */
  retryTokenLifetime: f64 = 10_000_000;
  /** How long a NEW_TOKEN token is accepted, µs. */
  newTokenLifetime: f64 = 86_400_000_000;
  /** A server sends one NEW_TOKEN to each client after the handshake. */
  sendNewToken: bool = true;
  retriesSent: f64 = 0;
  tokensAccepted: f64 = 0;
  tokensRefused: f64 = 0;
  newTokensSent: f64 = 0;
  /** Retry packets waiting for pollTransmit, with their paths (bounded: older ones are dropped). */
  queue: Array<Uint8Array> = new Array<Uint8Array>();
  paths: Array<i32> = new Array<i32>();
}

export const retry = new RetryState();

/** Retry packets kept for pollTransmit at most (the pump sends after every datagram). */
const QUEUE_MAX: i32 = 64;

/** What the token of the Initial just parsed proved. */
export const TOKEN_NONE: i32 = 0;
export const TOKEN_VALID_RETRY: i32 = 1;
export const TOKEN_VALID_NEW: i32 = 2;

/** Original DCID carried by the last valid Retry token (checkInitialToken). */
export let retryOdcid: usize = 0;
export let retryOdcidLen: i32 = 0;

/** Reads the token of the Initial whose header was just parsed (hdr* globals), from `path`. */
export function checkInitialToken(path: i32, now: f64): i32 {
  if (hdrTokenLen == 0) return TOKEN_NONE;
  if (!openToken(hdrToken, hdrTokenLen, path)) return refused();
  // RFC 9369 §5 (and §4 for Retry tokens): a token from a connection of another version is refused.
  if (tokVersion != hdrVersion) return refused();
  const age = now - tokIssuedAt;
  if (tokKind == TOKEN_RETRY) {
    if (age < 0 || age > retry.retryTokenLifetime) return refused();
    // The client must use the SCID of our Retry as its DCID (§7.3, retry_source_connection_id).
    if (tokRscidLen != hdrDcidLen || memory.compare(tokRscid, hdrDcid, <usize>hdrDcidLen) != 0) return refused();
    retryOdcid = tokOdcid; retryOdcidLen = tokOdcidLen;
    retry.tokensAccepted++;
    return TOKEN_VALID_RETRY;
  }
  if (tokKind == TOKEN_NEW) {
    if (age < 0 || age > retry.newTokenLifetime) return refused();
    retry.tokensAccepted++;
    return TOKEN_VALID_NEW;
  }
  return refused();
}

function refused(): i32 {
  retry.tokensRefused++;
  return TOKEN_NONE;
}

/** Whether an Initial without a valid token must be answered with Retry (see the policy above). */
export function shouldRetry(halfOpen: i32, maxHalfOpen: i32, onPath: i32, maxPerPath: i32): bool {
  if (retry.mode == RETRY_ALWAYS) return true;
  if (retry.mode != RETRY_UNDER_LOAD) return false;
  return halfOpen >= (maxHalfOpen >> 1) || onPath >= maxPerPath;
}

const retryBuf: usize = heap.alloc(<usize>(7 + 2 * 20 + TOKEN_MAX + RETRY_TAG_LEN));
const tokenBuf: usize = heap.alloc(<usize>TOKEN_MAX);
const newCid: usize = memory.data(20);

/** Queues a Retry answering the Initial just parsed (hdr* globals) from `path`. */
export function queueRetry(path: i32, localCidLen: i32, now: f64): void {
  const version = hdrVersion;
  // Our Retry's SCID becomes the client's DCID: unpredictable, like every CID we issue.
  hostRandomFill(newCid, localCidLen);
  const tokenLen = mintToken(tokenBuf, TOKEN_RETRY, version, path, now, hdrDcid, hdrDcidLen, newCid, localCidLen);
  if (tokenLen <= 0) return;
  const cap = 7 + 2 * 20 + TOKEN_MAX;
  const n = buildRetry(retryBuf, retryBuf + <usize>cap, version, hdrScid, hdrScidLen, newCid, localCidLen, tokenBuf, tokenLen, <i32>prngNext());
  if (n <= 0) return;
  if (hostRetryTag(version, hdrDcid, hdrDcidLen, retryBuf, n, retryBuf + <usize>n) != 0) return;
  const pkt = new Uint8Array(n + RETRY_TAG_LEN);
  memory.copy(pkt.dataStart, retryBuf, <usize>(n + RETRY_TAG_LEN));
  if (retry.queue.length >= QUEUE_MAX) { retry.queue.shift(); retry.paths.shift(); }
  retry.queue.push(pkt);
  retry.paths.push(path);
  retry.retriesSent++;
}

/** Path of the Retry pollRetry returned. */
export let retryTxPath: i32 = 0;

/** Copies the next queued Retry to out (cap bytes); returns its length or 0. */
export function pollRetry(out: usize, cap: i32): i32 {
  while (retry.queue.length) {
    const pkt = retry.queue.shift();
    const path = retry.paths.shift();
    if (pkt.length > cap) continue;
    memory.copy(out, pkt.dataStart, <usize>pkt.length);
    retryTxPath = path;
    return pkt.length;
  }
  return 0;
}

/**
 * A NEW_TOKEN token for the client on `path` (§8.1.3), at out (TOKEN_MAX bytes); its
 * length. `version` is the connection's negotiated version (RFC 9369 §5).
 */
export function mintNewToken(out: usize, path: i32, now: f64, version: u32): i32 {
  retry.newTokensSent++;
  return mintToken(out, TOKEN_NEW, version, path, now, 0, 0, 0, 0);
}
