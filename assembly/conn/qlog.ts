// qlog taps (draft-ietf-quic-qlog-quic-events): packet_sent, packet_received,
// packet_lost and packet_dropped, each with a snapshot of the recovery metrics taken
// at that instant. The core does not format JSON: it hands the host a fixed record and
// a pointer to the packet's plaintext frames, and the host (host/transport/qlog/)
// decodes and writes. Off by default; when off, each tap costs one branch.
//
//   record (88 bytes), written at a static address and valid only during the call:
//     +0  u8  kind (QLOG_* below)      +1 u8 packet number space
//     +2  u8  trigger (lost, dropped) or key phase bit (1-RTT sent and received)
//     +4  u32 packet size on the wire (0 when unknown)
//     +8  f64 packet number           +16 f64 now (µs)
//     +24 f64 ×8 metrics: cwnd, bytes in flight, smoothed RTT, latest RTT, RTT variance,
//             min RTT (µs), ssthresh, PTO count

import { Connection } from "./connection";

// @ts-ignore: decorator
@external("host", "qlogPacket")
declare function hostQlogPacket(conn: i32, record: usize, payload: usize, payloadLen: i32): void;

export const QLOG_PACKET_SENT: u8 = 1;
export const QLOG_PACKET_RECEIVED: u8 = 2;
export const QLOG_PACKET_LOST: u8 = 3;
export const QLOG_PACKET_DROPPED: u8 = 4;

/** The record's space byte for a 0-RTT packet (application space, 0-RTT keys: conn/early.ts). */
export const QLOG_SPACE_ZERO_RTT: i32 = 3;

// Triggers (lost: RFC 9002 §6.1.1 / §6.1.2; dropped: why the packet was not processed).
export const QLOG_LOST_REORDERING: u8 = 1;
export const QLOG_LOST_TIME: u8 = 2;
export const QLOG_DROPPED_DECRYPTION: u8 = 1;
export const QLOG_DROPPED_DUPLICATE: u8 = 2;
export const QLOG_DROPPED_KEYS_GONE: u8 = 3;

/** Set by the host (endpointSetQlog) before connections exist; endpoint-wide. */
export let qlogEnabled: bool = false;

export function setQlogEnabled(on: bool): void {
  qlogEnabled = on;
}

const record: usize = heap.alloc(88);

/**
 * Reports one packet event. Callers test `qlogEnabled` first so the off path stays one
 * branch. `inFlightDelta`: bytes about to count in flight (a sent packet is reported
 * before protection, while its plaintext is still there, but after it in the metrics).
 */
export function qlogPacket(c: Connection, kind: u8, space: i32, pn: u64, size: i32, trigger: u8, payload: usize, payloadLen: i32, now: f64, inFlightDelta: i64 = 0): void {
  store<u8>(record, kind);
  store<u8>(record, <u8>space, 1);
  store<u8>(record, trigger, 2);
  store<u32>(record, <u32>size, 4);
  store<f64>(record, <f64>pn, 8);
  store<f64>(record, now, 16);
  store<f64>(record, c.cc.cwnd, 24);
  store<f64>(record, <f64>(c.cc.bytesInFlight + inFlightDelta), 32);
  store<f64>(record, c.rtt.smoothedRtt, 40);
  store<f64>(record, c.rtt.latestRtt, 48);
  store<f64>(record, c.rtt.rttvar, 56);
  store<f64>(record, c.rtt.minRtt, 64);
  store<f64>(record, c.cc.ssthresh, 72);
  store<f64>(record, <f64>c.ptoCount, 80);
  hostQlogPacket(c.handle, record, payload, payloadLen);
}
