// The slots of the stats block that connStats and connTimers fill (abi/conn.ts). The
// block is an array of f64 values in linear memory, one per slot; the host reads slot
// `i` at `pointer + 8 * i`. These names are the only place the slot numbers are written:
// scripts/gen-abi.mjs copies them into host/core/abi.generated.ts.
//
//   connStats(conn) -> p        connTimers(conn) -> p
//   p +   0  SMOOTHED_RTT       p + 0   LOSS_TIMER
//   p +   8  RTT_VAR            p + 8   ACK_DEADLINE_INITIAL
//   ...                         ...
//   p + 184  KEY_UPDATES        p + 72  PTO_COUNT
//   p + 208  PEER_CIDS_HELD
//
// Times are microseconds; "no deadline" is +Infinity.

/** Slots of the block connStats returns. */
export namespace Stats {
  /** Smoothed RTT (RFC 9002 §5.3), µs. */
  export const SMOOTHED_RTT: i32 = 0;
  /** RTT variation (RFC 9002 §5.3), µs. */
  export const RTT_VAR: i32 = 1;
  /** Minimum RTT seen (RFC 9002 §5.2), µs. */
  export const MIN_RTT: i32 = 2;
  /** The latest RTT sample, µs. */
  export const LATEST_RTT: i32 = 3;
  /** Congestion window, bytes. */
  export const CWND: i32 = 4;
  /** Bytes in flight (RFC 9002 §2), bytes. */
  export const BYTES_IN_FLIGHT: i32 = 5;
  /** Packets sent. */
  export const PACKETS_SENT: i32 = 6;
  /** Packets received and decrypted. */
  export const PACKETS_RECEIVED: i32 = 7;
  /** Packets declared lost. */
  export const PACKETS_LOST: i32 = 8;
  /** Packets dropped (undecryptable, duplicate, keys gone). */
  export const PACKETS_DROPPED: i32 = 9;
  /** Bytes sent in UDP payloads. */
  export const BYTES_SENT: i32 = 10;
  /** Bytes received in UDP payloads. */
  export const BYTES_RECEIVED: i32 = 11;
  /** Stream payload bytes sent (retransmissions included). */
  export const STREAM_BYTES_SENT: i32 = 12;
  /** Stream payload bytes received. */
  export const STREAM_BYTES_RECEIVED: i32 = 13;
  /** Consecutive PTOs without an acknowledgement (RFC 9002 §6.2). */
  export const PTO_COUNT: i32 = 14;
  /** The connection's state (STATE_* in conn/connection.ts). */
  export const STATE: i32 = 15;
  /** Slow-start threshold, bytes (Infinity until the first congestion event). */
  export const SSTHRESH: i32 = 16;
  /** Congestion events (a loss or ECN-CE episode). */
  export const CONGESTION_EVENTS: i32 = 17;
  /** The congestion controller (CC_NEWRENO or CC_CUBIC in recovery/cc.ts). */
  export const CC_KIND: i32 = 18;
  /** Amplification credit: 3 × bytes received − bytes sent before the path is validated (RFC 9000 §8.1). */
  export const AMPLIFICATION_CREDIT: i32 = 19;
  /** Datagrams sent with the congestion window already full (should stay 0). */
  export const SENDS_OVER_CWND: i32 = 20;
  /** Most bytes ever held in one receive buffer (whole instance). */
  export const RECV_BUFFER_HIGH_WATER: i32 = 21;
  /** Most bytes ever held in one send buffer (whole instance). */
  export const SEND_BUFFER_HIGH_WATER: i32 = 22;
  /** 1-RTT key updates (RFC 9001 §6), both directions. */
  export const KEY_UPDATES: i32 = 23;
  /** Connection IDs we issued (sequence numbers used, the handshake's included). */
  export const LOCAL_CIDS_ISSUED: i32 = 24;
  /** Sequence number of the peer's CID we send to (moves on Retire Prior To, RFC 9000 §5.1.2). */
  export const PEER_CID_SEQUENCE: i32 = 25;
  /** The peer's CIDs we hold (at most our active_connection_id_limit). */
  export const PEER_CIDS_HELD: i32 = 26;
  /** Retry packets the client followed (0 or 1, RFC 9000 §17.2.5.2). */
  export const RETRIES_RECEIVED: i32 = 27;
  /** The path's largest datagram now (DPLPMTUD, conn/pmtud.ts), bytes of UDP payload. */
  export const PATH_MTU: i32 = 28;
  /** PMTU probes sent / lost, and black holes detected (the size fell back to 1200). */
  export const PMTU_PROBES_SENT: i32 = 29;
  export const PMTU_PROBES_LOST: i32 = 30;
  export const PMTU_BLACK_HOLES: i32 = 31;
  /** PATH_CHALLENGE frames sent (RFC 9000 §8.2). */
  export const PATH_CHALLENGES_SENT: i32 = 32;
  /** Paths validated by a PATH_RESPONSE (§8.2.3). */
  export const PATHS_VALIDATED: i32 = 33;
  /** Moves to another peer address (§9.3), reverts included. */
  export const MIGRATIONS: i32 = 34;
  // 35..39: other rooms. 40..44: client migration (conn/path-migrate.ts).
  /** Client: moves we started (migrate(), the preferred address), failed ones included. */
  export const OWN_MIGRATIONS: i32 = 40;
  /** Client: our moves that failed validation and went back to the old path (§9.3.2). */
  export const OWN_MIGRATIONS_FAILED: i32 = 41;
  /** Client: 1 once we moved to the server's preferred address (§9.6) and it was validated. */
  export const PREFERRED_ADDRESS_USED: i32 = 42;
  /** Number of slots. */
  export const COUNT: i32 = 45;
}

/** Slots of the block connTimers returns (diagnostics: the deadlines behind pollTimeout). */
export namespace Timers {
  /** Loss detection / PTO timer (RFC 9002 §6.2), µs. */
  export const LOSS_TIMER: i32 = 0;
  /** ACK deadline of the Initial space, µs. */
  export const ACK_DEADLINE_INITIAL: i32 = 1;
  /** ACK deadline of the Handshake space, µs. */
  export const ACK_DEADLINE_HANDSHAKE: i32 = 2;
  /** ACK deadline of the application space, µs. */
  export const ACK_DEADLINE_APP: i32 = 3;
  /** Time-threshold loss time of the Initial space (RFC 9002 §6.1.2), µs. */
  export const LOSS_TIME_INITIAL: i32 = 4;
  /** Time-threshold loss time of the Handshake space, µs. */
  export const LOSS_TIME_HANDSHAKE: i32 = 5;
  /** Time-threshold loss time of the application space, µs. */
  export const LOSS_TIME_APP: i32 = 6;
  /** Idle timeout deadline (RFC 9000 §10.1), µs. */
  export const IDLE_DEADLINE: i32 = 7;
  /** End of the closing or draining period (RFC 9000 §10.2), µs. */
  export const CLOSE_DEADLINE: i32 = 8;
  /** Consecutive PTOs (as Stats.PTO_COUNT). */
  export const PTO_COUNT: i32 = 9;
  /** The minimum of the connection's timer table, as its rooms wrote it (conn/timer-table.ts), µs. */
  export const TABLE_MIN: i32 = 10;
  /** The same minimum recomputed from the rooms' state (conn/timers.ts recomputedTimeout): equal when every owner wrote its slot. */
  export const RECOMPUTED_MIN: i32 = 11;
  /** Number of slots. */
  export const COUNT: i32 = 12;
}
