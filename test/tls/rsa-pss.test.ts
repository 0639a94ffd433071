// RSA-PSS CertificateVerify verification (rsa_pss_rsae_*, RFC 9846 §4.2.3) against
// signatures made by node:crypto (OpenSSL) as the reference, plus the ways a signature
// must fail: a changed message or signature, a wrong salt length, a wrong hash, a key
// of another type.
import { generateKeyPairSync, sign as nodeSign, constants } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { verifySchemeSignature, Scheme } from '../../host/tls/pki/keys';
import { OID, type Certificate } from '../../host/tls/pki/x509';
import { parsePemCertificates, parsePemPrivateKey } from '../../host/tls/pki/index';
import '../../host/tls/pki/node-rsa'; // the Node entry point registers RSA signing the same way
import { makeSim, runUntil } from '../transport/sim';

function rsaCert(bits: number) {
  const { publicKey, privateKey } = generateKeyPairSync('rsa', { modulusLength: bits });
  const cert = { keyAlgorithm: OID.rsaEncryption, publicKey: new Uint8Array(publicKey.export({ type: 'pkcs1', format: 'der' })) } as unknown as Certificate;
  const pss = (hash: string, msg: Uint8Array, saltLength: number) =>
    new Uint8Array(nodeSign(hash, msg, { key: privateKey, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength }));
  return { cert, pss };
}

describe('RSA-PSS signature verification', () => {
  const message = new TextEncoder().encode('TLS 1.3, server CertificateVerify' + '\0'.repeat(10));

  test.each([
    [2048, 'sha256', Scheme.rsa_pss_rsae_sha256, 32],
    [2048, 'sha384', Scheme.rsa_pss_rsae_sha384, 48],
    [3072, 'sha512', Scheme.rsa_pss_rsae_sha512, 64],
    [2049, 'sha256', Scheme.rsa_pss_rsae_sha256, 32], // modulus bits not a multiple of 8: emLen < k
  ])('%i-bit key, %s: OpenSSL signatures verify; tampering does not', (bits, hash, scheme, hLen) => {
    const { cert, pss } = rsaCert(bits);
    const sig = pss(hash, message, hLen);
    expect(verifySchemeSignature(cert, scheme, message, sig)).toBe(true);
    const badSig = sig.slice(); badSig[10] ^= 1;
    expect(verifySchemeSignature(cert, scheme, message, badSig)).toBe(false);
    const badMsg = message.slice(); badMsg[0] ^= 1;
    expect(verifySchemeSignature(cert, scheme, badMsg, sig)).toBe(false);
    // TLS 1.3 fixes the salt length to the hash length.
    expect(verifySchemeSignature(cert, scheme, message, pss(hash, message, 20))).toBe(false);
    expect(verifySchemeSignature(cert, scheme, message, sig.subarray(1))).toBe(false);
    // A signature whose first byte is 0 stays the same integer without it: still refused
    // (RFC 8017 §8.1.2: S must be k octets). Found as a 1-in-256 failure of the line above.
    let zeroLed = sig;
    for (let i = 0; zeroLed[0] !== 0 && i < 2000; i++) zeroLed = pss(hash, message, hLen);
    expect(zeroLed[0]).toBe(0);
    expect(verifySchemeSignature(cert, scheme, message, zeroLed)).toBe(true);
    expect(verifySchemeSignature(cert, scheme, message, zeroLed.subarray(1))).toBe(false);
  }, 60_000);

  test('a signature made with another hash or checked against another key type fails', () => {
    const { cert, pss } = rsaCert(2048);
    const sig = pss('sha384', message, 48);
    expect(verifySchemeSignature(cert, Scheme.rsa_pss_rsae_sha256, message, sig)).toBe(false);
    const ecCert = { ...cert, keyAlgorithm: OID.ecPublicKey } as Certificate;
    expect(verifySchemeSignature(ecCert, Scheme.rsa_pss_rsae_sha384, message, sig)).toBe(false);
  });
});

describe('a server with an RSA certificate (our client and server, in memory)', () => {
  test('the server signs with RSA-PSS (PKCS#1 and PKCS#8 keys) and our client verifies it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'quicwasm-rsa-'));
    // PKCS#1 "RSA PRIVATE KEY" and PKCS#8 "PRIVATE KEY" both load.
    for (const format of ['-traditional', '']) {
      execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-subj', '/CN=localhost', '-addext', 'subjectAltName=DNS:localhost',
        '-days', '2', '-keyout', join(dir, 'k.pem'), '-out', join(dir, 'c.pem')], { stdio: 'ignore' });
      const keyPem = readFileSync(join(dir, 'k.pem'), 'utf8');
      const pem = format ? execFileSync('openssl', ['rsa', '-traditional', '-in', join(dir, 'k.pem')], { encoding: 'utf8' }) : keyPem;
      expect(pem).toContain(format ? 'BEGIN RSA PRIVATE KEY' : 'BEGIN PRIVATE KEY');
      const chain = parsePemCertificates(readFileSync(join(dir, 'c.pem'), 'utf8'));
      const sim = makeSim({ server: { certificate: { chain, key: parsePemPrivateKey(pem) } } });
      sim.server.accept().catch(() => undefined);
      const conn = sim.client.connectTo(0, { serverName: 'localhost', trustAnchors: [chain[0]] });
      let info: unknown = null;
      let failure: unknown = null;
      conn.established.then((i) => { info = i; }, (e) => { failure = e; });
      expect(await runUntil(sim.clock, () => info !== null || failure !== null)).toBe(true);
      expect(failure).toBeNull();
      expect(info).toMatchObject({ alpn: 'test' });
    }
  });
});
