// The 1-RTT key generation state of one connection (RFC 9001 §6). State only: the rules
// that move it live in keyupdate.ts (kept apart so that connection.ts, which owns one,
// does not import the code that takes a Connection).

export class KeyPhase {
  readNext: i32 = 0;
  readPrev: i32 = 0;
  writeNext: i32 = 0;
  readPhase: u32 = 0;
  writePhase: u32 = 0;
  /** Lowest packet number received with the current read keys (-1: none yet). */
  readPhaseFirstPn: i64 = -1;
  /** First packet number sent with the current write keys. */
  writePhaseFirstPn: u64 = 0;
  /** When the previous read keys go (§6.5: after about three PTOs). */
  prevDiscardAt: f64 = Infinity;
  /** Generations completed (both directions moved). */
  updates: u32 = 0;
  /** The application asked for an update (connUpdateKeys). */
  requested: bool = false;
}
