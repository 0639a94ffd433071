// Certificate chains made by the openssl command line (an X.509 implementation nobody
// here wrote), with any extensions its -extfile syntax can express, and `openssl verify`
// as a second opinion on each chain.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parsePemCertificates, parsePemPrivateKey, type CertifiedKey } from '../../host/tls/pki/index';

export interface OpensslCert {
  name: string;
  pem: string;
  der: Uint8Array;
  keyPath: string;
  certPath: string;
  key: CertifiedKey['key'];
}

export class OpensslChains {
  readonly dir = mkdtempSync(join(tmpdir(), 'quicwasm-pki-'));
  private n = 0;

  /**
   * A certificate for `cn` with `ext` (openssl extension lines, e.g.
   * "nameConstraints=critical,permitted;DNS:example.com"), signed by `issuer` or self-signed.
   */
  make(cn: string, ext: string[], issuer?: OpensslCert): OpensslCert {
    const id = `c${this.n++}`;
    const keyPath = join(this.dir, `${id}.key`), csr = join(this.dir, `${id}.csr`), certPath = join(this.dir, `${id}.pem`), extPath = join(this.dir, `${id}.ext`);
    writeFileSync(extPath, ext.join('\n') + '\n');
    execFileSync('openssl', ['req', '-new', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-subj', `/CN=${cn}`, '-keyout', keyPath, '-out', csr], { stdio: 'ignore' });
    const serial = String(1000 + this.n + Math.floor(Math.random() * 1e9));
    const sign = issuer ? ['-CA', issuer.certPath, '-CAkey', issuer.keyPath] : ['-signkey', keyPath];
    execFileSync('openssl', ['x509', '-req', '-in', csr, ...sign, '-set_serial', serial, '-days', '30', '-sha256', '-extfile', extPath, '-out', certPath], { stdio: 'ignore' });
    const pem = readFileSync(certPath, 'utf8');
    return { name: cn, pem, der: parsePemCertificates(pem)[0], keyPath, certPath, key: parsePemPrivateKey(readFileSync(keyPath, 'utf8')) };
  }

  ca(cn: string, extra: string[] = [], issuer?: OpensslCert): OpensslCert {
    return this.make(cn, ['basicConstraints=critical,CA:TRUE', 'keyUsage=critical,keyCertSign,cRLSign', ...extra], issuer);
  }

  leaf(cn: string, sans: string[], issuer: OpensslCert, extra: string[] = []): OpensslCert {
    return this.make(cn, ['basicConstraints=critical,CA:FALSE', 'keyUsage=critical,digitalSignature', 'extendedKeyUsage=serverAuth',
      `subjectAltName=${sans.join(',')}`, ...extra], issuer);
  }

  /** `openssl verify` of leaf + intermediates against `root`: "OK" or OpenSSL's error text. */
  opensslVerify(root: OpensslCert, leaf: OpensslCert, intermediates: OpensslCert[] = [], flags: string[] = []): string {
    const untrusted = join(this.dir, `u${this.n++}.pem`);
    writeFileSync(untrusted, intermediates.map((c) => c.pem).join(''));
    const args = ['verify', ...flags, '-CAfile', root.certPath, ...(intermediates.length ? ['-untrusted', untrusted] : []), leaf.certPath];
    const r = spawnSync('openssl', args, { encoding: 'utf8' });
    if (r.status === 0) return 'OK';
    const m = /error \d+ at \d+ depth lookup: (.*)/.exec(r.stdout + r.stderr);
    return m ? m[1] : (r.stdout + r.stderr).trim();
  }

  cleanup(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }
}
