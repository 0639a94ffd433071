// Client-initiated migration (RFC 9000 §9.2, §9.3, §9.5, §9.6): the client moves the
// connection to a path the host opened for it — a new local socket to the same server
// (the application's migrate()), or its socket to the server's preferred address (§9.6).
//
// The move is at once (§9.2/§9.3: "an endpoint can migrate to a new local address ...
// before validating it"): the client sends everything on the new path from the next
// datagram, to a CID of the server's never used before (§9.5), with fresh congestion and
// RTT state (§9.4; the PMTU search starts again at 1200, path.ts moveTo), and validates it
// with PATH_CHALLENGE (§8.2; the server validates our address the same way). The old path
// stays as the fallback, and the host keeps its socket reading, until the new path
// answers: then the old paths are dropped (PATH_VALIDATED; the host closes the old
// socket, their CIDs are retired). If validation fails (§8.2.4: 3 PTOs), path.ts reverts
// to the old path (PATH_MIGRATED with c = 1) and the host's migrate() rejects.
//
// Refused, with the reasons the host turns into typed errors (MigrateError): a server
// (§9: only clients initiate), before the handshake is confirmed (§9), a server that sent
// disable_active_migration (§18.2; not for the preferred address, §9.6), a zero-length
// server CID (§9.5: nothing to change to, and the path would be linkable), no spare CID
// (§9.5: the host may wait for NEW_CONNECTION_ID and try again), a move under way.

import { Connection, STATE_CONFIRMED } from "./connection";
import { Path, MAX_OTHER_PATHS } from "./path-state";
import { ownOthers, dropPath, moveTo, resetRecovery, startValidation, pathRef } from "./path";
import { TpId } from "../wire/tparams";
import { pushEvent, EventKind } from "./events";

/** Why a move was refused (returned negated by connMigrate). Far from ERR_NO_CONNECTION (0x10004). */
export namespace MigrateError {
  /** A server never initiates migration (§9). */
  export const SERVER: i32 = 1;
  /** Not before the handshake is confirmed (§9), nor once closing. */
  export const NOT_CONFIRMED: i32 = 2;
  /** The server sent disable_active_migration (§18.2). */
  export const DISABLED: i32 = 3;
  /** The server's CID is zero-length (§9.5). */
  export const ZERO_LENGTH_CID: i32 = 4;
  /** Every CID the server gave us was used already (§9.5). */
  export const NO_CONNECTION_ID: i32 = 5;
  /** A move is being validated. */
  export const IN_PROGRESS: i32 = 6;
  /** The path is one the connection has already. */
  export const SAME_PATH: i32 = 7;
  /** No preferred_address from the server, or its CID is gone. */
  export const NO_PREFERRED_ADDRESS: i32 = 8;
}

/** The sequence number of the CID in the server's preferred_address (§5.1.1). */
const PREFERRED_CID_SEQ: u64 = 1;

/**
 * Moves `c` to the host's path `handle`; `preferred`: it leads to the server's preferred
 * address (§9.6) and uses the CID given with it; `checkOnly`: only says whether a move
 * would be allowed now (the host asks before it binds a socket). Returns 0 or -MigrateError.
 */
export function migrateTo(c: Connection, handle: i32, preferred: bool, checkOnly: bool, now: f64): i32 {
  if (c.isServer) return -MigrateError.SERVER;
  if (!c.handshakeConfirmed || c.state != STATE_CONFIRMED) return -MigrateError.NOT_CONFIRMED;
  // §9.6: disable_active_migration does not forbid the move to the preferred address.
  if (!preferred && c.peerTp.has(TpId.DISABLE_ACTIVE_MIGRATION)) return -MigrateError.DISABLED;
  if (c.ids.peer.length == 0) return -MigrateError.ZERO_LENGTH_CID;
  if (c.path.ownMove) return -MigrateError.IN_PROGRESS;
  if (!checkOnly) {
    if (handle == c.path.handle) return -MigrateError.SAME_PATH;
    for (let i = 0; i < c.others.length; i++) if (unchecked(c.others[i]).handle == handle) return -MigrateError.SAME_PATH;
  }
  let seq: u64 = 0;
  if (preferred) {
    if (!c.peerTp.has(TpId.PREFERRED_ADDRESS) || !c.ids.holdsUnused(PREFERRED_CID_SEQ)) return -MigrateError.NO_PREFERRED_ADDRESS;
    seq = PREFERRED_CID_SEQ;
  } else {
    const fresh = c.ids.unusedPeer();
    if (!fresh) return -MigrateError.NO_CONNECTION_ID;
    seq = fresh.seq;
  }
  if (checkOnly) return 0;
  const old = c.path;
  const np = new Path(handle);
  pathRef(handle);
  np.cidSeq = <i64>seq;
  np.ownMove = true;
  np.preferred = preferred;
  // The old path is the fallback until the new one answers (§9.3.2); paths kept besides
  // it (a probe the server sent on another address) make room.
  while (c.others.length >= MAX_OTHER_PATHS) { const gone = unchecked(c.others[0]); c.others.splice(0, 1); dropPath(c, gone); }
  ownOthers(c).push(old);
  moveTo(c, np);
  resetRecovery(c); // §9.4: the new path's capacity and RTT are unknown
  c.ownPathCounters().ownMigrations++;
  startValidation(c, np, now);
  pushEvent(EventKind.PATH_MIGRATED, <u32>c.handle, <u64>np.handle, <u64>old.handle, 0);
  return 0;
}
