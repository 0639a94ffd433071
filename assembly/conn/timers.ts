// A connection's timers (STYLE.md point 3): the table (timer-table.ts) that each room
// writes its deadline into, nextTimeout() = its minimum, and one dispatch when deadlines
// expire. The handshake deadline is the endpoint's policy (endpoint.ts), not a
// connection timer. recomputedTimeout() derives the same minimum from the rooms' own
// state, for the diagnostics door (abi connTimers) that tests use to check the owners.

import { Connection, STATE_CLOSED, STATE_CLOSING } from "./connection";
import { onLossTimeout } from "./loss";
import { onKeyTimer } from "./keyupdate";
import { TimerKind } from "./timer-table";
import { pathDeadline, onPathTimer, amplificationBlocked } from "./path";

export { TimerKind };

/** The earliest deadline of `c` (+Infinity when none): a read, the owners keep it current. */
export function nextTimeout(c: Connection): f64 {
  return c.timers.min;
}

function ackDeadline(c: Connection): f64 {
  let ack: f64 = Infinity;
  for (let i = 0; i < 3; i++) {
    const s = c.spaces[i];
    if (!s.discarded && s.ack.deadline < ack) ack = s.ack.deadline;
  }
  return ack;
}

/**
 * The minimum deadline recomputed from the rooms' state, as the table held it before
 * owners wrote it (diagnostics only: the loss and pacer deadlines have no other home).
 */
export function recomputedTimeout(c: Connection): f64 {
  if (c.state == STATE_CLOSED) return Infinity;
  if (c.state >= STATE_CLOSING) return c.closeDeadline;
  let m = c.timers.get(TimerKind.LOSS);
  // A server out of amplification budget (path.ts holdSending): the ACK and pacer wait.
  if (!amplificationBlocked(c)) {
    const p = c.timers.get(TimerKind.PACER);
    if (p < m) m = p;
    const a = ackDeadline(c);
    if (a < m) m = a;
  }
  const pd = pathDeadline(c);
  if (pd < m) m = pd;
  const i = c.idleDeadline();
  if (i < m) m = i;
  const k = c.keys.prevDiscardAt;
  if (k < m) m = k;
  const ka = c.keepAliveDeadline();
  if (ka < m) m = ka;
  return m;
}

/**
 * Runs every expired timer of `c`, one handler per kind. Returns true when the
 * connection ended (closing period over, or idle): the caller releases it.
 */
export function onTimers(c: Connection, now: f64): bool {
  const t = c.timers;
  if (t.get(TimerKind.CLOSE) <= now) { c.finishClose(); return true; }
  // §10.1: the idle timeout closes silently.
  if (t.get(TimerKind.IDLE) <= now) { c.finishClose(); return true; }
  if (t.get(TimerKind.LOSS) <= now) onLossTimeout(c, now);
  if (t.get(TimerKind.KEY_DISCARD) <= now) onKeyTimer(c, now);
  if (!t.sendingHeld && t.get(TimerKind.PACER) <= now) t.set(TimerKind.PACER, Infinity); // the host polls transmit next
  if (t.get(TimerKind.PATH) <= now) onPathTimer(c, now);
  if (t.get(TimerKind.KEEP_ALIVE) <= now) { c.pingPending = true; c.lastActivity = now; c.armIdleTimers(); }
  // ACK: a due ACK goes out with the next transmission, which the endpoint asks for.
  return false;
}
