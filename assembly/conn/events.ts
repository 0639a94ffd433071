// The queue of events the core hands to the host (ARCHITECTURE.md §3): new
// connection, handshake data for TLS, stream readable, closed, ... A ring of
// fixed-size records in linear memory, allocated once; the host drains it with
// pollEvent() after every call that can produce events (the pump: transmit, timeout,
// events).
//
//   record (32 bytes):
//     +0  u32 kind        (EventKind below)
//     +4  u32 conn        connection handle
//     +8  u64 a           kind-specific (stream id, error code, level, ...)
//     +16 u64 b           kind-specific
//     +24 u32 c           kind-specific
//     +28 u32 reserved
//
// If the host falls behind and the ring fills, the oldest events are not lost: the
// queue refuses new ones and sets an overflow flag; producers re-raise level-triggered
// events (readable, writable) on the next occasion, and edge events (new connection,
// closed) are kept until drained because the ring is sized for them.

export namespace EventKind {
  export const NONE: u32 = 0;
  /** A server connection was created for a client's Initial. a = 0. */
  export const NEW_CONNECTION: u32 = 1;
  /** CRYPTO data arrived at an encryption level; a = level. The host reads it with connReadCrypto. */
  export const CRYPTO_DATA: u32 = 2;
  /** The handshake is confirmed (RFC 9001 §4.1.2). */
  export const HANDSHAKE_CONFIRMED: u32 = 3;
  /** A peer-initiated stream opened; a = stream id. */
  export const STREAM_OPENED: u32 = 4;
  /** A stream has data (or its FIN) to read; a = stream id. */
  export const STREAM_READABLE: u32 = 5;
  /** A stream can take more data after being blocked; a = stream id. */
  export const STREAM_WRITABLE: u32 = 6;
  /** The peer reset a stream; a = stream id, b = application error code, c = 0. */
  export const STREAM_RESET: u32 = 7;
  /** The peer asked us to stop sending; a = stream id, b = application error code. */
  export const STREAM_STOP_SENDING: u32 = 8;
  /** All our data on a stream was acknowledged; a = stream id. */
  export const STREAM_FINISHED: u32 = 9;
  /** The connection entered closing or draining; a = error code, b = frame type, c = 1 if application close, | 2 if by peer. */
  export const CLOSING: u32 = 10;
  /** The connection is gone and its handle may be reused after this event. */
  export const CLOSED: u32 = 11;
  /** A datagram (RFC 9221) arrived; a = length. */
  export const DATAGRAM: u32 = 12;
  /** A qlog event is available; a = qlog record kind. */
  export const QLOG: u32 = 13;
  /** The core dropped the keys of a level (RFC 9001 §4.9); a = level. The host frees its key-table entries. */
  export const KEYS_DISCARDED: u32 = 14;
  /** The peer raised MAX_STREAMS: more local streams may be opened; a = 1 bidirectional, 0 unidirectional. */
  export const STREAMS_AVAILABLE: u32 = 15;
  /** 1-RTT keys moved to the next generation (RFC 9001 §6); a = 0 read / 1 write, b = the new key phase bit. The host installs the generation after it. */
  export const KEY_UPDATED: u32 = 16;
}

const RECORD_SIZE: u32 = 32;
const CAPACITY: u32 = 4096;

const ring: usize = heap.alloc(<usize>(RECORD_SIZE * CAPACITY));
let head: u32 = 0; // next to read
let count: u32 = 0;
let overflowed: bool = false;

/** Queues an event. Returns false (and remembers the overflow) if the ring is full. */
export function pushEvent(kind: u32, conn: u32, a: u64, b: u64, c: u32): bool {
  if (count == CAPACITY) { overflowed = true; return false; }
  const rec = ring + <usize>(((head + count) % CAPACITY) * RECORD_SIZE);
  store<u32>(rec, kind);
  store<u32>(rec, conn, 4);
  store<u64>(rec, a, 8);
  store<u64>(rec, b, 16);
  store<u32>(rec, c, 24);
  store<u32>(rec, 0, 28);
  count++;
  return true;
}

/**
 * Pops the oldest event into `out` (a 32-byte record as drawn above).
 * Returns its kind, or NONE when the queue is empty.
 */
export function popEvent(out: usize): u32 {
  if (count == 0) return EventKind.NONE;
  const rec = ring + <usize>(head * RECORD_SIZE);
  memory.copy(out, rec, RECORD_SIZE);
  head = (head + 1) % CAPACITY;
  count--;
  return load<u32>(rec);
}

/** Events waiting. */
export function pendingEvents(): u32 { return count; }

/** True once if the queue overflowed since the last call (then cleared). */
export function takeOverflow(): bool {
  const o = overflowed;
  overflowed = false;
  return o;
}
