// A client meets Version Negotiation (RFC 9000 §6.2): the server does not speak the
// version we attempted. Without it, the attempt would only end at the handshake timeout.
// The packet is checked first, since anyone on the path could send one: it is ignored
// once any other packet was processed, when it lists the version we attempted (a
// downgrade attempt, §6.2), or when its connection IDs do not echo ours (§17.2.1).
// Otherwise the attempt is abandoned and the host learns which versions the server
// offered, with the version a new attempt would use (RFC 9368 §2.1; the host makes that
// attempt, marked so that its handshake checks the server's versions, conn/versions.ts).

import { Connection, STATE_HANDSHAKING } from "./connection";
import { hdrScid, hdrScidLen, vnVersionCount } from "../wire/header";
import { pushEvent, EventKind } from "./events";
import { selectVersion } from "./versions";

/** The Version Negotiation packet whose header was just parsed, ending at `end`. True when the attempt was abandoned. */
export function onVersionNegotiation(c: Connection, end: usize): bool {
  // RFC 9368 §4: an attempt made because of Version Negotiation ignores any further one.
  if (c.isServer || c.state != STATE_HANDSHAKING || c.packetsReceived > 0 || c.afterVersionNegotiation) return false;
  // §17.2.1: its Source Connection ID is the Destination Connection ID we sent.
  const odcid = c.ids.originalDcid;
  if (hdrScidLen != odcid.length || memory.compare(hdrScid, odcid.dataStart, <usize>hdrScidLen) != 0) return false;
  const n = vnVersionCount(end);
  if (n <= 0) return false;
  const list = hdrScid + <usize>hdrScidLen;
  // The version reported is the first one that is not a reserved (greasing) value, §15.
  let shown: u32 = 0;
  for (let i = 0; i < n; i++) {
    const v = bswap<u32>(load<u32>(list + (<usize>i << 2)));
    if (v == c.originalVersion) return false;
    if (shown == 0 && (v & 0x0f0f0f0f) != 0x0a0a0a0a) shown = v;
  }
  // RFC 9368 §2.1: the version a new attempt would use, the first of ours the server lists (0: none).
  pushEvent(EventKind.VERSION_NEGOTIATION, <u32>c.handle, <u64>n, <u64>shown, selectVersion(list, n, 0));
  c.finishClose();
  return true;
}
