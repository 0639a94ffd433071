// A connection's timers (STYLE.md point 3): one deadline per kind in a table, the
// earliest of them what the endpoint's heap holds for the connection, and one dispatch
// when they expire. The deadlines themselves live with the rooms that set them (the
// loss timer in loss.ts, ACK deadlines in each space's tracker, the idle deadline in
// connection.ts, key discard in keyphase.ts); this room reads them into the table and
// runs each expired kind's handler. The handshake deadline is the endpoint's policy
// (endpoint.ts), not a connection timer.

import { Connection, STATE_CLOSED, STATE_CLOSING } from "./connection";
import { ConfigKey } from "./config";
import { onLossTimeout } from "./loss";
import { onKeyTimer } from "./keyupdate";
import { pathDeadline, onPathTimer, amplificationBlocked } from "./path";

export namespace TimerKind {
  /** Loss detection: time threshold or PTO (RFC 9002 §6). */
  export const LOSS: i32 = 0;
  /** An ACK is due in some space (RFC 9000 §13.2.1). */
  export const ACK: i32 = 1;
  /** The idle timeout (RFC 9000 §10.1). */
  export const IDLE: i32 = 2;
  /** The end of the closing or draining period (RFC 9000 §10.2). */
  export const CLOSE: i32 = 3;
  /** Previous 1-RTT read keys are discarded (RFC 9001 §6.5). */
  export const KEY_DISCARD: i32 = 4;
  /** A keep-alive PING is due. */
  export const KEEP_ALIVE: i32 = 5;
  /** The pacer lets data go again (RFC 9002 §7.7). */
  export const PACER: i32 = 6;
  /** Path validation: a fresh PATH_CHALLENGE, or abandoning the path (RFC 9000 §8.2.4). */
  export const PATH: i32 = 7;
  export const COUNT: i32 = 8;
}

/** The table of the connection last passed to fillTimers (one connection at a time: the core is single-threaded). */
export const timerTable = new StaticArray<f64>(TimerKind.COUNT);

function keepAliveAt(c: Connection): f64 {
  const ka = c.config.get(ConfigKey.KEEP_ALIVE_MS) * 1000;
  return ka > 0 && c.handshakeComplete ? c.lastActivity + ka : Infinity;
}

/** Reads every deadline of `c` into timerTable (+Infinity for a kind with none). */
export function fillTimers(c: Connection): void {
  const t = timerTable;
  for (let k = 0; k < TimerKind.COUNT; k++) unchecked(t[k] = Infinity);
  if (c.state == STATE_CLOSED) return;
  if (c.state >= STATE_CLOSING) { unchecked(t[TimerKind.CLOSE] = c.closeDeadline); return; }
  unchecked(t[TimerKind.LOSS] = c.lossTimer);
  let ack: f64 = Infinity;
  for (let i = 0; i < 3; i++) {
    const s = c.spaces[i];
    if (!s.discarded && s.ack.deadline < ack) ack = s.ack.deadline;
  }
  unchecked(t[TimerKind.ACK] = ack);
  unchecked(t[TimerKind.IDLE] = c.idleDeadline());
  unchecked(t[TimerKind.KEY_DISCARD] = c.keys.prevDiscardAt);
  unchecked(t[TimerKind.KEEP_ALIVE] = keepAliveAt(c));
  unchecked(t[TimerKind.PACER] = c.pacerWakeAt);
  unchecked(t[TimerKind.PATH] = pathDeadline(c));
  // A server out of amplification budget on an unvalidated path can send nothing, so a
  // due ACK or pacer wake-up would fire again at once: they wait for bytes from the peer.
  if (amplificationBlocked(c)) { unchecked(t[TimerKind.ACK] = Infinity); unchecked(t[TimerKind.PACER] = Infinity); }
}

/** The earliest deadline of `c` (+Infinity when none). */
export function nextTimeout(c: Connection): f64 {
  fillTimers(c);
  let m: f64 = Infinity;
  for (let k = 0; k < TimerKind.COUNT; k++) if (unchecked(timerTable[k]) < m) m = unchecked(timerTable[k]);
  return m;
}

/**
 * Runs every expired timer of `c`, one handler per kind. Returns true when the
 * connection ended (closing period over, or idle): the caller releases it.
 */
export function onTimers(c: Connection, now: f64): bool {
  fillTimers(c);
  const t = timerTable;
  if (unchecked(t[TimerKind.CLOSE]) <= now) { c.finishClose(); return true; }
  // §10.1: the idle timeout closes silently.
  if (unchecked(t[TimerKind.IDLE]) <= now) { c.finishClose(); return true; }
  if (unchecked(t[TimerKind.LOSS]) <= now) onLossTimeout(c, now);
  if (unchecked(t[TimerKind.KEY_DISCARD]) <= now) onKeyTimer(c.keys, now);
  if (unchecked(t[TimerKind.PACER]) <= now) c.pacerWakeAt = Infinity; // the host polls transmit next
  if (unchecked(t[TimerKind.PATH]) <= now) onPathTimer(c, now);
  if (unchecked(t[TimerKind.KEEP_ALIVE]) <= now) { c.pingPending = true; c.lastActivity = now; }
  // ACK: a due ACK goes out with the next transmission, which the endpoint asks for.
  return false;
}
