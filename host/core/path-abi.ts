// Typed access to the core's path door (assembly/abi/paths.ts is the source of truth for
// names and argument order): client-initiated migration and the server's preferred
// address (RFC 9000 §9). The policy — sockets, promises, errors — is host/transport/migration.ts.

import type { Core } from './core';
import { QuicArgumentError } from '../errors';

interface PathExports {
  connMigrate(conn: number, path: number, flags: number, now: number): number;
  connPreferredAddress(conn: number): number;
  connPath(conn: number): number;
  endpointSetPreferredAddress(len: number): number;
}

/** The server's preferred_address (RFC 9000 §18.2) as addresses; a family is absent when the server gave zeros. */
export interface PreferredAddress {
  ipv4?: { address: string; port: number };
  ipv6?: { address: string; port: number };
}

/**
 * Encodes the 24 address bytes of a preferred_address (the CID and token are the core's).
 * A family not given is all zeros (§18.2). Throws QuicArgumentError for a bad address.
 */
export function encodePreferredAddress(pa: PreferredAddress): Uint8Array {
  if (typeof pa !== 'object' || pa === null || (!pa.ipv4 && !pa.ipv6)) throw new QuicArgumentError('preferredAddress must be { ipv4?: { address, port }, ipv6?: { address, port } } with at least one');
  const out = new Uint8Array(24);
  const port = (p: unknown, name: string): number => {
    if (!Number.isInteger(p) || (p as number) < 1 || (p as number) > 65535) throw new QuicArgumentError(`preferredAddress.${name}.port must be an integer 1..65535, not ${String(p)}`);
    return p as number;
  };
  if (pa.ipv4) {
    const parts = typeof pa.ipv4.address === 'string' ? pa.ipv4.address.split('.').map(Number) : [];
    if (parts.length !== 4 || parts.some((x) => !Number.isInteger(x) || x < 0 || x > 255)) throw new QuicArgumentError(`preferredAddress.ipv4.address must be a dotted IPv4 address, not ${String(pa.ipv4.address)}`);
    out.set(parts, 0);
    const p = port(pa.ipv4.port, 'ipv4');
    out[4] = p >> 8; out[5] = p & 0xff;
  }
  if (pa.ipv6) {
    out.set(ipv6Bytes(pa.ipv6.address), 6);
    const p = port(pa.ipv6.port, 'ipv6');
    out[22] = p >> 8; out[23] = p & 0xff;
  }
  return out;
}

/** The 16 bytes of an IPv6 literal (with :: compression; no embedded IPv4). */
function ipv6Bytes(a: unknown): Uint8Array {
  if (typeof a !== 'string' || !/^[0-9a-fA-F:]+$/.test(a) || a.split('::').length > 2) throw new QuicArgumentError(`preferredAddress.ipv6.address must be an IPv6 address, not ${String(a)}`);
  const [head, tail] = a.includes('::') ? a.split('::') : [a, undefined];
  const h = head ? head.split(':') : [];
  const t = tail ? tail.split(':') : [];
  const groups = tail === undefined ? h : [...h, ...Array(8 - h.length - t.length).fill('0'), ...t];
  if (groups.length !== 8 || groups.some((g) => !/^[0-9a-fA-F]{1,4}$/.test(g))) throw new QuicArgumentError(`preferredAddress.ipv6.address must be an IPv6 address, not ${a}`);
  const out = new Uint8Array(16);
  groups.forEach((g, i) => { const v = parseInt(g, 16); out[2 * i] = v >> 8; out[2 * i + 1] = v & 0xff; });
  return out;
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

  /** Server: our preferred address's 24 address bytes (encodePreferredAddress). 0 or a negative code (not a server). */
  setPreferredAddress(bytes: Uint8Array): number {
    this.core.writeScratch(bytes);
    return this.x.endpointSetPreferredAddress(24);
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
