// listen() and connect() with the choices the HTTP/3 client and the CLI name their own
// way: cipher suites and key-exchange groups checked here with short messages, and the
// client's QUIC version as `quicVersion`. Everything else (0-RTT, versions, ...) passes
// through to node.ts unchanged.

import { connect, listen, QuicServer, type ConnectOptions, type ListenOptions } from '../node';
import type { GroupName } from '../tls/constants';
import type { QuicConnection } from '../transport/connection';
import { QuicArgumentError } from '../errors';
import type { CipherSuiteName } from '../api/options';

/** TLS and version choices for connectWith()/listenWith(): cipher suites, key-exchange groups and (client) the QUIC version. */
export interface TlsChoices {
  /** TLS 1.3 cipher suites to offer or accept, by IANA name (TLS_AES_128_GCM_SHA256, ...); checked at run time. */
  cipherSuites?: CipherSuiteName[];
  /** Key-exchange groups: x25519, secp256r1, secp384r1; checked at run time. */
  groups?: GroupName[];
  /** Client: the version of the first flight, 1 or 2 (RFC 9369); default: the session's, else 1. */
  quicVersion?: 1 | 2;
}

const SUITES = ['TLS_AES_128_GCM_SHA256', 'TLS_AES_256_GCM_SHA384', 'TLS_CHACHA20_POLY1305_SHA256'];
const GROUPS: GroupName[] = ['x25519', 'secp256r1', 'secp384r1'];

/** The names in canonical spelling, or a QuicArgumentError naming the unknown one. */
function checkChoices(opts: TlsChoices): Pick<TlsChoices, 'cipherSuites' | 'groups'> {
  const cipherSuites = opts.cipherSuites?.map((n) => {
    const s = SUITES.find((k) => k === String(n).toUpperCase());
    if (!s) throw new QuicArgumentError(`unknown cipher suite ${n} (known: ${SUITES.join(', ')})`);
    return s as CipherSuiteName;
  });
  const groups = opts.groups?.map((n) => {
    if (!GROUPS.includes(n)) throw new QuicArgumentError(`unknown group ${n} (known: ${GROUPS.join(', ')})`);
    return n;
  });
  return { cipherSuites, groups };
}

/** connect() with TlsChoices. */
export async function connectWith(opts: ConnectOptions & TlsChoices): Promise<QuicConnection> {
  const { quicVersion, ...base } = opts;
  const choices = checkChoices(opts);
  return connect({ ...base, ...choices, ...(quicVersion === undefined ? {} : { version: quicVersion }) });
}

/** listen() with cipher suites and groups. */
export async function listenWith(opts: ListenOptions & Omit<TlsChoices, 'quicVersion'>): Promise<QuicServer> {
  return listen({ ...opts, ...checkChoices(opts) });
}
