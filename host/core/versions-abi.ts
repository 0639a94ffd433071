// The core's version doors (assembly/abi/versions.ts): the endpoint's QUIC versions and
// compatible version negotiation (RFC 9368), kept beside ConnAbi rather than in it.

import type { Core } from './core';

interface VersionExports {
  endpointSetVersions(count: number): number;
  connNegotiateVersion(conn: number, len: number): number;
  connVersion(conn: number): number;
  connFollowsVersionNegotiation(conn: number): number;
}

/** Typed access to the version doors of one core instance. */
export class VersionsAbi {
  private readonly x: VersionExports;

  constructor(private readonly core: Core) {
    this.x = core.exports as unknown as VersionExports;
  }

  /** The endpoint's versions, most preferred first. 0, or a negative code for an unknown, repeated or empty list. */
  setVersions(versions: readonly number[]): number {
    const b = new Uint8Array(4 * versions.length);
    const dv = new DataView(b.buffer);
    versions.forEach((v, i) => dv.setUint32(4 * i, v >>> 0, true)); // linear memory is little-endian
    this.core.writeScratch(b);
    return this.x.endpointSetVersions(versions.length);
  }

  /** Server: picks the version from the client's transport parameters; the version (u32) or a negative code. */
  negotiate(conn: number, clientParams: Uint8Array): number {
    this.core.writeScratch(clientParams);
    // Versions this core speaks are below 2^31, so a negative result is always an error code.
    return this.x.connNegotiateVersion(conn, clientParams.length);
  }

  /** The connection's version now (0 for an unknown handle). */
  version(conn: number): number {
    return this.x.connVersion(conn) >>> 0;
  }

  /** Client, right after connect: the attempt reacts to Version Negotiation (RFC 9368 §4). */
  followsVersionNegotiation(conn: number): number {
    return this.x.connFollowsVersionNegotiation(conn);
  }
}
