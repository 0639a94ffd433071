// TLS alert names by number (the IANA "TLS Alerts" registry, RFC 9846 §6). The TLS
// engine's own table (host/tls/alerts.ts) lists only the alerts we send; a peer may
// send any registered one, and a CRYPTO_ERROR (0x100 + alert, RFC 9001 §4.8) from it
// should still print by name. Kept free of imports so errors.ts can use it.

const ALERT_NAMES: Record<number, string> = {
  0: 'close_notify', 10: 'unexpected_message', 20: 'bad_record_mac', 22: 'record_overflow', 40: 'handshake_failure',
  42: 'bad_certificate', 43: 'unsupported_certificate', 44: 'certificate_revoked', 45: 'certificate_expired',
  46: 'certificate_unknown', 47: 'illegal_parameter', 48: 'unknown_ca', 49: 'access_denied', 50: 'decode_error',
  51: 'decrypt_error', 70: 'protocol_version', 71: 'insufficient_security', 80: 'internal_error',
  86: 'inappropriate_fallback', 90: 'user_canceled', 109: 'missing_extension', 110: 'unsupported_extension',
  112: 'unrecognized_name', 113: 'bad_certificate_status_response', 115: 'unknown_psk_identity',
  116: 'certificate_required', 120: 'no_application_protocol', 121: 'ech_required',
};

/** The registered name of TLS alert `alert`, or undefined. */
export function tlsAlertName(alert: number): string | undefined {
  return ALERT_NAMES[alert];
}
