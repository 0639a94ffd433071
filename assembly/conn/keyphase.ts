// The 1-RTT key generation state of one connection (RFC 9001 §6). State only: the rules
// that move it live in keyupdate.ts (kept apart so that connection.ts, which owns one,
// does not import the code that takes a Connection).

// Wide fields first and phases as bytes: no padding holes (issue 17: 64 bytes, not 80).
export class KeyPhase {
  /** Lowest packet number received with the current read keys (-1: none yet). */
  readPhaseFirstPn: i64 = -1;
  /** First packet number sent with the current write keys. */
  writePhaseFirstPn: u64 = 0;
  /** When the previous read keys go (§6.5: after about three PTOs). */
  prevDiscardAt: f64 = Infinity;
  readNext: i32 = 0;
  readPrev: i32 = 0;
  writeNext: i32 = 0;
  /** Generations completed (both directions moved). */
  updates: u32 = 0;
  /** The key phase bits (0 or 1). */
  readPhase: u8 = 0;
  writePhase: u8 = 0;
  /** The application asked for an update (connUpdateKeys). */
  requested: bool = false;
}

/**
 * The key phase of connections that have opened no 1-RTT packet and been given no next
 * keys yet (never written: phase 0, no next or previous keys, nothing to discard). A
 * half-open server is one (issue 17: 64 bytes less): Connection.ownKeys() gives a
 * writer its own.
 */
export const NO_KEY_PHASE = new KeyPhase();
