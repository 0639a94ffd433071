// ABI door for QUIC versions and compatible version negotiation (conn/versions.ts):
//   endpointSetVersions(count)          `count` u32 versions from scratch, most preferred first
//                                       (default v1, v2): what a server accepts and lists in Version
//                                       Negotiation, what a client offers; 0 or -TRANSPORT_PARAMETER_ERROR
//   connNegotiateVersion(conn, len)     server, with the client's transport parameters in scratch, before
//                                       answering its ClientHello: the negotiated version (the host installs
//                                       its Initial keys when it changed), or -code (TRANSPORT_PARAMETER_ERROR,
//                                       VERSION_NEGOTIATION_ERROR; the host closes)
//   connVersion(conn)                   the connection's version now (u32 as i32 bits)
//   connFollowsVersionNegotiation(conn) client, right after connConnect: this attempt reacts to a Version
//                                       Negotiation packet (RFC 9368 §4: further ones are ignored, the
//                                       server's version_information is checked against it)

import { scratchBuf } from "./io";
import { getConn } from "../endpoint/endpoint";
import { setLocalVersions, negotiateVersion } from "../conn/versions";
import { ERR_NO_CONNECTION } from "../wire/errors";

export function endpointSetVersions(count: i32): i32 {
  return setLocalVersions(scratchBuf, count);
}

export function connNegotiateVersion(conn: i32, len: i32): i32 {
  const c = getConn(conn);
  if (!c) return -ERR_NO_CONNECTION;
  return negotiateVersion(c, scratchBuf, scratchBuf + <usize>len);
}

export function connVersion(conn: i32): u32 {
  const c = getConn(conn);
  return c ? c.version : 0;
}

export function connFollowsVersionNegotiation(conn: i32): i32 {
  const c = getConn(conn);
  if (!c) return -ERR_NO_CONNECTION;
  c.afterVersionNegotiation = true;
  return 0;
}
