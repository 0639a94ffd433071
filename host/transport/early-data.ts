// The transport's side of 0-RTT (RFC 9000 §7.4.1, RFC 9001 §4.6.3) that lives in the
// host: which server transport parameters a client remembers with a ticket, what a
// server seals into its tickets, and whether a ticket's 0-RTT fits the server's current
// configuration. The core applies and enforces the limits (assembly/conn/early.ts).

import { integerValue, transportParameterEntries } from './transport-params';

/** What 0-RTT did on a connection (`conn.earlyData`). */
export type EarlyDataState = 'none' | 'offered' | 'accepted' | 'rejected';

/**
 * The server parameters a client remembers (§7.4.1: all it can process except
 * ack_delay_exponent, max_ack_delay, the connection IDs, preferred_address and the
 * stateless reset token).
 */
const REMEMBERED = new Set([
  0x01, // max_idle_timeout
  0x03, // max_udp_payload_size
  0x04, 0x05, 0x06, 0x07, 0x08, 0x09, // initial_max_data, _stream_data_*, _streams_*
  0x0c, // disable_active_migration
  0x0e, // active_connection_id_limit
  0x11, // version_information: the QUIC version the ticket belongs to (RFC 9369 §5, host/api/versions.ts ticketVersion)
  0x20, // max_datagram_frame_size (RFC 9221 §3)
]);

/** Limits a server accepting 0-RTT must not lower (§7.4.1), and the ones we also keep (max_idle_timeout, max_udp_payload_size, max_datagram_frame_size). */
const NOT_LOWER = [0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0x09, 0x0e, 0x20];
/** §18.2 defaults of the integer parameters above when absent. */
const DEFAULTS: Record<number, number> = { 0x03: 65527, 0x0e: 2 };

type Params = Map<number, Uint8Array>;

/** Encoded transport parameters (§18) as id → value bytes; null when malformed. */
function parse(b: Uint8Array): Params | null {
  const entries = transportParameterEntries(b);
  return entries && new Map(entries.map((e) => [e.id, e.value]));
}

function intOf(p: Params, id: number): number {
  const v = p.get(id);
  if (!v) return DEFAULTS[id] ?? 0;
  return integerValue(v) ?? 0;
}

/** Keeps only the parameters a client may remember (in their original encoding and order). */
export function rememberedTransportParameters(encoded: Uint8Array): Uint8Array {
  const kept = (transportParameterEntries(encoded) ?? []).filter((e) => REMEMBERED.has(e.id));
  const out = new Uint8Array(kept.reduce((n, e) => n + e.end - e.start, 0));
  let at = 0;
  for (const e of kept) { out.set(encoded.subarray(e.start, e.end), at); at += e.end - e.start; }
  return out;
}

/**
 * Server: may a ticket whose connection had parameters `remembered` (sealed in the
 * ticket) send 0-RTT to a connection with parameters `current`? Only if no limit went
 * down (§7.4.1; RFC 9001 §4.6.3 "a server MUST reject 0-RTT data if the restored values
 * cannot be supported"), the idle timeout did not shrink and migration was not newly
 * disabled.
 */
export function earlyDataCompatible(remembered: Uint8Array | undefined, current: Uint8Array): boolean {
  if (!remembered) return false;
  const old = parse(remembered);
  const now = parse(current);
  if (!old || !now) return false;
  for (const id of NOT_LOWER) if (intOf(now, id) < intOf(old, id)) return false;
  const idle = (p: Params) => intOf(p, 0x01) || Infinity; // 0: no idle timeout
  if (idle(now) < idle(old)) return false;
  if (now.has(0x0c) && !old.has(0x0c)) return false;
  return true;
}
