// `quicwasm server --root DIR`: serves a directory over HTTP/3 and hq-interop on one
// UDP port; each connection gets the protocol of the ALPN its client picked.

import { createHash } from 'node:crypto';
import type { CipherSuiteName } from '../api/options';
import type { GroupName } from '../tls/constants';
import { appendFileSync, existsSync, readFileSync, statSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { H3ServerConnection, HQ_ALPN, fileHandler, generateSelfSigned, listenWith, parsePemCertificates, parsePemPrivateKey, serveHqConnection } from '../index';
import { QUIC_V2, type CertifiedKey, type QuicConnection } from '../index';
import { CliError, EXIT, parseCongestionControl, parseQuicVersion } from './errors';

export const SERVER_HELP = `Usage: quicwasm server --root DIR [options]

Serves the files under DIR over HTTP/3 (ALPN h3) and hq-interop (ALPN hq-interop).
Paths with ".." or leading outside DIR are refused (HTTP 403, hq-interop reset 0x11);
missing files are HTTP 404 / hq-interop reset 0x10.

Options:
      --root DIR         directory to serve (required)
      --host ADDR        address to bind (default 127.0.0.1; :: or 0.0.0.0 for all)
  -p, --port PORT        UDP port (default 4433; 0 picks a free one)
      --cert FILE        PEM certificate chain (with --key)
      --key FILE         PEM private key (with --cert)
                         without both: a self-signed certificate for localhost is made
                         and its SHA-256 fingerprint printed
      --alpn LIST        comma-separated protocols to offer (default h3,hq-interop)
      --cc ALGO          congestion control: cubic (default), newreno or vegas
      --cipher LIST      TLS cipher suites to accept, comma-separated, in preference order
      --group LIST       key-exchange groups to accept: x25519, secp256r1
      --qlog-dir DIR     write one qlog trace per connection into DIR
      --keylog FILE      append TLS secrets to FILE (SSLKEYLOGFILE format)
      --retry            answer every new client with Retry first (address validation,
                         RFC 9000 §8.1.2; default: only under load)
      --quic-version LIST  QUIC versions to accept, most preferred first: v1, v2, v1,v2
                         or v2,v1 (default v1,v2 keeping each client's choice); a client
                         starting in another version is moved (RFC 9368) or gets
                         Version Negotiation
      --0rtt             accept 0-RTT requests from resuming clients; early data can be
                         replayed by an attacker, harmless for this server's GETs of files
  -q, --quiet            log nothing but errors
  -h, --help             this help

Runs until interrupted (Ctrl-C), then sends GOAWAY and closes connections gracefully.`;

function loadCertificate(certFile: string, keyFile: string): CertifiedKey {
  const chain = parsePemCertificates(readFileSync(certFile, 'utf8'));
  if (!chain.length) throw new CliError(`no PEM certificate in ${certFile}`, EXIT.USAGE);
  let key;
  try {
    key = parsePemPrivateKey(readFileSync(keyFile, 'utf8'));
  } catch (e) {
    throw new CliError(`cannot read the private key in ${keyFile}: ${(e as Error).message}`, EXIT.USAGE);
  }
  return { chain, key };
}

/** Starts the server; resolves with a stop function once it is listening. */
export async function serverCommand(argv: string[], io: { stdout: NodeJS.WriteStream; stderr: NodeJS.WriteStream }): Promise<number | (() => Promise<void>)> {
  const { values: o, positionals } = parseArgs({
    args: argv, allowPositionals: true, strict: true,
    options: {
      root: { type: 'string' }, host: { type: 'string', default: '127.0.0.1' }, port: { type: 'string', short: 'p', default: '4433' },
      cert: { type: 'string' }, key: { type: 'string' }, alpn: { type: 'string', default: `h3,${HQ_ALPN}` }, cc: { type: 'string' },
      'qlog-dir': { type: 'string' }, keylog: { type: 'string' }, quiet: { type: 'boolean', short: 'q' }, help: { type: 'boolean', short: 'h' },
      retry: { type: 'boolean' }, 'quic-version': { type: 'string' }, cipher: { type: 'string' }, group: { type: 'string' }, '0rtt': { type: 'boolean' },
    },
  });
  if (o.help) { io.stdout.write(SERVER_HELP + '\n'); return EXIT.OK; }
  const versions = o['quic-version']?.split(',').map(parseQuicVersion);
  if (versions && new Set(versions).size !== versions.length) throw new CliError(`--quic-version lists a version twice: ${o['quic-version']}`, EXIT.USAGE);
  if (positionals.length) throw new CliError(`unexpected argument ${positionals[0]} (try quicwasm server --help)`, EXIT.USAGE);
  if (!o.root) throw new CliError('--root DIR is required (try quicwasm server --help)', EXIT.USAGE);
  if (!existsSync(o.root) || !statSync(o.root).isDirectory()) throw new CliError(`--root ${o.root} is not a directory`, EXIT.USAGE);
  const port = Number(o.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new CliError(`--port must be 0..65535, not ${o.port}`, EXIT.USAGE);
  if (!!o.cert !== !!o.key) throw new CliError('--cert and --key go together', EXIT.USAGE);
  const congestionControl = o.cc === undefined ? undefined : parseCongestionControl(o.cc);
  const alpn = o.alpn!.split(',').map((a) => a.trim()).filter(Boolean);
  if (!alpn.length || alpn.some((a) => a !== 'h3' && a !== HQ_ALPN)) throw new CliError(`--alpn takes h3 and/or ${HQ_ALPN}`, EXIT.USAGE);

  const log = (line: string) => { if (!o.quiet) io.stdout.write(line + '\n'); };
  let certificate: CertifiedKey;
  if (o.cert && o.key) {
    certificate = loadCertificate(o.cert, o.key);
  } else {
    certificate = generateSelfSigned({ subjectAltNames: ['localhost', '127.0.0.1', '::1'] });
    const fp = createHash('sha256').update(certificate.chain[0]).digest('hex').match(/../g)!.join(':').toUpperCase();
    log(`self-signed certificate for localhost, SHA-256 fingerprint ${fp}`);
    // Always printed: a client needs it (or --insecure) to connect.
    if (o.quiet) io.stdout.write(`fingerprint ${fp}\n`);
  }
  const root = o.root;
  const handler = fileHandler(root);
  const server = await listenWith({
    cipherSuites: o.cipher?.split(',') as CipherSuiteName[] | undefined, groups: o.group?.split(',') as GroupName[] | undefined,
    address: o.host, port, alpn, certificate, qlogDir: o['qlog-dir'],
    keyLog: o.keylog ? ((file) => (line: string) => appendFileSync(file, line + '\n'))(o.keylog) : undefined,
    transport: congestionControl ? { congestionControl } : undefined, retry: o.retry ? 'always' : undefined,
    versions, earlyData: o['0rtt'] || undefined,
  });
  const h3Conns = new Set<H3ServerConnection>();
  /** Serves one connection by its ALPN. One whose 0-RTT was accepted arrives before its handshake completes. */
  const serve = async (conn: QuicConnection, id: number) => {
    const early = conn.earlyData === 'accepted';
    // Early, the ALPN is the ticket's: with one ALPN offered it is that one; else wait for the handshake.
    const proto = conn.handshakeInfo?.alpn ?? (alpn.length === 1 ? alpn[0] : (await conn.established).alpn);
    if (proto === HQ_ALPN) {
      void serveHqConnection(conn, root);
    } else {
      const c = new H3ServerConnection(conn, handler);
      h3Conns.add(c);
      conn.closed.then(() => h3Conns.delete(c));
    }
    conn.closed.then((ci) => log(`connection #${id} closed: ${ci.reason || `code 0x${ci.code.toString(16)}`}`));
    const info = conn.handshakeInfo ?? await conn.established;
    log(`connection #${id}: ${info.alpn}, ${info.cipherSuite}, QUIC v${conn.version === QUIC_V2 ? 2 : 1}${info.resumed ? ', resumed' : ''}${early ? ', 0-RTT accepted' : ''}`);
  };
  let n = 0;
  void (async () => {
    for await (const conn of server) serve(conn, ++n).catch(() => undefined); // a failed handshake: its close is logged
  })();
  const { address, port: bound } = server.address;
  log(`serving ${root} on ${address.includes(':') ? `[${address}]` : address}:${bound} (UDP), ALPN ${alpn.join(', ')}, QUIC ${(versions ?? [1, 2]).map((v) => `v${v}`).join(', ')}${o['0rtt'] ? ', 0-RTT on' : ''}`);
  if (o.quiet) io.stdout.write(`port ${bound}\n`);
  return async () => {
    await Promise.all([...h3Conns].map((c) => c.shutdown(2000).catch(() => undefined)));
    await server.close();
  };
}
