// Pre-shared keys in the handshake (RFC 9846 §4.2.11): what both sides need to compute
// binders over a truncated ClientHello, and the external PSK type applications provide.

import { KeySchedule, Transcript } from './keyschedule';
import { bindersLength } from './messages-resumption';
import type { HashName } from '../crypto/hkdf';

/** An external PSK provisioned by the application (seed 001's PSK handshake mode). */
export interface ExternalPsk {
  identity: Uint8Array;
  /** The key; at least 16 bytes (§E.7: low-entropy PSKs are open to offline attack). */
  key: Uint8Array;
  /** The hash it is used with (default sha256): only cipher suites with this hash can use it. */
  hash?: HashName;
}

export const MIN_EXTERNAL_PSK_LENGTH = 16;

/** The binder transcript hash: previous messages (after HelloRetryRequest) + Truncate(ClientHello). */
export function binderTranscriptHash(hash: HashName, clientHello: Uint8Array, binders: Uint8Array[], before?: Transcript): Uint8Array {
  const truncated = clientHello.subarray(0, clientHello.length - bindersLength(binders));
  return (before ?? new Transcript(hash)).digestWith(truncated);
}

/**
 * Fills the binder placeholders at the end of `clientHello` (encoded with zero binders of
 * the right length) with the real one, for the single PSK a client offers.
 */
export function fillBinder(clientHello: Uint8Array, ks: KeySchedule, resumption: boolean, before?: Transcript): Uint8Array {
  const placeholder = [new Uint8Array(ks.len)];
  const binder = ks.binder(resumption, binderTranscriptHash(ks.hash, clientHello, placeholder, before));
  const out = clientHello.slice();
  out.set(binder, out.length - binder.length);
  return out;
}
