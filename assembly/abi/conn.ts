// ABI door for connections (the endpoint-wide settings are in abi/endpoint.ts). Contract (see index.ts for the general
// rules): `now` is f64 microseconds; connection handles are small positive i32; stream
// ids cross as f64 (exact below 2^53); negative results are -errorCode; bytes move
// through the scratch region (ioScratchPtr) unless stated.
//
//   connInitialDcid(conn)                      DCID of the Initial keys (after a RETRY event: the Retry's SCID) → scratch
//   connSetToken(conn, len)                    client, before its first Initial: a NEW_TOKEN token from scratch
//   connNewToken(conn)                         client: the NEW_TOKEN token received (NEW_TOKEN event) → scratch
//   connConfigure(conn, key, value: f64)       conn 0 = endpoint defaults; keys in conn/config.ts ConfigKey
//   connConnect(version, path, now)            client connection; the host then reads connOriginalDcid,
//                                              derives Initial keys and installs them
//   connOriginalDcid(conn)                     bytes copied to scratch
//   connLocalTransportParams(conn)             our encoded transport parameters in scratch; length
//   connSetPeerTransportParams(conn, len)      0, or -TRANSPORT_PARAMETER_ERROR / -PROTOCOL_VIOLATION (the core closes)
//   connInstallKeys(conn, level, dir, aead, hp)   level 0 Initial, 1 0-RTT (client write, server read), 2 Handshake,
//                                              3 1-RTT; dir 0 read, 1 write; handles index the host's key table
//   connSetRememberedParams(conn, len)         client, before 0-RTT: the server's transport parameters remembered
//                                              with the ticket (scratch); 0 or -TRANSPORT_PARAMETER_ERROR
//   connEarlyDataOutcome(conn, accepted)       client: the server accepted (1) or rejected (0) 0-RTT; call
//                                              before connSetPeerTransportParams (conn/early.ts)
//   connInstallNextKeys(conn, dir, aead)       the next 1-RTT generation (RFC 9001 §6; header protection unchanged):
//                                              after the 1-RTT keys and after each KEY_UPDATED event of that direction
//   connUpdateKeys(conn)                       start a key update as soon as §6.1 allows
//   connReadCrypto(conn, level, cap)           contiguous CRYPTO bytes → scratch; 0 when none
//   connWriteCrypto(conn, level, len)          TLS bytes from scratch onto our CRYPTO stream
//   connHandshakeComplete(conn)                TLS finished here (server: confirmed + HANDSHAKE_DONE)
//   handleDatagram(len, path, now)             datagram in the receive region; the conn handle, 0, or -code
//   pollTransmit(now)                          next datagram in the transmit region; length; slot 0 path, slot 1 conn
//   pollTimeout()                              earliest deadline, +Infinity when none
//   handleTimeout(now)                         runs expired timers
//   pollEvent()                                event kind (0 none); slots 0 conn, 1 a, 2 b, 3 c (conn/events.ts)
//   connStreamOpen(conn, bidi)                 stream id (f64) or -STREAM_LIMIT_ERROR
//   connStreamWrite(conn, id, len, fin)        bytes taken from scratch (FIN only when all were taken);
//                                              fewer than len: STREAM_WRITABLE follows when there is room
//   connStreamRead(conn, id, cap)              bytes → scratch; slot 0 = 1 when the FIN was reached
//   connStreamReset / connStreamStopSending(conn, id, code: f64), connStreamSetUrgency(conn, id, 0..7)
//   connClose(conn, code: f64, isApplication, reasonLen)   CONNECTION_CLOSE now (data not yet acknowledged
//                                              is abandoned: the host's graceful close waits for
//                                              connStreamsUnacked == 0 first);
//                                              closing period of 3 PTO, then CLOSED
//   connStreamsUnacked(conn)                   streams whose written data is not all acknowledged (graceful close)
//   connStats(conn)                            pointer to the stats block: f64 values, slots in abi/stats.ts Stats
//   connState(conn)                            0 handshaking 1 established 2 confirmed 3 closing 4 draining 5 closed
//   connPing(conn)                             queue a PING
//   connRetireConnectionIds(conn)              new CIDs for the peer, the old ones retired (Retire Prior To); 1 or 0 (busy)
// Unknown handles give -0x10004 (ERR_NO_CONNECTION).

import { scratchBuf, txBuf, rxBuf, setResult, SCRATCH_CAPACITY, TX_CAPACITY, RX_CAPACITY } from "./io";
import { ep, getConn, connect, handleDatagram as epHandle, pollTransmit as epPoll, pollTimeout as epTimeout, handleTimeout as epTimer, txPath, txConn,
  onHandshakeComplete } from "../endpoint/endpoint";
import { Connection, STATE_CLOSED, STATE_ESTABLISHED } from "../conn/connection";
import { spaceOfLevel, SPACE_APP, SPACE_INITIAL, SPACE_HANDSHAKE } from "../conn/space";
import { shareable, sharedCopy } from "../conn/shared-flight";
import { replayBuffered } from "../conn/receive";
import { installEarlyKeys, discardEarlyKeys, setRememberedParams, onEarlyOutcome, checkNewParams, afterNewParams } from "../conn/early";
import { Level } from "../conn/space";
import { Config } from "../conn/config";
import { nextTimeout, recomputedTimeout } from "../conn/timers";
import { openLocalStream, canOpenLocalStream, streamRead, streamWrite, streamReset, streamStopSending, lastReadFin } from "../conn/stream-ops";
import { recvBufferHighWater } from "../conn/recvbuf";
import { sendBufferHighWater } from "../conn/sendbuf";
import { popEvent } from "../conn/events";
import { TpId } from "../wire/tparams";
import { writeVersionInfo, checkPeerVersionInfo } from "../conn/versions";
import { TRANSPORT_PARAMETER_ERROR, PROTOCOL_VIOLATION, STREAM_STATE_ERROR, INTERNAL_ERROR } from "../wire/errors";

import { ERR_NO_CONNECTION } from "../wire/errors";

/** Issues fresh CIDs and asks the peer to retire every CID it holds of ours (RFC 9000 §5.1.2, Retire Prior To): 1, or 0 while the previous retirement is not complete. */
export function connRetireConnectionIds(conn: i32): i32 {
  const c = getConn(conn);
  if (!c) return -ERR_NO_CONNECTION;
  if (!c.handshakeComplete || c.ids.local.length == 0) return -STREAM_STATE_ERROR;
  return c.ids.rotate() ? 1 : 0;
}

export function connConfigure(conn: i32, key: i32, value: f64): i32 {
  if (conn == 0) {
    // Connections share the defaults they were made with (Connection.config): a change
    // makes a new defaults object, so existing connections keep theirs.
    const d = new Config();
    d.copyFrom(ep.defaults);
    if (!d.set(key, value)) return -TRANSPORT_PARAMETER_ERROR;
    ep.defaults = d;
    return 0;
  }
  const c = getConn(conn);
  if (!c) return -ERR_NO_CONNECTION;
  if (!c.ownConfig().set(key, value)) return -TRANSPORT_PARAMETER_ERROR;
  c.setupLocal(ep.lastNow);
  return 0;
}

export function connConnect(version: u32, path: i32, now: f64): i32 {
  ep.lastNow = now;
  return connect(version, path, now);
}

export function connOriginalDcid(conn: i32): i32 {
  const c = getConn(conn);
  if (!c) return -ERR_NO_CONNECTION;
  memory.copy(scratchBuf, c.ids.originalDcid.dataStart, <usize>c.ids.originalDcid.length);
  return c.ids.originalDcid.length;
}

/** The DCID the connection's Initial keys come from (the original DCID, or the Retry's SCID after a Retry). */
export function connInitialDcid(conn: i32): i32 {
  const c = getConn(conn);
  if (!c) return -ERR_NO_CONNECTION;
  const d = c.ids.clientFirstDcid();
  memory.copy(scratchBuf, d.dataStart, <usize>d.length);
  return d.length;
}

/** Client, before its first Initial: a NEW_TOKEN token (len bytes in scratch) to send in its Initials (§8.1.3). */
export function connSetToken(conn: i32, len: i32): i32 {
  const c = getConn(conn);
  if (!c) return -ERR_NO_CONNECTION;
  if (c.isServer || len < 0 || len > 512 || c.ids.retrySource.length) return -INTERNAL_ERROR;
  const t = new Uint8Array(len);
  memory.copy(t.dataStart, scratchBuf, <usize>len);
  c.ids.token = t;
  return 0;
}

/** Client: the latest NEW_TOKEN token received, copied to scratch; its length. */
export function connNewToken(conn: i32): i32 {
  const c = getConn(conn);
  if (!c) return -ERR_NO_CONNECTION;
  const t = c.receivedToken;
  memory.copy(scratchBuf, t.dataStart, <usize>t.length);
  return t.length;
}

export function connLocalTransportParams(conn: i32): i32 {
  const c = getConn(conn);
  if (!c) return -ERR_NO_CONNECTION;
  const n = c.localTransportParams().encode(scratchBuf, scratchBuf + <usize>SCRATCH_CAPACITY);
  if (n < 0) return n;
  // RFC 9368 §3 (RFC 9369 §3: every v2 endpoint sends it), after the parameters TransportParams holds.
  const m = writeVersionInfo(c, scratchBuf + <usize>n, scratchBuf + <usize>SCRATCH_CAPACITY);
  return m < 0 ? m : n + m;
}

function sameCid(a: Uint8Array, p: usize, len: i32): bool {
  if (a.length != len) return false;
  for (let i = 0; i < len; i++) if (a[i] != load<u8>(p + <usize>i)) return false;
  return true;
}

export function connSetPeerTransportParams(conn: i32, len: i32): i32 {
  const c = getConn(conn);
  if (!c) return -ERR_NO_CONNECTION;
  let r = c.peerTp.decode(scratchBuf, scratchBuf + <usize>len, !c.isServer);
  if (r == 0) {
    // §7.3: authenticate the connection IDs of the handshake.
    const iscid = c.peerTp.bytesLen(TpId.INITIAL_SOURCE_CONNECTION_ID);
    if (iscid < 0) r = -TRANSPORT_PARAMETER_ERROR;
    else if (!sameCid(c.ids.peerInitialScid, c.peerTp.bytesPtr(TpId.INITIAL_SOURCE_CONNECTION_ID), iscid)) r = -PROTOCOL_VIOLATION;
    else if ((r = checkPeerVersionInfo(c, scratchBuf, scratchBuf + <usize>len)) < 0) { /* RFC 9368 §4 */ }
    else if (!c.isServer) {
      const odl = c.peerTp.bytesLen(TpId.ORIGINAL_DESTINATION_CONNECTION_ID);
      if (odl < 0) r = -TRANSPORT_PARAMETER_ERROR;
      else if (!sameCid(c.ids.originalDcid, c.peerTp.bytesPtr(TpId.ORIGINAL_DESTINATION_CONNECTION_ID), odl)) r = -PROTOCOL_VIOLATION;
      else {
        // §7.3: retry_source_connection_id is present exactly when we followed a Retry, and names its SCID.
        const rsl = c.peerTp.bytesLen(TpId.RETRY_SOURCE_CONNECTION_ID);
        const rs = c.ids.retrySource;
        if (rs.length == 0 ? rsl >= 0 : rsl < 0 || !sameCid(rs, c.peerTp.bytesPtr(TpId.RETRY_SOURCE_CONNECTION_ID), rsl)) r = -TRANSPORT_PARAMETER_ERROR;
      }
    }
  }
  if (r == 0 && !c.isServer) r = checkNewParams(c); // §7.4.1: a server accepting 0-RTT keeps its limits
  if (r < 0) {
    c.startClose(<u64>(-r), 0, false, 0, 0, ep.lastNow);
    return r;
  }
  c.applyPeerTransportParams();
  // A server reads none of the client's byte-valued parameters after the checks above.
  if (c.isServer) c.peerTp.forgetBytes();
  r = c.isServer ? 0 : afterNewParams(c);
  if (r < 0) c.startClose(<u64>(-r), 0, false, 0, 0, ep.lastNow);
  return r;
}

export function connSetRememberedParams(conn: i32, len: i32): i32 {
  const c = getConn(conn);
  if (!c) return -ERR_NO_CONNECTION;
  if (len < 0 || len > SCRATCH_CAPACITY) return -TRANSPORT_PARAMETER_ERROR;
  return setRememberedParams(c, scratchBuf, scratchBuf + <usize>len);
}

export function connEarlyDataOutcome(conn: i32, accepted: i32): i32 {
  const c = getConn(conn);
  if (!c) return -ERR_NO_CONNECTION;
  onEarlyOutcome(c, accepted != 0);
  return 0;
}

export function connInstallKeys(conn: i32, level: i32, direction: i32, aead: i32, hp: i32): i32 {
  const c = getConn(conn);
  if (!c) return -ERR_NO_CONNECTION;
  if (level == Level.ZERO_RTT) {
    const r = installEarlyKeys(c, direction != 0, aead, hp);
    if (r == 0 && direction == 0) replayBuffered(c, SPACE_APP, ep.localCidLen, ep.lastNow); // 0-RTT that came first
    return r;
  }
  const si = spaceOfLevel(level);
  if (si < 0) return -INTERNAL_ERROR;
  const sp = c.spaces[si];
  if (sp.discarded) return 0;
  if (direction == 0) {
    sp.readAead = aead; sp.readHp = hp;
    replayBuffered(c, si, ep.localCidLen, ep.lastNow);
  } else {
    sp.writeAead = aead; sp.writeHp = hp;
    if (si == SPACE_APP && !c.isServer) discardEarlyKeys(c); // RFC 9001 §4.9.3: 0-RTT keys go with 1-RTT keys
  }
  return 0;
}

export function connInstallNextKeys(conn: i32, direction: i32, aead: i32): i32 {
  const c = getConn(conn);
  if (!c) return -ERR_NO_CONNECTION;
  if (direction == 0) c.ownKeys().readNext = aead;
  else c.ownKeys().writeNext = aead;
  return 0;
}

export function connUpdateKeys(conn: i32): i32 {
  const c = getConn(conn);
  if (!c) return -ERR_NO_CONNECTION;
  c.ownKeys().requested = true;
  return 0;
}

export function connReadCrypto(conn: i32, level: i32, cap: i32): i32 {
  const c = getConn(conn);
  if (!c) return -ERR_NO_CONNECTION;
  const si = spaceOfLevel(level);
  if (si < 0) return -INTERNAL_ERROR;
  const rb = c.spaces[si].cryptoRecv;
  const n = rb.read(scratchBuf, cap < SCRATCH_CAPACITY ? cap : SCRATCH_CAPACITY);
  rb.releaseIfDrained();
  return n;
}

export function connWriteCrypto(conn: i32, level: i32, len: i32): i32 {
  const c = getConn(conn);
  if (!c) return -ERR_NO_CONNECTION;
  const si = spaceOfLevel(level);
  if (si < 0 || si == SPACE_APP && level == 1) return -INTERNAL_ERROR;
  const sp = c.spaces[si];
  if (sp.discarded) return 0; // keys gone: nothing at that level can be sent any more
  const b = sp.ownCryptoSend();
  // A server's Certificate message: the endpoint's copy, referenced (conn/shared-flight.ts).
  if (c.isServer && si == SPACE_HANDSHAKE && shareable(scratchBuf, len) && b.writeShared(sharedCopy(scratchBuf, len))) return 0;
  const n = b.write(scratchBuf, len);
  return n == len ? 0 : -INTERNAL_ERROR;
}

export function connHandshakeComplete(conn: i32): i32 {
  const c = getConn(conn);
  if (!c) return -ERR_NO_CONNECTION;
  if (c.handshakeComplete) return 0;
  c.handshakeComplete = true;
  c.armIdleTimers(); // keep-alive starts
  onHandshakeComplete(c);
  if (c.state < STATE_ESTABLISHED) c.state = STATE_ESTABLISHED;
  if (c.isServer) {
    // RFC 9001 §4.1.2: the server's handshake is confirmed when it completes.
    c.handshakeDonePending = true;
    c.confirmHandshake();
  }
  return 0;
}

export function handleDatagram(len: i32, path: i32, now: f64): i32 {
  if (len <= 0 || len > RX_CAPACITY) return -PROTOCOL_VIOLATION;
  return epHandle(rxBuf, len, path, now);
}

export function pollTransmit(now: f64): i32 {
  const n = epPoll(txBuf, TX_CAPACITY, now);
  if (n > 0) { setResult(0, <u64>txPath); setResult(1, <u64>txConn); }
  return n;
}

export function pollTimeout(): f64 {
  return epTimeout();
}

export function handleTimeout(now: f64): void {
  epTimer(now);
}

const eventRecord: usize = memory.data(32);

export function pollEvent(): u32 {
  const kind = popEvent(eventRecord);
  if (kind != 0) {
    setResult(0, <u64>load<u32>(eventRecord, 4));
    setResult(1, load<u64>(eventRecord, 8));
    setResult(2, load<u64>(eventRecord, 16));
    setResult(3, <u64>load<u32>(eventRecord, 24));
  }
  return kind;
}

/** 1 when a local stream of that kind can be opened now, 0 when the peer's limit is reached, or a negative error. */
export function connStreamOpenable(conn: i32, bidi: i32): i32 {
  const c = getConn(conn);
  if (!c) return -ERR_NO_CONNECTION;
  return canOpenLocalStream(c, bidi != 0) ? 1 : 0;
}

export function connStreamOpen(conn: i32, bidi: i32): f64 {
  const c = getConn(conn);
  if (!c) return -<f64>ERR_NO_CONNECTION;
  if (c.state >= 3) return -<f64>STREAM_STATE_ERROR;
  return openLocalStream(c, bidi != 0);
}

export function connStreamWrite(conn: i32, id: f64, len: i32, fin: i32): i32 {
  const c = getConn(conn);
  if (!c) return -ERR_NO_CONNECTION;
  if (c.state >= 3) return -STREAM_STATE_ERROR;
  return streamWrite(c, <u64>id, scratchBuf, len < SCRATCH_CAPACITY ? len : SCRATCH_CAPACITY, fin != 0);
}

export function connStreamRead(conn: i32, id: f64, cap: i32): i32 {
  const c = getConn(conn);
  if (!c) return -ERR_NO_CONNECTION;
  const n = streamRead(c, <u64>id, scratchBuf, cap < SCRATCH_CAPACITY ? cap : SCRATCH_CAPACITY, ep.lastNow);
  setResult(0, lastReadFin ? 1 : 0);
  return n;
}

export function connStreamReset(conn: i32, id: f64, code: f64): i32 {
  const c = getConn(conn);
  if (!c) return -ERR_NO_CONNECTION;
  return streamReset(c, <u64>id, <u64>code);
}

export function connStreamStopSending(conn: i32, id: f64, code: f64): i32 {
  const c = getConn(conn);
  if (!c) return -ERR_NO_CONNECTION;
  return streamStopSending(c, <u64>id, <u64>code);
}

export function connStreamSetUrgency(conn: i32, id: f64, urgency: i32): i32 {
  const c = getConn(conn);
  if (!c) return -ERR_NO_CONNECTION;
  const s = c.stream(<u64>id);
  if (!s) return -STREAM_STATE_ERROR;
  s.urgency = urgency < 0 ? 0 : urgency > 7 ? 7 : urgency;
  return 0;
}

export function connClose(conn: i32, code: f64, isApplication: i32, reasonLen: i32): i32 {
  const c = getConn(conn);
  if (!c) return -ERR_NO_CONNECTION;
  c.startClose(<u64>code, 0, isApplication != 0, scratchBuf, reasonLen < 1024 ? reasonLen : 1024, ep.lastNow);
  return 0;
}

export function connStreamsUnacked(conn: i32): i32 {
  const c = getConn(conn);
  if (!c) return -ERR_NO_CONNECTION;
  return c.streamsUnacked();
}

// Stats block: f64 values, one per slot of abi/stats.ts (imported here, next to its only
// users, so that this section stays self-contained).
import { Stats, Timers } from "./stats";
const stats: usize = heap.alloc(<usize>(Stats.COUNT > Timers.COUNT ? Stats.COUNT : Timers.COUNT) << 3);

// @ts-ignore: decorator
@inline function putStat(slot: i32, v: f64): void { store<f64>(stats + (<usize>slot << 3), v); }

export function connStats(conn: i32): i32 {
  const c = getConn(conn);
  if (!c) return -ERR_NO_CONNECTION;
  // Written in place: stats are read per step by tests and per second by apps, no garbage.
  putStat(Stats.SMOOTHED_RTT, c.rtt.smoothedRtt);
  putStat(Stats.RTT_VAR, c.rtt.rttvar);
  putStat(Stats.MIN_RTT, c.rtt.minRtt);
  putStat(Stats.LATEST_RTT, c.rtt.latestRtt);
  putStat(Stats.CWND, c.cc.cwnd);
  putStat(Stats.BYTES_IN_FLIGHT, <f64>c.cc.bytesInFlight);
  putStat(Stats.PACKETS_SENT, <f64>c.packetsSent);
  putStat(Stats.PACKETS_RECEIVED, <f64>c.packetsReceived);
  putStat(Stats.PACKETS_LOST, <f64>c.packetsLost);
  putStat(Stats.PACKETS_DROPPED, <f64>c.packetsDropped);
  putStat(Stats.BYTES_SENT, <f64>c.bytesSentTotal);
  putStat(Stats.BYTES_RECEIVED, <f64>c.bytesReceivedTotal);
  putStat(Stats.STREAM_BYTES_SENT, <f64>c.streamBytesSent);
  putStat(Stats.STREAM_BYTES_RECEIVED, <f64>c.streamBytesReceived);
  putStat(Stats.PTO_COUNT, <f64>c.ptoCount);
  putStat(Stats.STATE, <f64>c.state);
  putStat(Stats.SSTHRESH, c.cc.ssthresh);
  putStat(Stats.CONGESTION_EVENTS, <f64>c.cc.lossEvents);
  putStat(Stats.CC_KIND, <f64>c.cc.kind);
  putStat(Stats.AMPLIFICATION_CREDIT, c.path.amplificationCredit());
  putStat(Stats.SENDS_OVER_CWND, <f64>c.sendsOverCwnd);
  putStat(Stats.RECV_BUFFER_HIGH_WATER, <f64>recvBufferHighWater);
  putStat(Stats.SEND_BUFFER_HIGH_WATER, <f64>sendBufferHighWater);
  putStat(Stats.KEY_UPDATES, <f64>c.keys.updates);
  putStat(Stats.LOCAL_CIDS_ISSUED, <f64>c.ids.nextLocalSeq);
  putStat(Stats.PEER_CID_SEQUENCE, <f64>c.ids.activeSeq);
  putStat(Stats.PEER_CIDS_HELD, <f64>c.ids.peers.length);
  putStat(Stats.RETRIES_RECEIVED, <f64>c.retriesReceived);
  putStat(Stats.PATH_MTU, <f64>c.path.pmtud.size);
  putStat(Stats.PMTU_PROBES_SENT, <f64>c.path.pmtud.probesSent);
  putStat(Stats.PMTU_PROBES_LOST, <f64>c.path.pmtud.probesLost);
  putStat(Stats.PMTU_BLACK_HOLES, <f64>c.path.pmtud.blackHoles);
  putStat(Stats.PATH_CHALLENGES_SENT, <f64>c.pathChallengesSent);
  putStat(Stats.PATHS_VALIDATED, <f64>c.pathsValidated);
  putStat(Stats.MIGRATIONS, <f64>(c.migrations + c.pathReverts));
  putStat(Stats.OWN_MIGRATIONS, <f64>c.ownMigrations);
  putStat(Stats.OWN_MIGRATIONS_FAILED, <f64>c.ownMigrationsFailed);
  putStat(Stats.PREFERRED_ADDRESS_USED, c.preferredAddressUsed ? 1 : 0);
  return <i32>stats;
}

export function connState(conn: i32): i32 {
  const c = getConn(conn);
  if (!c) return STATE_CLOSED;
  return c.state;
}

export function connPing(conn: i32): i32 {
  const c = getConn(conn);
  if (!c) return -ERR_NO_CONNECTION;
  c.pingPending = true;
  return 0;
}

/**
 * Diagnostics: the deadlines behind pollTimeout for one connection, as f64 values at the
 * stats pointer: loss timer, ack deadline ×3 (Initial, Handshake, 1-RTT), loss time ×3,
 * idle deadline, close deadline, ptoCount. Lets a test explain a timer that never clears.
 */
export function connTimers(conn: i32): i32 {
  const c = getConn(conn);
  if (!c) return -ERR_NO_CONNECTION;
  putStat(Timers.LOSS_TIMER, c.lossTimer);
  for (let i = 0; i < 3; i++) {
    const s = c.spaces[i];
    putStat(Timers.ACK_DEADLINE_INITIAL + i, s.discarded ? Infinity : s.ack.deadline);
    putStat(Timers.LOSS_TIME_INITIAL + i, s.discarded ? Infinity : s.lossTime);
  }
  putStat(Timers.IDLE_DEADLINE, c.idleDeadline());
  putStat(Timers.CLOSE_DEADLINE, c.closeDeadline);
  putStat(Timers.PTO_COUNT, <f64>c.ptoCount);
  putStat(Timers.TABLE_MIN, nextTimeout(c));
  putStat(Timers.RECOMPUTED_MIN, recomputedTimeout(c));
  return <i32>stats;
}

/**
 * The reason phrase of the peer's CONNECTION_CLOSE (at most 1024 bytes) → scratch;
 * its length (0 when the peer gave none or has not closed).
 */
export function connPeerCloseReason(conn: i32): i32 {
  const c = getConn(conn);
  if (!c) return -ERR_NO_CONNECTION;
  const r = c.peerCloseReason;
  memory.copy(scratchBuf, r.dataStart, <usize>r.length);
  return r.length;
}
