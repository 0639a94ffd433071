// Typed access to the core's path door (assembly/abi/paths.ts is the source of truth for
// names and argument order): client-initiated migration and the server's preferred
// address (RFC 9000 §9). The policy — sockets, promises, errors — is host/transport/migration.ts.

import type { Core } from './core';

interface PathExports {
  connMigrate(conn: number, path: number, flags: number, now: number): number;
  connPreferredAddress(conn: number): number;
  connPath(conn: number): number;
}

/** The server's preferred_address (RFC 9000 §18.2) as addresses; a family is absent when the server gave zeros. */
export interface PreferredAddress {
  ipv4?: { address: string; port: number };
  ipv6?: { address: string; port: number };
}

/** Decodes the 24 address bytes of a preferred_address (IPv4 4 + port 2, IPv6 16 + port 2). */
export function decodePreferredAddress(b: Uint8Array): PreferredAddress {
  const out: PreferredAddress = {};
  const port4 = (b[4] << 8) | b[5];
  if (port4 !== 0 && b.subarray(0, 4).some((x) => x !== 0)) out.ipv4 = { address: Array.from(b.subarray(0, 4)).join('.'), port: port4 };
  const port6 = (b[22] << 8) | b[23];
  if (port6 !== 0 && b.subarray(6, 22).some((x) => x !== 0)) {
    const groups: string[] = [];
    for (let i = 6; i < 22; i += 2) groups.push(((b[i] << 8) | b[i + 1]).toString(16));
    out.ipv6 = { address: groups.join(':'), port: port6 };
  }
  return out;
}

/** The path door of one core instance. */
export class PathAbi {
  private readonly x: PathExports;

  constructor(readonly core: Core) {
    this.x = core.exports as unknown as PathExports;
  }

  /** Moves a client connection to `path` (`preferred`: the server's preferred address). 0 or -MigrateError. */
  migrate(conn: number, path: number, preferred: boolean, now: number): number {
    return this.x.connMigrate(conn, path, preferred ? 1 : 0, now);
  }

  /** The path handle the connection sends on (negative: no such connection). */
  currentPath(conn: number): number {
    return this.x.connPath(conn);
  }

  /** Whether a migrate() would be allowed now: 0 or -MigrateError. */
  canMigrate(conn: number, now: number): number {
    return this.x.connMigrate(conn, 0, 2, now);
  }

  /** The server's preferred address (client), or null when it gave none. */
  preferredAddress(conn: number): PreferredAddress | null {
    const n = this.x.connPreferredAddress(conn);
    if (n !== 24) return null;
    return decodePreferredAddress(this.core.read(this.core.scratchPtr, 24));
  }
}
