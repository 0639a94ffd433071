// How a connection ended, as the application reads it: the CloseInfo records and the
// errors built from the core's CLOSING / VERSION_NEGOTIATION / HANDSHAKE_TIMEOUT events
// and from the host's own endings (idle timeout, endpoint abort). Pure functions: the
// connection decides when, this file decides what is said.

import { QuicArgumentError, QuicError, QuicStatelessResetError, QuicTransportError, transportErrorName } from '../errors';
import { checkApplicationCode, describe } from '../api/options';
import { QuicVersionNegotiationError } from '../api/versions';
import type { CoreEvent } from '../core/conn-abi';
import type { CloseInfo } from './connection-types';

/** Reason phrases are cut to this many bytes (what the core keeps and sends, abi/conn.ts connClose). */
export const MAX_REASON_BYTES = 1024;

/** close(code, reason)'s arguments: an application error code and a string (cut to MAX_REASON_BYTES when sent). */
export function checkCloseArguments(code: unknown, reason: unknown): void {
  checkApplicationCode(code, 'close()');
  if (typeof reason !== 'string') throw new QuicArgumentError(`close(): the reason must be a string, not ${describe(reason)}`);
}

/** A reason phrase as text: UTF-8 (RFC 9000 §19.19), an invalid or cut sequence replaced, not thrown. */
export function decodePhrase(b: Uint8Array): string {
  return new TextDecoder('utf-8', { fatal: false }).decode(b);
}

/** What a CLOSING event says: a close record, and the error for a handshake that never completed. */
export interface ClosingRecord {
  info: CloseInfo;
  /** The peer's stateless reset (RFC 9000 §10.3.1) rather than a CONNECTION_CLOSE. */
  statelessReset: boolean;
  /** Made on demand: only a connection closed before its handshake completed rejects with it. */
  handshakeError: () => Error;
}

/**
 * The core's CLOSING event (a = code, c = flags: 1 application, 2 by peer, 4 stateless
 * reset) as a close record. `phrase` is the reason phrase: the peer's when it closed,
 * ours otherwise.
 */
export function closingRecord(ev: CoreEvent, phrase: () => string): ClosingRecord {
  if ((ev.c & 4) !== 0) {
    const reason = 'stateless reset: the peer has no state for this connection (it restarted or forgot it)';
    const info: CloseInfo = { code: 0, application: false, byPeer: true, idleTimeout: false, statelessReset: true, reason, reasonPhrase: '' };
    return { info, statelessReset: true, handshakeError: () => closedError(info) };
  }
  const application = (ev.c & 1) !== 0;
  const byPeer = (ev.c & 2) !== 0;
  const code = ev.a;
  const text = phrase();
  const what = application ? `application code ${code}` : transportErrorName(code);
  const reason = `${byPeer ? 'closed by peer' : 'closed locally'}: ${what}${text ? ` (${JSON.stringify(text)})` : ''}`;
  const during = `${byPeer ? 'the peer closed the connection' : 'closed'} during the handshake${text ? `: ${JSON.stringify(text)}` : ''}`;
  return {
    info: { code, application, byPeer, idleTimeout: false, reason, reasonPhrase: text },
    statelessReset: false,
    handshakeError: () => (application ? new QuicError('ERR_QUIC_CLOSED', `${what}: ${during}`, code) : new QuicTransportError(code, during)),
  };
}

/** The server answered with Version Negotiation (a = versions offered, b = first offered, c = the version we tried). */
export function versionNegotiationRecord(ev: CoreEvent): { info: CloseInfo; error: Error } {
  const offered = ev.b ? `0x${(ev.b >>> 0).toString(16).padStart(8, '0')}${ev.a > 1 ? ` among ${ev.a} versions` : ''}` : `${ev.a} reserved version(s) only`;
  const reason = `version negotiation: the server does not speak the version we attempted (it offers ${offered})`;
  return {
    info: { code: 0, application: false, byPeer: true, idleTimeout: false, reason, reasonPhrase: '' },
    error: new QuicVersionNegotiationError(reason, ev.c >>> 0),
  };
}

/** The handshake did not complete in time (limits.handshakeTimeoutMs). */
export function handshakeTimeoutRecord(): { info: CloseInfo; error: Error } {
  return {
    info: { code: 0, application: false, byPeer: false, idleTimeout: false, handshakeTimeout: true, reason: 'handshake timeout', reasonPhrase: '' },
    error: new QuicError('ERR_QUIC_HANDSHAKE_TIMEOUT', 'the handshake did not complete within the handshake timeout (limits.handshakeTimeoutMs)'),
  };
}

/** The connection ended without a CLOSING event: the idle timer (RFC 9000 §10.1). */
export function idleTimeoutInfo(): CloseInfo {
  return { code: 0, application: false, byPeer: false, idleTimeout: true, reason: 'idle timeout', reasonPhrase: '' };
}

/** The endpoint went away under the connection (fatal error or shutdown). */
export function abortInfo(err: Error): CloseInfo {
  return { code: 0x01, application: false, byPeer: false, idleTimeout: false, reason: err.message, reasonPhrase: '' };
}

/** The error every later call on a closed connection (and its streams) fails with. */
export function closedError(c: CloseInfo): QuicError {
  if (c.statelessReset) return new QuicStatelessResetError(c.reason);
  return new QuicError('ERR_QUIC_CONNECTION_CLOSED', `connection ${c.reason}`, c.code);
}
