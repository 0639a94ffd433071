// A client meets Retry (RFC 9000 §8.1.2, §17.2.5.2; RFC 9001 §5.8): the server wants
// proof that we receive at its address before it keeps any state. Anyone on the path
// can send a Retry, so it is checked first: at most one, only before any Initial of the
// server was processed, with a non-empty token, a Source Connection ID that differs
// from the DCID we sent, and the right integrity tag. Otherwise it is ignored (counted
// as dropped).
//
// Following it: the Retry's SCID becomes our DCID, the token goes into every Initial
// from now on, the Initial keys are derived again from the new DCID (the host does it
// on the RETRY event: the core holds no key material), and the Initial space's send
// state is reset — the ClientHello is sent again, packet numbers continue (§17.2.5.3),
// and the bytes of the first flight leave the congestion controller (RFC 9002 §6.3).
// The server's transport parameters are then checked against the Retry
// (retry_source_connection_id, §7.3; abi/conn.ts connSetPeerTransportParams).

import { Connection, STATE_HANDSHAKING } from "./connection";
import { SPACE_INITIAL } from "./space";
import { TimerKind } from "./timer-table";
import { hdrDcid, hdrDcidLen, hdrScid, hdrScidLen, hdrToken, hdrTokenLen, hdrVersion } from "../wire/header";
import { retryTagValid } from "../crypto/retry-tag";
import { requeueFrames } from "./loss";
import { pushEvent, EventKind } from "./events";

function same(a: Uint8Array, p: usize, len: i32): bool {
  return a.length == len && memory.compare(a.dataStart, p, <usize>len) == 0;
}

function copy(p: usize, len: i32): Uint8Array {
  const b = new Uint8Array(len);
  memory.copy(b.dataStart, p, <usize>len);
  return b;
}

/** The Retry packet at [p, p+n) whose header was just parsed. True when it was followed. */
export function onRetry(c: Connection, p: usize, n: i32): bool {
  const ids = c.ids;
  if (c.isServer || c.state != STATE_HANDSHAKING || ids.peerSet || ids.retrySource.length > 0) return false;
  if (hdrVersion != c.version || hdrTokenLen <= 0) return false;
  if (!same(ids.local, hdrDcid, hdrDcidLen)) return false;
  if (same(ids.originalDcid, hdrScid, hdrScidLen)) return false;
  if (!retryTagValid(c.version, ids.originalDcid.dataStart, ids.originalDcid.length, p, n)) return false;

  const scid = copy(hdrScid, hdrScidLen);
  ids.retrySource = scid;
  ids.peer = scid;
  ids.token = copy(hdrToken, hdrTokenLen);
  c.retriesReceived++;

  // The first flight goes again under the new keys; what it had in flight is forgotten.
  const sp = c.spaces[SPACE_INITIAL];
  for (let i = sp.sent.start; i < sp.sent.end; i++) {
    const pk = sp.sent.at(i);
    if (pk.retired) continue;
    requeueFrames(c, sp, pk);
    if (pk.inFlight) c.cc.onDiscarded(pk.size);
  }
  sp.sent.clear();
  sp.ackElicitingInFlight = 0;
  sp.lossTime = Infinity;
  sp.probes = 0;
  c.ptoCount = 0;
  c.timers.set(TimerKind.LOSS, Infinity);
  // Nothing is sent or opened with the old keys; the host installs the new ones on RETRY.
  sp.readAead = 0; sp.readHp = 0; sp.writeAead = 0; sp.writeHp = 0;
  pushEvent(EventKind.RETRY, <u32>c.handle, 0, 0, 0);
  return true;
}
