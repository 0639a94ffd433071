// ABI door for client-initiated migration (conn/path-migrate.ts, RFC 9000 §9) and the
// server's preferred address (§9.6, §18.2).
//
//   connMigrate(conn, path, flags, now)       move to the host's path handle `path` (a new
//                                             local socket; the preferred address with flag 1);
//                                             flag 2: only check that a move is allowed now;
//                                             0 or -MigrateError / -ERR_NO_CONNECTION
//   endpointSetPreferredAddress(len)          server: our preferred_address's 24 address bytes from
//                                             scratch (len 24), or none (len 0); before connections
//   connPath(conn)                            the path handle the connection sends on
//   connPreferredAddress(conn)                client: the server's preferred_address, its
//                                             24 address bytes (IPv4 4 + port 2, IPv6 16 +
//                                             port 2, ports big-endian) → scratch; 24, or 0 when none

import { scratchBuf } from "./io";
import { ep, getConn } from "../endpoint/endpoint";
import { migrateTo } from "../conn/path-migrate";
import { TpId } from "../wire/tparams";
import { ERR_NO_CONNECTION, TRANSPORT_PARAMETER_ERROR } from "../wire/errors";

export function connMigrate(conn: i32, path: i32, flags: i32, now: f64): i32 {
  const c = getConn(conn);
  if (!c) return -ERR_NO_CONNECTION;
  return migrateTo(c, path, (flags & 1) != 0, (flags & 2) != 0, now);
}

export function endpointSetPreferredAddress(len: i32): i32 {
  if (len == 0) { ep.preferredAddress = new Uint8Array(0); return 0; }
  if (len != 24 || !ep.isServer) return -TRANSPORT_PARAMETER_ERROR;
  const a = new Uint8Array(24);
  memory.copy(a.dataStart, scratchBuf, 24);
  ep.preferredAddress = a;
  return 0;
}

export function connPath(conn: i32): i32 {
  const c = getConn(conn);
  if (!c) return -ERR_NO_CONNECTION;
  return c.path.handle;
}

export function connPreferredAddress(conn: i32): i32 {
  const c = getConn(conn);
  if (!c) return -ERR_NO_CONNECTION;
  if (c.isServer || c.peerTp.bytesLen(TpId.PREFERRED_ADDRESS) < 24) return 0;
  memory.copy(scratchBuf, c.peerTp.bytesPtr(TpId.PREFERRED_ADDRESS), 24);
  return 24;
}
