// Key update (RFC 9001 §6): 1-RTT keys change generation, signalled by the key phase bit
// of short headers. The host derives each next generation ("quic ku", §6.1) and installs
// it ahead of time (connInstallNextKeys), so that a peer's update can be followed inside
// the receive call that sees it; the core then reports KEY_UPDATED and the host installs
// the generation after. Header protection keys never change (§6.1).

import { TimerKind } from "./timer-table";
import { Connection } from "./connection";
import { PacketSpace } from "./space";
import { pushEvent, EventKind } from "./events";
import { KeyPhase } from "./keyphase";

/**
 * Packets sent with one generation before we update on our own: far below the
 * AES-GCM confidentiality limit of 2^23 packets (RFC 9001 §6.6, the strictest suite).
 */
export const AUTO_UPDATE_PACKETS: u64 = 1 << 22;

export const KEY_CURRENT: i32 = 0;
export const KEY_NEXT: i32 = 1;
export const KEY_PREVIOUS: i32 = 2;

/** Which read key opens a 1-RTT packet with key phase `phase` and number `pn` (§6.3, §6.5). */
export function readKeyFor(k: KeyPhase, phase: u32, pn: u64): i32 {
  if (phase == k.readPhase) return KEY_CURRENT;
  // A packet of the old phase sent before the update: reordered, open with the old keys.
  if (k.readPrev != 0 && k.readPhaseFirstPn >= 0 && <i64>pn < k.readPhaseFirstPn) return KEY_PREVIOUS;
  return KEY_NEXT;
}

export function readHandle(sp: PacketSpace, k: KeyPhase, which: i32): i32 {
  return which == KEY_CURRENT ? sp.readAead : which == KEY_NEXT ? k.readNext : k.readPrev;
}

/** A packet opened with the current keys: remember the lowest number seen in this phase. */
export function onOpenedCurrent(k: KeyPhase, pn: u64): void {
  if (k.readPhaseFirstPn < 0 || <i64>pn < k.readPhaseFirstPn) k.readPhaseFirstPn = <i64>pn;
}

/** The peer's packet opened with the next keys: the peer updated; follow it (§6.2). */
export function onPeerUpdated(c: Connection, sp: PacketSpace, pn: u64, now: f64): void {
  const k = c.ownKeys();
  k.readPrev = sp.readAead;
  sp.readAead = k.readNext;
  k.readNext = 0;
  k.readPhase ^= 1;
  k.readPhaseFirstPn = <i64>pn;
  k.prevDiscardAt = now + 3 * c.rtt.pto(c.peerMaxAckDelay());
  c.timers.set(TimerKind.KEY_DISCARD, k.prevDiscardAt);
  pushEvent(EventKind.KEY_UPDATED, <u32>c.handle, 0, <u64>k.readPhase, 0);
  // §6.2: an endpoint that sees the peer update MUST update its sending keys too (unless
  // this was the answer to our own update).
  if (k.writePhase != k.readPhase) rotateWrite(c, sp);
  k.updates++;
}

/**
 * Before building a 1-RTT packet: start an update if asked or due, when allowed — the
 * handshake is confirmed (§6.1), the previous update finished (both directions on one
 * phase), a packet of the current phase was acknowledged (§6.1), next keys are installed.
 */
export function maybeInitiate(c: Connection, sp: PacketSpace): void {
  const k = c.keys;
  if (!k.requested && sp.nextPn - k.writePhaseFirstPn < AUTO_UPDATE_PACKETS) return;
  if (!c.handshakeConfirmed || k.writePhase != k.readPhase || k.writeNext == 0 || k.readNext == 0) return;
  if (sp.largestAcked < <i64>k.writePhaseFirstPn) return;
  c.ownKeys().requested = false; // its own already: next keys were installed (writeNext != 0)
  rotateWrite(c, sp);
}

function rotateWrite(c: Connection, sp: PacketSpace): void {
  const k = c.ownKeys();
  sp.writeAead = k.writeNext;
  k.writeNext = 0;
  k.writePhase ^= 1;
  k.writePhaseFirstPn = sp.nextPn;
  pushEvent(EventKind.KEY_UPDATED, <u32>c.handle, 1, <u64>k.writePhase, 0);
}

/** The previous read keys expire (§6.5); a later update's event lets the host free them. */
export function onKeyTimer(c: Connection, now: f64): void {
  if (c.keys.prevDiscardAt <= now) { // never for the shared NO_KEY_PHASE (+Infinity)
    const k = c.ownKeys();
    k.readPrev = 0;
    k.prevDiscardAt = Infinity;
    c.timers.set(TimerKind.KEY_DISCARD, Infinity);
  }
}
