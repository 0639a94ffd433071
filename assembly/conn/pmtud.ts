// Datagram Packetization Layer PMTU Discovery (DPLPMTUD, RFC 8899, as RFC 9000 §14.3
// uses it) for one path. Every path carries 1200-byte datagrams (RFC 9000 §14, the
// BASE_PLPMTU); once the handshake is confirmed, probe packets (PING + PADDING, RFC 9000
// §14.4) of larger sizes test the path. An acknowledged probe raises the size every
// packet may use; a size whose probes are lost MAX_PROBES times is too large. Probes
// take congestion window but their loss is no congestion signal (RFC 9000 §14.4, RFC 8899
// §3 item 7): loss.ts asks isProbe() before it counts a loss against the window.
//
// The search: first the ceiling (min of our limit and the peer's max_udp_payload_size;
// on loopback that succeeds at once), then 1452 (Ethernet less IPv6 + UDP headers, the
// commonest real limit), then a binary search between the largest size acknowledged and
// the smallest size known to fail, until they are within SEARCH_DONE_WIDTH.
//
// Black holes (RFC 8899 §4.3): a path that stops carrying large datagrams (a route
// change) would otherwise stall the connection. BLACK_HOLE_THRESHOLD large packets
// declared lost with no large packet acknowledged in between drop the size back to
// 1200 and the search starts again after BLACK_HOLE_RESEARCH. PTO probes go out at 1200
// (transmit.ts), so that their acknowledgments reach loss detection even when every
// large datagram vanishes.

import { Connection, STATE_CLOSING } from "./connection";
import { ConfigKey } from "./config";
import { SPACE_APP } from "./space";
import { TpId } from "../wire/tparams";
import { SentPacket } from "../recovery/sent";

import { Pmtud, BASE_PLPMTU } from "./pmtud-search";
export { BASE_PLPMTU };

// ---- The connection's side: when to probe, what a probe's fate means for recovery ----

/** The largest datagram `c` may send now on its path. */
export function pathDatagramSize(c: Connection): i32 {
  return c.path.pmtud.size;
}

/**
 * The size of the PMTU probe `c` should send now (0: none). The ceiling is the smallest
 * of our limit (ConfigKey.MAX_DATAGRAM_SIZE: the option, capped by the host at what its
 * interface carries), the peer's max_udp_payload_size (RFC 9000 §18.2) and `cap` (the
 * transmit region). Probes wait for a confirmed handshake (RFC 9000 §14.3 lets them
 * start then), take congestion window like any packet, and never run beside a PTO.
 * -1: a probe is due but the window has no room for it yet.
 */
export function pmtuProbeSize(c: Connection, cap: i32, now: f64): i32 {
  if (!c.handshakeConfirmed || c.state >= STATE_CLOSING) return 0;
  const m = c.path.ownPmtud();
  m.enabled = c.config.get(ConfigKey.PMTUD) != 0;
  let ceiling = <i32>c.config.get(ConfigKey.MAX_DATAGRAM_SIZE);
  const peer = c.peerTp.get(TpId.MAX_UDP_PAYLOAD_SIZE);
  if (peer < <u64>ceiling) ceiling = <i32>peer;
  if (cap < ceiling) ceiling = cap;
  const sp = c.spaces[SPACE_APP];
  if (sp.probes > 0 || !sp.hasWriteKeys()) return 0;
  const size = m.nextProbe(ceiling, <i32>(c.cc.cwnd / 2), now);
  // When the window's free room is short, the probe holds back other ack-eliciting
  // packets until the room is there: otherwise data that fits in less room would take
  // every opening in a bulk transfer.
  if (size <= m.size) return 0;
  return c.cc.canSend(size) ? size : -1;
}

/** Sets the size the congestion controller and the pacer count in (RFC 9002 §7.2 max_datagram_size). */
function setUnits(c: Connection, size: i32): void {
  c.cc.maxDatagramSize = <f64>size;
  c.pacer.maxDatagramSize = <f64>size;
  if (c.cc.cwnd < c.cc.minimumWindow()) c.cc.cwnd = c.cc.minimumWindow();
}

/**
 * The connection sends on another path now (path.ts moveTo): its datagram size is that
 * path's (1200 on a new one, whose search starts afresh, RFC 8899 §5.2 / RFC 9000 §14.3),
 * and the congestion controller and the pacer count in it, not in the old path's size.
 */
export function pathSizeChanged(c: Connection): void {
  setUnits(c, c.path.pmtud.size);
}

/** An application-space packet was acknowledged (loss.ts): a probe raises the path's size. */
export function onPmtuAcked(c: Connection, p: SentPacket): void {
  const m = c.path.pmtud;
  if (m.isProbe(p.pn)) setUnits(c, m.onProbeAcked());
  else m.onAcked(p.size);
}

/**
 * An application-space packet was declared lost (loss.ts). Returns true for a PMTU
 * probe: its loss says the size is too large, not that the path is congested, so the
 * caller takes it out of flight without a congestion event.
 */
export function onPmtuLost(c: Connection, p: SentPacket, now: f64): bool {
  const m = c.path.pmtud;
  if (m.isProbe(p.pn)) { m.onProbeLost(); return true; }
  if (m.onLost(p.size, now)) setUnits(c, BASE_PLPMTU);
  return false;
}
