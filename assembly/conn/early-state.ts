// The 0-RTT state of one connection (RFC 9001 §4.6, RFC 9000 §7.4.1). State only: the
// rules that move it live in early.ts (kept apart, as keyphase.ts is from keyupdate.ts,
// so that connection.ts, which owns one, does not import code that takes a Connection).

import { TransportParams } from "../wire/tparams";

/** No 0-RTT on this connection (not offered, or the server has no keys for it). */
export const EARLY_NONE: i32 = 0;
/** Client: 0-RTT keys installed, the server's answer not known yet. Server: 0-RTT accepted (read keys installed). */
export const EARLY_PENDING: i32 = 1;
/** Client: the server's EncryptedExtensions accepted early data. */
export const EARLY_ACCEPTED: i32 = 2;
/** Client: the server rejected early data; everything sent in 0-RTT goes again in 1-RTT. */
export const EARLY_REJECTED: i32 = 3;

export class EarlyData {
  /** Packet protection handles: the client's write keys or the server's read keys (0 = none). */
  aead: i32 = 0;
  hp: i32 = 0;
  status: i32 = EARLY_NONE;
  /** Client: the server's remembered transport parameters (§7.4.1), used until its new ones arrive. */
  remembered: TransportParams | null = null;
  /** Server: the frames being processed came in a 0-RTT packet (stream-ops.ts flags streams it opens). */
  receiving: bool = false;
  /** 0-RTT packets sent (client) or opened (server). */
  packets: u32 = 0;
}

/**
 * The 0-RTT state of every connection that never had 0-RTT keys or remembered
 * parameters (never written: writers take their own through Connection.ownEarly()).
 */
export const NO_EARLY = new EarlyData();
