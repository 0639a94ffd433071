// ABI door for the endpoint as a whole: its seed, CID generator, stateless reset key and
// rate, connection and half-open limits, Retry policy, path bookkeeping, counters and
// qlog switch. Connections are behind abi/conn.ts. Contract: see index.ts.
//
//   coreSeed(a, b, c, d)                       seed the PRNG (CIDs, reset tokens)
//   endpointConfigure(localCidLen, isServer)  (Retry policy: endpointSetRetry)
//   endpointSetLimits(maxConnections, maxHalfOpen, maxHalfOpenPerPath, handshakeTimeoutMs)
//                                              connection and half-open caps (endpoint/half-open.ts), the
//                                              handshake deadline; 0 or -TRANSPORT_PARAMETER_ERROR for a bad value
//   endpointSetRetry(mode, retryTokenLifetimeMs, newTokenLifetimeMs, sendNewToken)
//                                              address validation (endpoint/retry.ts): mode 0 never 1 always 2 under load
//   endpointPathInUse(path)                    connections on a path handle (0: the host may forget its address)
//   endpointStats()                            pointer to f64 endpoint counters (slots: abi/endpoint-stats.ts)
//   endpointSetQlog(on)                        report packet events to the host's qlog import (conn/qlog.ts)
//   endpointSetCidGenerator(kind, configId, sidLen, nonceLen)   random / QUIC-LB plaintext / host CIDs
//   endpointSetResetKey() / endpointSetResetRate(perSecond)     stateless reset key (scratch) and rate
//   coreCollect()                              a full GC (benchmarks and leak tests)

import { scratchBuf } from "./io";
import { ep, pathInUse } from "../endpoint/endpoint";
import { eventCapacity } from "../conn/events";
import { prngSeed } from "../util/prng";
import { setQlogEnabled } from "../conn/qlog";
import { CID_GEN_RANDOM, CID_GEN_QUIC_LB, CID_GEN_HOST } from "../endpoint/cid-gen";
import { retry, RETRY_NEVER, RETRY_UNDER_LOAD } from "../endpoint/retry";
import { TRANSPORT_PARAMETER_ERROR } from "../wire/errors";
import { EndpointStats } from "./endpoint-stats";

export function coreSeed(a: u32, b: u32, c: u32, d: u32): void {
  prngSeed(a, b, c, d);
}

export function endpointConfigure(localCidLen: i32, isServer: i32): void {
  // A client may use zero-length CIDs (RFC 9000 §5.1: routed by path); otherwise 4..20.
  ep.localCidLen = localCidLen == 0 && isServer == 0 ? 0 : localCidLen < 4 ? 4 : localCidLen > 20 ? 20 : localCidLen;
  ep.isServer = isServer != 0;
  ep.cids.rekey();
  ep.reset.rekey();
}

/**
 * Where our CIDs come from (endpoint/cid-gen.ts): kind CID_GEN_RANDOM, CID_GEN_QUIC_LB
 * (config rotation `configId`, the server ID in scratch [0, sidLen), `nonceLen`; the CID
 * length becomes 1 + sidLen + nonceLen) or CID_GEN_HOST (the cidGenerate import). Before
 * any connection. 0 or -TRANSPORT_PARAMETER_ERROR.
 */
export function endpointSetCidGenerator(kind: i32, configId: i32, sidLen: i32, nonceLen: i32): i32 {
  if (ep.live != 0) return -TRANSPORT_PARAMETER_ERROR;
  if (kind == CID_GEN_QUIC_LB) {
    if (sidLen > 19 || !ep.cidGen.setQuicLb(configId, scratchBuf, sidLen, nonceLen)) return -TRANSPORT_PARAMETER_ERROR;
    ep.localCidLen = ep.cidGen.fixedLength();
    return 0;
  }
  if (kind != CID_GEN_RANDOM && kind != CID_GEN_HOST) return -TRANSPORT_PARAMETER_ERROR;
  ep.cidGen.kind = kind;
  return 0;
}

/** The static key of stateless reset tokens: 16 bytes from scratch (RFC 9000 §10.3.2); the same key after a restart lets the endpoint reset its old connections' peers. */
export function endpointSetResetKey(): void {
  ep.reset.setKey(scratchBuf);
}

/** Stateless resets sent per second at most, after a burst of 10 (0 = never send one). */
export function endpointSetResetRate(perSecond: f64): i32 {
  if (!(perSecond >= 0) || perSecond > 1e6) return -TRANSPORT_PARAMETER_ERROR;
  ep.reset.resetsPerSecond = perSecond;
  return 0;
}

export function endpointSetLimits(maxConnections: i32, maxHalfOpen: i32, maxHalfOpenPerPath: i32, handshakeTimeoutMs: f64): i32 {
  if (maxConnections < 1 || maxConnections > 1 << 20 || maxHalfOpen < 1 || maxHalfOpenPerPath < 1 || !(handshakeTimeoutMs > 0)) return -TRANSPORT_PARAMETER_ERROR;
  ep.maxConnections = maxConnections;
  ep.maxHalfOpen = maxHalfOpen;
  ep.maxHalfOpenPerPath = maxHalfOpenPerPath;
  ep.handshakeTimeout = handshakeTimeoutMs * 1000;
  return 0;
}

/** Runs a full garbage collection (benchmarks and leak tests measure live memory after it). */
export function coreCollect(): void {
  __collect();
}

/**
 * Address validation (RFC 9000 §8.1, endpoint/retry.ts): mode 0 never, 1 always, 2 under
 * load; token lifetimes in ms; sendNewToken 1 to send a NEW_TOKEN after each handshake.
 */
export function endpointSetRetry(mode: i32, retryTokenLifetimeMs: f64, newTokenLifetimeMs: f64, sendNewToken: i32): i32 {
  if (mode < RETRY_NEVER || mode > RETRY_UNDER_LOAD || !(retryTokenLifetimeMs > 0) || !(newTokenLifetimeMs > 0)) return -TRANSPORT_PARAMETER_ERROR;
  retry.mode = mode;
  retry.retryTokenLifetime = retryTokenLifetimeMs * 1000;
  retry.newTokenLifetime = newTokenLifetimeMs * 1000;
  retry.sendNewToken = sendNewToken != 0;
  return 0;
}

export function endpointPathInUse(path: i32): i32 {
  return pathInUse(path);
}

const endpointStatsBlock: usize = heap.alloc(<usize>EndpointStats.COUNT << 3);

// @ts-ignore: decorator
@inline function put(slot: i32, v: f64): void { store<f64>(endpointStatsBlock + (<usize>slot << 3), v); }

export function endpointStats(): i32 {
  const k = ep.counters;
  put(EndpointStats.CONNECTIONS, <f64>ep.live);
  put(EndpointStats.HALF_OPEN, <f64>ep.halfOpen.count);
  put(EndpointStats.DATAGRAMS_DROPPED, k.datagramsDropped);
  put(EndpointStats.INITIALS_UNAUTHENTICATED, k.initialsUnauthenticated);
  put(EndpointStats.HALF_OPEN_EVICTED, k.halfOpenEvicted);
  put(EndpointStats.REFUSED_PER_PATH, k.refusedPerPath);
  put(EndpointStats.REFUSED_FULL, k.refusedFull);
  put(EndpointStats.HANDSHAKE_TIMEOUTS, k.handshakeTimeouts);
  put(EndpointStats.CID_TABLE_BYTES, <f64>ep.cids.bytes);
  put(EndpointStats.EVENT_CAPACITY, <f64>eventCapacity());
  put(EndpointStats.MEMORY_BYTES, <f64>(<u64>memory.size() << 16));
  put(EndpointStats.RESETS_SENT, ep.reset.sent);
  put(EndpointStats.RESETS_RATE_LIMITED, ep.reset.rateLimited);
  put(EndpointStats.RESETS_TOO_SMALL, ep.reset.tooSmall);
  put(EndpointStats.RESETS_RECEIVED, ep.reset.received);
  put(EndpointStats.RETRIES_SENT, retry.retriesSent);
  put(EndpointStats.TOKENS_ACCEPTED, retry.tokensAccepted);
  put(EndpointStats.TOKENS_REFUSED, retry.tokensRefused);
  put(EndpointStats.NEW_TOKENS_SENT, retry.newTokensSent);
  return <i32>endpointStatsBlock;
}

export function endpointSetQlog(on: i32): void {
  setQlogEnabled(on != 0);
}
