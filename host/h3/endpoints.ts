// listen() and connect() with the TLS and version choices node.ts does not expose yet
// (cipher suites, key-exchange groups, QUIC version) — an adapter until node.ts takes
// them (the endpoint config already does: TlsConfig.cipherSuites/groups, connectTo's
// version). Without those options both simply call node.ts.

import { connect, listen, loadCoreModule, QuicServer, type ConnectOptions, type ListenOptions } from '../node';
import { UdpNetwork } from '../net/udp';
import { nodeCryptoProvider } from '../crypto/node-provider';
import { createClientEndpoint, createServerEndpoint, type Endpoint } from '../transport/create';
import { QUIC_V1, QUIC_V2 } from '../transport/endpoint';
import { systemTrustAnchors } from '../tls/pki/node-roots';
import { qlogOptions } from '../node-qlog';
import { Suite } from '../crypto/suites';
import type { GroupName } from '../tls/constants';
import type { QuicConnection } from '../transport/connection';
import { QuicArgumentError } from '../errors';
import { parsePort, type CipherSuiteName } from '../api/options';

/** TLS and version choices for connectWith()/listenWith(): cipher suites, key-exchange groups and (client) the QUIC version. */
export interface TlsChoices {
  /** TLS 1.3 cipher suites to offer or accept, by IANA name (TLS_AES_128_GCM_SHA256, ...); checked at run time. */
  cipherSuites?: CipherSuiteName[];
  /** Key-exchange groups: x25519, secp256r1, secp384r1; checked at run time. */
  groups?: GroupName[];
  /** Client: QUIC version 1 (default) or 2 (RFC 9369). */
  quicVersion?: 1 | 2;
}

const SUITE_NAMES: Record<string, Suite> = {
  TLS_AES_128_GCM_SHA256: Suite.Aes128Gcm, TLS_AES_256_GCM_SHA384: Suite.Aes256Gcm, TLS_CHACHA20_POLY1305_SHA256: Suite.ChaCha20Poly1305,
};
const GROUPS: GroupName[] = ['x25519', 'secp256r1', 'secp384r1'];

function suites(names?: readonly string[]): Suite[] | undefined {
  return names?.map((n) => {
    const s = SUITE_NAMES[n.toUpperCase()];
    if (s === undefined) throw new QuicArgumentError(`unknown cipher suite ${n} (known: ${Object.keys(SUITE_NAMES).join(', ')})`);
    return s;
  });
}
function groups(names?: readonly string[]): GroupName[] | undefined {
  return names?.map((n) => {
    if (!GROUPS.includes(n as GroupName)) throw new QuicArgumentError(`unknown group ${n} (known: ${GROUPS.join(', ')})`);
    return n as GroupName;
  });
}

/** connect() with TlsChoices. */
export async function connectWith(opts: ConnectOptions & TlsChoices): Promise<QuicConnection> {
  const { cipherSuites, groups: groupNames, quicVersion, ...base } = opts;
  if (!cipherSuites && !groupNames && (quicVersion ?? 1) === 1) return connect(base);
  const tls = { alpn: base.alpn, keyLog: base.keyLog, cipherSuites: suites(cipherSuites), groups: groups(groupNames) };
  const v6 = base.address.includes(':');
  const network = await UdpNetwork.bind({ address: base.localAddress ?? (v6 ? '::' : '0.0.0.0'), bufferSize: base.socketBufferSize });
  let endpoint: Endpoint | null = null;
  try {
    endpoint = createClientEndpoint({
      coreModule: loadCoreModule(), network, crypto: base.crypto ?? nodeCryptoProvider, tls, transport: base.transport,
      qlog: qlogOptions(base.qlogDir, base.qlogFormat),
    });
    const conn = endpoint.connectTo(network.pathTo({ address: base.address, port: parsePort(base.port, 'port', false) }), {
      serverName: base.serverName ?? base.address,
      trustAnchors: base.dangerouslySkipCertificateVerification ? undefined : base.trustAnchors ?? systemTrustAnchors(),
      dangerouslySkipCertificateVerification: base.dangerouslySkipCertificateVerification,
      certificate: base.certificate, psk: base.psk, session: base.session,
      version: quicVersion === 2 ? QUIC_V2 : QUIC_V1,
    });
    const ep = endpoint;
    conn.closed.then(() => ep.close(), () => ep.close()).catch(() => undefined);
    await conn.established;
    return conn;
  } catch (err) {
    if (endpoint) await endpoint.close().catch(() => undefined);
    else await network.close();
    throw err;
  }
}

/** listen() with cipher suites and groups. */
export async function listenWith(opts: ListenOptions & Omit<TlsChoices, 'quicVersion'>): Promise<QuicServer> {
  const { cipherSuites, groups: groupNames, ...base } = opts;
  if (!cipherSuites && !groupNames) return listen(base);
  const network = await UdpNetwork.bind({ address: base.address, port: base.port === undefined ? undefined : parsePort(base.port, 'port', true), bufferSize: base.socketBufferSize });
  try {
    const endpoint = createServerEndpoint({
      coreModule: loadCoreModule(), network, crypto: base.crypto ?? nodeCryptoProvider, certificate: base.certificate,
      clientAuth: base.clientAuth, clientTrustAnchors: base.clientTrustAnchors, psks: base.psks, sessionTickets: base.sessionTickets,
      tls: { alpn: base.alpn, keyLog: base.keyLog, cipherSuites: suites(cipherSuites), groups: groups(groupNames) },
      transport: base.transport, qlog: qlogOptions(base.qlogDir, base.qlogFormat), retry: base.retry, addressTokens: base.addressTokens,
    });
    return new QuicServer(endpoint, network);
  } catch (err) {
    await network.close();
    throw err;
  }
}
