// The type of every plain option (flags, choices, callbacks, sizes) checked where an
// application hands it over. JavaScript callers, and TypeScript callers reading values
// from the environment or JSON, pass strings where booleans belong: without a check,
// `dangerouslySkipCertificateVerification: 'false'` is truthy and turned verification
// off, `openStream({ unidirectional: 'no' })` opened a unidirectional stream, and
// `udp: 'quic'`, `socketBufferSize: 'big'` or `keyLog: 'keys.txt'` were silently
// ignored or failed later inside a handshake.

import { QuicArgumentError } from '../errors';
import { describe } from './options';

/** What an option must be. */
export type OptionShape =
  | 'boolean'
  | 'function'
  | 'object'
  /** An integer ≥ 1. */
  | 'positive-integer'
  | readonly string[];

const SAYS: Record<Exclude<OptionShape, readonly string[]>, string> = {
  boolean: 'true or false',
  function: 'a function',
  object: 'an object',
  'positive-integer': 'a positive integer',
};

function fits(v: unknown, shape: OptionShape): boolean {
  if (Array.isArray(shape)) return shape.includes(v as string);
  switch (shape) {
    case 'boolean': return typeof v === 'boolean';
    case 'function': return typeof v === 'function';
    case 'object': return typeof v === 'object' && v !== null;
    case 'positive-integer': return Number.isSafeInteger(v) && (v as number) >= 1;
  }
  return false;
}

/**
 * Checks each option of `opts` named in `shapes` that is not undefined; `prefix` is put
 * before the option's name in the message ("tls.").
 */
export function checkOptionShapes(opts: object, shapes: Record<string, OptionShape>, prefix = ''): void {
  const o = opts as Record<string, unknown>;
  for (const key of Object.keys(shapes)) {
    const v = o[key];
    if (v === undefined) continue;
    const shape = shapes[key];
    if (fits(v, shape)) continue;
    const want = Array.isArray(shape) ? `one of ${shape.map((s) => `'${s}'`).join(', ')}` : SAYS[shape as keyof typeof SAYS];
    throw new QuicArgumentError(`${prefix}${key} must be ${want}, not ${describe(v)}`);
  }
}

/** The plain options every endpoint takes (EndpointConfig). */
export const ENDPOINT_OPTION_SHAPES: Record<string, OptionShape> = {
  crypto: 'object', inCoreChaCha20: 'boolean', statelessReset: 'object', streamHighWaterMark: 'positive-integer',
  qlog: 'object', seed: 'object', cidRouting: 'object',
};
// retry, addressTokens and limits have their own checks (transport/address-validation.ts,
// endpoint.ts), which answer ERR_QUIC_INVALID_CONFIG.

/** What listen() and connect() take on top (host/node.ts). */
export const NODE_OPTION_SHAPES: Record<string, OptionShape> = {
  keyLog: 'function', socketBufferSize: 'positive-integer', udp: ['auto', 'node:dgram', 'deno'], qlogFormat: ['ietf', 'qvis'],
  socketPerPeer: 'boolean', disableActiveMigration: 'boolean', crypto: 'object', statelessReset: 'object', resolve: 'function',
};

/** A client connection's flags (connect() and Endpoint.connectTo()). */
export const CLIENT_OPTION_SHAPES: Record<string, OptionShape> = {
  dangerouslySkipCertificateVerification: 'boolean', earlyData: 'boolean', ignorePreferredAddress: 'boolean', followsVersionNegotiation: 'boolean',
};
