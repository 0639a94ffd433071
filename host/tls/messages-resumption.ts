// The messages and extensions of PSK handshakes, resumption and 0-RTT (RFC 9846 §4.2.9
// to §4.2.11, §4.6.1) and of client authentication (§4.3.2 CertificateRequest).
// Decoders throw TlsAlertError like the ones in messages.ts.

import { Reader, Writer } from './bytes';
import { Alert, TlsAlertError } from './alerts';
import { Ext, HandshakeType } from './constants';
import { handshakeMessage, readExtensions, type Extensions } from './messages';

/** psk_key_exchange_modes values (§4.2.9). Only psk_dhe_ke is used: resumption keeps forward secrecy. */
export const PskMode = { psk_ke: 0, psk_dhe_ke: 1 } as const;

/** QUIC's only allowed max_early_data_size (RFC 9001 §4.6.1). */
export const QUIC_MAX_EARLY_DATA = 0xffffffff;

export interface PskIdentity {
  identity: Uint8Array;
  obfuscatedTicketAge: number;
}

/** The client's pre_shared_key extension (§4.2.11). */
export interface OfferedPsks {
  identities: PskIdentity[];
  binders: Uint8Array[];
}

/** Encodes the extension body; binders are written as given (zeros as placeholders first). */
export function encodeOfferedPsks(p: OfferedPsks): Uint8Array {
  return new Writer()
    .with16((w) => p.identities.forEach((i) => w.vec16(i.identity).u32(i.obfuscatedTicketAge)))
    .with16((w) => p.binders.forEach((b) => w.vec8(b)))
    .finish();
}

export function parseOfferedPsks(body: Uint8Array): OfferedPsks {
  const r = new Reader(body);
  const ids = r.sub16();
  const identities: PskIdentity[] = [];
  while (ids.left > 0) {
    const identity = ids.vec16().slice();
    if (identity.length === 0) throw new TlsAlertError(Alert.decode_error, 'empty PSK identity');
    identities.push({ identity, obfuscatedTicketAge: ids.u32() });
  }
  const bs = r.sub16();
  const binders: Uint8Array[] = [];
  while (bs.left > 0) {
    const b = bs.vec8().slice();
    if (b.length < 32) throw new TlsAlertError(Alert.decode_error, 'PSK binder shorter than 32 bytes');
    binders.push(b);
  }
  r.done('pre_shared_key');
  if (identities.length === 0 || identities.length !== binders.length) {
    throw new TlsAlertError(Alert.illegal_parameter, 'pre_shared_key: identities and binders do not pair up');
  }
  return { identities, binders };
}

/** Length of the binders vector at the end of a ClientHello (what Truncate() removes, §4.2.11.2). */
export function bindersLength(binders: Uint8Array[]): number {
  return 2 + binders.reduce((n, b) => n + 1 + b.length, 0);
}

export function encodePskModes(modes: number[]): Uint8Array {
  return new Writer().with8((w) => modes.forEach((m) => w.u8(m))).finish();
}

export function parsePskModes(body: Uint8Array): number[] {
  const r = new Reader(body);
  const m = r.sub8();
  const out: number[] = [];
  while (m.left > 0) out.push(m.u8());
  r.done('psk_key_exchange_modes');
  return out;
}

/** The ServerHello's pre_shared_key: the selected identity (§4.2.11). */
export function encodeSelectedPsk(index: number): Uint8Array {
  return new Writer().u16(index).finish();
}

export function parseSelectedPsk(body: Uint8Array): number {
  const r = new Reader(body);
  const v = r.u16();
  r.done('pre_shared_key');
  return v;
}

// ---- NewSessionTicket (§4.6.1) ------------------------------------------------------

export interface NewSessionTicket {
  lifetimeSeconds: number;
  ageAdd: number;
  nonce: Uint8Array;
  ticket: Uint8Array;
  /** max_early_data_size from the early_data extension; 0 when absent. */
  maxEarlyData: number;
}

export function encodeNewSessionTicket(t: NewSessionTicket): Uint8Array {
  const w = new Writer().u32(t.lifetimeSeconds).u32(t.ageAdd).vec8(t.nonce).vec16(t.ticket);
  w.with16((e) => { if (t.maxEarlyData) e.u16(Ext.early_data).vec16(new Writer().u32(t.maxEarlyData).finish()); });
  return handshakeMessage(HandshakeType.new_session_ticket, w.finish());
}

export function parseNewSessionTicket(body: Uint8Array): NewSessionTicket {
  const r = new Reader(body);
  const lifetimeSeconds = r.u32();
  const ageAdd = r.u32();
  const nonce = r.vec8().slice();
  const ticket = r.vec16().slice();
  if (ticket.length === 0) throw new TlsAlertError(Alert.decode_error, 'empty session ticket');
  const exts = readExtensions(r);
  r.done('NewSessionTicket');
  let maxEarlyData = 0;
  const ed = exts.get(Ext.early_data);
  if (ed) { const e = new Reader(ed); maxEarlyData = e.u32(); e.done('early_data'); }
  return { lifetimeSeconds, ageAdd, nonce, ticket, maxEarlyData };
}

// ---- CertificateRequest (§4.3.2) ----------------------------------------------------

export function encodeCertificateRequest(signatureSchemes: number[]): Uint8Array {
  const w = new Writer().vec8(new Uint8Array(0)); // certificate_request_context: empty in the main handshake
  w.with16((e) => e.u16(Ext.signature_algorithms).vec16(new Writer().with16((s) => signatureSchemes.forEach((x) => s.u16(x))).finish()));
  return handshakeMessage(HandshakeType.certificate_request, w.finish());
}

export function parseCertificateRequest(body: Uint8Array): { context: Uint8Array; signatureSchemes: number[]; extensions: Extensions } {
  const r = new Reader(body);
  const context = r.vec8().slice();
  const extensions = readExtensions(r);
  r.done('CertificateRequest');
  const sa = extensions.get(Ext.signature_algorithms);
  if (!sa) throw new TlsAlertError(Alert.missing_extension, 'CertificateRequest without signature_algorithms');
  const s = new Reader(sa).sub16();
  const signatureSchemes: number[] = [];
  while (s.left > 0) signatureSchemes.push(s.u16());
  return { context, signatureSchemes, extensions };
}
