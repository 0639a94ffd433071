// ACK processing, loss detection and PTO (RFC 9002 §6, Appendix A; names follow it).
// Lost frames are queued again; acknowledged frames are retired.

import { Connection, STATE_CLOSING } from "./connection";
import { PacketSpace, SPACE_INITIAL, SPACE_HANDSHAKE, SPACE_APP } from "./space";
import { onHandshakeDoneLost } from "./close";
import { SentPacket, SF_CRYPTO, SF_STREAM, SF_HANDSHAKE_DONE, SF_MAX_DATA, SF_MAX_STREAM_DATA,
  SF_MAX_STREAMS_BIDI, SF_MAX_STREAMS_UNI, SF_RESET_STREAM, SF_STOP_SENDING, SF_ACK, SF_DATA_BLOCKED,
  SF_STREAM_DATA_BLOCKED, SF_STREAMS_BLOCKED, SF_NEW_CONNECTION_ID, SF_RETIRE_CONNECTION_ID, SF_DATAGRAM, SF_NEW_TOKEN } from "../recovery/sent";
import { onNewCidAcked, onNewCidLost, onRetireCidAcked, onRetireCidLost } from "./cid";
import { onDatagramAcked, onDatagramsLost } from "./datagrams";
import { onNewTokenLost, onNewTokenAcked } from "./new-token";
import { GRANULARITY } from "../recovery/rtt";
import { Frame } from "./frame";
import { TimerKind } from "./timer-table";
import { PROTOCOL_VIOLATION } from "../wire/errors";
import { qlogEnabled, qlogPacket, QLOG_PACKET_LOST, QLOG_LOST_TIME, QLOG_LOST_REORDERING } from "./qlog";
import { onStreamAcked, onStreamLost, onResetStreamAcked, onResetStreamLost, onStopSendingLost, onMaxStreamDataLost } from "./streams/frames";
import { onMaxDataLost, onMaxStreamsLost } from "./flow";
import { onCryptoAcked, onCryptoLost } from "./crypto-frames";
import { onPmtuAcked, onPmtuLost } from "./pmtud";

const PACKET_THRESHOLD: u64 = 3; // kPacketThreshold
const TIME_THRESHOLD: f64 = 9.0 / 8.0; // kTimeThreshold
const PERSISTENT_CONGESTION_THRESHOLD: f64 = 3; // kPersistentCongestionThreshold

/** An ACK frame (a = largest, b = ack delay; its ranges walked through the record). Returns 0 or -code. */
export function onAckFrame(c: Connection, sp: PacketSpace, f: Frame, now: f64): i32 {
  const largest = f.a;
  if (<i64>largest >= <i64>sp.nextPn) return -PROTOCOL_VIOLATION; // §13.1: acknowledging a packet never sent
  if (<i64>largest > sp.largestAcked) sp.largestAcked = <i64>largest;

  // The ranges are walked in place in the frame (highest first), nothing copied.
  let newlyPn: i64 = -1;
  let newlyTimeSent: f64 = 0;
  let anyAckEliciting = false;
  const q = sp.sent;
  f.firstRange();
  do {
    const hi = f.hi;
    for (let i = q.lowerBound(f.lo); i < q.end; i++) {
      const p = q.at(i);
      if (p.pn > hi) break;
      if (p.retired) continue;
      q.retire(i);
      if (<i64>p.pn > newlyPn) { newlyPn = <i64>p.pn; newlyTimeSent = p.timeSent; }
      if (p.ackEliciting) { anyAckEliciting = true; sp.ackElicitingInFlight--; }
      if (p.inFlight) c.cc.onAcked(p.size, p.timeSent, now, c.rtt.smoothedRtt);
      if (sp.id == SPACE_APP) onPmtuAcked(c, p);
      onPacketAcked(c, sp, p);
    }
  } while (f.nextRange());
  q.trim();
  if (newlyPn < 0) return 0;
  // RTT sample only when the largest acknowledged is newly acknowledged (§5.1).
  if (<u64>newlyPn == largest && anyAckEliciting) {
    const ackDelay = sp.id == SPACE_APP ? <f64>(f.b << c.peerAckDelayExponent()) : 0;
    c.rtt.update(now - newlyTimeSent, ackDelay, c.peerMaxAckDelay(), c.handshakeConfirmed, now);
    if (sp.id == SPACE_APP) c.cc.onRttSample(c.rtt.latestRtt); // HyStart++ (RFC 9406)
    c.armIdleTimers(); // §10.1: the idle period is at least three PTOs, which moved
  }
  detectLost(c, sp, now);
  // §6.2.1: reset the PTO backoff, except for a client whose address is not yet validated.
  if (c.isServer || c.handshakeComplete || sp.id != SPACE_INITIAL) c.ptoCount = 0;
  setLossTimer(c, now);
  return 0;
}

function onPacketAcked(c: Connection, sp: PacketSpace, p: SentPacket): void {
  if (p.largestAckedSent >= 0) sp.ownAck().trimBelow(<u64>p.largestAckedSent > 64 ? <u64>p.largestAckedSent - 64 : 0);
  const q = sp.sent;
  for (let k = 0; k < p.frameCount; k++) {
    const f = q.frame(p.firstFrame + <i64>k);
    switch (f.kind) {
      case SF_CRYPTO: onCryptoAcked(sp, f); break;
      case SF_STREAM: onStreamAcked(c, f); break;
      case SF_RESET_STREAM: onResetStreamAcked(c, f); break;
      case SF_NEW_CONNECTION_ID: onNewCidAcked(c.ids, f); break;
      case SF_RETIRE_CONNECTION_ID: onRetireCidAcked(c.ids, f); break;
      case SF_DATAGRAM: onDatagramAcked(c, f); break;
      case SF_NEW_TOKEN: onNewTokenAcked(c); break;
      default: break; // the others need nothing on acknowledgment
    }
  }
}

function onPacketLost(c: Connection, sp: PacketSpace, p: SentPacket): void {
  c.packetsLost++;
  onDatagramsLost(c, sp, p); // reported, not requeued (RFC 9221 §5.2)
  requeueFrames(c, sp, p);
}

/** Schedules a packet's frames again (loss, or a PTO probe): each room owes its frame again. */
export function requeueFrames(c: Connection, sp: PacketSpace, p: SentPacket): void {
  const q = sp.sent;
  for (let k = 0; k < p.frameCount; k++) {
    const f = q.frame(p.firstFrame + <i64>k);
    switch (f.kind) {
      case SF_CRYPTO: onCryptoLost(sp, f); break;
      case SF_STREAM: onStreamLost(c, f); break;
      case SF_HANDSHAKE_DONE: onHandshakeDoneLost(c); break;
      case SF_MAX_DATA: onMaxDataLost(c); break;
      case SF_MAX_STREAM_DATA: onMaxStreamDataLost(c, f); break;
      case SF_MAX_STREAMS_BIDI: onMaxStreamsLost(c, true); break;
      case SF_MAX_STREAMS_UNI: onMaxStreamsLost(c, false); break;
      case SF_RESET_STREAM: onResetStreamLost(c, f); break;
      case SF_STOP_SENDING: onStopSendingLost(c, f); break;
      case SF_NEW_CONNECTION_ID: onNewCidLost(c.ids, c.pending, f); break;
      case SF_RETIRE_CONNECTION_ID: onRetireCidLost(c.ids, c.pending, f); break;
      case SF_NEW_TOKEN: onNewTokenLost(c); break;
      default: break; // ACK, PING, *_BLOCKED: sent fresh when still relevant
    }
  }
}

/** §6.1: packet and time thresholds. */
function detectLost(c: Connection, sp: PacketSpace, now: f64): void {
  sp.lossTime = Infinity;
  if (sp.largestAcked < 0) return;
  const rttMax = c.rtt.latestRtt > c.rtt.smoothedRtt ? c.rtt.latestRtt : c.rtt.smoothedRtt;
  let lossDelay = TIME_THRESHOLD * rttMax;
  if (lossDelay < GRANULARITY) lossDelay = GRANULARITY;
  let lostBytes = 0;
  let latestLostTime: f64 = -1;
  let earliestLostTime: f64 = Infinity;
  let lostCount = 0;
  const q = sp.sent;
  // Only packets below the largest acknowledged can be lost (§6.1); the queue is in pn order.
  for (let i = q.start; i < q.end; i++) {
    const p = q.at(i);
    if (<i64>p.pn > sp.largestAcked) break;
    if (p.retired) continue;
    // One expression decides both "lost by time" and the next loss time, so that
    // floating-point rounding cannot leave a loss time at or before now (a timer that
    // fires forever without declaring anything lost).
    const lossAt = p.timeSent + lossDelay;
    if (lossAt <= now || <u64>sp.largestAcked >= p.pn + PACKET_THRESHOLD) {
      q.retire(i);
      if (qlogEnabled) qlogPacket(c, QLOG_PACKET_LOST, sp.id, p.pn, p.size, lossAt <= now ? QLOG_LOST_TIME : QLOG_LOST_REORDERING, 0, 0, now);
      if (p.ackEliciting) sp.ackElicitingInFlight--;
      // A lost PMTU probe says the size is too large, not that the path is congested
      // (RFC 9000 §14.4): out of flight, no congestion event (conn/pmtud.ts).
      if (sp.id == SPACE_APP && onPmtuLost(c, p, now)) {
        if (p.inFlight) c.cc.onDiscarded(p.size);
      } else if (p.inFlight) {
        lostBytes += p.size;
        if (p.timeSent > latestLostTime) latestLostTime = p.timeSent;
        if (p.timeSent < earliestLostTime) earliestLostTime = p.timeSent;
        lostCount++;
      }
      onPacketLost(c, sp, p);
    } else if (lossAt < sp.lossTime) {
      sp.lossTime = lossAt;
    }
  }
  q.trim();
  if (lostBytes > 0) {
    c.cc.onLost(lostBytes, latestLostTime, now);
    // §7.6: persistent congestion when the lost packets span more than
    // (smoothed_rtt + max(4 rttvar, granularity) + max_ack_delay) * 3, with an RTT sample.
    if (lostCount >= 2 && c.rtt.hasSample && earliestLostTime >= c.rtt.firstSampleTime) {
      const duration = c.rtt.pto(c.peerMaxAckDelay()) * PERSISTENT_CONGESTION_THRESHOLD;
      if (latestLostTime - earliestLostTime > duration) c.cc.onPersistentCongestion();
    }
  }
}

/**
 * A client keeps a PTO armed in the handshake spaces until the handshake is confirmed,
 * even with nothing in flight. RFC 9002 §6.2.2.1 requires this until a Handshake packet
 * is acknowledged (the server may be blocked by its amplification limit); we keep it to
 * confirmation because a lost Finished can otherwise deadlock: it is declared lost, so
 * nothing is in flight in the Handshake space, while its retransmission waits behind a
 * congestion window full of 1-RTT packets that the server cannot acknowledge before it
 * has the Finished. A PTO probe is exempt from the window and breaks the cycle.
 */
function clientAwaitsConfirmation(c: Connection): bool {
  return !c.isServer && !c.handshakeConfirmed;
}

/** §A.8: arms the loss detection timer (time threshold, else PTO): this room's slot of the timer table. */
export function setLossTimer(c: Connection, now: f64): void {
  const t = c.timers;
  if (c.state >= STATE_CLOSING) { t.set(TimerKind.LOSS, Infinity); return; }
  let earliest: f64 = Infinity;
  for (let i = 0; i < 3; i++) {
    const sp = c.spaces[i];
    if (!sp.discarded && sp.lossTime < earliest) earliest = sp.lossTime;
  }
  if (earliest < Infinity) { t.set(TimerKind.LOSS, earliest); return; }
  let anyInFlight = false;
  for (let i = 0; i < 3; i++) if (!c.spaces[i].discarded && c.spaces[i].ackElicitingInFlight > 0) anyInFlight = true;
  if (!anyInFlight && !clientAwaitsConfirmation(c)) { t.set(TimerKind.LOSS, Infinity); return; }
  t.set(TimerKind.LOSS, ptoTime(c, now));
}

function ptoTime(c: Connection, now: f64): f64 {
  let best: f64 = Infinity;
  for (let i = 0; i < 3; i++) {
    const sp = c.spaces[i];
    if (sp.discarded) continue;
    if (i == SPACE_APP && !c.handshakeConfirmed) continue; // §6.2.1: no app PTO before confirmation
    if (sp.ackElicitingInFlight == 0 && !(clientAwaitsConfirmation(c) && i != SPACE_APP && sp.hasWriteKeys())) continue;
    const base = sp.timeOfLastAckEliciting >= 0 ? sp.timeOfLastAckEliciting : now;
    const t = base + c.ptoPeriod(i);
    if (t < best) best = t;
  }
  return best;
}

/** The loss detection timer fired (§A.9). */
export function onLossTimeout(c: Connection, now: f64): void {
  // Time-threshold losses first.
  for (let i = 0; i < 3; i++) {
    const sp = c.spaces[i];
    if (!sp.discarded && sp.lossTime <= now) {
      detectLost(c, sp, now);
      setLossTimer(c, now);
      return;
    }
  }
  // PTO: probe in the earliest space with something in flight (or the handshake space a client still needs).
  let target = -1;
  let best: f64 = Infinity;
  for (let i = 0; i < 3; i++) {
    const sp = c.spaces[i];
    if (sp.discarded || !sp.hasWriteKeys()) continue;
    if (i == SPACE_APP && !c.handshakeConfirmed) continue;
    const base = sp.timeOfLastAckEliciting >= 0 ? sp.timeOfLastAckEliciting : now;
    const t = base + c.ptoPeriod(i);
    if ((sp.ackElicitingInFlight > 0 || (clientAwaitsConfirmation(c) && i != SPACE_APP)) && t < best) { best = t; target = i; }
  }
  c.ptoCount++;
  if (target >= 0) {
    const sp = c.spaces[target];
    // Probe with data still unacknowledged (RFC 9002 §6.2.4): queue it again.
    for (let i = sp.sent.start; i < sp.sent.end; i++) {
      const p = sp.sent.at(i);
      if (!p.retired && p.ackEliciting) requeueFrames(c, sp, p);
    }
    sp.probes = 2;
    // During the handshake, also probe the other handshake space (§6.2.4).
    if (target == SPACE_INITIAL && !c.spaces[SPACE_HANDSHAKE].discarded && c.spaces[SPACE_HANDSHAKE].hasWriteKeys()) c.spaces[SPACE_HANDSHAKE].probes = 1;
  }
  setLossTimer(c, now);
}
