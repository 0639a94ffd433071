// TLS alerts (RFC 9846 §6) and the error that carries one. QUIC never sends alerts on
// the wire: the transport closes with CRYPTO_ERROR = 0x100 + alert (RFC 9001 §4.8).

import { QuicError } from '../errors';

export const Alert = {
  unexpected_message: 10,
  bad_record_mac: 20,
  handshake_failure: 40,
  bad_certificate: 42,
  unsupported_certificate: 43,
  certificate_revoked: 44,
  certificate_expired: 45,
  certificate_unknown: 46,
  illegal_parameter: 47,
  unknown_ca: 48,
  decode_error: 50,
  decrypt_error: 51,
  protocol_version: 70,
  insufficient_security: 71,
  internal_error: 80,
  missing_extension: 109,
  unsupported_extension: 110,
  unrecognized_name: 112,
  certificate_required: 116,
  no_application_protocol: 120,
} as const;

const names = new Map<number, string>(Object.entries(Alert).map(([k, v]) => [v, k]));

export function alertName(a: number): string {
  return names.get(a) ?? `alert ${a}`;
}

/** A TLS failure with the alert that describes it. */
export class TlsAlertError extends QuicError {
  constructor(readonly alert: number, message: string) {
    super('ERR_QUIC_TLS_ALERT', `TLS ${alertName(alert)}: ${message}`, 0x100 + alert);
    this.name = 'TlsAlertError';
  }
}
