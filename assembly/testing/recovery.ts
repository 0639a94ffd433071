// Probes of the recovery rooms for unit tests (test/core/): the RTT estimator, the
// congestion controllers, the pacer, and loss detection on a bare connection. One
// instance of each lives here; a `*Reset` call starts a fresh one. Values cross as f64.

import { RttEstimator } from "../recovery/rtt";
import { CongestionController } from "../recovery/cc";
import { Pacer } from "../recovery/pacer";
import { SF_PING } from "../recovery/sent";
import { Connection, STATE_CONFIRMED } from "../conn/connection";
import { Config, ConfigKey } from "../conn/config";
import { SPACE_APP } from "../conn/space";
import { onAckFrame, onLossTimeout, setLossTimer } from "../conn/loss";
import { encodeAck } from "../wire/frames/encode";
import { decodeFrame } from "../wire/frames/decode";
import { takeFrame } from "../conn/frame";
import { scratchBuf, SCRATCH_CAPACITY } from "../abi/io";

// ---- RTT (RFC 9002 §5) ----
let rtt = new RttEstimator();

export function rttReset(initialRtt: f64): void { rtt = new RttEstimator(initialRtt); }
export function rttUpdate(latest: f64, ackDelay: f64, maxAckDelay: f64, confirmed: i32, now: f64): void {
  rtt.update(latest, ackDelay, maxAckDelay, confirmed != 0, now);
}
/** 0 latest, 1 smoothed, 2 rttvar, 3 min, 4 first sample time. */
export function rttGet(field: i32): f64 {
  switch (field) {
    case 0: return rtt.latestRtt;
    case 1: return rtt.smoothedRtt;
    case 2: return rtt.rttvar;
    case 3: return rtt.minRtt;
    default: return rtt.firstSampleTime;
  }
}
export function rttPto(maxAckDelay: f64): f64 { return rtt.pto(maxAckDelay); }

// ---- Congestion control (RFC 9002 §7, RFC 9438) ----
let cc = new CongestionController(0, 1200);

export function ccReset(kind: i32, maxDatagramSize: f64): void { cc = new CongestionController(kind, maxDatagramSize); }
export function ccOnSent(bytes: i32): void { cc.onSent(bytes); }
export function ccOnAcked(bytes: i32, timeSent: f64, now: f64, srtt: f64): void { cc.onAcked(bytes, timeSent, now, srtt); }
export function ccOnLost(bytes: i32, latestTimeSent: f64, now: f64): void { cc.onLost(bytes, latestTimeSent, now); }
export function ccOnRttSample(latestRtt: f64): void { cc.onRttSample(latestRtt); }
export function ccOnPersistentCongestion(): void { cc.onPersistentCongestion(); }
export function ccCanSend(bytes: i32): i32 { return cc.canSend(bytes) ? 1 : 0; }
/** 0 cwnd, 1 ssthresh, 2 bytes in flight, 3 loss events, 4 recovery start. */
export function ccGet(field: i32): f64 {
  switch (field) {
    case 0: return cc.cwnd;
    case 1: return cc.ssthresh;
    case 2: return <f64>cc.bytesInFlight;
    case 3: return <f64>cc.lossEvents;
    default: return cc.recoveryStart;
  }
}

// ---- Pacer (RFC 9002 §7.7) ----
let pacer = new Pacer(1200);

export function pacerReset(maxDatagramSize: f64): void { pacer = new Pacer(maxDatagramSize); }
export function pacerCanSend(bytes: i32, cwnd: f64, srtt: f64, now: f64): i32 { return pacer.canSend(bytes, cwnd, srtt, now) ? 1 : 0; }
export function pacerOnSent(bytes: i32): void { pacer.onSent(bytes); }
export function pacerNextSendTime(): f64 { return pacer.nextSendTime; }
export function pacerTokens(): f64 { return pacer.tokens; }

// ---- Loss detection (RFC 9002 §6) on a bare 1-RTT space ----
let conn = new Connection(1, false, 1, 0, new Config());
const ackRanges: usize = memory.data(16);

/** A fresh client connection, handshake confirmed, with `initialRttMs` as its initial RTT. */
export function lossReset(initialRttMs: f64): void {
  const cfg = new Config();
  cfg.set(ConfigKey.INITIAL_RTT_MS, initialRttMs);
  conn = new Connection(1, false, 1, 0, cfg);
  conn.setupLocal(0);
  conn.handshakeComplete = true;
  conn.handshakeConfirmed = true;
  conn.state = STATE_CONFIRMED;
}

/** Records an ack-eliciting 1-RTT packet `pn` of `size` bytes sent at `timeSent`. */
export function lossSent(pn: f64, timeSent: f64, size: i32): void {
  const sp = conn.spaces[SPACE_APP];
  sp.ownSent().begin();
  sp.sent.addFrame(SF_PING, 0, 0, 0, false);
  sp.sent.commit(<u64>pn, timeSent, size, true, true, -1);
  sp.nextPn = <u64>pn + 1;
  sp.ackElicitingInFlight++;
  sp.timeOfLastAckEliciting = timeSent;
  conn.cc.onSent(size);
  setLossTimer(conn, timeSent);
}

/** The peer acknowledges [smallest, largest] (one range, no ack delay) at `now`. Returns 0 or -code. */
export function lossAck(largest: f64, smallest: f64, now: f64): i32 {
  store<u64>(ackRanges, <u64>smallest);
  store<u64>(ackRanges + 8, <u64>largest);
  const n = encodeAck(scratchBuf, scratchBuf + <usize>SCRATCH_CAPACITY, ackRanges, 1, 0, false, 0, 0, 0);
  if (decodeFrame(scratchBuf, scratchBuf + <usize>n) != n) return -1;
  return onAckFrame(conn, conn.spaces[SPACE_APP], takeFrame(), now);
}

export function lossTimeout(now: f64): void { onLossTimeout(conn, now); }

/** 0 packets lost, 1 loss time (app space), 2 loss timer, 3 cwnd, 4 bytes in flight, 5 smoothed RTT, 6 PTO count, 7 live packets. */
export function lossGet(field: i32): f64 {
  const sp = conn.spaces[SPACE_APP];
  switch (field) {
    case 0: return <f64>conn.packetsLost;
    case 1: return sp.lossTime;
    case 2: return conn.lossTimer;
    case 3: return conn.cc.cwnd;
    case 4: return <f64>conn.cc.bytesInFlight;
    case 5: return conn.rtt.smoothedRtt;
    case 6: return <f64>conn.ptoCount;
    default: return <f64>sp.sent.live;
  }
}
