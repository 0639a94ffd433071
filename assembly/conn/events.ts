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
// The ring never refuses an event: when it is full it doubles (the host drains it after
// every call, so it holds what one call produced — bounded by the connections and
// streams that call touched: closing 10,000 connections at once queues 10,000 CLOSED
// events), and it shrinks back to its initial size once drained, so a burst does not
// keep its memory.

export namespace EventKind {
  export const NONE: u32 = 0;
  /** A server connection was created for a client's Initial. a = version, b = the path handle it arrived on. */
  export const NEW_CONNECTION: u32 = 1;
  /** CRYPTO data arrived at an encryption level; a = level. The host reads it with connReadCrypto. */
  export const CRYPTO_DATA: u32 = 2;
  /** The handshake is confirmed (RFC 9001 §4.1.2). */
  export const HANDSHAKE_CONFIRMED: u32 = 3;
  /** A peer-initiated stream opened; a = stream id, b = 1 when a 0-RTT packet opened it (conn/early.ts). */
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
  /** The connection entered closing or draining; a = error code, b = frame type, c = 1 if application close, | 2 if by peer, | 4 if by the peer's stateless reset. */
  export const CLOSING: u32 = 10;
  /** The connection is gone and its handle may be reused after this event. */
  export const CLOSED: u32 = 11;
  /**
   * Datagrams (conn/datagrams.ts): c = DATAGRAM_READABLE (the receive queue was empty and
   * is not), or the outcome of the tracked datagram with id a: DATAGRAM_ACKED, _LOST, _DROPPED.
   */
  export const DATAGRAM: u32 = 12;
  // 13 is retired (QLOG was never raised; qlog uses its own import).
  /** The core dropped the keys of a level (RFC 9001 §4.9); a = level. The host frees its key-table entries. */
  export const KEYS_DISCARDED: u32 = 14;
  /** The peer raised MAX_STREAMS: more local streams may be opened; a = 1 bidirectional, 0 unidirectional. */
  export const STREAMS_AVAILABLE: u32 = 15;
  /** 1-RTT keys moved to the next generation (RFC 9001 §6); a = 0 read / 1 write, b = the new key phase bit. The host installs the generation after it. */
  export const KEY_UPDATED: u32 = 16;
  /** The handshake did not complete within the endpoint's handshake timeout; CLOSED follows. */
  export const HANDSHAKE_TIMEOUT: u32 = 17;
  /** No connection uses path a any more: the host may forget the address behind it. conn = 0. */
  export const PATH_UNUSED: u32 = 18;
  /** A client's attempt was abandoned on Version Negotiation (RFC 9000 §6.2); a = versions offered, b = the first that is not a reserved (greasing) one, or 0, c = the first of our versions it offers (RFC 9368 §2.1), or 0. CLOSED follows. */
  export const VERSION_NEGOTIATION: u32 = 19;
  /** A client followed a Retry (RFC 9000 §17.2.5.2): the host derives the Initial keys again from connInitialDcid and installs them. */
  export const RETRY: u32 = 20;
  /** A client received a NEW_TOKEN token (RFC 9000 §19.7); a = its length. The host reads it with connNewToken. */
  export const NEW_TOKEN: u32 = 21;
  /** Client: the server answered in another version we offered (compatible version negotiation, RFC 9368 §2.3); a = that version. The host installs its Initial keys. */
  export const VERSION_CHANGED: u32 = 22;
  /** The server moved to another peer address (RFC 9000 §9.3): a = the path now used, b = the previous one, c = 1 when it reverted after a failed validation (§9.3.2). */
  export const PATH_MIGRATED: u32 = 23;
  // 24..29: other rooms. 30..34: client migration (conn/path-migrate.ts).
  /** Client: the path we moved to (migrate(), preferred address) was validated and the old ones dropped; a = the path, b = the previous one, c = 1 for the server's preferred address. */
  export const PATH_VALIDATED: u32 = 30;
  /** Client: the handshake is confirmed and the server gave a preferred_address (RFC 9000 §9.6); the host opens a path to it (connPreferredAddress) and calls connMigrate(conn, path, 1, now). */
  export const PREFERRED_ADDRESS: u32 = 31;
}

const RECORD_SIZE: u32 = 32;
const INITIAL_CAPACITY: u32 = 1024;

let capacity: u32 = INITIAL_CAPACITY;
let ring: usize = heap.alloc(<usize>(RECORD_SIZE * capacity));
let head: u32 = 0; // next to read
let count: u32 = 0;

function grow(): void {
  const bigger = heap.alloc(<usize>(RECORD_SIZE * capacity * 2));
  // Unroll the ring in order into the new block.
  const first = capacity - head;
  memory.copy(bigger, ring + <usize>(head * RECORD_SIZE), <usize>(first * RECORD_SIZE));
  if (head > 0) memory.copy(bigger + <usize>(first * RECORD_SIZE), ring, <usize>(head * RECORD_SIZE));
  heap.free(ring);
  ring = bigger;
  head = 0;
  capacity *= 2;
}

/** Queues an event (the ring grows when full: events are never lost). */
export function pushEvent(kind: u32, conn: u32, a: u64, b: u64, c: u32): void {
  if (count == capacity) grow();
  const rec = ring + <usize>(((head + count) % capacity) * RECORD_SIZE);
  store<u32>(rec, kind);
  store<u32>(rec, conn, 4);
  store<u64>(rec, a, 8);
  store<u64>(rec, b, 16);
  store<u32>(rec, c, 24);
  store<u32>(rec, 0, 28);
  count++;
}

/**
 * Pops the oldest event into `out` (a 32-byte record as drawn above).
 * Returns its kind, or NONE when the queue is empty.
 */
export function popEvent(out: usize): u32 {
  if (count == 0) {
    if (capacity > INITIAL_CAPACITY) {
      heap.free(ring);
      capacity = INITIAL_CAPACITY;
      ring = heap.alloc(<usize>(RECORD_SIZE * capacity));
      head = 0;
    }
    return EventKind.NONE;
  }
  const rec = ring + <usize>(head * RECORD_SIZE);
  memory.copy(out, rec, RECORD_SIZE);
  head = (head + 1) % capacity;
  count--;
  return load<u32>(rec);
}

/** Events waiting. */
export function pendingEvents(): u32 { return count; }

/** Records the ring can hold before it grows again. */
export function eventCapacity(): u32 { return capacity; }
