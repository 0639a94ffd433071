// Server options for address validation (RFC 9000 §8.1): when to answer with Retry and
// how long tokens live. The policy itself runs statelessly in the core
// (assembly/endpoint/retry.ts); this file only checks and translates the options.

import type { RetrySettings } from '../core/conn-abi';
import { QuicError } from '../errors';

/**
 * When a server answers a client's first Initial with Retry (RFC 9000 §8.1.2):
 * 'under-load' (default) once half of the half-open slots are taken or the source has
 * its share of them, 'always', or 'never'.
 */
export type RetryMode = 'never' | 'always' | 'under-load';

/** Lifetimes of a server's address validation tokens, and whether it issues NEW_TOKEN tokens. */
export interface AddressTokenOptions {
  /** How long a Retry token is accepted, ms (default 10,000: a client answers within a round trip). */
  retryLifetimeMs?: number;
  /** How long a NEW_TOKEN token is accepted, ms (default 86,400,000: one day). */
  newTokenLifetimeMs?: number;
  /** Send each client a NEW_TOKEN after the handshake, for its next connection (default true, RFC 9000 §8.1.3). */
  newToken?: boolean;
}

const MODES: Record<RetryMode, 0 | 1 | 2> = { never: 0, always: 1, 'under-load': 2 };

/** The core's settings for `retry` and `tokens`, or an ERR_QUIC_INVALID_CONFIG naming the bad option. */
export function retrySettings(retry: RetryMode | undefined, tokens: AddressTokenOptions | undefined): RetrySettings {
  const mode = MODES[retry ?? 'under-load'];
  if (mode === undefined || !Object.prototype.hasOwnProperty.call(MODES, retry ?? 'under-load')) {
    throw new QuicError('ERR_QUIC_INVALID_CONFIG', `retry must be 'never', 'always' or 'under-load', got ${JSON.stringify(retry)}`);
  }
  if (tokens !== undefined && (typeof tokens !== 'object' || tokens === null)) {
    throw new QuicError('ERR_QUIC_INVALID_CONFIG', 'addressTokens must be an object');
  }
  const t = tokens ?? {};
  const ms = (name: keyof AddressTokenOptions, v: unknown, dflt: number): number => {
    if (v === undefined) return dflt;
    if (typeof v !== 'number' || !(v >= 1 && v <= 2 ** 40)) throw new QuicError('ERR_QUIC_INVALID_CONFIG', `addressTokens.${name} must be a number of milliseconds >= 1, got ${String(v)}`);
    return v;
  };
  if (t.newToken !== undefined && typeof t.newToken !== 'boolean') throw new QuicError('ERR_QUIC_INVALID_CONFIG', `addressTokens.newToken must be a boolean, got ${String(t.newToken)}`);
  return {
    mode,
    retryTokenLifetimeMs: ms('retryLifetimeMs', t.retryLifetimeMs, 10_000),
    newTokenLifetimeMs: ms('newTokenLifetimeMs', t.newTokenLifetimeMs, 86_400_000),
    sendNewToken: t.newToken ?? true,
  };
}
