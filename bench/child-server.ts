// A bench's server in a child process: the parent forks the bench file itself with
// `--serve KIND`, hands it a certificate through the environment, and waits for the
// `PORT n` line the child prints once it listens. Used by streams.ts and connect.ts.

import { fork, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { parsePemCertificates, parsePemPrivateKey } from '../host/tls/pki/pem';
import type { CertifiedKey } from '../host/tls/pki/index';
import { TS_NODE_ARGS } from './lib';

/** The certificate as PEM, the form that crosses the process boundary. */
export interface PemCertificate { certPem: string; keyPem: string }

/** Starts `file --serve kind` and resolves with the port it listens on. */
export function startChildServer(file: string, kind: string, cert: PemCertificate, args: string[] = []): Promise<{ child: ChildProcess; port: number }> {
  const child = fork(file, ['--serve', kind, ...args], {
    execArgv: TS_NODE_ARGS, env: { ...process.env, BENCH_CERT: JSON.stringify(cert) }, stdio: ['ignore', 'pipe', 'inherit', 'ipc'],
  });
  return new Promise((resolve, reject) => {
    createInterface({ input: child.stdout! }).on('line', (l) => { const m = /^PORT (\d+)$/.exec(l); if (m) resolve({ child, port: Number(m[1]) }); });
    child.once('exit', (code) => reject(new Error(`${kind} server exited (${code})`)));
  });
}

/** In the child: the certificate the parent handed over, as PEM and as a quicwasm certificate. */
export function childCertificate(): PemCertificate & { certified: CertifiedKey } {
  const pem = JSON.parse(process.env.BENCH_CERT!) as PemCertificate;
  return { ...pem, certified: { chain: parsePemCertificates(pem.certPem), key: parsePemPrivateKey(pem.keyPem) } };
}

/** In the child: tells the parent the port. */
export function announcePort(port: number): void {
  process.stdout.write(`PORT ${port}\n`);
}
