// The `version` / `versions` options of listen() and connect(): QUIC versions by their
// short numbers (1: RFC 9000, 2: RFC 9369), checked up front and turned into the wire
// numbers the endpoint takes.

import { QuicArgumentError, QuicError } from '../errors';
import { QUIC_V1, QUIC_V2 } from '../core/abi.generated';
import { describe } from './options';
import { decodeSessionTicket, type SessionTicket } from '../tls/session-ticket';
import { transportParameterEntries } from '../transport/transport-params';

/** A QUIC version this stack speaks: 1 (RFC 9000) or 2 (RFC 9369). */
export type QuicVersionNumber = 1 | 2;

const WIRE: Record<QuicVersionNumber, number> = { 1: QUIC_V1, 2: QUIC_V2 };

/** The wire number (0x1, 0x6b3343cf) of a version option; `name` names the option in errors. */
export function parseVersion(v: unknown, name: string): number {
  if (v !== 1 && v !== 2) throw new QuicArgumentError(`${name} must be 1 or 2 (QUIC v1, RFC 9000; QUIC v2, RFC 9369), not ${describe(v)}`);
  return WIRE[v];
}

/** A non-empty list of distinct versions, most preferred first, as wire numbers (undefined when absent). */
export function parseVersions(v: unknown, name: string): number[] | undefined {
  if (v === undefined) return undefined;
  if (!Array.isArray(v) || v.length === 0) throw new QuicArgumentError(`${name} must be a non-empty array of QUIC versions (1, 2), not ${describe(v)}`);
  const out = v.map((x, i) => parseVersion(x, `${name}[${i}]`));
  if (new Set(out).size !== out.length) throw new QuicArgumentError(`${name} lists a version twice: ${JSON.stringify(v)}`);
  return out;
}

/**
 * The version of a client's first flight: `version` when given; otherwise the version of
 * the session ticket to resume, if offered; otherwise v1 when the
 * offered versions include it — every v1/v2 server parses it, and one that prefers v2
 * moves the connection there without a round trip (RFC 9368 §2.5) — else the first offered.
 */
export function firstFlightVersion(version: unknown, versions: number[] | undefined, session?: SessionTicket | Uint8Array): number {
  if (version !== undefined) return parseVersion(version, 'version');
  // A session ticket only resumes a connection of its own version (RFC 9369 §5).
  let params: Uint8Array | undefined;
  try {
    params = session instanceof Uint8Array ? decodeSessionTicket(session).peerTransportParameters : session?.peerTransportParameters;
  } catch {
    params = undefined; // bad bytes: refused with a named error where the session is used
  }
  if (params instanceof Uint8Array) {
    const v = ticketVersion(params);
    if (!versions || versions.includes(v)) return v;
  }
  if (!versions || versions.includes(QUIC_V1)) return QUIC_V1;
  return versions[0];
}

/**
 * The server does not speak the version we attempted (Version Negotiation, RFC 9000 §6.2).
 * `code` is ERR_QUIC_VERSION_NEGOTIATION.
 */
export class QuicVersionNegotiationError extends QuicError {
  /** The first of our versions the server offers (a new attempt can use it, RFC 9368 §2.1), or 0 when none. */
  readonly mutualVersion: number;

  constructor(message: string, mutualVersion: number) {
    super('ERR_QUIC_VERSION_NEGOTIATION', message);
    this.name = 'QuicVersionNegotiationError';
    this.mutualVersion = mutualVersion;
  }
}

/**
 * The QUIC version a session ticket belongs to (RFC 9369 §5): the Chosen Version of the
 * version_information in the server's transport parameters it was issued with; v1 when
 * they have none (a server without it spoke v1, RFC 9368 §6).
 */
export function ticketVersion(serverParams: Uint8Array): number {
  const info = transportParameterEntries(serverParams)?.find((e) => e.id === 0x11 && e.value.length >= 4);
  return info ? new DataView(info.value.buffer, info.value.byteOffset, 4).getUint32(0) : QUIC_V1;
}
