// The paths a connection knows (RFC 9000 §8, §9): the host's handle for each peer
// address, the anti-amplification budget until that address is validated (§8.1, §9.3:
// at most three times the bytes received), and path validation (§8.2: PATH_CHALLENGE /
// PATH_RESPONSE). `c.path` is the path we send on; `c.others` holds at most
// MAX_OTHER_PATHS more: the last validated path kept as a fallback (§9.3.2) and paths
// the peer reached us on (a probe to answer, a path being validated).
//
// State per path is bounded whatever the peer sends: one outstanding challenge of ours,
// and one owed PATH_RESPONSE — a newer PATH_CHALLENGE replaces the data of an older one
// not answered yet. That is enough: the peer accepts a response to any challenge it
// sent (§8.2.3) and retries with fresh data when one is lost (§8.2.1).
//
// Server NAT rebinding (§9.3): the highest-numbered non-probing packet from a new
// address moves sending there, starts validating it under the 3× limit, and
// re-validates the old path (§9.3.3). Failure of the new path reverts to the last
// validated one (§9.3.2); congestion and RTT state are reset when validation succeeds
// unless only the port changed (§9.4).
//
// What a path is: a host handle names a (local socket, peer address) pair — the host's
// network keeps the table (host/net/udp-common.ts PathTable) — so a client that moves to
// a new local socket (path-migrate.ts: migrate(), preferred_address) gets a new handle
// for the same server, and the server sees a new handle for the client's new address.
// Each path sends to its own CID of the peer's (§9.5, `Path.cidSeq`, moveTo below); a
// peer CID is retired when the last path that used it is dropped (dropPath).

import { Frame } from "./frame";
import { Path, NO_PATHS, MAX_OTHER_PATHS } from "./path-state";
import { Connection, SEND_DATAGRAM_SIZE } from "./connection";
import { FrameType } from "../wire/frames/types";
import { encodePath } from "../wire/frames/encode";
import { hostRandomFill } from "../util/entropy";
import { pushEvent, EventKind } from "./events";
import { RttEstimator } from "../recovery/rtt";
import { CongestionController } from "../recovery/cc";
import { Pacer } from "../recovery/pacer";
import { ConfigKey } from "./config";
import { TimerKind } from "./timer-table";
import { pathSizeChanged } from "./pmtud";

/** `c.others`, allocated on first use (it starts as the shared empty list). */
export function ownOthers(c: Connection): Array<Path> {
  if (c.others == NO_PATHS) c.others = new Array<Path>();
  return c.others;
}

/** kInitialRtt (RFC 9002 §6.2.2) for the new path's PTO in the abandon timer (§8.2.4), µs. */
const INITIAL_RTT_US: f64 = 333000;

export { Path, NO_PATHS, MAX_OTHER_PATHS };

// ---- Connections per path handle: the host forgets an address when it drops to 0. ----

const refs = new Map<i32, i32>();

/** A connection now refers to `h`. */
export function pathRef(h: i32): void {
  refs.set(h, (refs.has(h) ? refs.get(h) : 0) + 1);
}

/** A connection no longer refers to `h`: at 0 the host may forget the address (PATH_UNUSED). */
export function pathUnref(h: i32): void {
  if (!refs.has(h)) return;
  const n = refs.get(h) - 1;
  if (n > 0) { refs.set(h, n); return; }
  refs.delete(h);
  pushEvent(EventKind.PATH_UNUSED, 0, <u64>h, 0, 0);
}

/** Connections referring to `h` (0 once the host may forget it). */
export function pathRefs(h: i32): i32 {
  return refs.has(h) ? refs.get(h) : 0;
}

/**
 * Forgets `p`, a path other than the one in use: the host may forget its handle, and the
 * peer's CID it used is retired (§9.5: it may not travel on another path), unless the
 * path in use or another kept path shares it.
 */
export function dropPath(c: Connection, p: Path): void {
  pathUnref(p.handle);
  if (p.cidSeq < 0 || <u64>p.cidSeq == c.ids.activeSeq) return;
  for (let i = 0; i < c.others.length; i++) {
    const o = unchecked(c.others[i]);
    if (o != p && o.cidSeq == p.cidSeq) return;
  }
  c.ids.retirePeerSeq(<u64>p.cidSeq, c.pending);
}

/**
 * Sends on `np` from now on. §9.5: a path has its own CID of the peer's — the one it used
 * before, or a fresh one; with none spare the current one stays (§9.5 allows that after
 * a NAT rebinding the peer did not choose). The congestion controller and pacer count in
 * the new path's datagram size (a new path starts at 1200 bytes, RFC 8899 / §14.3).
 */
export function moveTo(c: Connection, np: Path): void {
  c.path.cidSeq = <i64>c.ids.activeSeq;
  c.path = np;
  if (c.ids.peer.length > 0 && !(np.cidSeq >= 0 && c.ids.useSeq(<u64>np.cidSeq))) {
    const fresh = c.ids.unusedPeer();
    if (fresh) c.ids.useSeq(fresh.seq);
  }
  np.cidSeq = <i64>c.ids.activeSeq;
  pathSizeChanged(c);
}

/** Drops every path of a connection that is going away. */
export function releasePaths(c: Connection): void {
  pathUnref(c.path.handle);
  for (let i = 0; i < c.others.length; i++) pathUnref(unchecked(c.others[i]).handle);
  c.others = NO_PATHS;
  armPathTimer(c);
}

// ---- The path a datagram arrived on (set per datagram by receive.ts). ----

/** Handle of the datagram being processed, and its length (credited when its path record is made). */
let rxHandle: i32 = 0;
let rxBytes: f64 = 0;
let rxCredited: bool = false;

/** Starts a datagram from `handle`: counts its bytes on a path we know (§8.1). */
export function beginDatagram(c: Connection, handle: i32, len: f64): void {
  rxHandle = handle;
  rxBytes = len;
  const p = findPath(c, handle);
  rxCredited = p != null;
  if (p) p.bytesReceived += len;
}

/** The datagram being processed came from a path other than the one we send on. */
export function fromOtherPath(c: Connection): bool {
  return rxHandle != c.path.handle;
}

function findPath(c: Connection, h: i32): Path | null {
  if (c.path.handle == h) return c.path;
  for (let i = 0; i < c.others.length; i++) if (unchecked(c.others[i]).handle == h) return unchecked(c.others[i]);
  return null;
}

/**
 * The record of the path the current datagram came on, made on first need (only after a
 * packet authenticated: a spoofed datagram that fails to open costs nothing). When all
 * slots are taken, the oldest one that is not the last validated fallback makes room.
 */
function arrivalPath(c: Connection): Path {
  const found = findPath(c, rxHandle);
  if (found) return found;
  const p = new Path(rxHandle);
  if (!rxCredited) { p.bytesReceived += rxBytes; rxCredited = true; }
  if (c.others.length >= MAX_OTHER_PATHS) {
    let victim = 0;
    if (unchecked(c.others[0]).validated && c.others.length > 1) victim = 1;
    const gone = unchecked(c.others[victim]);
    c.others.splice(victim, 1);
    dropPath(c, gone);
    armPathTimer(c); // the evicted path may have been validating
  }
  ownOthers(c).push(p);
  pathRef(p.handle);
  return p;
}

// ---- Frames (§19.17, §19.18). ----

/** PATH_CHALLENGE / PATH_RESPONSE: answer on the arrival path; a matching response validates. */
export function onPathFrame(c: Connection, f: Frame): i32 {
  const data = load<u64>(f.token);
  if (f.type == FrameType.PATH_CHALLENGE) {
    const p = arrivalPath(c);
    p.response = data; // a newer challenge replaces an unanswered one (bounded state)
    p.responseDue = true;
    return 0;
  }
  // §8.2.3: a response received on any path validates the path its challenge went on.
  if (c.path.validating && c.path.challenge == data) { onValidated(c, c.path); return 0; }
  for (let i = 0; i < c.others.length; i++) {
    const p = unchecked(c.others[i]);
    if (p.validating && p.challenge == data) { onValidated(c, p); return 0; }
  }
  return 0; // an unknown response (late, or for an abandoned path) is ignored
}

function onValidated(c: Connection, p: Path): void {
  p.validating = false;
  p.challengeDue = false;
  p.validated = true;
  p.retryAt = Infinity;
  p.abandonAt = Infinity;
  armPathTimer(c);
  holdWhileBlocked(c); // a validated path has no amplification limit
  c.pathsValidated++;
  if (p == c.path) {
    // §9.4: a new address gets fresh congestion and RTT state; a port change may keep it.
    if (p.addressChanged) resetRecovery(c);
    p.addressChanged = false;
    if (c.migrations > 0) c.newAddressValidated = true;
  }
  if (p.ownMove) onOwnMoveValidated(c, p);
}

/**
 * Client: the path we moved to answered. The old paths are of no more use (§9.3.2 keeps a
 * fallback only while the new path is unproven): dropping them lets the host close the old
 * socket and retires their CIDs.
 */
function onOwnMoveValidated(c: Connection, p: Path): void {
  p.ownMove = false;
  if (p.preferred) c.preferredAddressUsed = true;
  let previous = 0;
  for (let i = c.others.length - 1; i >= 0; i--) {
    const o = unchecked(c.others[i]);
    if (!o.validated) continue;
    previous = o.handle;
    c.others.splice(i, 1);
    dropPath(c, o);
  }
  armPathTimer(c);
  pushEvent(EventKind.PATH_VALIDATED, <u32>c.handle, <u64>p.handle, <u64>previous, p.preferred ? 1 : 0);
}

/** §9.4: fresh congestion controller and RTT estimator (and pacer) for a new path. */
export function resetRecovery(c: Connection): void {
  const inFlight = c.cc.bytesInFlight; // packets already sent still leave the window when acked or lost
  c.cc = new CongestionController(c.cc.kind, <f64>SEND_DATAGRAM_SIZE, c.config.get(ConfigKey.HYSTART) != 0);
  c.cc.bytesInFlight = inFlight;
  c.rtt = new RttEstimator(c.config.get(ConfigKey.INITIAL_RTT_MS) * 1000);
  c.pacer = new Pacer(<f64>SEND_DATAGRAM_SIZE);
  pathSizeChanged(c);
}

/** Starts validating `p` (§8.2.1) unless it is under way. */
export function startValidation(c: Connection, p: Path, now: f64): void {
  if (p.validating) return;
  p.validating = true;
  p.retries = 0;
  newChallenge(p);
  p.retryAt = now + c.rtt.pto(c.peerMaxAckDelay());
  const initialPto = new RttEstimator(INITIAL_RTT_US).pto(c.peerMaxAckDelay());
  const pto = c.rtt.pto(c.peerMaxAckDelay());
  p.abandonAt = now + 3 * (pto > initialPto ? pto : initialPto);
  armPathTimer(c);
}

const scratch = memory.data(8);

function newChallenge(p: Path): void {
  // §8.2.1: unpredictable data, from the CSPRNG.
  hostRandomFill(scratch, 8);
  p.challenge = load<u64>(scratch);
  p.challengeDue = true;
}

/**
 * Writes what `p` owes (a PATH_RESPONSE, a PATH_CHALLENGE) at q; returns the new q.
 * The caller pads the datagram to 1200 bytes when the path allows it (§8.2.1, §8.2.2).
 */
export function writePathFrames(c: Connection, p: Path, q: usize, end: usize): usize {
  if (p.responseDue && end - q >= 9) {
    store<u64>(scratch, p.response);
    q += <usize>encodePath(q, end, FrameType.PATH_RESPONSE, scratch);
    p.responseDue = false;
  }
  if (p.challengeDue && end - q >= 9) {
    store<u64>(scratch, p.challenge);
    q += <usize>encodePath(q, end, FrameType.PATH_CHALLENGE, scratch);
    p.challengeDue = false;
    c.ownPathCounters().pathChallengesSent++;
  }
  return q;
}

/** A path other than the one in use with a frame owed on it (its own small datagram), or null. */
export function otherPathDue(c: Connection): Path | null {
  for (let i = 0; i < c.others.length; i++) {
    const p = unchecked(c.others[i]);
    if (p.responseDue || p.challengeDue) return p;
  }
  return null;
}

// ---- Migration (§9.3). ----

/**
 * A packet from another path was processed. `largestNonProbing`: it carried a non-probing
 * frame and is the highest-numbered packet so far, so the peer has moved (§9.3).
 */
export function onPacketFromOtherPath(c: Connection, largestNonProbing: bool, now: f64): void {
  const np = arrivalPath(c);
  if (!largestNonProbing || !c.isServer || !c.handshakeConfirmed) return;
  const old = c.path;
  for (let i = 0; i < c.others.length; i++) if (unchecked(c.others[i]) == np) { c.others.splice(i, 1); break; }
  // Keep the old path as the fallback (§9.3.2) and re-validate it (§9.3.3): if the move
  // was an attacker's copy, the genuine peer answers there and its next packets move us back.
  if (c.others.length >= MAX_OTHER_PATHS) { const gone = unchecked(c.others[0]); c.others.splice(0, 1); dropPath(c, gone); }
  ownOthers(c).push(old);
  moveTo(c, np);
  c.ownPathCounters().migrations++;
  // After moving, validations of other paths may be abandoned (§9.3) — but not the old
  // path's: it is the one that proves or disproves this move.
  if (old.validated) startValidation(c, old, now);
  np.addressChanged = !samePeerAddress(old.handle, np.handle);
  if (!np.validated) startValidation(c, np, now);
  holdWhileBlocked(c); // the budget is the new path's now
  pushEvent(EventKind.PATH_MIGRATED, <u32>c.handle, <u64>np.handle, <u64>old.handle, 0);
}

/** A server that may not send a useful datagram on its path until more bytes arrive (§8.1). */
export function amplificationBlocked(c: Connection): bool {
  return c.isServer && c.path.sendLimit(SEND_DATAGRAM_SIZE, true) < 64;
}

/**
 * A server out of amplification budget can send nothing, so a due ACK or pacer wake-up
 * would fire again at once: the timer table holds those slots until bytes from the peer
 * or a validation give budget again (timer-table.ts). Called whenever the budget moves:
 * a datagram received (receive.ts) or sent (transmit.ts), a validation, a move.
 */
export function holdWhileBlocked(c: Connection): void {
  c.timers.holdSending(amplificationBlocked(c));
}

/** Writes this room's slot of the timer table: the earliest validation deadline. */
function armPathTimer(c: Connection): void {
  c.timers.set(TimerKind.PATH, pathDeadline(c));
}

/** The earliest path validation deadline of `c`. */
export function pathDeadline(c: Connection): f64 {
  let m = c.path.deadline();
  for (let i = 0; i < c.others.length; i++) { const d = unchecked(c.others[i]).deadline(); if (d < m) m = d; }
  return m;
}

/** Path validation timers: a fresh challenge after a PTO, abandon after 3 PTOs (§8.2.4). */
export function onPathTimer(c: Connection, now: f64): void {
  pathTimers(c, now);
  armPathTimer(c);
  holdWhileBlocked(c); // a revert moves sending to a validated path
}

function pathTimers(c: Connection, now: f64): void {
  for (let i = c.others.length - 1; i >= 0; i--) {
    const p = unchecked(c.others[i]);
    if (!p.validating) continue;
    if (p.abandonAt <= now) {
      // §8.2.4: the path is unusable. A fallback that fails its re-validation goes too.
      c.others.splice(i, 1);
      dropPath(c, p);
    } else if (p.retryAt <= now) retry(c, p, now);
  }
  const cur = c.path;
  if (!cur.validating) return;
  if (cur.abandonAt <= now) {
    cur.validating = false;
    cur.retryAt = Infinity;
    cur.abandonAt = Infinity;
    // §9.3.2: revert to the last validated path.
    for (let i = c.others.length - 1; i >= 0; i--) {
      const p = unchecked(c.others[i]);
      if (!p.validated) continue;
      c.others.splice(i, 1);
      moveTo(c, p);
      if (cur.ownMove) c.ownPathCounters().ownMigrationsFailed++;
      cur.ownMove = false;
      dropPath(c, cur);
      c.ownPathCounters().pathReverts++;
      pushEvent(EventKind.PATH_MIGRATED, <u32>c.handle, <u64>p.handle, <u64>cur.handle, 1);
      return;
    }
    // No validated path left: the connection keeps sending to this one within the 3× budget
    // until the idle timer ends it (§9.3.2 would close silently; a server that never moves
    // without a validated fallback does not get here).
  } else if (cur.retryAt <= now) retry(c, cur, now);
}

function retry(c: Connection, p: Path, now: f64): void {
  p.retries++;
  newChallenge(p);
  const backoff = <f64>(1 << (p.retries < 8 ? p.retries : 8));
  p.retryAt = now + c.rtt.pto(c.peerMaxAckDelay()) * backoff;
}

// ---- Port-only change (§9.4): compares the host's address bytes (IP without port). ----

// @ts-ignore: decorator
@external("host", "pathAddress")
declare function pathAddressOf(path: i32, out: usize, cap: i32): i32;

const addrA = memory.data(32);
const addrB = memory.data(32);

function samePeerAddress(a: i32, b: i32): bool {
  const na = pathAddressOf(a, addrA, 32);
  const nb = pathAddressOf(b, addrB, 32);
  return na == nb && (na <= 0 || memory.compare(addrA, addrB, <usize>na) == 0);
}
