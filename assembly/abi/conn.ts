// ABI door for the endpoint and its connections. Contract (see index.ts for the general
// rules): `now` is f64 microseconds; connection handles are small positive i32; stream
// ids cross as f64 (exact below 2^53); negative results are -errorCode; bytes move
// through the scratch region (ioScratchPtr) unless stated.
//
//   coreSeed(a, b, c, d)                       seed the PRNG (CIDs, reset tokens)
//   endpointConfigure(localCidLen, isServer, retryRequired)   retry is not implemented yet (ignored)
//   endpointSetQlog(on)                        report packet events to the host's qlog import (conn/qlog.ts)
//   connConfigure(conn, key, value: f64)       conn 0 = endpoint defaults; keys in conn/config.ts ConfigKey
//   connConnect(version, path, now)            client connection; the host then reads connOriginalDcid,
//                                              derives Initial keys and installs them
//   connOriginalDcid(conn)                     bytes copied to scratch
//   connLocalTransportParams(conn)             our encoded transport parameters in scratch; length
//   connSetPeerTransportParams(conn, len)      0, or -TRANSPORT_PARAMETER_ERROR / -PROTOCOL_VIOLATION (the core closes)
//   connInstallKeys(conn, level, dir, aead, hp, suite)   level 0 Initial, 1 0-RTT (ignored), 2 Handshake, 3 1-RTT;
//                                              dir 0 read, 1 write; handles index the host's key table
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
//   connStats(conn)                            pointer to the stats block: f64 values, STATS_* indices below
//   connState(conn)                            0 handshaking 1 established 2 confirmed 3 closing 4 draining 5 closed
//   connPing(conn)                             queue a PING
// Unknown handles give -0x10004 (ERR_NO_CONNECTION).

import { scratchBuf, txBuf, rxBuf, setResult, SCRATCH_CAPACITY, TX_CAPACITY, RX_CAPACITY } from "./io";
import { ep, getConn, connect, handleDatagram as epHandle, pollTransmit as epPoll, pollTimeout as epTimeout, handleTimeout as epTimer, txPath, txConn } from "../endpoint/endpoint";
import { Connection, STATE_CLOSED, STATE_ESTABLISHED } from "../conn/connection";
import { spaceOfLevel, SPACE_APP, SPACE_INITIAL } from "../conn/space";
import { replayBuffered } from "../conn/receive";
import { openLocalStream, canOpenLocalStream, streamRead, streamWrite, streamReset, streamStopSending, lastReadFin } from "../conn/stream-ops";
import { prngSeed } from "../util/prng";
import { recvBufferHighWater } from "../conn/recvbuf";
import { sendBufferHighWater } from "../conn/sendbuf";
import { popEvent } from "../conn/events";
import { setQlogEnabled } from "../conn/qlog";
import { TpId } from "../wire/tparams";
import { TRANSPORT_PARAMETER_ERROR, PROTOCOL_VIOLATION, STREAM_STATE_ERROR, INTERNAL_ERROR } from "../wire/errors";

const ERR_NO_CONNECTION: i32 = 0x10004;

export function coreSeed(a: u32, b: u32, c: u32, d: u32): void {
  prngSeed(a, b, c, d);
}

export function endpointConfigure(localCidLen: i32, isServer: i32, retryRequired: i32): void {
  ep.localCidLen = localCidLen < 4 ? 4 : localCidLen > 20 ? 20 : localCidLen;
  ep.isServer = isServer != 0;
  ep.retryRequired = retryRequired != 0;
}

export function endpointSetQlog(on: i32): void {
  setQlogEnabled(on != 0);
}

export function connConfigure(conn: i32, key: i32, value: f64): i32 {
  if (conn == 0) return ep.defaults.set(key, value) ? 0 : -TRANSPORT_PARAMETER_ERROR;
  const c = getConn(conn);
  if (!c) return -ERR_NO_CONNECTION;
  if (!c.config.set(key, value)) return -TRANSPORT_PARAMETER_ERROR;
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
  memory.copy(scratchBuf, c.originalDcid.dataStart, <usize>c.originalDcid.length);
  return c.originalDcid.length;
}

export function connLocalTransportParams(conn: i32): i32 {
  const c = getConn(conn);
  if (!c) return -ERR_NO_CONNECTION;
  return c.localTp.encode(scratchBuf, scratchBuf + <usize>SCRATCH_CAPACITY);
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
    else if (!sameCid(c.peerInitialScid, c.peerTp.bytesPtr(TpId.INITIAL_SOURCE_CONNECTION_ID), iscid)) r = -PROTOCOL_VIOLATION;
    else if (!c.isServer) {
      const odl = c.peerTp.bytesLen(TpId.ORIGINAL_DESTINATION_CONNECTION_ID);
      if (odl < 0) r = -TRANSPORT_PARAMETER_ERROR;
      else if (!sameCid(c.originalDcid, c.peerTp.bytesPtr(TpId.ORIGINAL_DESTINATION_CONNECTION_ID), odl)) r = -PROTOCOL_VIOLATION;
    }
  }
  if (r < 0) {
    c.startClose(<u64>(-r), 0, false, 0, 0, ep.lastNow);
    return r;
  }
  c.applyPeerTransportParams();
  return 0;
}

export function connInstallKeys(conn: i32, level: i32, direction: i32, aead: i32, hp: i32, suite: i32): i32 {
  const c = getConn(conn);
  if (!c) return -ERR_NO_CONNECTION;
  if (level == 1) return 0; // 0-RTT is not supported yet: keys are ignored (the host frees them at close)
  const si = spaceOfLevel(level);
  if (si < 0) return -INTERNAL_ERROR;
  const sp = c.spaces[si];
  if (sp.discarded) return 0;
  if (direction == 0) {
    sp.readAead = aead; sp.readHp = hp;
    replayBuffered(c, si, ep.localCidLen, ep.lastNow);
  } else {
    sp.writeAead = aead; sp.writeHp = hp;
  }
  return 0;
}

export function connInstallNextKeys(conn: i32, direction: i32, aead: i32): i32 {
  const c = getConn(conn);
  if (!c) return -ERR_NO_CONNECTION;
  if (direction == 0) c.keys.readNext = aead;
  else c.keys.writeNext = aead;
  return 0;
}

export function connUpdateKeys(conn: i32): i32 {
  const c = getConn(conn);
  if (!c) return -ERR_NO_CONNECTION;
  c.keys.requested = true;
  return 0;
}

export function connReadCrypto(conn: i32, level: i32, cap: i32): i32 {
  const c = getConn(conn);
  if (!c) return -ERR_NO_CONNECTION;
  const si = spaceOfLevel(level);
  if (si < 0) return -INTERNAL_ERROR;
  return c.spaces[si].cryptoRecv.read(scratchBuf, cap < SCRATCH_CAPACITY ? cap : SCRATCH_CAPACITY);
}

export function connWriteCrypto(conn: i32, level: i32, len: i32): i32 {
  const c = getConn(conn);
  if (!c) return -ERR_NO_CONNECTION;
  const si = spaceOfLevel(level);
  if (si < 0 || si == SPACE_APP && level == 1) return -INTERNAL_ERROR;
  const n = c.spaces[si].cryptoSend.write(scratchBuf, len);
  return n == len ? 0 : -INTERNAL_ERROR;
}

export function connHandshakeComplete(conn: i32): i32 {
  const c = getConn(conn);
  if (!c) return -ERR_NO_CONNECTION;
  if (c.handshakeComplete) return 0;
  c.handshakeComplete = true;
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

// Stats block: f64 values.
export const STATS_SMOOTHED_RTT: i32 = 0;
const stats: usize = heap.alloc(32 * 8);

export function connStats(conn: i32): i32 {
  const c = getConn(conn);
  if (!c) return -ERR_NO_CONNECTION;
  // Written in place: stats are read per step by tests and per second by apps, no garbage.
  store<f64>(stats + 0, c.rtt.smoothedRtt);
  store<f64>(stats + 8, c.rtt.rttvar);
  store<f64>(stats + 16, c.rtt.minRtt);
  store<f64>(stats + 24, c.rtt.latestRtt);
  store<f64>(stats + 32, c.cc.cwnd);
  store<f64>(stats + 40, <f64>c.cc.bytesInFlight);
  store<f64>(stats + 48, <f64>c.packetsSent);
  store<f64>(stats + 56, <f64>c.packetsReceived);
  store<f64>(stats + 64, <f64>c.packetsLost);
  store<f64>(stats + 72, <f64>c.packetsDropped);
  store<f64>(stats + 80, <f64>c.bytesSentTotal);
  store<f64>(stats + 88, <f64>c.bytesReceivedTotal);
  store<f64>(stats + 96, <f64>c.streamBytesSent);
  store<f64>(stats + 104, <f64>c.streamBytesReceived);
  store<f64>(stats + 112, <f64>c.ptoCount);
  store<f64>(stats + 120, <f64>c.state);
  store<f64>(stats + 128, c.cc.ssthresh);
  store<f64>(stats + 136, <f64>c.cc.lossEvents);
  store<f64>(stats + 144, <f64>c.cc.kind);
  store<f64>(stats + 152, c.bytesReceived * 3 - c.bytesSent);
  store<f64>(stats + 160, <f64>c.sendsOverCwnd);
  store<f64>(stats + 168, <f64>recvBufferHighWater);
  store<f64>(stats + 176, <f64>sendBufferHighWater);
  store<f64>(stats + 184, <f64>c.keys.updates);
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
  store<f64>(stats, c.lossTimer);
  for (let i = 0; i < 3; i++) {
    const s = c.spaces[i];
    store<f64>(stats + 8 + (<usize>i << 3), s.discarded ? Infinity : s.ack.deadline);
    store<f64>(stats + 32 + (<usize>i << 3), s.discarded ? Infinity : s.lossTime);
  }
  store<f64>(stats + 56, c.idleDeadline());
  store<f64>(stats + 64, c.closeDeadline);
  store<f64>(stats + 72, <f64>c.ptoCount);
  return <i32>stats;
}
