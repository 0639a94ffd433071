// The server's PSK decisions (RFC 9846 §4.2.9-4.2.11, RFC 9001 §4.6): which offered PSK
// (external or ticket) to use and with which cipher suite, the binder check, and whether
// to accept 0-RTT. Refusing a PSK falls back to a full handshake; a bad binder on the
// PSK we picked is fatal (decrypt_error).

import { Alert, TlsAlertError } from './alerts';
import { Ext } from './constants';
import { KeySchedule, Transcript } from './keyschedule';
import { constantTimeEqual } from './bytes';
import * as rmsg from './messages-resumption';
import { binderTranscriptHash, type ExternalPsk } from './psk';
import { SUITES, type Suite } from '../crypto/suites';
import type { ClientHello } from './messages';
import type { SessionTicketIssuer, TicketState } from './tickets';
import type { EarlyDataAntiReplay } from './anti-replay';
import type { HashName } from '../crypto/hkdf';

/** A ClientHello can list thousands of identities; real clients send one or two. */
const MAX_IDENTITIES_TRIED = 8;

export interface EarlyDataOptions {
  /** The anti-replay rule (share one per endpoint): freshness window + ClientHello recording. */
  antiReplay: EarlyDataAntiReplay;
  /** Last say, e.g. the transport checking the ticket's remembered parameters (RFC 9000 §7.4.1). */
  accept?: (appData: Uint8Array | undefined) => boolean;
}

export interface PskSources {
  psks?: (identity: Uint8Array) => ExternalPsk | undefined;
  sessionTickets?: SessionTicketIssuer;
  /** Client authentication the server now requires: tickets without a client certificate cannot skip it. */
  requireClientCertificate: boolean;
  /** The transport's say on a ticket, from its appData (e.g. RFC 9369 §5: issued for another QUIC version → no resumption). */
  acceptTicket?: (appData: Uint8Array | undefined) => boolean;
}

export interface SelectedPsk {
  index: number;
  key: Uint8Array;
  hash: HashName;
  resumption: boolean;
  ticket?: TicketState;
  binder: Uint8Array;
  obfuscatedTicketAge: number;
  /** The offered identity (a ticket: the anti-replay record's key). */
  identity: Uint8Array;
}

/** The PSK to use and the suite it dictates, or undefined (full handshake). Does not check the binder yet. */
export function selectPsk(ch: ClientHello, candidates: Suite[], src: PskSources): { psk: SelectedPsk; suite: Suite } | undefined {
  const ext = ch.extensions.get(Ext.pre_shared_key);
  if (!ext) return undefined;
  if (ch.lastExtension !== Ext.pre_shared_key) throw new TlsAlertError(Alert.illegal_parameter, 'pre_shared_key is not the last extension');
  const modesExt = ch.extensions.get(Ext.psk_key_exchange_modes);
  if (!modesExt) throw new TlsAlertError(Alert.missing_extension, 'pre_shared_key without psk_key_exchange_modes');
  // We only do psk_dhe_ke: resumption keeps forward secrecy.
  if (!rmsg.parsePskModes(modesExt).includes(rmsg.PskMode.psk_dhe_ke)) return undefined;
  const offered = rmsg.parseOfferedPsks(ext);
  // Each identity may cost a ticket decryption or an application lookup: look at the first few only.
  for (let i = 0; i < Math.min(offered.identities.length, MAX_IDENTITIES_TRIED); i++) {
    const { identity, obfuscatedTicketAge } = offered.identities[i];
    const found = resolve(identity, ch, src);
    if (!found) continue;
    const suite = found.ticket && candidates.includes(found.ticket.suite) ? found.ticket.suite : candidates.find((s) => SUITES[s].hash === found.hash);
    if (suite === undefined) continue;
    return { psk: { index: i, ...found, binder: offered.binders[i], obfuscatedTicketAge, identity }, suite };
  }
  return undefined;
}

function resolve(identity: Uint8Array, ch: ClientHello, src: PskSources): { key: Uint8Array; hash: HashName; resumption: boolean; ticket?: TicketState } | undefined {
  const external = src.psks?.(identity);
  if (external) return { key: external.key, hash: external.hash ?? 'sha256', resumption: false };
  const ticket = src.sessionTickets?.open(identity);
  if (!ticket) return undefined;
  if ((ticket.serverName ?? '') !== (ch.serverName ?? '')) return undefined; // §4.6.1: resume only for the same name
  if (src.requireClientCertificate && !ticket.clientCertificate) return undefined;
  if (src.acceptTicket && !src.acceptTicket(ticket.appData)) return undefined;
  return { key: ticket.psk, hash: SUITES[ticket.suite].hash, resumption: true, ticket };
}

/** Checks the selected PSK's binder over the truncated ClientHello; throws decrypt_error if wrong. */
export function verifyBinder(psk: SelectedPsk, ks: KeySchedule, rawClientHello: Uint8Array, before: Transcript | undefined, binders: Uint8Array[]): void {
  const expected = ks.binder(psk.resumption, binderTranscriptHash(ks.hash, rawClientHello, binders, before));
  if (!constantTimeEqual(expected, psk.binder)) throw new TlsAlertError(Alert.decrypt_error, 'PSK binder does not verify');
}

export function offeredBinders(ch: ClientHello): Uint8Array[] {
  return rmsg.parseOfferedPsks(ch.extensions.get(Ext.pre_shared_key)!).binders;
}

/** Accept 0-RTT? `undefined` = yes, otherwise why not. */
export function earlyDataRefusal(ch: ClientHello, psk: SelectedPsk | undefined, suite: Suite, alpn: string, opts: EarlyDataOptions | undefined): string | undefined {
  if (!ch.extensions.has(Ext.early_data)) return 'not offered';
  if (!opts) return 'early data is not enabled on this server';
  const t = psk?.ticket;
  if (!psk || !t) return 'no session ticket accepted';
  if (psk.index !== 0) return 'early data is only allowed with the first PSK';
  if (t.maxEarlyData === 0) return 'the ticket does not allow early data';
  if (t.suite !== suite || t.alpn !== alpn) return 'cipher suite or ALPN differs from the ticket';
  if (opts.accept && !opts.accept(t.appData)) return 'refused by the application';
  const age = (psk.obfuscatedTicketAge - t.ageAdd) >>> 0;
  const verdict = opts.antiReplay.check(t.issuedAt, age, psk.identity);
  if (verdict === 'stale') return 'ticket age outside the anti-replay window';
  if (verdict === 'replay') return 'ticket already used for 0-RTT (replayed ClientHello or reused ticket)';
  return undefined;
}
