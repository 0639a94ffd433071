// Plumbing the shape demos share: a certificate, a UDP client, the result type and the
// command line. Nothing here is specific to a shape.
import { connect } from '../../host/node';
import { generateSelfSigned, type CertifiedKey } from '../../host/tls/pki/selfsigned';
import type { QuicConnection } from '../../host/transport/connection';
import { ALPN, type Served } from './echo';
import { DEFAULT_LOAD, summary, type ClientLoad, type ClientReport } from './client';

/** What a shape demo's run() returns: the clients' view, the server's, and the summary line. */
export interface ShapeResult {
  report: ClientReport;
  /** Per connection the server served, in the order they ended. */
  served: Served[];
  line: string;
}

/** A self-signed certificate for localhost, made on the spot. */
export function demoCertificate(): CertifiedKey & { certPem: string; keyPem: string } {
  return generateSelfSigned({ subjectAltNames: ['localhost', '127.0.0.1', '::1'] });
}

/** Connection i of the load: a quicwasm client over UDP, verifying the demo certificate. */
export function udpClient(certificate: CertifiedKey, where: (i: number) => { address: string; port: number }): (i: number) => Promise<QuicConnection> {
  return (i) => connect({ ...where(i), alpn: [ALPN], serverName: 'localhost', trustAnchors: certificate.chain, timeoutMs: 20_000 });
}

/** Builds the result and its line. */
export function result(shape: string, report: ClientReport, served: Served[], load: ClientLoad, extra = ''): ShapeResult {
  const bytes = served.reduce((n, s) => n + s.bytes, 0);
  return { report, served, line: summary(shape, report, load, `${extra}${extra ? '; ' : ''}server: ${served.length} connections, ${bytes} bytes echoed`) };
}

/** `--connections N --streams N --bytes N` → a load. */
export function loadFromArgs(argv: string[]): ClientLoad {
  const load = { ...DEFAULT_LOAD };
  for (let i = 0; i < argv.length - 1; i++) {
    const k = argv[i].replace(/^--/, '') as keyof ClientLoad;
    if (k in load) load[k] = Number(argv[i + 1]);
  }
  return load;
}

/** Runs a demo from the command line: prints its line, exits 1 if any echo failed. */
export function main(run: (load: ClientLoad) => Promise<ShapeResult>): void {
  const load = loadFromArgs(process.argv.slice(2));
  run(load).then((r) => {
    console.log(r.line);
    process.exitCode = r.report.exact === load.connections * load.streams ? 0 : 1;
  }, (err) => {
    console.error(err);
    process.exitCode = 1;
  });
}
