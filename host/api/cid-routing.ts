// Routing datagrams to the worker (thread or process) that owns their connection, by
// the connection ID the server issued (seed 000 "MT" and "prefork"; ARCHITECTURE.md §6).
// A server endpoint given `cidRouting: { workerId }` issues CIDs of `cidLength` bytes
// whose first byte is its worker id (the plaintext server-id idea of QUIC-LB,
// draft-ietf-quic-load-balancers); a router calls cidOwner() per datagram. A pure
// function of the datagram, so every process that receives one agrees where it goes,
// with no shared table. Platform-neutral.
//
// The stamp goes on through the endpoint's CID generator hook (EndpointConfig.cidGenerator,
// endpoint/cid-gen.ts): random bytes from the CSPRNG with the worker id in front. For a
// load balancer outside the process, QUIC-LB CIDs (`quicLb`) are the standard encoding.

import { QuicArgumentError } from '../errors';
import { describe } from './options';

/** Default length of routed CIDs. */
export const ROUTED_CID_LENGTH = 12;

/** What a router needs: how many workers, and the length of the CIDs they issue. */
export interface CidRouterOptions {
  /** Number of workers, 1..256; worker ids are 0..workers-1. */
  workers: number;
  /** Length of the CIDs the workers issue (default ROUTED_CID_LENGTH). */
  cidLength?: number;
}

/** A server endpoint's side: the worker id its CIDs carry. */
export interface CidRoutingConfig {
  /** This worker's id, 0..255, stamped on the first byte of every CID it issues. */
  workerId: number;
  /** CID length, 9..20 except 16 (default ROUTED_CID_LENGTH). Routers must use the same. */
  cidLength?: number;
}

function checkCidLength(n: unknown): number {
  const len = n ?? ROUTED_CID_LENGTH;
  if (typeof len !== 'number' || !Number.isInteger(len) || len < 9 || len > 20 || len === 16) {
    throw new QuicArgumentError(`cidRouting.cidLength must be an integer in 9..20 other than 16, not ${describe(n)}`);
  }
  return len;
}

/** Checks a server's routing config; returns the CID length and the endpoint's CID generator. */
export function cidRoutingSeam(cfg: CidRoutingConfig): { cidLength: number; generate: (length: number) => Uint8Array } {
  if (typeof cfg !== 'object' || cfg === null) throw new QuicArgumentError(`cidRouting must be { workerId, cidLength? }, not ${describe(cfg)}`);
  const { workerId } = cfg;
  if (!Number.isInteger(workerId) || workerId < 0 || workerId > 255) throw new QuicArgumentError(`cidRouting.workerId must be an integer in 0..255, not ${describe(workerId)}`);
  const cidLength = checkCidLength(cfg.cidLength);
  const generate = (length: number): Uint8Array => {
    const cid = globalThis.crypto.getRandomValues(new Uint8Array(length));
    cid[0] = workerId;
    return cid;
  };
  return { cidLength, generate };
}

/** FNV-1a: the same owner for a client-chosen DCID in every process, with no key to share. */
function hash(b: Uint8Array, start: number, end: number): number {
  let h = 0x811c9dc5;
  for (let i = start; i < end; i++) h = Math.imul(h ^ b[i], 0x01000193);
  // FNV's low bits mix poorly (bit 0 is the parity of the bytes' bit 0s): fold the high bits in.
  h ^= h >>> 16;
  h = Math.imul(h, 0x45d9f3b);
  h ^= h >>> 16;
  return h >>> 0;
}

/**
 * The worker that owns a datagram, from its destination CID (RFC 9000 §17.2, §17.3): the
 * worker id in a CID one of them issued; for a CID a client chose (its first Initials),
 * a hash of it, so all of that client's first datagrams reach one worker, which then
 * issues its own CIDs. Returns -1 for a datagram too short to carry a DCID (drop it).
 */
export function cidOwner(datagram: Uint8Array, options: CidRouterOptions): number {
  const workers = options.workers;
  if (!Number.isInteger(workers) || workers < 1 || workers > 256) throw new QuicArgumentError(`workers must be an integer in 1..256, not ${describe(workers)}`);
  const cidLength = checkCidLength(options.cidLength);
  let start: number, len: number;
  if (datagram.length === 0) return -1;
  if (datagram[0] & 0x80) {
    // Long header: flags, version (4), DCID length, DCID.
    if (datagram.length < 6) return -1;
    start = 6;
    len = datagram[5];
  } else {
    // Short header: flags, then a DCID of the length we issue.
    start = 1;
    len = cidLength;
  }
  if (datagram.length < start + len) return -1;
  if (len === cidLength && datagram[start] < workers) return datagram[start];
  return hash(datagram, start, start + len) % workers;
}
