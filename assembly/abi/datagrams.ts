// ABI door for DATAGRAM frames (RFC 9221; the room is conn/datagrams.ts). Bytes move
// through the scratch region; negative results are -code as everywhere (index.ts).
//
//   connDatagramMaxSize(conn)          largest payload sendable now; 0 when the peer takes none
//   connDatagramSend(conn, len, id)    queues len bytes from scratch; id (u32, 0 = untracked) comes
//                                      back in EventKind.DATAGRAM outcomes; 0 or -PROTOCOL_VIOLATION
//                                      (peer without support, or larger than connDatagramMaxSize),
//                                      -STREAM_STATE_ERROR once closing
//   connDatagramRead(conn, cap)        oldest received datagram → scratch; its length; slot 0 = 1 when
//                                      one was read, 0 when the receive queue is empty (a datagram may be empty)
//   connDatagramStats(conn)            pointer to f64 values, slots in abi/datagram-stats.ts

import { scratchBuf, setResult, SCRATCH_CAPACITY } from "./io";
import { getConn } from "../endpoint/endpoint";
import { datagramMaxPayload, queueDatagram, readDatagram } from "../conn/datagrams";
import { STATE_CLOSING } from "../conn/connection";
import { ConfigKey } from "../conn/config";
import { TpId } from "../wire/tparams";
import { ERR_NO_CONNECTION, STREAM_STATE_ERROR } from "../wire/errors";
import { DatagramStats } from "./datagram-stats";

const block: usize = heap.alloc(<usize>DatagramStats.COUNT << 3);

// @ts-ignore: decorator
@inline function put(slot: i32, v: f64): void { store<f64>(block + (<usize>slot << 3), v); }

export function connDatagramMaxSize(conn: i32): i32 {
  const c = getConn(conn);
  if (!c) return -ERR_NO_CONNECTION;
  return datagramMaxPayload(c);
}

export function connDatagramSend(conn: i32, len: i32, id: u32): i32 {
  const c = getConn(conn);
  if (!c) return -ERR_NO_CONNECTION;
  if (c.state >= STATE_CLOSING) return -STREAM_STATE_ERROR;
  if (len > SCRATCH_CAPACITY) len = SCRATCH_CAPACITY + 1; // refused by the size check
  return queueDatagram(c, scratchBuf, len, id);
}

export function connDatagramRead(conn: i32, cap: i32): i32 {
  const c = getConn(conn);
  if (!c) return -ERR_NO_CONNECTION;
  const n = readDatagram(c, scratchBuf, cap < SCRATCH_CAPACITY ? cap : SCRATCH_CAPACITY);
  setResult(0, n >= 0 ? 1 : 0);
  return n >= 0 ? n : 0;
}

export function connDatagramStats(conn: i32): i32 {
  const c = getConn(conn);
  if (!c) return -ERR_NO_CONNECTION;
  for (let i = 0; i < DatagramStats.COUNT; i++) put(i, 0);
  const d = c.datagrams;
  if (d) {
    put(DatagramStats.SENT, <f64>d.sent);
    put(DatagramStats.RECEIVED, <f64>d.received);
    put(DatagramStats.ACKED, <f64>d.acked);
    put(DatagramStats.LOST, <f64>d.lost);
    put(DatagramStats.SEND_DROPPED, <f64>d.sendDropped);
    put(DatagramStats.RECV_DROPPED, <f64>d.recvDropped);
    put(DatagramStats.SEND_QUEUED, <f64>d.send.count);
    put(DatagramStats.SEND_QUEUED_BYTES, <f64>d.send.bytes);
    put(DatagramStats.RECV_QUEUED, <f64>d.recv.count);
    put(DatagramStats.RECV_QUEUED_BYTES, <f64>d.recv.bytes);
    put(DatagramStats.QUEUE_MEMORY, <f64>(d.send.footprint + d.recv.footprint));
  }
  put(DatagramStats.LOCAL_MAX_FRAME, c.config.get(ConfigKey.MAX_DATAGRAM_FRAME_SIZE));
  put(DatagramStats.PEER_MAX_FRAME, c.peerTpSet ? <f64>c.peerTp.get(TpId.MAX_DATAGRAM_FRAME_SIZE) : 0);
  return <i32>block;
}
