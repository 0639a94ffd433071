// Up-front checks of what an application passes to listen/connect and the endpoint
// factories: each failure is a QuicArgumentError that names the option and what was
// passed, thrown before any socket is bound or any core is asked (the core's own
// refusals only carry config key numbers).

import { QuicArgumentError } from '../errors';
import { Suite, SUITES } from '../crypto/suites';
import { Group, type GroupName } from '../tls/constants';
import { ConfigKey } from '../core/abi.generated';

/** How a value reads in an error message: its type, and the value when it is short. */
export function describe(v: unknown): string {
  if (v === null) return 'null';
  if (v === undefined) return 'undefined';
  if (typeof v === 'string') return `the string ${JSON.stringify(v.length > 40 ? v.slice(0, 40) + '…' : v)}`;
  if (typeof v === 'number' || typeof v === 'bigint' || typeof v === 'boolean') return `${typeof v} ${String(v)}`;
  if (typeof v === 'function') return 'a function';
  const ctor = (v as object).constructor?.name;
  return ctor && ctor !== 'Object' ? `a ${ctor}` : 'an object';
}

/** `opts` must be an object: `what` names the call ("connect()"), `required` the options it cannot do without. */
export function checkOptionsObject(opts: unknown, what: string, required: string[]): asserts opts is Record<string, unknown> {
  if (typeof opts !== 'object' || opts === null) {
    throw new QuicArgumentError(`${what} needs an options object with ${required.join(', ')}; got ${describe(opts)}`);
  }
  const missing = required.filter((k) => (opts as Record<string, unknown>)[k] === undefined);
  if (missing.length) throw new QuicArgumentError(`${what}: missing option${missing.length > 1 ? 's' : ''} ${missing.join(', ')}`);
}

/**
 * An application error code for close(), reset() or stopSending(): a varint on the wire
 * (RFC 9000 §20.2, up to 2^62 - 1), and a number on our ABI, so a non-negative safe
 * integer. Anything else (a string, -1, 1.5, 2^62) would be coerced by the core's f64 →
 * u64 conversion into some other code the peer then sees.
 */
export function checkApplicationCode(v: unknown, what: string): asserts v is number {
  if (!(typeof v === 'number' && Number.isSafeInteger(v) && v >= 0)) {
    throw new QuicArgumentError(`${what}: the error code must be an integer in 0..2^53 - 1, not ${describe(v)}`);
  }
}

/** openStream()'s options: `unidirectional` a boolean, `urgency` 0..7. */
export function checkStreamOptions(options: unknown, what: string): void {
  if (typeof options !== 'object' || options === null) throw new QuicArgumentError(`${what}: options must be an object ({ unidirectional?, urgency? }), not ${describe(options)}`);
  const { unidirectional, urgency } = options as { unidirectional?: unknown; urgency?: unknown };
  if (unidirectional !== undefined && typeof unidirectional !== 'boolean') throw new QuicArgumentError(`${what}: unidirectional must be true or false, not ${describe(unidirectional)}`);
  if (urgency !== undefined) checkUrgency(urgency, what);
}

/** A stream's urgency on RFC 9218's scale: 0 (most urgent) .. 7. */
export function checkUrgency(v: unknown, what: string): asserts v is number {
  if (!(Number.isInteger(v) && (v as number) >= 0 && (v as number) <= 7)) throw new QuicArgumentError(`${what}: urgency must be an integer 0 (most urgent) .. 7, not ${describe(v)}`);
}

/**
 * A UDP port. Like node:net, a decimal string ("27026", e.g. from process.env.PORT) is
 * accepted by listen() and connect() alike; anything else that is not an integer in
 * range is refused. Port 0 (the OS picks) only where binding.
 */
export function parsePort(v: unknown, name: string, allowZero: boolean): number {
  const n = typeof v === 'string' && /^\d{1,5}$/.test(v) ? Number(v) : v;
  const min = allowZero ? 0 : 1;
  if (typeof n !== 'number' || !Number.isInteger(n) || n < min || n > 65535) {
    throw new QuicArgumentError(`${name} must be an integer in ${min}..65535 (a number or a decimal string), not ${describe(v)}`);
  }
  return n;
}

/** ALPN protocol ids: a non-empty list (QUIC requires ALPN, RFC 9001 §8.1), each 1..255 bytes. */
export function checkAlpn(alpn: unknown, name = 'alpn'): asserts alpn is string[] {
  if (!Array.isArray(alpn) || alpn.length === 0) {
    throw new QuicArgumentError(`${name} must be a non-empty array of protocol ids (QUIC requires ALPN), e.g. ["h3"]; got ${Array.isArray(alpn) ? 'an empty array' : describe(alpn)}`);
  }
  for (const a of alpn) {
    if (typeof a !== 'string' || a.length === 0 || new TextEncoder().encode(a).length > 255) {
      throw new QuicArgumentError(`${name}: each protocol id must be a string of 1..255 bytes, not ${describe(a)}`);
    }
  }
}

/** TLS 1.3 cipher suite names, as listen/connect take them. */
export type CipherSuiteName = 'TLS_AES_128_GCM_SHA256' | 'TLS_AES_256_GCM_SHA384' | 'TLS_CHACHA20_POLY1305_SHA256';

const SUITE_BY_NAME = new Map<string, Suite>([Suite.Aes128Gcm, Suite.Aes256Gcm, Suite.ChaCha20Poly1305].map((s) => [SUITES[s].name, s]));

/** Suite names (or the core's suite numbers) → suite numbers; unknown names refused. */
export function parseCipherSuites(v: unknown, name = 'cipherSuites'): Suite[] | undefined {
  if (v === undefined) return undefined;
  const known = [...SUITE_BY_NAME.keys()].join(', ');
  if (!Array.isArray(v) || v.length === 0) throw new QuicArgumentError(`${name} must be a non-empty array of ${known}; got ${describe(v)}`);
  return v.map((s) => {
    if (typeof s === 'number' && [...SUITE_BY_NAME.values()].includes(s)) return s as Suite;
    const suite = typeof s === 'string' ? SUITE_BY_NAME.get(s) : undefined;
    if (suite === undefined) throw new QuicArgumentError(`${name}: unknown cipher suite ${describe(s)} (known: ${known})`);
    return suite;
  });
}

/** Key exchange group names; unknown names refused. */
export function checkGroups(v: unknown, name = 'groups'): GroupName[] | undefined {
  if (v === undefined) return undefined;
  const known = Object.keys(Group).join(', ');
  if (!Array.isArray(v) || v.length === 0) throw new QuicArgumentError(`${name} must be a non-empty array of ${known}; got ${describe(v)}`);
  for (const g of v) {
    if (typeof g !== 'string' || !Object.prototype.hasOwnProperty.call(Group, g)) throw new QuicArgumentError(`${name}: unknown group ${describe(g)} (known: ${known})`);
  }
  return v as GroupName[];
}

/** Congestion controllers the core implements. */
export const CONGESTION_CONTROLLERS = ['newreno', 'cubic', 'vegas'] as const;
export type CongestionControllerName = (typeof CONGESTION_CONTROLLERS)[number];

/**
 * Range of each numeric transport option. Limits come from the wire: varints stop at
 * 2^62 - 1 (RFC 9000 §16), ack_delay_exponent at 20 and max_ack_delay below 2^14 ms
 * (§18.2), stream counts at 2^60 (§4.6).
 */
const NUMERIC_RANGES: Record<string, [number, number]> = {
  initialMaxData: [0, Number.MAX_SAFE_INTEGER], initialMaxStreamDataBidiLocal: [0, Number.MAX_SAFE_INTEGER],
  initialMaxStreamDataBidiRemote: [0, Number.MAX_SAFE_INTEGER], initialMaxStreamDataUni: [0, Number.MAX_SAFE_INTEGER],
  initialMaxStreamsBidi: [0, Number.MAX_SAFE_INTEGER], initialMaxStreamsUni: [0, Number.MAX_SAFE_INTEGER],
  maxIdleTimeoutMs: [0, Number.MAX_SAFE_INTEGER], ackDelayExponent: [0, 20], maxAckDelayMs: [0, 16383],
  initialRttMs: [1, 3_600_000], keepAliveMs: [0, Number.MAX_SAFE_INTEGER], maxReceiveWindow: [0, Number.MAX_SAFE_INTEGER],
  streamSendBuffer: [0, Number.MAX_SAFE_INTEGER], activeConnectionIdLimit: [2, 16], maxDatagramSize: [1200, 65527],
};

/** Transport options that are switches: PMTU discovery, the spin bit (RFC 9000 §17.4) and QUIC-bit greasing (RFC 9287). */
const BOOLEAN_OPTIONS = ['pmtud', 'spinBit', 'greaseQuicBit', 'disableActiveMigration', 'hystart'];

/** Checks one transport option; throws a QuicArgumentError naming it. */
export function checkTransportOption(key: string, v: unknown): void {
  if (key === 'congestionControl') {
    if (!(CONGESTION_CONTROLLERS as readonly unknown[]).includes(v)) {
      throw new QuicArgumentError(`transport.congestionControl must be one of ${CONGESTION_CONTROLLERS.map((c) => `'${c}'`).join(', ')}, not ${describe(v)}`);
    }
    return;
  }
  if (BOOLEAN_OPTIONS.includes(key)) {
    if (typeof v !== 'boolean') throw new QuicArgumentError(`transport.${key} must be true or false, not ${describe(v)}`);
    return;
  }
  const range = NUMERIC_RANGES[key];
  if (!range) throw new QuicArgumentError(`unknown transport option "${key}" (known: ${[...Object.keys(NUMERIC_RANGES), 'congestionControl', ...BOOLEAN_OPTIONS].join(', ')})`);
  const [lo, hi] = range;
  if (typeof v !== 'number' || !Number.isInteger(v) || v < lo || v > hi) {
    const what = lo === 0 && hi === Number.MAX_SAFE_INTEGER ? 'a non-negative integer' : `an integer in ${lo}..${hi}`;
    throw new QuicArgumentError(`${key} must be ${what}, not ${describe(v)}`);
  }
}

/**
 * Unreliable datagrams (RFC 9221), on listen() / connect() and the endpoint factories.
 * Giving the object turns them on: we advertise max_datagram_frame_size, so the peer
 * may send us datagrams. Without it (the default) we advertise none, and a peer that
 * sends one anyway is closed with PROTOCOL_VIOLATION (RFC 9221 §3). Whether we may send
 * depends on the peer's advertisement alone (connection.maxDatagramSize).
 */
export interface DatagramOptions {
  /** The largest DATAGRAM frame we accept, type and length included (default 65535; 0 turns datagrams off). */
  maxFrameSize?: number;
  /**
   * Bytes of received datagrams kept until the application reads them (default 65536,
   * 8 bytes of header each counted; 64..2^28). Beyond it the oldest are dropped and counted.
   */
  receiveQueue?: number;
  /** Bytes of datagrams waiting to be sent (default 65536; 64..2^28). Beyond it the oldest are dropped and counted. */
  sendQueue?: number;
}

/** The largest max_datagram_frame_size offered by default: any datagram a UDP payload can carry. */
export const DEFAULT_MAX_DATAGRAM_FRAME_SIZE = 65535;

/** Checks the `datagrams` option; returns the core config entries it sets (none when absent). */
export function datagramConfig(v: unknown, name = 'datagrams'): Record<number, number> {
  if (v === undefined) return {};
  if (typeof v !== 'object' || v === null || Array.isArray(v)) throw new QuicArgumentError(`${name} must be an object ({ maxFrameSize, receiveQueue, sendQueue }), not ${describe(v)}`);
  const ranges: Record<string, [number, number, number]> = {
    maxFrameSize: [0, Number.MAX_SAFE_INTEGER, ConfigKey.MAX_DATAGRAM_FRAME_SIZE],
    receiveQueue: [64, 2 ** 28, ConfigKey.DATAGRAM_RECV_QUEUE],
    sendQueue: [64, 2 ** 28, ConfigKey.DATAGRAM_SEND_QUEUE],
  };
  const out: Record<number, number> = { [ConfigKey.MAX_DATAGRAM_FRAME_SIZE]: DEFAULT_MAX_DATAGRAM_FRAME_SIZE };
  for (const [k, x] of Object.entries(v)) {
    if (x === undefined) continue;
    const r = ranges[k];
    if (!r) throw new QuicArgumentError(`unknown ${name} option "${k}" (known: ${Object.keys(ranges).join(', ')})`);
    const [lo, hi, key] = r;
    if (typeof x !== 'number' || !Number.isInteger(x) || x < lo || x > hi) {
      throw new QuicArgumentError(`${name}.${k} must be an integer in ${lo}..${hi === Number.MAX_SAFE_INTEGER ? 'Number.MAX_SAFE_INTEGER' : hi}, not ${describe(x)}`);
    }
    out[key] = x;
  }
  return out;
}
