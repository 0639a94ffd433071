// Connection IDs of one connection (RFC 9000 §5.1, §7.2, §10.3): ours, the peer's, the
// client's original DCID (Initial keys, §7.3 authentication) and our stateless reset
// token, with the frames that manage them. One CID per side today: NEW_CONNECTION_ID
// is checked and otherwise ignored, RETIRE_CONNECTION_ID has nothing to retire. Several
// CIDs, retire_prior_to and active_connection_id_limit (issue 18) grow in this room.

import { PROTOCOL_VIOLATION } from "../wire/errors";
import { Frame } from "./frame";

/** One shared empty array for the optional CIDs and tokens below (never written in place: fields are replaced). */
export const NO_BYTES = new Uint8Array(0);

export class ConnectionIds {
  /** Ours: the DCID of every packet the peer sends us (chosen by the endpoint from the CSPRNG). */
  local: Uint8Array = new Uint8Array(0);
  /** The peer's: the DCID of our packets. */
  peer: Uint8Array = new Uint8Array(0);
  /** The DCID of the client's first Initial (Initial keys and §7.3 authentication). */
  originalDcid: Uint8Array = new Uint8Array(0);
  /** The SCID the peer used in its first packet (checked against initial_source_connection_id). */
  peerInitialScid: Uint8Array = new Uint8Array(0);
  /** The peer's CID is known (a client learns it from the server's first Initial, §7.2). */
  peerSet: bool = false;
  /** The SCID of the Retry the client followed (server: the DCID the validated client used); empty without Retry (§7.3). */
  retrySource: Uint8Array = NO_BYTES;
  /** Client: the address validation token echoed in every Initial (§8.1: from a Retry or a NEW_TOKEN). */
  token: Uint8Array = NO_BYTES;
  /** Our stateless reset token (§10.3), from the CSPRNG. */
  resetToken: Uint8Array = new Uint8Array(16);

  /** The DCID of the client's current Initials: the one its Initial keys come from (RFC 9001 §5.2). */
  clientFirstDcid(): Uint8Array {
    return this.retrySource.length ? this.retrySource : this.originalDcid;
  }

  /** A client adopts the SCID of the server's first Initial as its DCID (§7.2). */
  adoptPeerScid(scid: usize, len: i32): void {
    if (this.peerSet) return;
    const cid = new Uint8Array(len);
    memory.copy(cid.dataStart, scid, <usize>len);
    this.peer = cid;
    this.peerInitialScid = cid;
    this.peerSet = true;
  }
}

/** NEW_CONNECTION_ID (§19.15). Returns 0 or -code. */
export function onNewConnectionId(ids: ConnectionIds, f: Frame): i32 {
  // §19.15: a peer that uses zero-length CIDs must not send it.
  if (ids.peer.length == 0) return -PROTOCOL_VIOLATION;
  return 0;
}

/** RETIRE_CONNECTION_ID (§19.16): we issued no CID beyond the first, so there is nothing to retire. */
export function onRetireConnectionId(ids: ConnectionIds, f: Frame): i32 {
  return 0;
}
