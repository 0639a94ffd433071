// Encoded transport parameters (RFC 9000 §18) as the host reads them: the one walk over
// their id / length / value entries. The core decodes and validates a peer's parameters;
// the host only looks into bytes the core produced or checked — which of the server's
// parameters a client remembers with a ticket, the limits 0-RTT is vetted against
// (early-data.ts), the QUIC version a ticket belongs to (api/versions.ts ticketVersion).

import { readVarint } from './varint';

/** One parameter where it sits in the encoding: its id, its value, and the bytes of the whole entry. */
export interface TransportParameterEntry {
  id: number;
  value: Uint8Array;
  /** Offsets of the entry (id, length and value) in the encoding. */
  start: number;
  end: number;
}

/** The entries of `encoded` in order; null when one runs past the end (malformed). */
export function transportParameterEntries(encoded: Uint8Array): TransportParameterEntry[] | null {
  const out: TransportParameterEntry[] = [];
  let at = 0;
  while (at < encoded.length) {
    const id = readVarint(encoded, at);
    const len = id && readVarint(encoded, id[1]);
    if (!id || !len || len[1] + len[0] > encoded.length) return null;
    const end = len[1] + len[0];
    out.push({ id: id[0], value: encoded.subarray(len[1], end), start: at, end });
    at = end;
  }
  return out;
}

/** An integer parameter's value (a varint, §18), or undefined when the bytes hold none. */
export function integerValue(value: Uint8Array): number | undefined {
  return readVarint(value, 0)?.[0];
}
