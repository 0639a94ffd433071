// How the command line fails: one line on stderr and an exit code, never a stack
// trace. CliError is for problems the CLI finds itself (arguments, files); library
// errors (QuicError family) are turned into a sentence by describeError().

import { QuicError } from '../index';
import { CONGESTION_CONTROLLERS, type CongestionControllerName } from '../api/options';


/** Exit codes: 1 runtime failure, 2 bad usage. */
export const EXIT = { OK: 0, FAILURE: 1, USAGE: 2 } as const;

export class CliError extends Error {
  constructor(message: string, readonly exitCode: number = EXIT.FAILURE) {
    super(message);
    this.name = 'CliError';
  }
}

/** A --quic-version value: v1, v2 (or 1, 2), as the short number listen()/connect() take. */
export function parseQuicVersion(v: string): 1 | 2 {
  const m = /^v?([12])$/i.exec(v.trim());
  if (!m) throw new CliError(`--quic-version takes v1 or v2, not ${v}`, EXIT.USAGE);
  return Number(m[1]) as 1 | 2;
}

/** A --cc value: one of the congestion controllers the core implements. */
export function parseCongestionControl(v: string): CongestionControllerName {
  if (!(CONGESTION_CONTROLLERS as readonly string[]).includes(v)) throw new CliError(`--cc must be one of ${CONGESTION_CONTROLLERS.join(', ')}, not ${v}`, EXIT.USAGE);
  return v as CongestionControllerName;
}

/** TLS alerts that mean "the certificate was not accepted" (RFC 9846 §6.2), as CRYPTO_ERROR 0x100 + alert. */
const CERT_ALERTS = new Map([[0x12a, 'bad certificate'], [0x12b, 'unsupported certificate'], [0x12c, 'certificate revoked'], [0x12d, 'certificate expired'], [0x12e, 'certificate unknown'], [0x130, 'unknown CA']]);

/** One readable line for any error. */
export function describeError(e: unknown): string {
  if (e instanceof CliError) return e.message;
  if (e instanceof QuicError) {
    const cert = e.quicCode !== undefined ? CERT_ALERTS.get(e.quicCode) : undefined;
    if (cert) return `certificate verification failed (${cert}): ${e.message} — pass --ca FILE with the server's certificate, or --insecure`;
    return `${e.message} [${e.code}]`;
  }
  if (e instanceof Error) {
    const code = (e as { code?: string }).code;
    if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') return `cannot resolve host: ${e.message}`;
    if (code === 'ENOENT') return `no such file: ${(e as { path?: string }).path ?? e.message}`;
    return e.message;
  }
  return String(e);
}
